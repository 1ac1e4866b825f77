/// A rule that failed at evaluation, or produced an alert that cannot be ranked: what only
/// the data can tell (`check` refuses the rest, see RuleCheck). Several series on one side
/// of a one-to-one match, alerts whose labels collide, a group over its `limit`, a templated
/// severity that expands to none of the six. `scan` exits 2 on one and the JUnit report shows
/// it as an `<error>`; `watch` logs it and counts it in logwarden_rule_evaluation_failures_total.
public struct RuleProblem: Sendable, CustomStringConvertible {
    public var group: String
    public var rule: String
    public var kind: RuleDefinition.Kind
    /// The offending sub-expression's position, or the rule's.
    public var location: SourceLocation
    public var message: String
    /// False when the evaluation itself succeeded (an alert with an unknown severity still fires).
    public var failed = true
    /// When it first happened, and how many evaluations had it.
    public var first: EpochMillis
    public var count = 1
    let groupIndex: Int
    let ruleIndex: Int

    init(groupIndex: Int, group: String, ruleIndex: Int, rule: RuleDefinition, at t: EpochMillis, _ error: any Error) {
        self.groupIndex = groupIndex
        self.group = group
        self.ruleIndex = ruleIndex
        self.rule = rule.name
        kind = rule.kind
        first = t
        switch error {
        case let e as ExprError:
            location = rule.location(ofExpr: e.offset)
            message = e.message
        case let e as UnknownSeverity:
            location = rule.location
            message = e.description
            failed = false
        case let e as AlertRule.LimitExceeded:
            location = rule.location
            message = e.description + "; raise the group's 'limit' or make the expression return fewer series"
        default:
            location = rule.location
            message = "\(error)"
        }
    }

    /// `FILE:LINE:COL: rule 'R' failed at T: why`, then what it costs and what to do.
    public var description: String {
        let more = count > 1 ? " (and \(count - 1) later evaluation\(count == 2 ? "" : "s"))" : ""
        guard failed else { return "\(location): rule '\(rule)' at \(first.rfc3339)\(more): \(message)" }
        let missing = kind == .alert ? "its alerts are missing from the results"
            : "its series are missing, and so are the results of the rules that read them"
        return "\(location): rule '\(rule)' failed at \(first.rfc3339)\(more): \(message); until it is fixed \(missing)"
    }

    /// An alert's severity label expanded from a template to a value `--fail-on` cannot rank.
    struct UnknownSeverity: Error, CustomStringConvertible {
        var value: String
        var description: String {
            "its templated severity label expanded to '\(value)', which --fail-on ranks as info; make the template give one of "
                + Severity.names + Suggestion.hint(value, among: Severity.allCases.map(\.rawValue))
        }
    }

    /// The first transition of `transitions` whose severity is none of the six.
    static func unknownSeverity(_ transitions: [AlertTransition]) -> UnknownSeverity? {
        for t in transitions {
            if let s = t.severity, !s.isEmpty, Severity(rawValue: s) == nil { return UnknownSeverity(value: s) }
        }
        return nil
    }
}
