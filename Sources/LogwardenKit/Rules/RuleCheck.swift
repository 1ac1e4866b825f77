/// Checks across rules, run when rule files are loaded, so that an expression that would
/// fail at every evaluation is refused by `check` (and by `scan`, `watch` and `test`, which
/// load rules the same way) at the column of the offending sub-expression. The parser
/// types each expression on its own; what it cannot see is which names are recorded series.
///
/// What remains for evaluation depends on the data: several series on one side of a
/// one-to-one match, alerts whose labels collide, a group over its `limit`. `RuleEngine`
/// reports those with the rule's position (`RuleProblem`).
enum RuleCheck {
    static func run(_ groups: [RuleGroupDefinition]) -> [Diagnostic] {
        var recorders: [String: SourceLocation] = [:]
        for group in groups {
            for rule in group.rules where rule.kind == .record && recorders[rule.name] == nil { recorders[rule.name] = rule.location }
        }
        var diags: [Diagnostic] = []
        for group in groups {
            for rule in group.rules {
                rule.expr.walk { node in
                    guard case let .call(fn, args, _) = node else { return }
                    for case let .range(sel, _, at) in args {
                        guard let name = sel.name else { continue }
                        if name == "ALERTS" || name == "ALERTS_FOR_STATE" {
                            diags.append(Diagnostic(rule.location(ofExpr: at), "\(rule.what): \(fn)() over '\(name)': logwarden keeps no history of the series rules write, so this fails at every evaluation; read '\(name)' without a range, or apply \(fn)() to the counters the alert reads"))
                            continue
                        }
                        guard let recorder = recorders[name] else { continue }
                        diags.append(Diagnostic(rule.location(ofExpr: at), "\(rule.what): \(fn)() over '\(name)', the output of the recording rule at \(recorder): logwarden keeps no history of recorded series, so this fails at every evaluation; apply \(fn)() to logwarden's counters inside the recording rule and read '\(name)' without a range"))
                    }
                }
            }
        }
        return diags
    }

    /// Warnings (valid in Prometheus, and evaluated as it does): a rule that reads a recording
    /// rule of its own group that runs after it, or its own output, sees the previous
    /// evaluation's value, and nothing at the first.
    static func readsBeforeWritten(_ groups: [RuleGroupDefinition]) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        for group in groups {
            for (index, rule) in group.rules.enumerated() {
                // The recording rules of this group that run after this one (and itself).
                var later: [String: SourceLocation] = [:]
                for r in group.rules[index...] where r.kind == .record && later[r.name] == nil { later[r.name] = r.location }
                rule.expr.walk { node in
                    guard case let .selector(sel, at) = node, let name = sel.name, let recorder = later[name] else { return }
                    let message = name == rule.name
                        ? "reads its own output: the previous evaluation's, and nothing at the first, as in Prometheus; read the counters it is computed from"
                        : "reads '\(name)' before the recording rule at \(recorder) has run: rules of a group run in order, so this sees the previous evaluation's value, and nothing at the first, as in Prometheus; move that recording rule above this rule"
                    diags.append(Diagnostic(rule.location(ofExpr: at), "\(rule.what): \(message)"))
                }
            }
        }
        return diags
    }
}
