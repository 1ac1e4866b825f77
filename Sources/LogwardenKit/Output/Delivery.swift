import Foundation
import Synchronization

/// Sends notifications to Alertmanagers and webhooks from a thread of its own, so a slow or
/// dead receiver never slows reading or evaluation. Each request has a timeout; a failure is
/// retried after 1, 2, 4, 8, 16 s, then every 16 s, until it is delivered or every alert in
/// it has ended (its `endsAt` passed), when it is dropped and counted. The queue is bounded:
/// past `capacity` the oldest notification is dropped, and counted.
///
/// Each receiver gets its notifications in the order they were queued: while the oldest one
/// waits for a retry, the later ones wait behind it, so a resolution never overtakes the
/// firing notification it ends.
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
        /// When it was queued, on the wall clock: it survives a restart in the outbox.
        var queuedAt: EpochMillis
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

    /// `send` is the HTTP POST (replaceable for tests); it returns the status code. `client`
    /// posts to Alertmanagers (it may trust an extra CA); webhooks use the system's CAs.
    public init(capacity: Int = 10_000, timeout: Double = 10, client: HTTPClient = HTTPClient(),
                send: (@Sendable (Target, String, Double) -> Result<Int, DeliveryFailure>)? = nil) {
        self.capacity = capacity
        self.timeout = timeout
        self.send = send ?? { target, body, timeout in
            Delivery.post(target, body, timeout, client: target.kind == .alertmanager ? client : HTTPClient())
        }
        let thread = Thread { [self] in self.run() }
        thread.name = "logwarden-delivery"
        thread.start()
    }

    /// Queues a notification; one whose alerts have all ended (a replay of old logs) is
    /// dropped and counted at once, as it would be after a failed attempt.
    public func enqueue(_ target: Target, body: String, expires: EpochMillis) {
        guard expires >= SystemClock.wallMillis() else {
            count(target, "dropped_expired", 1)
            return
        }
        let id = nextID.add(1, ordering: .relaxed).newValue
        append([Job(id: id, target: target, body: body, expires: expires, queuedAt: SystemClock.wallMillis(),
                    queued: SystemClock.monotonicSeconds(), nextTry: 0)])
    }

    private func append(_ new: [Job]) {
        var dropped: [Target: Int] = [:]
        queue.withLock { jobs in
            jobs.append(contentsOf: new)
            while jobs.count > capacity {
                dropped[jobs.removeFirst().target, default: 0] += 1
            }
        }
        for (target, n) in dropped { count(target, "dropped_queue_full", n) }
        wakeup.signal()
    }

    public var queueLength: Int { queue.withLock { $0.count } }

    static let outcomes = ["success", "retry", "rejected", "dropped_expired", "dropped_queue_full"]

    /// Exports every outcome of these receivers at 0 before the first notification, so that
    /// `rate()` and alerts on failures work from the start.
    public func declare(_ targets: [Target]) {
        stats.withLock { s in
            for t in targets {
                for o in Self.outcomes { s.outcomes[t.name + "\u{1}" + o, default: 0] += 0 }
            }
        }
    }

    /// What waits to be delivered, oldest first, as the state file's outbox keeps it.
    public func pending() -> [OutboxEntry] {
        queue.withLock { jobs in
            jobs.map { OutboxEntry(id: Int64($0.id), kind: $0.target.kind.rawValue, url: $0.target.url, body: $0.body,
                                   expires: $0.expires, queuedAt: $0.queuedAt) }
        }
    }

    /// Queues again what an earlier run left undelivered, for the receivers still configured
    /// (matched by kind and URL, so credentials come from this run's flags). What has ended
    /// is dropped and counted. Returns how many entries have no receiver any more.
    @discardableResult
    public func restore(_ entries: [OutboxEntry], targets: [Target]) -> Int {
        let now = SystemClock.wallMillis()
        let monotonic = SystemClock.monotonicSeconds()
        var orphans = 0
        var jobs: [Job] = []
        for e in entries.sorted(by: { $0.id < $1.id }) {
            guard let target = targets.first(where: { $0.kind.rawValue == e.kind && $0.url == e.url }) else {
                orphans += 1
                continue
            }
            if e.expires < now {
                count(target, "dropped_expired", 1)
                continue
            }
            jobs.append(Job(id: Int(e.id), target: target, body: e.body, expires: e.expires, queuedAt: e.queuedAt,
                            queued: monotonic - Double(max(0, now - e.queuedAt)) / 1000, nextTry: 0))
        }
        // New notifications are numbered after the restored ones, so the outbox keeps their order.
        let highest = entries.map { Int($0.id) }.max() ?? 0
        if nextID.load(ordering: .relaxed) < highest { nextID.store(highest, ordering: .relaxed) }
        queue.withLock { $0.insert(contentsOf: jobs, at: 0) }
        wakeup.signal()
        return orphans
    }

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
                Self.heads(jobs).first { $0.nextTry <= now }
            }
            guard let job = due else {
                let next = queue.withLock { Self.heads($0).map(\.nextTry).min() }
                _ = wakeup.wait(timeout: .now() + min(1, max(0.01, (next ?? now + 1) - now)))
                continue
            }
            attempt(job)
        }
    }

    /// The oldest job of each receiver: the only one it may be sent.
    static func heads(_ jobs: [Job]) -> [Job] {
        var seen = Set<Target>()
        return jobs.filter { seen.insert($0.target).inserted }
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

    /// POSTs to a target: Alertmanager's API path under its URL, a webhook's URL as given.
    static func post(_ target: Target, _ body: String, _ timeout: Double, client: HTTPClient) -> Result<Int, DeliveryFailure> {
        var url = target.url
        if target.kind == .alertmanager {
            url = url.hasSuffix("/") ? String(url.dropLast()) : url
            url += "/api/v2/alerts"
        }
        let headers = target.authorization.map { ["Authorization: " + $0] } ?? []
        return client.post(url: url, body: body, headers: headers, timeout: timeout)
    }
}
