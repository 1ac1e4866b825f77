import Foundation
import Logging
import Testing
@testable import LogwardenKit

/// Every rotation case of the follower, one test each, driven step by step: each `check`
/// is one look at the files, so no test depends on timing. (Tests/Live runs the same cases
/// against real writers and logrotate.)
@Suite struct FollowerTests {
    /// What a follower delivered, as text per input name, and the events in order.
    final class Reader {
        var text: [String: String] = [:]
        var names: [Int: String] = [:]
        var events: [String] = []

        func handle(_ event: FollowEvent) {
            switch event {
            case let .opened(id, name, _, _, _):
                names[id] = name
                events.append("opened \(name)")
            case let .data(id, bytes):
                text[names[id]!, default: ""] += String(decoding: bytes, as: UTF8.self)
            case let .restarted(id): events.append("restarted \(names[id]!)")
            case let .closed(id): events.append("closed \(names[id]!)")
            }
        }
    }

    let dir = temporaryDirectory()
    var log: String { dir + "/app.log" }

    func follower(_ specs: [String]? = nil, fromBeginning: Bool = false) -> Follower {
        var options = Follower.Options(fromBeginning: fromBeginning, pollInterval: 1000)
        options.rotateWait = 0
        return Follower(specs: specs ?? [log], options: options, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    func append(_ text: String, to path: String? = nil) {
        let h = FileHandle(forWritingAtPath: path ?? log) ?? {
            _ = FileManager.default.createFile(atPath: path ?? log, contents: nil)
            return FileHandle(forWritingAtPath: path ?? log)!
        }()
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        h.closeFile()
    }

    /// A check a rescan away from the last (the poll interval has passed).
    var tick: EpochMillis { SystemClock.wallMillis() + 10_000 }

    @Test func existingFileIsReadFromItsEndUnlessFromBeginning() {
        write("old 1\nold 2\n", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("new\n")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "new\n")

        let r2 = Reader(), f2 = follower(fromBeginning: true)
        _ = f2.check(now: tick, r2.handle)
        #expect(r2.text[log] == "old 1\nold 2\nnew\n")
    }

    @Test func missingFileIsWaitedForAndReadFromItsStart() {
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        #expect(r.events.isEmpty)
        write("first\n", to: log)
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "first\n")
    }

    @Test func appendsArriveInOrder() {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        for i in 1...3 {
            append("line \(i)\n")
            _ = f.check(now: tick, r.handle)
        }
        #expect(r.text[log] == "line 1\nline 2\nline 3\n")
    }

    @Test func renameRotationReadsTheOldFileToItsEndFirst() throws {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("a\n")
        _ = f.check(now: tick, r.handle)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        append("b (written to the old file after the rename)\n", to: log + ".1")
        write("c\n", to: log)
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "a\nb (written to the old file after the rename)\nc\n")
        _ = f.check(now: tick, r.handle)
        #expect(r.events == ["opened \(log)", "opened \(log)", "closed \(log)"])
    }

    @Test func deleteAndRecreateReadsTheDeletedFileToItsEnd() throws {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("a\n")
        try FileManager.default.removeItem(atPath: log)
        write("b\n", to: log)
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "a\nb\n")
    }

    @Test func copytruncateReadsWhatOnlyTheCopyHas() {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("read before the copy\n")
        _ = f.check(now: tick, r.handle)
        append("written before the copy, not read yet\n")
        _ = shell("cp \(log) \(log).1 && : > \(log)")
        append("after the truncation\n")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "read before the copy\nwritten before the copy, not read yet\nafter the truncation\n")
        #expect(r.events == ["opened \(log)", "restarted \(log)"])
    }

    @Test func truncationStartsOver() {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("a long first line\n")
        _ = f.check(now: tick, r.handle)
        _ = shell(": > \(log)")
        append("b\n")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "a long first line\nb\n")
        #expect(r.events.last == "restarted \(log)")
    }

    @Test func truncatedAndRewrittenPastTheOffsetIsNoticedByItsFirstBytes() {
        write("", to: log)
        let r = Reader(), f = follower()
        _ = f.check(now: tick, r.handle)
        append("one\n")
        _ = f.check(now: tick, r.handle)
        _ = shell(": > \(log)")
        append("a longer line that passes the old offset\n")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[log] == "one\na longer line that passes the old offset\n")
    }

    @Test func globPicksUpNewFilesFromTheirStart() {
        write("x\n", to: dir + "/a.log")
        let r = Reader(), f = follower([dir + "/*.log"])
        _ = f.check(now: tick, r.handle)
        write("y\n", to: dir + "/b.log")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[dir + "/a.log"] == nil)
        #expect(r.text[dir + "/b.log"] == "y\n")
    }

    @Test func renameWithinTheGlobIsTheSameFile() throws {
        write("", to: dir + "/a.log")
        let r = Reader(), f = follower([dir + "/*.log"])
        _ = f.check(now: tick, r.handle)
        append("1\n", to: dir + "/a.log")
        _ = f.check(now: tick, r.handle)
        try FileManager.default.moveItem(atPath: dir + "/a.log", toPath: dir + "/b.log")
        append("2\n", to: dir + "/b.log")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[dir + "/a.log"] == "1\n2\n")
        #expect(r.text[dir + "/b.log"] == nil)
    }

    @Test func unreadableFileIsRetriedAndOthersGoOn() throws {
        guard getuid() != 0 else { return }  // root reads everything
        write("secret\n", to: dir + "/locked.log")
        chmod(dir + "/locked.log", 0)
        write("", to: dir + "/open.log")
        let r = Reader(), f = follower([dir + "/locked.log", dir + "/open.log"])
        _ = f.check(now: tick, r.handle)
        append("ok\n", to: dir + "/open.log")
        _ = f.check(now: tick, r.handle)
        #expect(r.text[dir + "/open.log"] == "ok\n")
        chmod(dir + "/locked.log", 0o644)
        _ = f.check(now: tick + 120_000, r.handle)
        #expect(r.text[dir + "/locked.log"] == "secret\n")
    }

    @Test func lagIsWhatIsWrittenButNotRead() {
        write("", to: log)
        var options = Follower.Options(pollInterval: 1000)
        options.readBudget = 4
        let f = Follower(specs: [log], options: options, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let r = Reader()
        _ = f.check(now: tick, r.handle)
        append("0123456789\n")
        let more = f.check(now: tick, r.handle)
        #expect(more)
        #expect(f.inputs.first?.lagBytes == 7)
        #expect(f.inputs.first?.bytesRead == 4)
    }
}
