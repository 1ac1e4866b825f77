import ArgumentParser
import LogwardenKit

@main
struct Logwarden: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logwarden",
        abstract: "Classify log records with PCRE2 patterns, count them, and export Prometheus metrics.",
        discussion: """
            Exit status: 0 ok; 1 a finding (an invalid rule under 'check'); 2 a usage or \
            configuration error, or an unreadable input.
            """,
        version: ScanMetrics.version,
        subcommands: [Scan.self, Watch.self, Classify.self, Discover.self, Check.self, Test.self, HistoryCommand.self]
    )

    /// ArgumentParser exits 64 (EX_USAGE) on a bad flag; DESIGN.md promises 2 for every
    /// usage error, which scripts and CI test for.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.error(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
