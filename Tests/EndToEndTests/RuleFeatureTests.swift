import Foundation
import Testing

@Suite(.serialized) struct RedactionTests {
    @Test func evidenceIsRedactedAndRedactionExtends() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "patterns:\n  - {name: login_failed, class: auth_failure, severity: high, match: 'login failed'}\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        try "groups:\n  - name: g\n    interval: 15s\n    rules:\n      - {alert: LoginFailed, expr: 'increase(logwarden_matches_total{pattern=\"login_failed\"}[1m]) > 0', labels: {severity: high}}\n"
            .write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try "2025-10-27T10:00:00Z login failed for https://bob:hunter2@db.example.com/x password=hunter2 Authorization: Bearer eyJabc.def session=s3cr3t-cookie\n"
            .write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan", "--output", "json", "--rules", dir + "/p.yaml", "--rules", dir + "/a.yaml",
                             "--redact", "session=(\\S+)", dir + "/app.log"])
        #expect(r.status == 0, "\(r.stderr)")
        let firing = try #require(r.stdout.split(separator: "\n").first { $0.contains(#""state":"firing""#) })
        #expect(firing.contains(#""text":"2025-10-27T10:00:00Z login failed for https://[REDACTED]@db.example.com/x password=[REDACTED] Authorization: Bearer [REDACTED] session=[REDACTED]""#), "\(firing)")
        #expect(!firing.contains("hunter2") && !firing.contains("eyJabc") && !firing.contains("s3cr3t"))
        let bad = try CLI.run(["scan", "--redact", "a((", "samples/healthy.log"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--redact 'a((': invalid PCRE2 regex at offset 3"), "\(bad.stderr)")
    }
}

@Suite(.serialized) struct RecordingRuleAndLimitTests {
    /// The `limited` group fails at evaluation (two alerts over a limit of 1).
    func write(_ dir: String, limited: Bool = true) throws {
        try "patterns:\n  - {name: job_failed, class: other_error, severity: low, match: 'job failed on (?<host>\\w+)'}\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let rules = """
        groups:
          - name: recorded
            interval: 1m
            rules:
              - record: host:job_failures:increase5m
                expr: sum by (host) (increase(logwarden_matches_total{pattern="job_failed"}[5m]))
                labels: {team: sync}
              - alert: HostFailing
                expr: host:job_failures:increase5m > 1
                labels: {severity: warning}

        """
        let limitedGroup = """
              - name: limited
                interval: 1m
                limit: 1
                rules:
                  - alert: AnyFailure
                    expr: sum by (host) (increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0

            """
        try (rules + (limited ? limitedGroup : "")).write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try """
        2025-10-27T10:00:10Z job failed on alpha
        2025-10-27T10:00:20Z job failed on alpha
        2025-10-27T10:00:30Z job failed on beta
        2025-10-27T10:02:00Z heartbeat

        """.write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
    }

    @Test func recordedSeriesFeedLaterRulesAndAreExported() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(dir, limited: false)
        let r = try CLI.run(["scan", "--output", "json", "--rules", dir + "/p.yaml", "--rules", dir + "/a.yaml",
                             "--textfile", dir + "/out.prom", dir + "/app.log"])
        #expect(r.status == 0, "\(r.stderr)")
        let firing = r.stdout.split(separator: "\n").filter { $0.contains(#""state":"firing""#) && $0.contains("HostFailing") }
        #expect(firing.count == 1)
        #expect(firing.first?.contains(#""host":"alpha""#) == true && firing.first?.contains(#""team":"sync""#) == true)
        let prom = try String(contentsOfFile: dir + "/out.prom", encoding: .utf8)
        #expect(prom.contains("host:job_failures:increase5m{host=\"alpha\",team=\"sync\"} 2\n"))
        #expect(prom.contains("host:job_failures:increase5m{host=\"beta\",team=\"sync\"} 1\n"))
    }

    @Test func aGroupOverItsLimitDropsItsAlertsAndSaysSo() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(dir)
        let r = try CLI.run(["scan", "--output", "json", "--rules", dir + "/p.yaml", "--rules", dir + "/a.yaml",
                             "--textfile", dir + "/out.prom", dir + "/app.log"])
        #expect(!r.stdout.contains(#""alertname":"AnyFailure""#))
        // The run's answer is incomplete: exit 2, with the rule's position and what to do.
        #expect(r.status == 2)
        let problem = "/a.yaml:15:9: rule 'AnyFailure' failed at 2025-10-27T10:01:00Z (and 1 later evaluation): exceeded limit of 1 with 2 alerts; raise the group's 'limit' or make the expression return fewer series; until it is fixed its alerts are missing from the results"
        #expect(r.problems == "logwarden: " + dir + problem + "\n", "\(r.stderr)")
        let prom = try String(contentsOfFile: dir + "/out.prom", encoding: .utf8)
        #expect(prom.contains("logwarden_rule_evaluation_failures_total{rule=\"AnyFailure\",rule_group=\"limited\"} 2\n"), "\(prom)")
    }
}
