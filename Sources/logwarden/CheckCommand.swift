import ArgumentParser
import LogwardenKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate pattern and alert rule files: YAML, PCRE2, names, classes, examples, PromQL expressions and templates.",
        discussion: """
            Problems are printed as FILE:LINE:COL: message. Selectors that can never match what the \
            patterns produce are FILE:LINE:COL: warning: message (compared with the built-in pattern pack \
            when the paths hold alert rules only). Exit 1 if any rule is invalid, 2 if a path cannot be \
            read; warnings alone exit 0.
            """
    )

    @Argument(help: ArgumentHelp("Rule files or directories. Default: what scan loads, ./rules if it exists, else the built-in pack.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("Add this file or directory to what is checked: the default pack, or the paths (repeatable).", valueName: "path"))
    var rulesAdd: [String] = []

    func run() throws {
        let files: RuleFiles
        do { files = try RuleFiles.select(exactly: paths, adding: rulesAdd) } catch {
            Console.error(error.description)
            throw ExitCode(error.items.contains { $0.message.hasPrefix("cannot read") } ? 2 : 1)
        }
        let (patterns, loadProblems) = PatternSet.loadReporting(files)
        var problems = loadProblems + PatternCheck.run(patterns)
        let (groups, ruleProblems) = RuleFile.load(files)
        problems += ruleProblems
        if paths.isEmpty { Console.error("logwarden: checking " + LoadSummary.line(files, patterns: patterns, groups: groups)) }
        // Selectors are compared with the patterns given, or with the built-in pack (what
        // scan uses without ./rules) when the paths hold alert rules only.
        let reference = files.patternFiles.isEmpty ? ((try? PatternSet.load(RuleFiles.builtin())) ?? patterns) : patterns
        let warnings = SelectorCheck.run(groups, patterns: reference)
        let lines = (problems.map { ($0.location, $0.description) } + warnings.map { ($0.location, $0.warning) }).sorted { $0.0 < $1.0 }
        if !lines.isEmpty { Console.error(lines.map(\.1).joined(separator: "\n")) }
        if !warnings.isEmpty && files.patternFiles.isEmpty {
            Console.error("logwarden check: no pattern files among the paths: selectors were compared with the built-in pattern pack; name your pattern files too (logwarden check rules/)")
        }
        if !problems.isEmpty {
            Console.error("logwarden check: \(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        let n = patterns.count
        let examples = patterns.patterns.reduce(0) { $0 + $1.definition.examples.count + $1.definition.counterexamples.count }
        let rules = groups.reduce(0) { $0 + $1.rules.count }
        var line = "OK: \(files.patternFiles.count) pattern file\(files.patternFiles.count == 1 ? "" : "s"), \(n) patterns, \(examples) examples and counterexamples pass"
        if !files.alertFiles.isEmpty {
            line += "; \(files.alertFiles.count) rule file\(files.alertFiles.count == 1 ? "" : "s"), \(groups.count) group\(groups.count == 1 ? "" : "s"), \(rules) rule\(rules == 1 ? "" : "s")"
        }
        Console.out(line + "\n")
    }
}
