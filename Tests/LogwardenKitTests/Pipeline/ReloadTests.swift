import Testing
@testable import LogwardenKit

/// A reload keeps the counters and the alert states of what did not change (watch's
/// SIGHUP): `MatchCounts.carry` and `RuleEngine.takeOver`.
struct ReloadTests {
    static let patterns = """
        patterns:
          - name: refused
            class: connection_refused
            match: 'connection refused'
            severity: high
          - name: timeout
            class: timeout
            match: 'timed out'
            severity: warning
        """

    static func rules(_ forTimeouts: String) -> String {
        """
        groups:
          - name: g
            interval: 1m
            rules:
              - alert: Refused
                expr: increase(logwarden_matches_total{pattern="refused"}[5m]) > 0
                for: 2m
              - alert: Timeouts
                expr: increase(logwarden_matches_total{pattern="timeout"}[5m]) > 0
                for: \(forTimeouts)
        """
    }

    func config(patterns: String = ReloadTests.patterns, forTimeouts: String = "2m") throws -> (PatternSet, RuleEngine) {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        files.add(RuleFiles.File(path: "p.yaml", text: patterns), &diags)
        files.add(RuleFiles.File(path: "a.yaml", text: Self.rules(forTimeouts)), &diags)
        let set = try PatternSet.load(files)
        let (groups, problems) = RuleFile.load(files)
        #expect(problems.isEmpty && diags.isEmpty)
        return (set, try #require(RuleEngine.make(groups, patterns: set, lateness: 60_000)))
    }

    /// One record per minute from minute 0 to `minutes − 1`, evaluated on event time.
    func feed(_ tally: inout Tally, _ text: String, minutes: Range<Int>) -> [String] {
        var out: [String] = []
        let input = tally.input(named: "app.log")
        for m in minutes {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buf in
                let record = Record(text: UnsafeBufferPointer(buf), firstLine: m + 1, lastLine: m + 1, lineCount: 1,
                                    time: EpochMillis(m) * 60_000 + 1, hasOwnTime: true, truncated: false, json: nil)
                tally.count(record, in: input, at: record.time, eventTime: true) { out.append("\($0.rule):\($0.kind.rawValue)@\($0.evalTime / 60_000)") }
            }
        }
        return out
    }

    @Test func unchangedRulesKeepTheirStateAndWindowsChangedOnesStartOver() throws {
        let (set, engine) = try config()
        var tally = Tally(patterns: set, engine: engine)
        var seen = feed(&tally, "connection refused", minutes: 0..<2)
        seen += feed(&tally, "request timed out", minutes: 2..<3)
        // Refused pending since minute 1; Timeouts not evaluated yet.
        #expect(seen == ["Refused:pending@1"])

        // Reload: Refused unchanged, Timeouts with another `for`.
        let (set2, engine2) = try config(forTimeouts: "1m")
        var next = Tally(patterns: set2, engine: engine2)
        next.counts.carry(tally.counts)
        engine2.takeOver(engine)
        engine2.start(at: 3 * 60_000)
        #expect(next.counts.perPattern == tally.counts.perPattern)

        let after = feed(&next, "connection refused", minutes: 3..<6)
        // Refused goes on from pending since 1 and fires at 3 = 1 + 2m. Timeouts starts over:
        // pending at 3 (its window kept the record of minute 2), firing 1m later.
        #expect(after == ["Refused:firing@3", "Timeouts:pending@3", "Timeouts:firing@4"])
        #expect(next.counts.perPattern.map(\.count) == [5, 1])
    }

    @Test func aChangedPatternStartsAtZeroAndTheOthersKeepCounting() throws {
        let (set, engine) = try config()
        var tally = Tally(patterns: set, engine: engine)
        _ = feed(&tally, "connection refused", minutes: 0..<2)
        _ = feed(&tally, "request timed out", minutes: 2..<5)
        let changed = Self.patterns.replacingOccurrences(of: "'timed out'", with: "'timed out|deadline exceeded'")
        let (set2, engine2) = try config(patterns: changed)
        var next = Tally(patterns: set2, engine: engine2)
        next.counts.carry(tally.counts)
        engine2.takeOver(engine)
        #expect(next.counts.perPattern.map(\.count) == [2, 0])
        #expect(next.counts.records == 5)
        #expect(next.counts.inputs.map(\.name) == ["app.log"])
    }
}
