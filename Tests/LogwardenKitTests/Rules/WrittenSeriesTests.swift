import Testing
@testable import LogwardenKit

/// What rules write (recording rules' outputs, ALERTS) as later evaluations read it, where
/// promtool cannot be asked: `promtool test rules` stops at the first failing rule, and
/// never skips instants or reloads.
struct WrittenSeriesTests {
    static let patterns = """
        patterns:
          - {name: fail, class: auth_failure, severity: high, match: 'fail from (?<source>\\S+)'}
          - {name: boom, class: other_error, severity: high, match: boom}
        """

    func engine(_ rules: String) throws -> (PatternSet, RuleEngine) {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        files.add(RuleFiles.File(path: "p.yaml", text: Self.patterns), &diags)
        files.add(RuleFiles.File(path: "a.yaml", text: "groups:\n- name: g\n  interval: 1m\n  rules:\n" + rules), &diags)
        let set = try PatternSet.load(files)
        let (groups, problems) = RuleFile.load(files)
        #expect(problems.isEmpty && diags.isEmpty, "\(problems)")
        return (set, try #require(RuleEngine.make(groups, patterns: set, lateness: 60_000)))
    }

    /// Records 1 ms after each minute of each stretch (ReloadTests' feed); transitions as
    /// "rule:kind@minute".
    func feed(_ tally: inout Tally, _ stretches: [(text: String, minutes: Range<Int>)]) -> [String] {
        stretches.flatMap { ReloadTests().feed(&tally, $0.text, minutes: $0.minutes) }
    }

    /// Prometheus writes nothing for a failed evaluation: the last output is read for the
    /// lookback delta (5m, boundary included), then it is gone.
    @Test func aFailingRecordingRulesLastOutputIsReadForFiveMinutes() throws {
        let (set, engine) = try engine("""
              - record: lw:fail
                expr: logwarden_matches_total{pattern="fail", source!=""} * 0
                labels: {source: same}
              - alert: Seen
                expr: lw:fail == 0
            """)
        var tally = Tally(patterns: set, engine: engine)
        // From minute 4 on two sources give one label set: the rule fails; it last wrote at 3.
        let seen = feed(&tally, [("fail from a", 0..<1), ("heartbeat", 1..<3), ("fail from b", 3..<4), ("heartbeat", 4..<13)])
        #expect(seen == ["Seen:pending@1", "Seen:firing@1", "Seen:resolved@9"])
        #expect(engine.failures["lw:fail"] == 9)  // minutes 4 to 12
    }

    /// Over a gap without records the engine skips instants; a rule placed before the
    /// alerting rule it reads still sees that rule's ALERTS of the instant before.
    @Test func aReaderBeforeItsWriterSeesAlertsAcrossASkippedGap() throws {
        let (set, engine) = try engine("""
              - alert: Reader
                expr: ALERTS{alertname="Writer"}
              - alert: Writer
                expr: logwarden_matches_total{pattern="boom"} > 0
            """)
        var tally = Tally(patterns: set, engine: engine)
        let seen = feed(&tally, [("boom", 0..<2), ("heartbeat", 2..<3), ("boom", 600..<601), ("heartbeat", 601..<603)])
        #expect(seen == ["Writer:pending@1", "Writer:firing@1", "Reader:pending@2", "Reader:firing@2"])
        #expect(engine.settle != nil)
    }

    /// Alerts kept across a reload were written by the old engine's last evaluation.
    @Test func alertsKeptByAReloadAreReadAtOnce() throws {
        let rules = """
              - alert: Reader
                expr: ALERTS{alertname="Writer", alertstate="firing"}
              - alert: Writer
                expr: logwarden_matches_total{pattern="boom"} > 0
            """
        let (set, old) = try engine(rules)
        var tally = Tally(patterns: set, engine: old)
        #expect(feed(&tally, [("boom", 0..<1), ("heartbeat", 1..<3)]) == ["Writer:pending@1", "Writer:firing@1", "Reader:pending@2", "Reader:firing@2"])
        let (set2, new) = try engine(rules)
        var next = Tally(patterns: set2, engine: new)
        next.counts.carry(tally.counts)
        new.takeOver(old)
        new.start(at: 3 * 60_000)
        #expect(feed(&next, [("heartbeat", 3..<5)]) == [])
    }

    @Test func aSeriesWrittenByTwoRulesIsReadFromTheLatestWrite() {
        let written = WrittenSeries()
        let a = EvaluationScope(group: 0, rule: 0), b = EvaluationScope(group: 0, rule: 1)
        written.declare(a, names: ["x"])
        written.declare(b, names: ["x"])
        let same = Labels([(Labels.metricName, "x"), ("k", "v")])
        let other = Labels([(Labels.metricName, "x"), ("k", "w")])
        written.write(a, at: 60_000, [VectorSample(labels: same, value: 1), VectorSample(labels: other, value: 3)])
        written.write(b, at: 60_000, [VectorSample(labels: same, value: 2)])
        let all = VectorSelector(name: "x", matchers: [])
        func read(at t: EpochMillis) -> [String] {
            written.matching(all, at: t) { s, l in l.name == s.name }.map { "\($0.labels["k"]!)=\(Int($0.value))" }
        }
        #expect(read(at: 60_000) == ["v=1", "w=3"])
        written.write(b, at: 120_000, [VectorSample(labels: same, value: 2)])
        #expect(read(at: 120_000) == ["w=3", "v=2"])
        #expect(read(at: 60_000 + WrittenSeries.lookback) == ["w=3", "v=2"])
        #expect(read(at: 60_001 + WrittenSeries.lookback) == ["v=2"])
    }
}
