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
            for (index, rule) in group.rules.enumerated() {
                // The recording rules of this group that run after this one (and itself).
                var later: [String: SourceLocation] = [:]
                for r in group.rules[index...] where r.kind == .record && later[r.name] == nil { later[r.name] = r.location }
                rule.expr.walk { node in
                    switch node {
                    case let .call(fn, args, _):
                        for case let .range(sel, _, at) in args {
                            guard let name = sel.name, let recorder = recorders[name] else { continue }
                            diags.append(Diagnostic(rule.location(ofExpr: at), "\(rule.what): \(fn)() over '\(name)', the output of the recording rule at \(recorder): logwarden keeps no history of recorded series, so this fails at every evaluation; apply \(fn)() to logwarden's counters inside the recording rule and read '\(name)' without a range"))
                        }
                    case let .selector(sel, at):
                        guard let name = sel.name, let recorder = later[name] else { return }
                        let message = name == rule.name
                            ? "reads its own output, which is the previous evaluation's (nothing at the first); read the counters it is computed from"
                            : "reads '\(name)' before the recording rule at \(recorder) has run: rules of a group run in order, so this sees the previous evaluation's value (nothing at the first); move that recording rule above this rule"
                        diags.append(Diagnostic(rule.location(ofExpr: at), "\(rule.what): \(message)"))
                    default:
                        return
                    }
                }
            }
        }
        return diags
    }
}
