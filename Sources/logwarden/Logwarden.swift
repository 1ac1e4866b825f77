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
        subcommands: [Scan.self, Watch.self, Classify.self, Check.self, Test.self]
    )
}
