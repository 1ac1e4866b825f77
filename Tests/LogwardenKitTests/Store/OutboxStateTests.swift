import Foundation
import Testing
@testable import LogwardenKit

/// The outbox is committed with the rest of the state and comes back whole after a restart:
/// undelivered notifications in order, and when each firing alert was last sent.
struct OutboxStateTests {
    func open(_ path: String) throws -> RunState {
        let patterns = PatternSet(patterns: [], classes: [])
        return try RunState(file: StateFile(path: path), patterns: patterns, engine: nil, retention: 86_400_000)
    }

    @Test func undeliveredNotificationsSurviveARestart() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.db"
        let a = OutboxEntry(id: 1, kind: "alertmanager", url: "http://am:9093", body: "[a]", expires: 2_000, queuedAt: 1_000)
        let b = OutboxEntry(id: 2, kind: "webhook", url: "http://hook", body: "{b}", expires: 3_000, queuedAt: 1_500)
        let c = OutboxEntry(id: 3, kind: "alertmanager", url: "http://am:9093", body: "[c]", expires: 4_000, queuedAt: 1_600)

        do {
            let state = try open(path)
            #expect(state.restoredOutbox == Outbox())
            var outbox = Outbox(entries: [a, b], lastSent: ["fp1": 1_000, "fp2": 1_200])
            state.outboxSource = { outbox }
            var counts = MatchCounts(patterns: PatternSet(patterns: [], classes: []))
            try state.commit(&counts)
            // a delivered, c queued, fp2 resolved: only the difference is written.
            outbox = Outbox(entries: [b, c], lastSent: ["fp1": 1_900])
            try state.commitOutbox()
        }
        let again = try open(path)
        #expect(again.restoredOutbox == Outbox(entries: [b, c], lastSent: ["fp1": 1_900]))
    }
}
