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
    /// Alert instances in the order they appeared (for deterministic output); nil where one
    /// was forgotten, until the array is compacted.
    private var slots: [Alert?] = []
    /// Where each alert's labels are in `slots`.
    private var slotOf: [Labels: Int] = [:]
    private var forgotten = 0

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
        // this is one comparison), and nothing due to fire, resolve or be forgotten yet.
        if t < steadyUntil, result == lastResult { return [] }
        steadyUntil = .min
        lastResult = []
        self.externalLabels = externalLabels

        // The result's alerts: their slot if known, else a new alert; nothing changes yet, so
        // an error leaves the state as it was.
        var present = [Bool](repeating: false, count: slots.count)
        var fresh: [Labels: Int] = [:]
        var elements: [(slot: Int?, labels: Labels, element: VectorSample)] = []
        elements.reserveCapacity(result.count)
        for element in result {
            let labels = alertLabels(element)
            let slot = slotOf[labels]
            if let slot {
                if present[slot] { throw ExprError(0, "vector contains metrics with the same labelset after applying alert labels") }
                present[slot] = true
            } else {
                if fresh[labels] != nil { throw ExprError(0, "vector contains metrics with the same labelset after applying alert labels") }
                fresh[labels] = elements.count
            }
            elements.append((slot, labels, element))
        }

        var transitions: [(Alert, AlertTransition.Kind)] = []
        for (slot, labels, element) in elements {
            if let slot, slots[slot]!.state != .inactive {
                slots[slot]!.value = element.value
                slots[slot]!.elementLabels = element.labels
                continue
            }
            // Annotations are rendered when someone looks: at a transition, in a test.
            let alert = Alert(labels: labels, elementLabels: element.labels, annotations: [], state: .pending,
                              value: element.value, activeAt: t)
            if let slot {
                slots[slot] = alert
            } else {
                slotOf[labels] = slots.count
                slots.append(alert)
                present.append(true)
            }
            transitions.append((alert, .pending))
        }

        var activePending = 0
        var due = EpochMillis.max
        for slot in slots.indices where slots[slot] != nil {
            // In place: an alert is a dozen fields, and most instants change none of them.
            if !step(&slots[slot]!, present: present[slot], at: t, &activePending, &due, &transitions) { forget(slot) }
        }
        if forgotten > slots.count / 2 { compact() }

        if limit > 0 && activePending > limit {
            slots = []
            slotOf = [:]
            forgotten = 0
            throw LimitExceeded(limit: limit, count: activePending)
        }
        // Until `due`, evaluating the same result again changes nothing: pending alerts wait
        // for their `for`, resolved ones for their retention, kept ones for keep_firing_for.
        steadyUntil = due
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
    /// The last result, and until when evaluating that same result again changes nothing.
    private var lastResult: [VectorSample] = []
    private var steadyUntil = EpochMillis.min
    /// Alert labels per element labels, when the rule's labels have no templates: the same
    /// element is in the result instant after instant.
    private var alertLabelsOf: [Labels: Labels] = [:]

    /// The element's labels without `__name__`, the rule's labels, and `alertname`. A rule
    /// label that is (or expands to) "" removes the element's label, as in Prometheus.
    private func alertLabels(_ element: VectorSample) -> Labels {
        if staticLabels, let known = alertLabelsOf[element.labels] { return known }
        let ruleLabels: [(String, String)]
        if !staticLabels {
            let data = templateData(element.labels, element.value)
            ruleLabels = definition.labels.map { ($0.name, expand($0.template, data)) }
        } else {
            ruleLabels = definition.labels.map { ($0.name, $0.template.source) }
        }
        let overridden = Set(ruleLabels.map(\.0) + ["alertname"])
        let kept = element.labels.withoutName.pairs.filter { !overridden.contains($0.name) }.map { ($0.name, $0.value) }
        let labels = Labels(kept + ruleLabels + [("alertname", definition.name)])
        if staticLabels { alertLabelsOf[element.labels] = labels }
        return labels
    }

    /// One alert at `t`: present in the result or not. False when it is to be forgotten (a
    /// pending alert gone, or a resolved one past its retention).
    private func step(_ a: inout Alert, present: Bool, at t: EpochMillis, _ activePending: inout Int, _ due: inout EpochMillis,
                      _ transitions: inout [(Alert, AlertTransition.Kind)]) -> Bool {
        if !present {
            var keepFiring = false
            if a.state == .firing, definition.keepFiringFor > 0 {
                if a.keepFiringSince == nil { a.keepFiringSince = t }
                if t - a.keepFiringSince! < definition.keepFiringFor { keepFiring = true }
            }
            let remove = a.state == .pending || (a.resolvedAt != nil && t - a.resolvedAt! > Self.resolvedRetention)
            if a.state != .inactive && !keepFiring {
                let wasFiring = a.state == .firing
                a.state = .inactive
                a.resolvedAt = t
                if wasFiring { transitions.append((a, .resolved)) }
            }
            if remove { return false }
            if !keepFiring {
                due = min(due, a.resolvedAt! + Self.resolvedRetention + 1)
                return true
            }
            due = min(due, a.keepFiringSince! + definition.keepFiringFor)
        } else if a.keepFiringSince != nil {
            a.keepFiringSince = nil
        }
        activePending += 1
        if a.state == .pending && t - a.activeAt >= definition.forDuration {
            a.state = .firing
            a.firedAt = t
            transitions.append((a, .firing))
        }
        if a.state == .pending { due = min(due, a.activeAt + definition.forDuration) }
        return true
    }

    private func forget(_ slot: Int) {
        slotOf[slots[slot]!.labels] = nil
        slots[slot] = nil
        forgotten += 1
    }

    private func compact() {
        slots.removeAll { $0 == nil }
        slotOf = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($0.element!.labels, $0.offset) })
        forgotten = 0
    }

    private lazy var staticLabels: Bool = definition.labels.allSatisfy { !$0.template.source.contains("{{") }

    /// `$labels` is the element's labels as the expression gave them, `__name__` included
    /// where it kept one (`x > 0`), as Prometheus's `smpl.Metric.Map()`.
    private func templateData(_ labels: Labels, _ value: Double) -> TemplateData {
        TemplateData(labels: Dictionary(labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                     externalLabels: externalLabels, externalURL: "", value: value)
    }

    /// Alerts that are pending or firing now, in the order they appeared.
    public var activeAlerts: [Alert] {
        slots.compactMap { $0 }.filter { $0.state != .inactive }
    }

    /// The labels of an alert's `ALERTS` series (with `alertstate`) or `ALERTS_FOR_STATE`
    /// series, as Prometheus writes them: it starts from the rule's labels as written and
    /// sets the alert's over them, so a label whose template expanded to "" (and so left the
    /// alert) keeps its template text there.
    func seriesLabels(_ alert: Alert, _ name: String) -> Labels {
        let raw = definition.labels.filter { alert.labels[$0.name] == nil }.map { ($0.name, $0.template.source) }
        let state = name == "ALERTS" ? [("alertstate", alert.state.rawValue)] : []
        return Labels(raw + alert.labels.pairs.map { ($0.name, $0.value) } + [(Labels.metricName, name)] + state)
    }

    /// `ALERTS` (1) and `ALERTS_FOR_STATE` (activeAt in Unix seconds) of the active alerts.
    func writtenSamples() -> [VectorSample] {
        activeAlerts.flatMap { a in
            [VectorSample(labels: seriesLabels(a, "ALERTS"), value: 1),
             VectorSample(labels: seriesLabels(a, "ALERTS_FOR_STATE"), value: Self.unixSeconds(a.activeAt))]
        }
    }

    /// Whole seconds, rounded down as Go's Time.Unix() does.
    static func unixSeconds(_ t: EpochMillis) -> Double {
        Double(t >= 0 ? t / 1000 : (t - 999) / 1000)
    }

    private func expand(_ template: Template, _ data: TemplateData) -> String {
        do { return try template.render(data) } catch { return "<error expanding template: \(error.message)>" }
    }

    /// Rebuilds the state from stored alerts (a later run continues pending and firing ones).
    public func restore(_ alerts: [Alert]) {
        steadyUntil = .min
        for a in alerts where slotOf[a.labels] == nil {
            slotOf[a.labels] = slots.count
            slots.append(a)
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
