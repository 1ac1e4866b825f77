import Foundation
import Glibc
import Testing
@testable import LogwardenKit

/// A `scan --state` killed after printing a batch and before forgetting it: the next run
/// finds the batch in the stdout file from the committed mark, and only what is missing.
struct OutputMarkTests {
    func transition(_ rule: String) -> AlertTransition {
        let alert = Alert(labels: Labels([("alertname", rule)]), elementLabels: Labels(), annotations: [], state: .firing,
                          value: 1, activeAt: 1_000, firedAt: 61_000, resolvedAt: nil, keepFiringSince: nil)
        return AlertTransition(kind: .firing, alert: alert, rule: rule, group: "g", evalTime: 61_000, evidence: .none)
    }

    func rendered(_ t: AlertTransition) -> [UInt8] { Array((t.json.rendered + "\n").utf8) }

    func open(_ path: String, stdout fd: Int32) throws -> RunState {
        let state = try RunState(file: StateFile(path: path), patterns: PatternSet(patterns: [], classes: []),
                                 engine: nil, retention: 86_400_000)
        state.holdsOutput = true
        state.outputMark = { OutputMark.current(fd) }
        return state
    }

    /// Commits `a` and `b` with stdout at `fd`, writes `written` of them, and stops there.
    func interruptedRun(_ dir: String, fd: Int32, written: Int) throws -> [AlertTransition] {
        let state = try open(dir + "/state.db", stdout: fd)
        let batch = [transition("A"), transition("B")]
        batch.forEach(state.record)
        var counts = MatchCounts(patterns: PatternSet(patterns: [], classes: []))
        try state.commit(&counts)
        for t in batch.prefix(written) { _ = rendered(t).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
        return batch
    }

    @Test(arguments: [0, 1, 2]) func aRerunFindsWhatTheKilledRunPrinted(written: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fd = Glibc.open(dir + "/out.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(fd) }
        _ = Array("earlier output\n".utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let batch = try interruptedRun(dir, fd: fd, written: written)

        do {
            let again = try open(dir + "/state.db", stdout: fd)
            #expect(again.restoredUnprinted.map(\.rule) == ["A", "B"])
            let mark = try #require(again.restoredMark)
            #expect(mark.offset == 15)
            #expect(mark.alreadyWritten(batch.map(rendered), fd: fd) == written)
            try again.printed()
        }
        #expect(try open(dir + "/state.db", stdout: fd).restoredMark == nil)
    }

    @Test func anotherFileOrAPipeHoldsNothing() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fd = Glibc.open(dir + "/out.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(fd) }
        let batch = try interruptedRun(dir, fd: fd, written: 2)
        let mark = try #require(try open(dir + "/state.db", stdout: fd).restoredMark)
        let other = Glibc.open(dir + "/other.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(other) }
        for t in batch { _ = rendered(t).withUnsafeBytes { write(other, $0.baseAddress, $0.count) } }
        #expect(mark.alreadyWritten(batch.map(rendered), fd: other) == 0)
        var pipe: [Int32] = [0, 0]
        #expect(Glibc.pipe(&pipe) == 0)
        defer { close(pipe[0]); close(pipe[1]) }
        #expect(OutputMark.current(pipe[1]) == nil)
        #expect(mark.alreadyWritten(batch.map(rendered), fd: pipe[1]) == 0)
    }
}
