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
