/// Warnings about selectors that can never match what logwarden produces with the loaded
/// patterns and rules: a metric it never writes (`logwarden_match_total`, `up`), a label no
/// pattern captures or sets, a value no pattern has (`pattern=`, `class=`, `severity=`,
/// static labels, `alertname=`), a regex none of the known values pass. Such a rule gives
/// nothing, forever, without an error. Each warning names the closest existing name, and a
/// `by`/`without`/`on`/`ignoring` label that no series has is a warning too.
///
/// Only what can be proved is reported: a captured or templated value can be anything, and
/// an expression with an unknown metric or function in it has unknown labels.
public enum SelectorCheck {
    public static func run(_ groups: [RuleGroupDefinition], patterns: PatternSet) -> [Diagnostic] {
        let catalog = SeriesCatalog(patterns: patterns, groups: groups)
        var check = Checker(catalog: catalog)
        for group in groups {
            for rule in group.rules {
                check.rule = rule
                rule.expr.walk { check.visit($0) }
            }
        }
        return check.warnings + RuleCheck.readsBeforeWritten(groups)
    }
}

private struct Checker {
    let catalog: SeriesCatalog
    var rule: RuleDefinition? = nil
    var warnings: [Diagnostic] = []
    let scratch = MatchScratch()

    init(catalog: SeriesCatalog) { self.catalog = catalog }

    mutating func warn(_ offset: Int, _ message: String) {
        guard let rule else { return }
        warnings.append(Diagnostic(rule.location(ofExpr: offset), "\(rule.what): \(message)"))
    }

    mutating func visit(_ e: Expr) {
        switch e {
        case let .selector(sel, at), let .range(sel, _, at):
            selector(sel, at)
        case let .aggregate(op, _, inner, grouping, without, at) where !grouping.isEmpty:
            labels(grouping, of: [inner], at, "\(op) \(without ? "without" : "by") (\(grouping.joined(separator: ", ")))")
        case let .binary(_, lhs, rhs, _, matching?, at) where !matching.labels.isEmpty:
            labels(matching.labels, of: [lhs, rhs], at, "\(matching.on ? "on" : "ignoring")(\(matching.labels.joined(separator: ", ")))")
        default:
            break
        }
    }

    /// Grouping or matching labels that no series of the operands has.
    mutating func labels(_ names: [String], of operands: [Expr], _ at: Int, _ clause: String) {
        var known: Set<String> = []
        for operand in operands {
            guard let shapes = catalog.shapes(operand), !shapes.contains(where: \.open) else { return }
            for s in shapes { known.formUnion(s.labels.keys) }
        }
        for name in names where !known.contains(name) {
            warn(at, "\(clause): no series it applies to has label '\(name)'" + Suggestion.hint(name, among: known))
        }
    }

    mutating func selector(_ sel: VectorSelector, _ at: Int) {
        var candidates: [SeriesShape] = []
        for name in sel.name.map({ [$0] }) ?? catalog.names {
            guard let known = catalog.shapes(of: name) else {
                let names = catalog.names
                let hint = Suggestion.hint(name, among: names)
                warn(at, "logwarden never produces a metric '\(name)', so this selector never matches"
                        + (hint.isEmpty ? "; it produces " + list(names) : hint))
                return
            }
            guard let shapes = known else { return }
            candidates += shapes.map { $0.setting([Labels.metricName: .exactly(name)]) }
        }
        let metric = sel.name ?? "any metric"
        if candidates.isEmpty {
            if metric == "logwarden_matches_total" { warn(at, "no pattern is loaded, so \(metric) has no series") }
            return
        }
        // A label no series has: a typo, whatever the matcher does with the empty value.
        let present = Set(candidates.flatMap(\.labels.keys))
        var missing = false
        if !candidates.contains(where: \.open) {
            for m in sel.matchers where !present.contains(m.name) {
                missing = true
                let effect = m.accepts("", scratch) ? "this matcher keeps every series" : "this selector never matches"
                warn(m.offset, "\(absent(m.name, metric)), so \(effect)" + Suggestion.hint(m.name, among: present.subtracting([Labels.metricName])))
            }
        }
        if missing || candidates.contains(where: { s in sel.matchers.allSatisfy { s.admits($0, scratch) } }) { return }
        // Never matches: name the matcher that alone rules everything out, else all of them.
        guard let m = sel.matchers.first(where: { m in !candidates.contains { $0.admits(m, scratch) } }) else {
            let all = sel.matchers.map { "\($0.name)\($0.op.rawValue)\"\($0.value)\"" }.joined(separator: ", ")
            warn(at, "no series of \(metric) has all of \(all) together, so this selector never matches")
            return
        }
        var values: Set<String> = []
        for s in candidates {
            switch s.labels[m.name] {
            case let .exactly(v): values.insert(v)
            case let .oneOf(vs): values.formUnion(vs)
            default: break
            }
        }
        let hint = m.op == .equal ? Suggestion.hint(m.value, among: values) : ""
        warn(m.offset, "\(nothing(m, metric)), so this selector never matches"
                + (hint.isEmpty && !values.isEmpty ? "; its values: " + list(values.sorted()) : hint))
    }

    /// "no loaded pattern captures or sets label 'x'", and the like for other metrics.
    func absent(_ label: String, _ metric: String) -> String {
        switch metric {
        case "logwarden_matches_total": return "no loaded pattern captures or sets label '\(label)'"
        case "any metric": return "no metric logwarden produces has label '\(label)'"
        default: return "\(metric) has no label '\(label)'"
        }
    }

    /// Why no series passes `m`, in the words of where its values come from.
    func nothing(_ m: LabelMatcher, _ metric: String) -> String {
        let v = "'\(m.value)'"
        if metric == "logwarden_matches_total", ["pattern", "class", "severity"].contains(m.name) {
            switch m.op {
            case .equal: return m.name == "pattern" ? "no loaded pattern is named \(v)" : "no loaded pattern has \(m.name) \(v)"
            case .notEqual: return "every loaded pattern has \(m.name) \(v)"
            case .regex: return "no loaded pattern has a \(m.name) matching \(v)"
            case .notRegex: return "every loaded pattern has a \(m.name) matching \(v)"
            }
        }
        if metric.hasPrefix("ALERTS"), m.name == "alertname", m.op == .equal { return "no alert rule is named \(v)" }
        return "no series of \(metric) has \(m.name)\(m.op.rawValue)\"\(m.value)\""
    }

    func list(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", …"
    }
}
