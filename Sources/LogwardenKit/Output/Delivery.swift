#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import Synchronization

/// Sends notifications to Alertmanagers and webhooks from a thread of its own, so a slow or
/// dead receiver never slows reading or evaluation. Each request has a timeout; a failure is
/// retried after 1, 2, 4, 8, 16 s, then every 16 s, until it is delivered or every alert in
/// it has ended (its `endsAt` passed), when it is dropped and counted. The queue is bounded:
/// past `capacity` the oldest notification is dropped, and counted.
public final class Delivery: Sendable {
    public struct Target: Sendable, Hashable {
        public enum Kind: String, Sendable { case alertmanager, webhook }
        public var kind: Kind
        public var url: String
        /// `Authorization` header value (bearer token or basic auth); never logged.
        public var authorization: String?

        public init(kind: Kind, url: String, authorization: String? = nil) {
            self.kind = kind
            self.url = url
            self.authorization = authorization
        }

        /// The label value of the target in metrics: its URL without credentials or query.
        public var name: String {
            guard var c = URLComponents(string: url) else { return kind.rawValue }
            c.user = nil
            c.password = nil
            c.query = nil
            return c.string ?? kind.rawValue
        }
    }

    struct Job: Sendable {
        var id: Int
        var target: Target
        var body: String
        /// The latest `endsAt` of its alerts: after that it is worthless.
        var expires: EpochMillis
        var queued: Double
        var attempts = 0
        var nextTry: Double
    }

    struct Stats: Sendable {
        var outcomes: [String: Int] = [:]
        /// Latency histogram: counts per upper bound (seconds), sum and count.
        var buckets = Array(repeating: 0, count: Delivery.latencyBounds.count)
        var latencySum = 0.0
        var latencyCount = 0
    }

    static let latencyBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
    static let backoff: [Double] = [1, 2, 4, 8, 16]

    public let capacity: Int
    public let timeout: Double
    private let queue = Mutex<[Job]>([])
    private let nextID = Atomic<Int>(0)
    private let stats = Mutex(Stats())
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let send: @Sendable (Target, String, Double) -> Result<Int, DeliveryFailure>

    public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `send` is the HTTP POST (replaceable for tests); it returns the status code.
    public init(capacity: Int = 10_000, timeout: Double = 10,
                send: (@Sendable (Target, String, Double) -> Result<Int, DeliveryFailure>)? = nil) {
        self.capacity = capacity
        self.timeout = timeout
        self.send = send ?? Delivery.post
        let thread = Thread { [self] in self.run() }
        thread.name = "logwarden-delivery"
        thread.start()
    }

    public func enqueue(_ target: Target, body: String, expires: EpochMillis) {
        let now = SystemClock.monotonicSeconds()
        let id = nextID.add(1, ordering: .relaxed).newValue
        var dropped = 0
        queue.withLock { jobs in
            jobs.append(Job(id: id, target: target, body: body, expires: expires, queued: now, nextTry: now))
            while jobs.count > capacity {
                jobs.removeFirst()
                dropped += 1
            }
        }
        if dropped > 0 { count(target, "dropped_queue_full", dropped) }
        wakeup.signal()
    }

    public var queueLength: Int { queue.withLock { $0.count } }

