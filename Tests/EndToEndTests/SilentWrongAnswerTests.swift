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

    /// One rule that fails at every evaluation once there are two job_failed series (only the
    /// data can tell), one that works.
    static let failingRules = """
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: RatioPerPattern
                expr: logwarden_matches_total / on() logwarden_matches_total > 0
                labels: {severity: warning}
              - alert: JobFailed
                expr: sum(increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0
                labels: {severity: critical}

        """
    static let failure = "a.yaml:6:39: rule 'RatioPerPattern' failed at 2025-10-27T10:01:00Z (and 2 later evaluations): many-to-many matching not allowed: several series on the right of '/' share the labels {}; use on()/ignoring() to tell them apart; until it is fixed its alerts are missing from the results"

    @Test func aRuleThatFailsAtEvaluationExitsTwoAndIsAnErrorInTheReports() throws {
        let dir = try fixture(Self.failingRules)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["check", "p.yaml", "a.yaml"], cwd: dir).status == 0)
        let scan = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "critical",
                                "--report", "junit", "report.xml", "--report", "github", "app.log"], cwd: dir)
        #expect(scan.status == 2)
        #expect(scan.problems == "logwarden: " + Self.failure + "\n", "\(scan.stderr)")
        #expect(scan.stdout.contains("\n::error file=a.yaml,line=6,col=39,title=rule 'RatioPerPattern' failed at evaluation::a.yaml:6:39: rule 'RatioPerPattern' failed at 2025-10-27T10:01:00Z"), "\(scan.stdout)")
        #expect(scan.stdout.hasSuffix("1 alert fired: 1 critical.\n1 rule failed at evaluation or gave an unknown severity (see stderr). Exit 2.\n"), "\(scan.stdout)")
        let junit = try String(contentsOfFile: dir + "/report.xml", encoding: .utf8)
        #expect(junit.contains(#"<testsuites name="logwarden" tests="2" failures="1" errors="1">"#), "\(junit)")
        #expect(junit.contains("""
                <testcase classname="g" name="RatioPerPattern">
                  <error type="evaluation" message="many-to-many matching not allowed: several series on the right of &apos;/&apos; share the labels {}; use on()/ignoring() to tell them apart">a.yaml:6:39: rule &apos;RatioPerPattern&apos; failed at
            """), "\(junit)")
        let json = try CLI.run(["scan", "--output", "json", "--rules", "p.yaml", "--rules", "a.yaml", "app.log"], cwd: dir)
        #expect(json.status == 2)
        #expect(json.stdout.hasSuffix(#""exitStatus":2}"# + "\n"), "\(json.stdout)")
    }

    @Test func aRuleTestFailsWhenItsRuleFailsAtEvaluation() throws {
        let dir = try fixture(Self.failingRules)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        rules: [p.yaml, a.yaml]
        tests:
          - name: job failures fire
            input_file: app.log
            alert_rule_test:
              - {eval_time: 2m, alertname: JobFailed, exp_alerts: [{exp_labels: {severity: critical}}]}

        """.write(toFile: dir + "/t.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["test", "t.yaml"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("FAIL  t.yaml: job failures fire\n  rule: ./a.yaml:6:39: rule 'RatioPerPattern' failed at 2025-10-27T10:01:00Z"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func watchLogsAFailingRuleOnceAndKeepsItsExitStatus() throws {
        let dir = try fixture(Self.failingRules)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["watch", "--time", "event", "--rules", "p.yaml", "--rules", "a.yaml", "--textfile", "out.prom", "-"],
                            stdin: Self.log, cwd: dir)
        #expect(r.status == 0)
        let logged = r.stderr.split(separator: "\n").filter { $0.contains("RatioPerPattern") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("level=error msg=\"a.yaml:6:39: rule 'RatioPerPattern' failed at 2025-10-27T10:01:00Z:") == true, "\(r.stderr)")
        let prom = try String(contentsOfFile: dir + "/out.prom", encoding: .utf8)
        #expect(prom.contains(#"logwarden_rule_evaluation_failures_total{rule="RatioPerPattern",rule_group="g"} 3"#), "\(prom)")
    }

    @Test func aTemplatedSeverityIsCheckedWhenItIsExpanded() throws {
        let dir = try fixture("""
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: JobFailed
                expr: sum by (host) (increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0
                labels: {severity: '{{ $labels.host }}'}
              - alert: Constant
                expr: vector(1)
                labels: {severity: '{{ "Critical" }}'}

        """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = try CLI.run(["check", "p.yaml", "a.yaml"], cwd: dir)
        #expect(check.status == 1)
        #expect(check.stderr.hasPrefix("a.yaml:10:28: alert 'Constant': its template gives unknown severity 'Critical'; use one of critical | high | warning | medium | low | info; did you mean 'critical'?\n"), "\(check.stderr)")
        let lines = try String(contentsOfFile: dir + "/a.yaml", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try lines.prefix(7).joined(separator: "\n").write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        let scan = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "info", "app.log"], cwd: dir)
        #expect(scan.status == 2)
        #expect(scan.problems == "logwarden: a.yaml:5:9: rule 'JobFailed' at 2025-10-27T10:01:00Z: its templated severity label expanded to 'alpha', which --fail-on ranks as info; make the template give one of critical | high | warning | medium | low | info\n")
        #expect(scan.stdout.hasSuffix("1 alert fired: 1 with unknown severity 'alpha'.\n1 rule failed at evaluation or gave an unknown severity (see stderr). Exit 2.\n"), "\(scan.stdout)")
    }

    static let typoRules = """
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: Typos
                expr: increase(logwarden_match_total[5m]) > 0 or up{job="x"} == 0 or logwarden_matches_total{hots="alpha"} > 0
                labels: {severity: warning}

        """
    static let typoWarnings = [
        "a.yaml:6:24: warning: alert 'Typos': logwarden never produces a metric 'logwarden_match_total', so this selector never matches; did you mean 'logwarden_matches_total'?",
        "a.yaml:6:58: warning: alert 'Typos': logwarden never produces a metric 'up', so this selector never matches; it produces ALERTS, ALERTS_FOR_STATE, logwarden_matches_total, logwarden_records_total, logwarden_unmatched_records_total",
        "a.yaml:6:102: warning: alert 'Typos': no loaded pattern captures or sets label 'hots', so this selector never matches; did you mean 'host'?",
    ]

    @Test func checkWarnsAboutSelectorsThatNeverMatchAndStillPasses() throws {
        let dir = try fixture(Self.typoRules)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = try CLI.run(["check", "p.yaml", "a.yaml"], cwd: dir)
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("OK: 1 pattern file, 1 patterns"))
        #expect(check.stderr == Self.typoWarnings.joined(separator: "\n") + "\n")
        // Alert rules alone are compared with the built-in pack, and check says so.
        try "groups:\n  - name: g\n    rules:\n      - {alert: A, expr: 'logwarden_matches_total{class=\"timeouts\"} > 0'}\n"
            .write(toFile: dir + "/b.yaml", atomically: true, encoding: .utf8)
        let alone = try CLI.run(["check", "b.yaml"], cwd: dir)
        #expect(alone.status == 0)
        #expect(alone.stderr == """
            b.yaml:4:51: warning: alert 'A': no loaded pattern has class 'timeouts', so this selector never matches; did you mean 'timeout'?
            logwarden check: no pattern files among the paths: selectors were compared with the built-in pattern pack; name your pattern files too (logwarden check rules/)

            """)
    }

    @Test func scanAndWatchPrintTheSameWarningsOnceAndKeepTheirExitStatus() throws {
        let dir = try fixture(Self.typoRules)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scan = try CLI.run(["scan", "--rules", "p.yaml", "--rules", "a.yaml", "--fail-on", "critical", "app.log"], cwd: dir)
        #expect(scan.status == 0)
        #expect(scan.problems == Self.typoWarnings.map { "logwarden: " + $0 }.joined(separator: "\n") + "\n", "\(scan.stderr)")
        let watch = try CLI.run(["watch", "--rules", "p.yaml", "--rules", "a.yaml", "-"], stdin: Self.log, cwd: dir)
        #expect(watch.status == 0)
        let logged = watch.stderr.split(separator: "\n").filter { $0.contains("level=warn ") }
        #expect(logged.count == 3)
        #expect(logged.first?.contains("msg=\"a.yaml:6:24: alert 'Typos': logwarden never produces a metric 'logwarden_match_total'") == true, "\(watch.stderr)")
    }
}
