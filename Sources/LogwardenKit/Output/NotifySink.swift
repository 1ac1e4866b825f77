/// Hands firing and resolved alerts to Alertmanagers and webhooks (pending ones are not
/// sent, as in Prometheus), and re-sends those still firing every `resendDelay` so that
/// Alertmanager keeps them open.
public final class NotifySink: AlertSink {
    public struct Options: Sendable {
        public var resendDelay: Int64 = 60_000
        public var externalLabels: [(name: String, value: String)] = []
        /// Where alerts link back to (logwarden's --listen address, if any).
        public var externalURL = ""
        public init() {}
    }

    public let targets: [Delivery.Target]
    public let delivery: Delivery
    public let options: Options
    /// A rule group's interval, for how long a firing alert stays valid.
    private let groupInterval: (String) -> Int64
    /// When each firing alert (by fingerprint) was last sent.
    private var lastSent: [String: EpochMillis] = [:]

    public init(targets: [Delivery.Target], delivery: Delivery, options: Options, groupInterval: @escaping (String) -> Int64) {
        self.targets = targets
        self.delivery = delivery
        self.options = options
        self.groupInterval = groupInterval
        delivery.declare(targets)
    }

    public func emit(_ t: AlertTransition) {
        guard t.kind != .pending else { return }
        send([t], at: t.evalTime)
    }

    /// Re-sends alerts still firing whose last send is `resendDelay` old (call it often).
    /// `now` is the evaluation time the alerts are valid from: the wall clock live, the last
    /// evaluation in a `scan`.
    public func resend(_ firing: [AlertTransition], now: EpochMillis) {
        let due = firing.filter { t in
            let n = notification(t)
            return now - (lastSent[n.fingerprint] ?? .min / 2) >= options.resendDelay
        }
        if !due.isEmpty { send(due, at: now) }
    }

    /// The undelivered notifications and the last send of each firing alert, for the state file.
    public func outbox() -> Outbox {
        Outbox(entries: delivery.pending(), lastSent: lastSent)
    }

    /// Continues from what an earlier run left: its undelivered notifications are queued
    /// first, and re-sends keep their rhythm. Returns how many entries lost their receiver.
    @discardableResult
    public func restore(_ outbox: Outbox) -> Int {
        lastSent.merge(outbox.lastSent) { _, saved in saved }
        return delivery.restore(outbox.entries, targets: targets)
    }

    public func finish() {}

    private func notification(_ t: AlertTransition) -> AlertNotification {
        AlertNotification(t, externalLabels: options.externalLabels,
                          validFor: 4 * max(groupInterval(t.group), options.resendDelay), generatorURL: options.externalURL)
    }

    private func send(_ transitions: [AlertTransition], at now: EpochMillis) {
        let alerts = transitions.map(notification)
        for a in alerts {
            if a.resolved { lastSent[a.fingerprint] = nil } else { lastSent[a.fingerprint] = now }
        }
        // Worth delivering while Alertmanager could still hold the alert open: a firing one
        // until its endsAt, a resolution until the endsAt last sent for it has passed too.
        let expires = zip(alerts, transitions).map { a, t in
            a.resolved ? a.endsAt + 4 * max(groupInterval(t.group), options.resendDelay) : a.endsAt
        }.max() ?? now
        for target in targets {
            switch target.kind {
            case .alertmanager:
                delivery.enqueue(target, body: AlertNotification.alertmanagerBody(alerts), expires: expires)
            case .webhook:
                // One body per alert group (alertname), as Alertmanager groups by default.
                let groups = Dictionary(grouping: alerts) { a in a.labels.first { $0.name == "alertname" }?.value ?? "" }
                for name in groups.keys.sorted() {
                    delivery.enqueue(target, body: AlertNotification.webhookBody(groups[name]!, receiver: "logwarden",
                                                                                 externalURL: options.externalURL),
                                     expires: expires)
                }
            }
        }
    }
}

/// Several sinks as one: the console and the notifiers see every transition.
public final class FanOutSink: AlertSink {
    public let sinks: [any AlertSink]
    public init(_ sinks: [any AlertSink]) { self.sinks = sinks }
    public func emit(_ t: AlertTransition) { for s in sinks { s.emit(t) } }
    public func finish() { for s in sinks { s.finish() } }
}
