import ArgumentParser
import LogwardenKit

/// Loading alert rules next to patterns, shared by `scan` and `test`.
enum RuleLoading {
    /// The rule groups of `files`, or exit 2 with every problem as FILE:LINE:COL.
    static func groups(_ files: RuleFiles) throws -> [RuleGroupDefinition] {
        let (groups, problems) = RuleFile.load(files)
        if !problems.isEmpty {
            Console.error(Diagnostics(problems).description)
            Console.error("logwarden: the alert rules above are invalid; fix them (see 'logwarden check') and run again")
            throw ExitCode(2)
        }
        return groups
    }

    /// Selectors that can never match what `patterns` produce, once on stderr: the run goes
    /// on and its exit status is unchanged.
    static func warn(_ groups: [RuleGroupDefinition], _ patterns: PatternSet) {
        for w in SelectorCheck.run(groups, patterns: patterns) { Console.error("logwarden: " + w.warning) }
    }

    /// The default secret rules plus `--redact` regexes, or a usage error naming the bad one.
    static func redactor(_ extra: [String]) throws -> Redactor {
        guard !extra.isEmpty else { return .default }
        for pattern in extra {
            do { _ = try CompiledRegex(pattern) } catch {
                throw ValidationError("--redact '\(pattern)': invalid PCRE2 regex at offset \(error.offset): \(error.message)")
            }
        }
        return try Redactor(extraPatterns: extra)
    }
}

extension Severity: ExpressibleByArgument {}
