/// What one series of a metric can look like, as far as the loaded configuration tells:
/// per label, its value. A label not listed is absent (its value reads as ""), unless the
/// shape is `open` (an expression whose labels cannot be followed).
struct SeriesShape: Hashable {
    enum Value: Hashable {
        case exactly(String)
        case oneOf([String])
        /// A captured or templated value: anything.
        case any
    }

    var labels: [String: Value]
    var open = false

    /// Whether some series of this shape can satisfy `m`.
    func admits(_ m: LabelMatcher, _ scratch: MatchScratch) -> Bool {
        switch labels[m.name] {
        case let .exactly(v): return m.accepts(v, scratch)
        case let .oneOf(vs): return vs.contains { m.accepts($0, scratch) }
        case .any: return true
        case nil: return open || m.accepts("", scratch)
        }
    }

    func keeping(_ names: Set<String>) -> SeriesShape { SeriesShape(labels: labels.filter { names.contains($0.key) }) }

    func removing(_ names: Set<String>) -> SeriesShape { SeriesShape(labels: labels.filter { !names.contains($0.key) }, open: open) }

    func setting(_ more: [String: Value]) -> SeriesShape { SeriesShape(labels: labels.merging(more) { _, new in new }, open: open) }
}

extension LabelMatcher {
    /// Whether a label with this value (`""` when absent) passes the matcher.
    func accepts(_ value: String, _ scratch: MatchScratch) -> Bool {
        switch op {
        case .equal: return value == self.value
        case .notEqual: return value != self.value
        case .regex, .notRegex:
            var bytes = Array(value.utf8)
            let hit = bytes.withUnsafeMutableBufferPointer { (try? regex!.matches(UnsafeBufferPointer($0), scratch: scratch)) ?? false }
            return hit == (op == .regex)
        }
    }
}

/// Every metric a rule can read, with the shapes of its series: logwarden's counters from
/// the loaded patterns, the patterns' own metrics, the recording rules' outputs, and
/// `ALERTS`/`ALERTS_FOR_STATE` of the alert rules. A rule's output is derived from its
/// expression when first asked for; nil shapes mean the metric exists but its labels cannot
/// be told (an expression with an unknown metric or function in it, or a cycle).
final class SeriesCatalog {
    private var produced: [String: [SeriesShape]] = [:]
    /// Recording rule names, and ALERTS and ALERTS_FOR_STATE when there are alert rules.
    private var derivable: Set<String> = []
    private var derived: [String: [SeriesShape]?] = [:]
    private var pending: Set<String> = []
    private let groups: [RuleGroupDefinition]
    private let scratch = MatchScratch()

    /// Functions whose result has their argument's labels (without `__name__`).
    static let keepingLabels: Set<String> = ["increase", "rate", "delta", "abs", "ceil", "floor", "clamp_min", "clamp_max", "clamp"]

    init(patterns: PatternSet, groups: [RuleGroupDefinition]) {
        self.groups = groups
        produced["logwarden_records_total"] = [SeriesShape(labels: ["input": .any])]
        produced["logwarden_unmatched_records_total"] = [SeriesShape(labels: [:])]
        var matches: [SeriesShape] = []
        for p in patterns.patterns {
            var labels: [String: SeriesShape.Value] = [:]
            for l in p.definition.labels { labels[l.name] = .exactly(l.value) }
            for c in p.captureLabels { labels[c.name] = .any }
            if let metric = p.definition.metric { produced[metric, default: []].append(SeriesShape(labels: labels)) }
            labels["pattern"] = .exactly(p.name)
            labels["class"] = .exactly(p.definition.errorClass)
            labels["severity"] = .exactly(p.definition.severity.rawValue)
            matches.append(SeriesShape(labels: labels))
        }
        produced["logwarden_matches_total"] = matches
        for group in groups {
            for rule in group.rules {
                derivable.insert(rule.kind == .record ? rule.name : "ALERTS")
                if rule.kind == .alert { derivable.insert("ALERTS_FOR_STATE") }
            }
        }
    }

    /// Every metric name, sorted.
    var names: [String] { Set(produced.keys).union(derivable).sorted() }

