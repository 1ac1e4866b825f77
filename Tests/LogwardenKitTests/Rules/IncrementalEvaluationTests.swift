import Testing
@testable import LogwardenKit

/// Rules evaluated instant after instant answer comparisons from what changed
/// (`TrackedVector`, `ThresholdFilter`) and skip steady alerts. Each must give exactly what a
/// full evaluation gives: here both run side by side over random records, with late ones,
/// records too late for their window, gaps of hours and skipped instants.
struct IncrementalEvaluationTests {
    static let patterns = """
        patterns:
          - {name: fail, class: auth_failure, severity: high, match: 'fail from (?<source>\\S+)'}
          - {name: slow, class: timeout, severity: low, match: 'slow (?<host>\\S+)'}
          - {name: boom, class: other_error, severity: high, match: boom}
        """

    static let expressions = [
        #"increase(logwarden_matches_total{pattern="fail"}[1m]) > 1"#,
        #"rate(logwarden_matches_total[5m]) >= 0.01"#,
        #"(increase(logwarden_matches_total{class="timeout"}[2m])) < 2"#,
        #"increase(logwarden_matches_total{pattern="fail"}[1m]) == 0"#,
        #"delta(logwarden_records_total[30s]) != 3"#,
        #"sum by (source) (increase(logwarden_matches_total{pattern="fail"}[2m])) > 2"#,
        #"sum without (source, host) (increase(logwarden_matches_total[1m])) >= 1"#,
        #"count by (class) (increase(logwarden_matches_total[1m])) > 1"#,
        #"avg by (class) (rate(logwarden_matches_total[1m])) < 0.05"#,
        #"sum(rate(logwarden_matches_total{severity="high"}[5m])) > 0.02"#,
        #"topk(3, sum by (source) (increase(logwarden_matches_total[5m]))) > 1"#,
        #"topk by (class) (2, increase(logwarden_matches_total[2m])) >= 2"#,
        #"count(increase(logwarden_matches_total{pattern="fail"}[1m]) > 0) > 2"#,
        #"sum(increase(logwarden_matches_total[1m]) > 0) / sum(increase(logwarden_records_total[1m])) > 0.1"#,
        #"sum(increase(logwarden_matches_total{severity="high"}[1m])) / sum(increase(logwarden_records_total[1m])) > 0.2"#,
        #"count by (class) (increase(logwarden_matches_total[2m]))"#,
        #"avg without (source, host) (rate(logwarden_matches_total[1m]))"#,
    ]

    func store() throws -> SeriesStore {
        SeriesStore(patterns: try patternSet(Self.patterns), bucketWidth: 15_000, largestRange: 300_000, allowedLateness: 60_000)
    }

    /// Random records from `seed`: mostly in order, some late, some later than the lateness,
    /// and gaps. Calls `instant` at each 15 s instant before the records after it, skipping
    /// some (as the engine does across a long gap).
    func replay(seed: UInt64, records: Int, into store: SeriesStore, instant: (EpochMillis) throws -> Void) throws {
        var rng = SplitMix(seed)
        let input = store.inputSeries("a.log")
        var t: EpochMillis = 1_000_000_000
        var next: EpochMillis = (t / 15_000 + 1) * 15_000
        let sources = (0..<12).map { "10.0.0.\($0)" }
        for line in 0..<records {
            switch rng.below(100) {
            case 0: t += 3_600_000 + EpochMillis(rng.below(100_000))   // a gap
            case 1...60: t += EpochMillis(rng.below(4000))
            default: break
            }
            var time = t
            if rng.below(10) == 0 { time -= EpochMillis(rng.below(120_000)) }   // late, sometimes too late
            while next < time {
                if rng.below(8) != 0 { try instant(next) }
                next += 15_000 * (rng.below(20) == 0 ? EpochMillis(1 + rng.below(30)) : 1)
            }
            let at = store.admit(time)
            let match: SeriesKey?
            switch rng.below(4) {
            case 0: match = SeriesKey(pattern: 0, captures: [sources[rng.below(sources.count)]])
            case 1: match = SeriesKey(pattern: 1, captures: ["h\(rng.below(3))"])
            case 2: match = SeriesKey(pattern: 2, captures: [])
            default: match = nil
            }
            let text: [UInt8] = Array("record \(line)".utf8)
            text.withUnsafeBufferPointer { store.count(input: input, at: at, recordTime: time, line: line, text: $0, match: match) }
        }
        try instant(next)
    }

