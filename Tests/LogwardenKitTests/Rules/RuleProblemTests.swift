import Testing
@testable import LogwardenKit

/// What only the data can tell is reported once per rule, at the offending sub-expression.
struct RuleProblemTests {
    @Test func aFailingRuleIsReportedOnceAtItsSubExpressionWithItsCount() throws {
        let patterns = try patternSet("""
        patterns:
          - {name: a, class: timeout, severity: low, match: 'a'}
          - {name: b, class: timeout, severity: low, match: 'b'}
        """)
        let (groups, diags) = loadRules("""
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: Fine
                expr: vector(1)
              - alert: ManyToMany
                expr: |
                  sum(logwarden_matches_total)
                    / on() logwarden_matches_total
        """)
        #expect(diags == [])
        let engine = RuleEngine(groups: groups, store: SeriesStore(patterns: patterns, bucketWidth: 60_000, largestRange: 60_000))
        var announced: [String] = []
        engine.onProblem = { announced.append($0.rule) }
        engine.start(at: 0)
        engine.advance(before: 180_000) { _ in }
        #expect(announced == ["ManyToMany"])
        let problem = try #require(engine.problems.first)
        #expect(engine.problems.count == 1)
        #expect(problem.count == 3)
        #expect(problem.failed)
        #expect(problem.location == SourceLocation(file: "a.yaml", line: 10, column: 13))
        #expect(problem.description == "a.yaml:10:13: rule 'ManyToMany' failed at 1970-01-01T00:00:00Z (and 2 later evaluations): many-to-many matching not allowed: several series on the right of '/' share the labels {}; use on()/ignoring() to tell them apart; until it is fixed its alerts are missing from the results")
        let junit = CIReports.junit(groups: groups, fired: [], problems: engine.problems)
        #expect(junit.contains(#"<testsuites name="logwarden" tests="2" failures="0" errors="1">"#))
        #expect(junit.contains("<testcase classname=\"g\" name=\"Fine\"/>\n    <testcase classname=\"g\" name=\"ManyToMany\">\n      <error type=\"evaluation\""))
    }
}
