import Foundation
import Testing

/// Where the rules come from, run from a directory without ./rules (a temporary one as the
/// working directory), as an agent installed on a host is.
@Suite(.serialized) struct RulePackTests {
    static let incident = CLI.root + "/samples/calendar-sync-incident.log"

    /// The binary carries the default alert rules with the default patterns: the incident's
    /// critical alerts fail the run, and every transition is the one ./rules gives.
    @Test func builtinPackAlertsWithoutRulesDirectory() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let builtin = try CLI.run(["scan", "--fail-on", "critical", "--output", "json", Self.incident], cwd: dir)
        #expect(builtin.status == 1, "\(builtin.stderr)")
        #expect(builtin.stdout.contains(#""alertname":"CalendarSyncOAuthTokenScopeError""#))
        let local = try CLI.run(["scan", "--fail-on", "critical", "--output", "json", Self.incident])
        #expect(local.status == 1)
        #expect(builtin.stdout == local.stdout)
    }
}
