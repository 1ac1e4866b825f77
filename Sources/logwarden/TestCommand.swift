import ArgumentParser
import LogwardenKit

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run rule unit tests: raw log lines in, expected classes, alerts and metrics out.",
        discussion: "Exit 1 if a test fails, 2 if a test file or its rules cannot be loaded."
    )

    @Argument(help: ArgumentHelp("Test files or directories (files with a top-level 'tests:'). Default: ./rules/tests.", valueName: "path"))
    var paths: [String] = []

    func run() throws {
        let files: RuleFiles
        do { files = try RuleFiles.load(paths.isEmpty ? ["rules/tests"] : paths) } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let options = ReadOptions(now: Clock.nowMillis())
        var passed = 0, failed = 0, broken = false
        for file in files.testFiles {
            do {
                let parsed = try RuleTestFile.parse(path: file.path, text: file.text)
                for outcome in try RuleTestRunner.run(parsed, options: options) {
                    if outcome.passed {
                        passed += 1
                        Console.out("PASS  \(file.path): \(outcome.name)\n")
                    } else {
                        failed += 1
                        Console.out("FAIL  \(file.path): \(outcome.name)\n" + outcome.failures.map { "  " + $0 + "\n" }.joined())
                    }
                }
            } catch {
                broken = true
                Console.error(error.description)
            }
        }
        if files.testFiles.isEmpty {
            Console.error("logwarden test: no test files (with a top-level 'tests:') under \(paths.isEmpty ? "rules/tests" : paths.joined(separator: " "))")
            throw ExitCode(2)
        }
        Console.out("\(passed) passed, \(failed) failed\n")
        if broken { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }
}
