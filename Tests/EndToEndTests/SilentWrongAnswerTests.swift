import Foundation
import Testing

/// Issue 23, parts 3 and 4: a rule that cannot work fails `check` (or, when only the data can
/// tell, fails the run), and a typo does not pass in silence.
@Suite(.serialized) struct SilentWrongAnswerTests {
    static let patterns = "patterns:\n  - {name: job_failed, class: other_error, severity: critical, match: 'job failed on (?<host>\\w+)'}\n"
    static let log = "2025-10-27T10:00:10Z job failed on alpha\n2025-10-27T10:00:20Z job failed on alpha\n2025-10-27T10:03:00Z heartbeat\n"

    /// A directory with p.yaml (the patterns), a.yaml (these rules) and app.log.
    func fixture(_ rules: String) throws -> String {
        let dir = CLI.tempDir()
        try Self.patterns.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        try rules.write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try Self.log.write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aRangeOverARecordedSeriesFailsCheckAndScanRefusesIt() throws {
        let dir = try fixture("""
        groups:
          - name: g
            interval: 1m
            rules:
              - record: host:failures:sum
                expr: sum by (host) (logwarden_matches_total{pattern="job_failed"})
              - alert: HostFailing
                expr: increase(host:failures:sum[5m]) > 0
                labels: {severity: critical}

        """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let problem = "a.yaml:8:24: alert 'HostFailing': increase() over 'host:failures:sum', the output of the recording rule at a.yaml:5:9: logwarden keeps no history of recorded series, so this fails at every evaluation; apply increase() to logwarden's counters inside the recording rule and read 'host:failures:sum' without a range"
        let check = try CLI.run(["check", "p.yaml", "a.yaml"], cwd: dir)
        #expect(check.status == 1)
        #expect(check.stderr == problem + "\nlogwarden check: 1 problem found\n")
        let scan = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "critical",
                                "--report", "junit", "report.xml", "app.log"], cwd: dir)
        #expect(scan.status == 2)
        #expect(scan.stderr.hasPrefix(problem + "\n"), "\(scan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/report.xml"))
    }

    static func severityRules(_ severity: String) -> String {
        """
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: JobFailed
                expr: sum(increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0
                \(severity.isEmpty ? "" : "labels: {severity: \(severity)}")

        """
    }

    @Test func aSeverityInAnotherCaseIsRefusedEverywhere() throws {
        let dir = try fixture(Self.severityRules("Critical"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let problem = "a.yaml:7:28: alert 'JobFailed': unknown severity 'Critical'; use one of critical | high | warning | medium | low | info; did you mean 'critical'?"
        let check = try CLI.run(["check", "p.yaml", "a.yaml"], cwd: dir)
        #expect(check.status == 1)
        #expect(check.stderr == problem + "\nlogwarden check: 1 problem found\n")
        let scan = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "critical", "app.log"], cwd: dir)
        #expect(scan.status == 2)
        #expect(scan.stderr.hasPrefix(problem + "\n"), "\(scan.stderr)")
        let watch = try CLI.run(["watch", "--rules", "p.yaml", "--rules", "a.yaml", "-"], stdin: Self.log, cwd: dir)
        #expect(watch.status == 2)
        #expect(watch.stderr.hasPrefix(problem + "\n"), "\(watch.stderr)")
    }

    @Test func failOnRanksTheFixedSeverityAndNoneCountsAsInfo() throws {
        let dir = try fixture(Self.severityRules("critical"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let critical = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "critical", "app.log"], cwd: dir)
        #expect(critical.status == 1, "\(critical.stderr)")
        #expect(critical.stdout.hasSuffix("1 alert fired: 1 critical. Exit 1: at or above --fail-on critical.\n"), "\(critical.stdout)")
        try Self.severityRules("").write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        let info = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "info", "app.log"], cwd: dir)
        #expect(info.status == 1, "\(info.stderr)")
        #expect(info.stdout.hasSuffix("1 alert fired: 1 without severity. Exit 1: at or above --fail-on info.\n"), "\(info.stdout)")
        let low = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "low", "app.log"], cwd: dir)
        #expect(low.status == 0, "\(low.stderr)")
    }
}