    /// The shapes of a metric: nil when nothing produces it, `.some(nil)` when its labels
    /// cannot be told.
    func shapes(of name: String) -> [SeriesShape]?? {
        guard derivable.contains(name) else { return produced[name].map { .some($0) } }
        if pending.contains(name) { return .some(nil) }
        if derived[name] == nil {
            pending.insert(name)
            derived.updateValue(derive(name).map { $0 + (produced[name] ?? []) }, forKey: name)
            pending.remove(name)
        }
        return .some(derived[name]!)
    }

    /// A recording rule's output (every rule of that name), or the alerts' series.
    private func derive(_ name: String) -> [SeriesShape]? {
        var out: Set<SeriesShape> = []
        for group in groups {
            let groupLabels = Dictionary(group.labels.map { ($0.name, SeriesShape.Value.exactly($0.value)) }) { _, b in b }
            for rule in group.rules {
                if rule.kind == .record, rule.name == name {
                    guard let inner = shapes(rule.expr) else { return nil }
                    let fixed = Dictionary(rule.recordLabels.map { ($0.name, SeriesShape.Value.exactly($0.value)) }) { _, b in b }
                    out.formUnion(inner.map { $0.setting(fixed) })
                } else if rule.kind == .alert, name == "ALERTS" || name == "ALERTS_FOR_STATE" {
                    var fixed = groupLabels
                    for l in rule.labels { fixed[l.name] = l.template.constantOutput.map { .exactly($0) } ?? .any }
                    fixed["alertname"] = .exactly(rule.name)
                    if name == "ALERTS" { fixed["alertstate"] = .oneOf(["firing", "pending"]) }
                    let inner = shapes(rule.expr) ?? [SeriesShape(labels: [:], open: true)]
                    out.formUnion(inner.map { $0.setting(fixed) })
                }
            }
        }
        return Array(out)
    }

    /// The series of a selector: the shapes of its metric (of every metric, without a name)
    /// that its matchers admit, with `__name__` among the labels. Nil when unknown.
    func shapes(_ sel: VectorSelector) -> [SeriesShape]? {
        var all: [SeriesShape] = []
        for name in sel.name.map({ [$0] }) ?? names {
            guard let known = shapes(of: name) else { continue }
            guard let shapes = known else { return nil }
            all += shapes.map { $0.setting([Labels.metricName: .exactly(name)]) }
        }
        return all.filter { s in sel.matchers.allSatisfy { s.admits($0, scratch) } }
    }

    /// The label shapes of an expression's result, without `__name__`; nil when they cannot
    /// be told, and for a selector that matches nothing (warned about on its own).
    func shapes(_ e: Expr) -> [SeriesShape]? {
        switch e {
        case .number, .string: return [SeriesShape(labels: [:])]
        case let .selector(sel, _), let .range(sel, _, _):
            guard let found = shapes(sel), !found.isEmpty else { return nil }
            return unique(found.map { $0.removing([Labels.metricName]) })
        case let .call(fn, args, _):
            switch fn {
            case "time", "vector", "scalar": return [SeriesShape(labels: [:])]
            case "absent":
                guard case let .selector(sel, _) = args[0] else { return [SeriesShape(labels: [:])] }
                let equal = sel.matchers.filter { $0.op == .equal && $0.name != Labels.metricName }
                return [SeriesShape(labels: Dictionary(equal.map { ($0.name, .exactly($0.value)) }) { _, b in b })]
            case _ where Self.keepingLabels.contains(fn): return shapes(args[0])
            default: return nil
            }
        case let .aggregate(op, _, inner, grouping, without, _):
            guard let shapes = shapes(inner) else { return nil }
            if op == "topk" || op == "bottomk" { return shapes }
            return unique(shapes.map { without ? $0.removing(Set(grouping)) : $0.keeping(Set(grouping)) })
        case let .binary(op, lhs, rhs, _, matching, _):
            if lhs.type == .scalar { return shapes(rhs) }
            guard let l = shapes(lhs) else { return nil }
            if rhs.type == .scalar || op == "and" || op == "unless" { return l }
            if op == "or" { return shapes(rhs).map { unique(l + $0) } }
            guard let matching else { return l }
            return unique(l.map { matching.on ? $0.keeping(Set(matching.labels)) : $0.removing(Set(matching.labels)) })
        case let .unary(_, inner), let .paren(inner): return shapes(inner)
        }
    }

    private func unique(_ shapes: [SeriesShape]) -> [SeriesShape] { Array(Set(shapes)) }
}