    /// Waits up to `seconds` for the queue to empty (a `scan` before it exits); true if it did.
    public func drain(within seconds: Double) -> Bool {
        let deadline = SystemClock.monotonicSeconds() + seconds
        while queueLength > 0 {
            if SystemClock.monotonicSeconds() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    private func run() {
        while !stopping.load(ordering: .relaxed) {
            let now = SystemClock.monotonicSeconds()
            let due = queue.withLock { jobs -> Job? in
                guard let i = jobs.indices.min(by: { jobs[$0].nextTry < jobs[$1].nextTry }), jobs[i].nextTry <= now else { return nil }
                return jobs[i]
            }
            guard let job = due else {
                let next = queue.withLock { $0.map(\.nextTry).min() }
                _ = wakeup.wait(timeout: .now() + min(1, max(0.01, (next ?? now + 1) - now)))
                continue
            }
            attempt(job)
        }
    }

    private func attempt(_ job: Job) {
        let result = send(job.target, job.body, timeout)
        let ok: Bool
        switch result {
        case let .success(status):
            ok = (200..<300).contains(status)
            // A 4xx will not get better by sending the same body again.
            if (400..<500).contains(status), status != 408, status != 429 {
                remove(job)
                count(job.target, "rejected", 1)
                return
            }
        case .failure: ok = false
        }
        let now = SystemClock.monotonicSeconds()
        if ok {
            remove(job)
            count(job.target, "success", 1)
            stats.withLock { s in
                let latency = now - job.queued
                for (i, bound) in Self.latencyBounds.enumerated() where latency <= bound { s.buckets[i] += 1 }
                s.latencySum += latency
                s.latencyCount += 1
            }
            return
        }
        count(job.target, "retry", 1)
        if SystemClock.wallMillis() > job.expires {
            remove(job)
            count(job.target, "dropped_expired", 1)
            return
        }
        queue.withLock { jobs in
            guard let i = jobs.firstIndex(where: { $0.id == job.id }) else { return }
            let delay = Self.backoff[min(jobs[i].attempts, Self.backoff.count - 1)]
            jobs[i].attempts += 1
            jobs[i].nextTry = now + delay
        }
    }

    private func remove(_ job: Job) {
        queue.withLock { jobs in
            if let i = jobs.firstIndex(where: { $0.id == job.id }) {
                jobs.remove(at: i)
            }
        }
    }

    private func count(_ target: Target, _ outcome: String, _ n: Int) {
        stats.withLock { $0.outcomes[target.name + "\u{1}" + outcome, default: 0] += n }
    }

    /// logwarden_notifications_total{sink,outcome}, the queue length and the latency histogram.
    public func families() -> [MetricFamily] {
        let s = stats.withLock { $0 }
        var total = MetricFamily(name: "logwarden_notifications_total", help: "Notification attempts per receiver and outcome.", kind: .counter)
        for (key, n) in s.outcomes.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{1}", maxSplits: 1).map(String.init)
            total.samples.append(.init(labels: [("sink", parts[0]), ("outcome", parts.count > 1 ? parts[1] : "")], value: Double(n)))
        }
        let length = MetricFamily(name: "logwarden_notifications_queue_length", help: "Notifications waiting to be delivered.",
                                  kind: .gauge, samples: [.init(labels: [], value: Double(queueLength))])
        var latency = MetricFamily(name: "logwarden_notification_latency_seconds",
                                   help: "From queueing to delivery, per notification.", kind: .histogram)
        for (i, bound) in Self.latencyBounds.enumerated() {
            latency.samples.append(.init(labels: [("le", JSON.double(bound).rendered)], value: Double(s.buckets[i]), suffix: "_bucket"))
        }
        latency.samples.append(.init(labels: [("le", "+Inf")], value: Double(s.latencyCount), suffix: "_bucket"))
        latency.samples.append(.init(labels: [], value: s.latencySum, suffix: "_sum"))
        latency.samples.append(.init(labels: [], value: Double(s.latencyCount), suffix: "_count"))
        return [total, length, latency]
    }

    /// An HTTP POST of JSON with a timeout; the status code, or why there is none.
    static func post(_ target: Target, _ body: String, _ timeout: Double) -> Result<Int, DeliveryFailure> {
        var path = target.url
        if target.kind == .alertmanager {
            path = path.hasSuffix("/") ? String(path.dropLast()) : path
            path += "/api/v2/alerts"
        }
        guard let url = URL(string: path) else { return .failure(DeliveryFailure(description: "not a URL")) }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("logwarden/\(ScanMetrics.version)", forHTTPHeaderField: "User-Agent")
        if let auth = target.authorization { request.setValue(auth, forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Int, DeliveryFailure>>(.failure(DeliveryFailure(description: "timed out")))
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                outcome.withLock { $0 = .failure(DeliveryFailure(description: error.localizedDescription)) }
            } else if let http = response as? HTTPURLResponse {
                outcome.withLock { $0 = .success(http.statusCode) }
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut { task.cancel() }
        return outcome.withLock { $0 }
    }
}
