/// The line `scan` and `watch` print about what they loaded, source by source: without it, a
/// run from a directory without ./rules, or with a `--rules` that replaced the pack, would
/// count and alert on other rules than the user thinks, silently.
///
///     66 patterns, 11 alert rules from the built-in pack; 1 pattern, 0 alert rules from extra.yaml
public enum LoadSummary {
    public static func line(_ files: RuleFiles, patterns: PatternSet, groups: [RuleGroupDefinition]) -> String {
        var parts: [String] = []
        for origin in files.origins {
            let paths = Set(origin.files)
            let p = patterns.patterns.count { paths.contains($0.definition.location.file) }
            let rules = groups.filter { paths.contains($0.file) }.flatMap(\.rules)
            let alerts = rules.count { $0.kind == .alert }
            var part = count(p, "pattern") + ", " + count(alerts, "alert rule")
            if rules.count > alerts { part += ", " + count(rules.count - alerts, "recording rule") }
            parts.append(part + " from " + name(origin))
        }
        var line = parts.joined(separator: "; ")
        if files.origins.contains(where: { $0.kind == .exact }) {
            line += " (--rules replaces the default pack)"
        }
        return line
    }

    static func name(_ origin: RuleFiles.Origin) -> String {
        switch origin.kind {
        case .builtin: return "the built-in pack"
        case .directory: return origin.path.hasPrefix("/") ? origin.path : "./" + origin.path
        case .exact, .added: return origin.path
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
