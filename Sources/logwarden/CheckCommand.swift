import ArgumentParser
import LogwardenKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate pattern files: YAML, PCRE2, names, classes, and every example and counterexample.",
        discussion: "Problems are printed as FILE:LINE:COL: message. Exit 1 if any rule is invalid, 2 if a path cannot be read."
    )

    @Argument(help: ArgumentHelp("Rule files or directories. Default: ./rules.", valueName: "path"))
    var paths: [String] = []

    func run() throws {
        let files: RuleFiles
        do { files = try RuleFiles.load(paths.isEmpty ? ["rules"] : paths) } catch {
            Console.error(error.description)
            throw ExitCode(error.items.contains { $0.message.hasPrefix("cannot read") } ? 2 : 1)
        }
        let (patterns, loadProblems) = PatternSet.loadReporting(files)
        var problems = loadProblems + PatternCheck.run(patterns)
        for file in files.alertFiles {
            problems.append(Diagnostic(SourceLocation(file: file.path, line: 1, column: 1),
                                       "alert rule files are not supported by this version of logwarden yet"))
        }
        if !problems.isEmpty {
            Console.error(Diagnostics(Diagnostics.sorted(problems)).description)
            Console.error("logwarden check: \(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        let n = patterns.count
        let examples = patterns.patterns.reduce(0) { $0 + $1.definition.examples.count + $1.definition.counterexamples.count }
        Console.out("OK: \(files.patternFiles.count) pattern file\(files.patternFiles.count == 1 ? "" : "s"), \(n) patterns, \(examples) examples and counterexamples pass\n")
    }
}
