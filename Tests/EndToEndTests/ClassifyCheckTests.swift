import Foundation
import Testing

@Suite(.serialized) struct ClassifyCheckTests {
    @Test func classifyJSONLinesOnTheIncident() throws {
        let r = try CLI.run(["classify", "--output", "jsonl", "samples/calendar-sync-incident.log"])
        #expect(r.status == 0)
        CLI.expectGolden(r.stdout, "classify-incident.jsonl")
    }

    @Test func classifyTSVWithSeveralInputs() throws {
        let r = try CLI.run(["classify", "--output", "tsv", "samples/sshd-auth.log", "samples/nginx-access.log"])
        #expect(r.status == 0)
        CLI.expectGolden(r.stdout, "classify-several.tsv")
    }

    /// A user's pattern above the pack's priority (100) takes the incident's traceback at
    /// line 96 by its header and captures user_id from it; at the pack's priority the
    /// exception line decides, even though the user's file comes first.
    @Test(arguments: [(300, "scope_load_failed_for_user"), (100, "oauth_token_scope")])
    func userPatternOnATracebackHeader(_ priority: Int, _ expected: String) throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        patterns:
          - name: scope_load_failed_for_user
            class: undefined_column
            severity: critical
            priority: \(priority)
            match: 'failed to load oauth token scopes for user (?<user_id>\\d+)'

        """.write(toFile: dir + "/user.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["classify", "--rules", dir + "/user.yaml", "--rules", "rules", "samples/calendar-sync-incident.log"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix(#"{"line":96,"#) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
        #expect(object["end_line"] as? Int == 104)
        #expect(object["pattern"] as? String == expected)
        let labels = object["labels"] as? [String: String]
        #expect(labels?["user_id"] == (priority == 300 ? "1087" : nil))
    }

    @Test func checkPassesTheShippedRules() throws {
        let r = try CLI.run(["check", "rules/"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("OK: 8 pattern files, "))
        #expect(r.stdout.hasSuffix("; 2 rule files, 3 groups, 11 rules\n"))
    }

    @Test func checkReportsEveryProblemWithItsPosition() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        patterns:
          - name: scope_error
            class: undefined_column
            severity: critical
            match: 'column (?<column>\\w+ does not exist'
          - name: Bad-Name
            class: timeouts
            severity: urgent
            match: 'x'
          - name: refused
            class: connection_refused
            severity: high
            match: 'Connection refused'
            examples: ['connect ECONNREFUSED 127.0.0.1:5432']
            counterexamples: ['retry after Connection refused']

        """.write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        try "patterns:\n  - name: x\n    match: [unclosed\n".write(toFile: dir + "/syntax.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", dir], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        CLI.expectGolden(r.stderr.replacingOccurrences(of: dir, with: "DIR"), "check-broken.txt")
    }

    @Test func scanWithBrokenRulesExitsTwo() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "patterns:\n  - {name: a, class: timeout, severity: low, match: 'a(('}\n".write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan", "--rules", dir + "/p.yaml", "samples/healthy.log"])
        #expect(r.status == 2)
        #expect(r.stderr.replacingOccurrences(of: dir, with: "DIR") == """
        DIR/p.yaml:2:57: pattern 'a': invalid PCRE2 regex at offset 3: missing closing parenthesis
        logwarden: the rules above are invalid; fix them (see 'logwarden check') and run again

        """)
    }
}
