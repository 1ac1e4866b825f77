/// One alert as Alertmanager receives it, built from a firing or resolved transition the
/// way Prometheus's notifier does: `startsAt` is when it fired, `endsAt` the resolve time,
/// or, while it fires, a time far enough ahead that it stays open until the next re-send.
public struct AlertNotification: Sendable, Equatable {
    public var labels: [(name: String, value: String)]
    public var annotations: [(name: String, value: String)]
    public var startsAt: EpochMillis
    public var endsAt: EpochMillis
    public var generatorURL: String
    public var resolved: Bool

    public static func == (a: AlertNotification, b: AlertNotification) -> Bool { a.json.rendered == b.json.rendered }

    /// `externalLabels` are added unless the alert has them (`instance`, a fleet's `host`).
    /// `validFor` is 4 × max(group interval, resend delay), as Prometheus computes it.
    public init(_ t: AlertTransition, externalLabels: [(name: String, value: String)], validFor: Int64, generatorURL: String = "") {
        var labels = t.alert.labels.pairs
        for l in externalLabels where !labels.contains(where: { $0.name == l.name }) { labels.append(l) }
        self.labels = labels.sorted { $0.name < $1.name }
        annotations = t.alert.annotations
        startsAt = t.alert.firedAt ?? t.alert.activeAt
        resolved = t.kind == .resolved
        endsAt = resolved ? (t.alert.resolvedAt ?? t.evalTime) : t.evalTime + validFor
        self.generatorURL = generatorURL
    }

    /// Alertmanager's identity of an alert: FNV-1a over its sorted labels, as
    /// prometheus/common's LabelSet.Fingerprint, in 16 hex digits.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for b in bytes {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        for l in labels.sorted(by: { $0.name < $1.name }) {
            mix(l.name.utf8)
            mix([0xFF])
            mix(l.value.utf8)
            mix([0xFF])
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// An element of `POST /api/v2/alerts`.
    public var json: JSON {
        .object([
            ("labels", .labels(labels)),
            ("annotations", .object(annotations.map { ($0.name, .string($0.value)) })),
            ("startsAt", .time(startsAt)),
            ("endsAt", .time(endsAt)),
            ("generatorURL", .string(generatorURL)),
        ])
    }

    /// The body of `POST /api/v2/alerts`.
    public static func alertmanagerBody(_ alerts: [AlertNotification]) -> String {
        JSON.array(alerts.map(\.json)).rendered
    }

    /// The body Alertmanager posts to a webhook receiver (version 4), for alerts of one group
    /// (one alertname), so receivers written for Alertmanager take logwarden's directly.
    public static func webhookBody(_ alerts: [AlertNotification], receiver: String, externalURL: String) -> String {
        let common = { (pairs: [[(name: String, value: String)]]) -> [(name: String, value: String)] in
            guard let first = pairs.first else { return [] }
            return first.filter { l in pairs.allSatisfy { $0.contains { $0.name == l.name && $0.value == l.value } } }
        }
        let commonLabels = common(alerts.map(\.labels))
        let groupLabels = commonLabels.filter { $0.name == "alertname" }
        let groupKey = "{}:{" + groupLabels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        let firing = alerts.contains { !$0.resolved }
        return JSON.object([
            ("receiver", .string(receiver)),
            ("status", .string(firing ? "firing" : "resolved")),
            ("alerts", .array(alerts.map { a in
                .object([
                    ("status", .string(a.resolved ? "resolved" : "firing")),
                    ("labels", .labels(a.labels)),
                    ("annotations", .object(a.annotations.map { ($0.name, .string($0.value)) })),
                    ("startsAt", .time(a.startsAt)),
                    ("endsAt", a.resolved ? .time(a.endsAt) : .string("0001-01-01T00:00:00Z")),
                    ("generatorURL", .string(a.generatorURL)),
                    ("fingerprint", .string(a.fingerprint)),
                ])
            })),
            ("groupLabels", .labels(groupLabels)),
            ("commonLabels", .labels(commonLabels)),
            ("commonAnnotations", .object(common(alerts.map(\.annotations)).map { ($0.name, .string($0.value)) })),
            ("externalURL", .string(externalURL)),
            ("version", .string("4")),
            ("groupKey", .string(groupKey)),
            ("truncatedAlerts", .int(0)),
        ]).rendered
    }
}
