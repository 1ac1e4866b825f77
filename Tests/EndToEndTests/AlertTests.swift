import Foundation
import Testing

@Suite(.serialized) struct AlertTests {
    @Test func failOnCriticalExitsOneOnTheIncidentAndZeroOnTheHealthyLog() throws {
        let incident = try CLI.run(["scan", "--fail-on", "critical", "samples/calendar-sync-incident.log"])
        #expect(incident.status == 1)
        #expect(incident.stdout.hasSuffix("5 alerts fired: 2 critical, 3 warning. Exit 1: at or above --fail-on critical.\n"))
        let healthy = try CLI.run(["scan", "--fail-on", "critical", "samples/healthy.log"])
        #expect(healthy.status == 0)
        let info = try CLI.run(["scan", "--fail-on", "info", "samples/healthy.log"])
        #expect(info.status == 0, "nothing fires on the healthy log, at any severity")
    }

    @Test func alertTransitionsAsJSONLines() throws {
        let r = try CLI.run(["scan", "--output", "json", "samples/calendar-sync-incident.log"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        CLI.expectGolden(lines.filter { $0.hasPrefix(#"{"type":"alert""#) }.joined(separator: "\n") + "\n", "incident-alerts.jsonl")
        #expect(lines.last!.hasPrefix(#"{"type":"summary""#))
    }

    @Test func ruleUnitTestsPassAndAMutatedRuleFails() throws {
        let ok = try CLI.run(["test", "rules/tests/"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.hasSuffix("26 passed, 0 failed\n"))

        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.copyItem(atPath: CLI.root + "/rules", toPath: dir + "/rules")
        try fm.copyItem(atPath: CLI.root + "/samples", toPath: dir + "/samples")
        let path = dir + "/rules/alerts/calendar-sync.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The scope alert must now see more than 3 errors a minute: the tests that expect it fail.
        let mutated = text.replacingOccurrences(of: "[1m])\n          ) > 0", with: "[1m])\n          ) > 3")
        #expect(mutated != text, "the mutation must apply")
        try mutated.write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["test", "rules/tests/"], cwd: dir)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("FAIL  rules/tests/calendar-sync_test.yaml: oauth token scope error fires at once"))
        #expect(bad.stdout.contains("    expected: {"))
        #expect(bad.stdout.contains("    got:      nothing firing"))
    }

    @Test func shippedAlertRulesPassPromtool() throws {
        let (status, out) = try CLI.sh("promtool check rules rules/alerts/*.yaml")
        #expect(status == 0, "\(out)")
        #expect(out.contains("SUCCESS"))
    }

    @Test func checkPointsAtExpressionAndTemplateErrors() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        groups:
          - name: broken
            interval: 15s
            rules:
              - alert: BadExpr
                expr: sum(rate(logwarden_matches_total[5m]) by (pattern)
              - alert: Unsupported
                expr: histogram_quantile(0.9, logwarden_matches_total)
              - alert: BadTemplate
                expr: logwarden_unmatched_records_total > 0
                for: 5 minutes
                annotations:
                  summary: 'count {{ humanise $value }}'
              - record: job:errors:rate5m
                expr: |
                  sum by (pattern) (
                    increase(logwarden_matches_total[5m] offset 1m)
                  )

        """.write(toFile: dir + "/alerts.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", dir + "/alerts.yaml"])
        #expect(r.status == 1)
        CLI.expectGolden(r.stderr.replacingOccurrences(of: dir, with: "DIR"), "check-alerts.txt")
    }

    @Test func junitAndGitHubReports() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["scan", "--fail-on", "critical", "--report", "junit", dir + "/report.xml", "--report", "github",
                             "samples/calendar-sync-incident.log"])
        #expect(r.status == 1)
        CLI.expectGolden(r.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }.joined(separator: "\n") + "\n", "report-github.txt")
        CLI.expectGolden(try String(contentsOfFile: dir + "/report.xml", encoding: .utf8), "report-junit.xml")
    }
}
