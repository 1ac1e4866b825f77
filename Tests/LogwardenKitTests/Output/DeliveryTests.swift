import Foundation
import Synchronization
import Testing
@testable import LogwardenKit

/// Delivery on its own thread: retried with backoff until delivered, dropped (and counted)
/// when its alerts have ended, bounded in memory.
struct DeliveryTests {
    final class FakeReceiver: Sendable {
        let calls = Mutex<[String]>([])
        let failuresLeft: Mutex<Int>
        init(failing: Int) { failuresLeft = Mutex(failing) }
        func send(_ target: Delivery.Target, _ body: String, _ timeout: Double) -> Result<Int, Delivery.DeliveryFailure> {
            calls.withLock { $0.append(body) }
            return failuresLeft.withLock { n in
                if n > 0 {
                    n -= 1
                    return .failure(Delivery.DeliveryFailure(description: "connection refused"))
                }
                return .success(200)
            }
        }
    }

    let target = Delivery.Target(kind: .alertmanager, url: "http://user:secret@am.example:9093/?x=1")

    func outcomes(_ d: Delivery) -> [String: Double] {
        var out: [String: Double] = [:]
        for s in d.families()[0].samples { out[s.labels.first { $0.name == "outcome" }!.value] = s.value }
        return out
    }

    @Test func aFailedSendIsRetriedUntilDelivered() {
        let receiver = FakeReceiver(failing: 1)
        let d = Delivery(send: { receiver.send($0, $1, $2) })
        d.enqueue(target, body: "[1]", expires: SystemClock.wallMillis() + 60_000)
        #expect(d.drain(within: 5))
        #expect(receiver.calls.withLock { $0 } == ["[1]", "[1]"])
        #expect(outcomes(d) == ["retry": 1, "success": 1])
        // The sink label never carries credentials.
        #expect(d.families()[0].samples.allSatisfy { !$0.labels.contains { $0.value.contains("secret") } })
    }

    @Test func aNotificationWhoseAlertsEndedIsDroppedAndCounted() {
        let receiver = FakeReceiver(failing: 100)
        let d = Delivery(send: { receiver.send($0, $1, $2) })
        d.enqueue(target, body: "[old]", expires: SystemClock.wallMillis() - 1)
        #expect(d.drain(within: 5))
        #expect(outcomes(d)["dropped_expired"] == 1)
    }

    @Test func theQueueIsBounded() {
        let receiver = FakeReceiver(failing: 1_000_000)
        let d = Delivery(capacity: 3, send: { receiver.send($0, $1, $2) })
        for i in 0..<10 { d.enqueue(target, body: "[\(i)]", expires: SystemClock.wallMillis() + 600_000) }
        #expect(d.queueLength == 3)
        #expect(outcomes(d)["dropped_queue_full"] == 7)
    }

    @Test func aReceiverGetsItsNotificationsInOrderWhileAnotherIsDown() {
        let down = Delivery.Target(kind: .alertmanager, url: "http://down.example")
        let up = Delivery.Target(kind: .webhook, url: "http://up.example")
        let failures = Mutex(2)
        let calls = Mutex<[String]>([])
        let d = Delivery(send: { target, body, _ in
            calls.withLock { $0.append(target.url + " " + body) }
            if target.url == down.url {
                let fail = failures.withLock { n in n -= 1; return n >= 0 }
                if fail { return .failure(.init(description: "connection refused")) }
            }
            return .success(200)
        })
        let expires = SystemClock.wallMillis() + 60_000
        d.enqueue(down, body: "firing", expires: expires)
        d.enqueue(up, body: "firing", expires: expires)
        d.enqueue(down, body: "resolved", expires: expires)
        d.enqueue(up, body: "resolved", expires: expires)
        #expect(d.drain(within: 10))
        let sent = calls.withLock { $0 }
        // The resolution waits behind the firing notification it ends; the other receiver does not wait.
        #expect(sent.filter { $0.hasPrefix(down.url) } == Array(repeating: down.url + " firing", count: 3) + [down.url + " resolved"])
        #expect(sent.filter { $0.hasPrefix(up.url) } == [up.url + " firing", up.url + " resolved"])
        #expect(sent.firstIndex(of: up.url + " resolved")! < sent.lastIndex(of: down.url + " firing")!)
    }

    @Test func theOutboxIsRestoredInOrderForReceiversStillConfigured() {
        let receiver = FakeReceiver(failing: 0)
        let d = Delivery(send: { receiver.send($0, $1, $2) })
        let now = SystemClock.wallMillis()
        let entries = [
            OutboxEntry(id: 7, kind: "alertmanager", url: target.url, body: "[second]", expires: now + 60_000, queuedAt: now - 5_000),
            OutboxEntry(id: 3, kind: "alertmanager", url: target.url, body: "[first]", expires: now + 60_000, queuedAt: now - 9_000),
            OutboxEntry(id: 4, kind: "alertmanager", url: target.url, body: "[ended]", expires: now - 1, queuedAt: now - 9_000),
            OutboxEntry(id: 5, kind: "webhook", url: "http://gone.example", body: "[orphan]", expires: now + 60_000, queuedAt: now),
        ]
        #expect(d.restore(entries, targets: [target]) == 1)
        d.enqueue(target, body: "[new]", expires: now + 60_000)
        #expect(d.pending().map(\.id) == [3, 7, 8])
        #expect(d.drain(within: 5))
        #expect(receiver.calls.withLock { $0 } == ["[first]", "[second]", "[new]"])
        #expect(outcomes(d)["dropped_expired"] == 1)
    }
}
