/// The state of one alert instance, as in Prometheus.
public enum AlertState: String, Sendable, Comparable {
    case inactive, pending, firing

    public static func < (a: AlertState, b: AlertState) -> Bool {
        let order: [AlertState] = [.inactive, .pending, .firing]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// One alert instance: a result element of the rule's expression.
public struct Alert: Sendable {
    /// The alert's labels: the element's labels without `__name__`, the rule's labels, `alertname`.
    public var labels: Labels
    /// The element's own labels, to find the series behind it (evidence).
    public var elementLabels: Labels
    public var annotations: [(name: String, value: String)]
    public var state: AlertState
    public var value: Double
    public var activeAt: EpochMillis
    public var firedAt: EpochMillis?
    public var resolvedAt: EpochMillis?
    public var keepFiringSince: EpochMillis?
}

/// A change of state that sinks announce: pending, firing, or resolved.
public struct AlertTransition: Sendable {
    public enum Kind: String, Sendable { case pending, firing, resolved }

    public var kind: Kind
    public var alert: Alert
    public var rule: String
    public var group: String
    public var evalTime: EpochMillis
    public var evidence: Evidence
}

/// An alerting rule and its state machine, exactly as Prometheus's rules/alerting.go:
/// - a new result element becomes pending, with activeAt set to the evaluation time;
/// - it fires when t − activeAt ≥ `for` (at once for `for: 0`);
/// - a pending element that disappears is dropped;
/// - a firing element that disappears keeps firing for `keep_firing_for`, then resolves;
/// - a resolved alert is kept 15 minutes (for re-sending) unless its element comes back,
///   which starts a new pending alert;
/// - when more alerts are pending or firing than the group's `limit`, all are dropped and
///   the evaluation fails.
public final class AlertRule {
    public let definition: RuleDefinition
    public let groupName: String
    public let groupLabels: [(name: String, value: String)]
    public private(set) var active: [Labels: Alert] = [:]
    /// Active instances in the order they appeared, for deterministic output.
    private var order: [Labels] = []

    static let resolvedRetention: Int64 = 15 * 60_000

    public init(_ definition: RuleDefinition, group: String, groupLabels: [(name: String, value: String)] = []) {
        self.definition = definition
        groupName = group
        self.groupLabels = groupLabels
    }

    public struct LimitExceeded: Error, CustomStringConvertible {
        public var limit: Int
        public var count: Int
        public var description: String { "exceeded limit of \(limit) with \(count) alerts" }
    }

    /// Evaluates at `t` and returns the transitions, in a stable order. `evidence` is asked
    /// only for alerts that change state.
    public func eval(at t: EpochMillis, source: any SeriesSource, scope: EvaluationScope? = nil, externalLabels: [String: String] = [:],
                     limit: Int = 0, evidence: (Alert) -> Evidence) throws -> [AlertTransition] {
        guard case let .vector(result) = try Evaluator(source: source, time: t, scope: scope).eval(definition.expr).asVector else {
            return []
        }
        // The same result as last time (an unchanged filter hands back the same array, so
        // this is one comparison), and every alert firing steadily: nothing can change.
        if steady, result == lastResult { return [] }
        steady = false
        lastResult = []
        var current: [Labels: Alert] = [:]
        var currentOrder: [Labels] = []
        self.externalLabels = externalLabels
        for element in result {
            let labels: Labels
            if let known = staticLabels ? alertLabels[element.labels] : nil { labels = known } else {
                var pairs = element.labels.withoutName.pairs.map { ($0.name, $0.value) }
                if !staticLabels {
                    let data = templateData(element.labels, element.value)
                    pairs += definition.labels.map { ($0.name, expand($0.template, data)) }
                } else {
                    pairs += definition.labels.map { ($0.name, $0.template.source) }
                }
                labels = Labels(pairs + [("alertname", definition.name)])
                if staticLabels { alertLabels[element.labels] = labels }
            }
            if current[labels] != nil {
                throw ExprError(0, "vector contains metrics with the same labelset after applying alert labels")
            }
            // Annotations are rendered when someone looks: at a transition, in a test.
            current[labels] = Alert(labels: labels, elementLabels: element.labels, annotations: [], state: .pending,
                                    value: element.value, activeAt: t)
            currentOrder.append(labels)
        }

        var transitions: [(Alert, AlertTransition.Kind)] = []
        for key in currentOrder {
            let fresh = current[key]!
            if var existing = active[key], existing.state != .inactive {
                existing.value = fresh.value
                existing.elementLabels = fresh.elementLabels
                active[key] = existing
                continue
            }
            if active[key] == nil { order.append(key) }
            active[key] = fresh
            transitions.append((fresh, .pending))
        }

        var activePending = 0
        for key in order {
            guard var a = active[key] else { continue }
            if current[key] == nil {
                var keepFiring = false
                if a.state == .firing, definition.keepFiringFor > 0 {
                    if a.keepFiringSince == nil { a.keepFiringSince = t }
                    if t - a.keepFiringSince! < definition.keepFiringFor { keepFiring = true }
                }
                var remove = false
                if a.state == .pending || (a.resolvedAt != nil && t - a.resolvedAt! > Self.resolvedRetention) { remove = true }
                if a.state != .inactive && !keepFiring {
                    let wasFiring = a.state == .firing
                    a.state = .inactive
                    a.resolvedAt = t
                    if wasFiring { transitions.append((a, .resolved)) }
                }
                active[key] = remove ? nil : a
                if !keepFiring { continue }
            } else {
                a.keepFiringSince = nil
            }
            activePending += 1
            if a.state == .pending && t - a.activeAt >= definition.forDuration {
                a.state = .firing
                a.firedAt = t
                transitions.append((a, .firing))
            }
            active[key] = a
        }
        order.removeAll { active[$0] == nil }

        if limit > 0 && activePending > limit {
            active = [:]
            order = []
            throw LimitExceeded(limit: limit, count: activePending)
        }
        // Nothing pending (to fire later), resolved (to forget later) or kept firing.
        steady = order.allSatisfy { key in
            guard let a = active[key] else { return true }
            return a.state == .firing && a.keepFiringSince == nil && current[key] != nil
        }
        lastResult = result
        return transitions.map { alert, kind in
            // Each transition shows the alert as it was at that step (a pending one has not fired).
            var shown = alert
            shown.annotations = annotations(for: shown)
            return AlertTransition(kind: kind, alert: shown, rule: definition.name, group: groupName,
                                   evalTime: t, evidence: evidence(shown))
        }
    }

    /// The annotations of an alert as of its last value, rendered now.
    public func annotations(for alert: Alert) -> [(name: String, value: String)] {
        guard !definition.annotations.isEmpty else { return [] }
        let data = templateData(alert.elementLabels, alert.value)
        return definition.annotations.map { ($0.name, expand($0.template, data)) }
    }

    private var externalLabels: [String: String] = [:]
    /// The last result, and whether evaluating that result again would change nothing.
    private var lastResult: [VectorSample] = []
    private var steady = false
    /// Alert labels per element labels, when the rule's labels have no templates: the same
    /// element is in the result instant after instant.
    private var alertLabels: [Labels: Labels] = [:]
    private lazy var staticLabels: Bool = definition.labels.allSatisfy { !$0.template.source.contains("{{") }

    private func templateData(_ labels: Labels, _ value: Double) -> TemplateData {
        TemplateData(labels: Dictionary(labels.withoutName.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                     externalLabels: externalLabels, externalURL: "", value: value)
    }

    /// Alerts that are pending or firing now, in the order they appeared.
    public var activeAlerts: [Alert] {
        order.compactMap { active[$0] }.filter { $0.state != .inactive }
    }

    private func expand(_ template: Template, _ data: TemplateData) -> String {
        do { return try template.render(data) } catch { return "<error expanding template: \(error.message)>" }
    }

    /// Rebuilds the state from stored alerts (a later run continues pending and firing ones).
    public func restore(_ alerts: [Alert]) {
        steady = false
        for a in alerts where active[a.labels] == nil {
            active[a.labels] = a
            order.append(a.labels)
        }
    }
}

extension QueryValue {
    /// A scalar result becomes a one-element vector without labels, as Prometheus does for rules.
    var asVector: QueryValue {
        if case let .scalar(v) = self { return .vector([VectorSample(labels: Labels(), value: v)]) }
        return self
    }
}