    func rendered(_ value: QueryValue) -> [String] {
        guard case let .vector(v) = value.asVector else { return ["not a vector"] }
        return v.map { "\($0.labels) \($0.value)" }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func comparisonsKeptUpToDateEqualFullEvaluation(seed: UInt64) throws {
        let store = try store()
        let source = StoreSource(store: store)
        store.logTouches = true
        let exprs = try Self.expressions.map { try ExprParser.parse($0) }
        exprs.forEach(source.registerGroupWindows)
        var compared = 0, nonEmpty = 0
        try replay(seed: seed, records: 6000, into: store) { t in
            for (i, e) in exprs.enumerated() {
                let full = rendered(try Evaluator(source: source, time: t).eval(e))
                let kept = rendered(try Evaluator(source: source, time: t, scope: EvaluationScope(group: 0, rule: i)).eval(e))
                #expect(kept == full, "\(Self.expressions[i]) at \(t)")
                if kept != full { throw Mismatch() }
                compared += 1
                if !full.isEmpty { nonEmpty += 1 }
            }
            source.evaluated()
        }
        // The data exercises the rules: most instants have something to compare.
        #expect(compared > 1000 && nonEmpty > compared / 3)
    }

    @Test func alertsOverKeptComparisonsMoveAsWithFullEvaluation() throws {
        let store = try store()
        let source = StoreSource(store: store)
        store.logTouches = true
        let exprs = try Self.expressions.map { try ExprParser.parse($0) }
        exprs.forEach(source.registerGroupWindows)
        func rules() -> [AlertRule] {
            exprs.enumerated().map { i, e in
                var def = RuleDefinition(kind: .alert, name: "R\(i)", expr: e, exprSource: Self.expressions[i],
                                         location: SourceLocation(file: "t", line: 1, column: 1))
                def.forDuration = [0, 30_000, 120_000][i % 3]
                def.keepFiringFor = i % 4 == 0 ? 60_000 : 0
                return AlertRule(def, group: "g")
            }
        }
        let (kept, full) = (rules(), rules())
        var transitions = 0
        try replay(seed: 9, records: 6000, into: store) { t in
            for i in exprs.indices {
                func show(_ ts: [AlertTransition]) -> [String] {
                    ts.map { "\($0.kind) \($0.alert.labels) \($0.alert.value) \($0.alert.activeAt)" }
                }
                let a = show(try kept[i].eval(at: t, source: source, scope: EvaluationScope(group: 0, rule: i), evidence: { _ in .none }))
                let b = show(try full[i].eval(at: t, source: source, evidence: { _ in .none }))
                #expect(a == b, "\(Self.expressions[i]) at \(t)")
                if a != b { throw Mismatch() }
                transitions += a.count
            }
            source.evaluated()
        }
        #expect(transitions > 500)
    }

    @Test func theTouchLogIsTrimmedBehindItsReaders() throws {
        let store = try store()
        let source = StoreSource(store: store)
        store.logTouches = true
        let e = try ExprParser.parse(#"increase(logwarden_matches_total[1m]) > 1"#)
        try replay(seed: 4, records: 20_000, into: store) { t in
            _ = try Evaluator(source: source, time: t, scope: EvaluationScope(group: 0, rule: 0)).eval(e)
            source.evaluated()
        }
        // One entry per series and bucket, and only those since the last instant are kept.
        #expect(store.touches.start > 0 && store.touches.series.count < 200)
    }

    /// Each expression over `records` (all at one instant), in full and kept between
    /// instants, gives `expected` a little later.
    func expectOnBothPaths(_ cases: [(expr: String, expected: [String])], records: [SeriesKey]) throws {
        let store = try store()
        let source = StoreSource(store: store)
        store.logTouches = true
        let exprs = try cases.map { try ExprParser.parse($0.expr) }
        exprs.forEach(source.registerGroupWindows)
        let input = store.inputSeries("a.log")
        for (i, key) in records.enumerated() {
            let text: [UInt8] = Array("record \(i)".utf8)
            let at = store.admit(1_000_000)
            text.withUnsafeBufferPointer { store.count(input: input, at: at, recordTime: 1_000_000, line: i, text: $0, match: key) }
        }
        for round in 0..<2 {
            for (i, c) in cases.enumerated() {
                let scope = round == 0 ? nil : EvaluationScope(group: 0, rule: i)
                let got = rendered(try Evaluator(source: source, time: 1_020_000, scope: scope).eval(exprs[i]))
                #expect(got == c.expected, "\(c.expr)")
            }
        }
    }

    /// increase() drops the name, so `by (__name__)` of it is one nameless group; of a plain
    /// selector it keeps the name. The group of each series is memoised per grouping and
    /// shared by every path: the order they first run in must not matter.
    @Test func groupingByNameKeepsOnlyANameTheElementsHave() throws {
        try expectOnBothPaths([
            (#"sum by (__name__) (logwarden_matches_total)"#, ["logwarden_matches_total{} 2.0"]),
            (#"sum by (__name__) (increase(logwarden_matches_total[1m]))"#, ["{} 2.0"]),
            (#"count by (__name__) (increase(logwarden_matches_total[1m]) > 0)"#, ["{} 2.0"]),
            (#"sum by (__name__, class) (increase(logwarden_matches_total[1m])) > 0"#, [#"{class="auth_failure"} 1.0"#, #"{class="other_error"} 1.0"#]),
            (#"count by (__name__) (logwarden_matches_total)"#, ["logwarden_matches_total{} 4.0"]),
            // A series' sample and another of the same group add up in one group.
            (#"sum(logwarden_matches_total or vector(1))"#, ["{} 3.0"]),
        ], records: [SeriesKey(pattern: 0, captures: ["10.0.0.1"]), SeriesKey(pattern: 2, captures: [])])
    }

    /// Sums of counts are exact from a group's window; sums of rates and averages are not,
    /// and are built from the members in order, as Prometheus adds them, on every path.
    @Test func keptSumsOfRatesAndAveragesAddUpAsPrometheus() throws {
        // fail{}, slow{}, boom{} exist from the start: sums of 0, 1, 5 and averages of 0, 1, 6.
        try expectOnBothPaths([
            (#"sum(rate(logwarden_matches_total{pattern=~"fail|boom"}[1m]))"#, ["{} 0.09999999999999999"]),
            (#"sum(rate(logwarden_matches_total{pattern=~"fail|boom"}[1m])) >= 0.1"#, []),
            (#"avg(increase(logwarden_matches_total{pattern=~"slow|boom"}[1m]))"#, ["{} 2.333333333333333"]),
            (#"avg(increase(logwarden_matches_total{pattern=~"slow|boom"}[1m])) < 2.3333333333333335"#, ["{} 2.333333333333333"]),
            (#"sum(increase(logwarden_matches_total{pattern=~"fail|boom"}[1m]))"#, ["{} 6.0"]),
        ], records: [SeriesKey(pattern: 2, captures: [])] + Array(repeating: SeriesKey(pattern: 0, captures: ["10.0.0.1"]), count: 5)
            + Array(repeating: SeriesKey(pattern: 1, captures: ["h0"]), count: 6))
    }

    struct Mismatch: Error {}
}

/// A small deterministic generator, so a failure replays.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
