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
}
