import Testing
@testable import LogwardenKit

/// A fixed set of counters: name+labels → (total, records per window).
final class FakeSource: SeriesSource {
    var series: [(labels: Labels, total: Double, window: Double)] = []

    func add(_ name: String, _ labels: [(String, String)], total: Double, window: Double = 0) {
        series.append((Labels([(Labels.metricName, name)] + labels), total, window))
    }

    func counters(matching selector: VectorSelector) -> [(id: Int, labels: Labels)] {
        series.indices.filter { i in
            let l = series[i].labels
            if let n = selector.name, l.name != n { return false }
            return selector.matchers.allSatisfy { m in
                let v = l[m.name] ?? ""
                switch m.op {
                case .equal: return v == m.value
                case .notEqual: return v != m.value
                case .regex, .notRegex:
                    var bytes = Array(v.utf8)
                    let hit = bytes.withUnsafeMutableBufferPointer { (try? m.regex!.matches(UnsafeBufferPointer($0), scratch: MatchScratch())) ?? false }
                    return hit == (m.op == .regex)
                }
            }
        }.map { ($0, series[$0].labels) }
    }

    func total(_ id: Int) -> Double { series[id].total }
    func windowSum(_ id: Int, at t: EpochMillis, range: Int64) -> Double { series[id].window }
    func written(matching selector: VectorSelector, at t: EpochMillis) -> [VectorSample] { [] }
}

struct PromQLTests {
    func parseError(_ expr: String) -> String? {
        do {
            _ = try ExprParser.parse(expr)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9), ("2 ^ 3 ^ 2", 512), ("-2 ^ 2", -4), ("10 - 4 - 3", 3),
        ("7 % 4", 3), ("1 < bool 2", 1), ("2 == bool 3", 0), ("0x10", 16), ("1e3 / 10", 100),
    ])
    func scalarArithmeticAndPrecedence(_ expr: String, _ expected: Double) throws {
        let value = try Evaluator(source: FakeSource(), time: 0).eval(ExprParser.parse(expr))
        guard case let .scalar(v) = value else { Issue.record("not a scalar"); return }
        #expect(v == expected)
    }

    @Test(arguments: [
        ("rate(x[5m]", "column 11: expected ')' or ',', found end of expression"),
        ("sum by (a (x)", "column 11: expected ')' or ',', found '('"),
        ("x{a=1}", "column 5: expected a quoted label value, found number 1.0"),
        ("x offset 5m", "column 3: not supported: the offset modifier (windows are on the logs' own time)"),
        ("histogram_quantile(0.9, x)", "column 1: not supported: function 'histogram_quantile'"),
        ("quantile(0.9, x)", "column 1: not supported: aggregation 'quantile'"),
        ("rate(x[5m:1m])", "column 10: not supported: subqueries ([range:step])"),
        ("x / on(a) group_left y", "column 11: not supported: many-to-one matching (group_left/group_right)"),
        ("increase(x)", "column 1: argument 1 of increase() must be a range vector such as x[5m], not a instant vector"),
        ("x[5m]", "column 1: the expression must be an instant vector or a scalar, not a range vector"),
        ("1 > 2", "column 3: comparisons between scalars need the 'bool' modifier"),
        ("x[5q]", "column 3: bad duration '5q'; use units ms, s, m, h, d, w, y as in 1h30m"),
        ("frobnicate(x)", "column 1: unknown function 'frobnicate'"),
        ("x and 1", "column 3: set operator 'and' needs instant vectors on both sides"),
    ])
    func parseErrorsPointAtTheColumn(_ expr: String, _ expected: String) {
        #expect(parseError(expr) == expected)
    }

    @Test func durationsCombineUnits() {
        #expect(Duration.parseMillis("1h30m") == 5_400_000)
        #expect(Duration.parseMillis("90s") == 90_000)
        #expect(Duration.parseMillis("500ms") == 500)
        #expect(Duration.parseMillis("1d2h") == 93_600_000)
        #expect(Duration.parseMillis("30m1h") == nil)
        #expect(Duration.parseMillis("5") == nil)
        #expect(Duration.format(5_400_000) == "1h30m")
    }

    func vector(_ expr: String, _ source: FakeSource) throws -> [String] {
        guard case let .vector(v) = try Evaluator(source: source, time: 3_600_000).eval(ExprParser.parse(expr)) else { return ["not a vector"] }
        return v.map { "\($0.labels) \($0.value)" }.sorted()
    }

    static func source() -> FakeSource {
        let s = FakeSource()
        s.add("m", [("pattern", "a"), ("host", "x")], total: 10, window: 3)
        s.add("m", [("pattern", "a"), ("host", "y")], total: 4, window: 1)
        s.add("m", [("pattern", "b"), ("host", "x")], total: 7, window: 0)
        s.add("r", [("host", "x")], total: 100, window: 20)
        s.add("r", [("host", "y")], total: 50, window: 10)
        return s
    }

    @Test func selectorsAggregationsAndExactRanges() throws {
        let s = Self.source()
        #expect(try vector(#"m{pattern="a"}"#, s) == [#"m{host="x", pattern="a"} 10.0"#, #"m{host="y", pattern="a"} 4.0"#])
        #expect(try vector(#"m{pattern=~"a|b", host!="y"}"#, s) == [#"m{host="x", pattern="a"} 10.0"#, #"m{host="x", pattern="b"} 7.0"#])
        #expect(try vector(#"m{pattern=~"."} > 5"#, s) == [#"m{host="x", pattern="a"} 10.0"#, #"m{host="x", pattern="b"} 7.0"#])
        #expect(try vector("sum by (host) (m)", s) == [#"{host="x"} 17.0"#, #"{host="y"} 4.0"#])
        #expect(try vector("sum without (host) (m)", s) == [#"{pattern="a"} 14.0"#, #"{pattern="b"} 7.0"#])
        #expect(try vector("count(m)", s) == ["{} 3.0"])
        #expect(try vector("max by (pattern) (m)", s) == [#"{pattern="a"} 10.0"#, #"{pattern="b"} 7.0"#])
        #expect(try vector("topk(1, m)", s) == [#"m{host="x", pattern="a"} 10.0"#])
        #expect(try vector("bottomk by (pattern) (1, m)", s) == [#"m{host="x", pattern="b"} 7.0"#, #"m{host="y", pattern="a"} 4.0"#])
        #expect(try vector("increase(m[5m])", s) == [#"{host="x", pattern="a"} 3.0"#, #"{host="x", pattern="b"} 0.0"#, #"{host="y", pattern="a"} 1.0"#])
        #expect(try vector("rate(r[1m])", s) == [#"{host="x"} 0.3333333333333333"#, #"{host="y"} 0.16666666666666666"#])
        #expect(try vector("m > bool 5", s).count == 3)
    }

    /// Prometheus 2.42's arithmetic, which gives other doubles than the obvious one: rate is
    /// increase × (1 / seconds), sum adds left to right, avg keeps a running mean.
    @Test func rateSumAndAvgAddUpAsPrometheus() throws {
        let s = FakeSource()
        s.add("c", [("k", "a")], total: 0, window: 1)
        s.add("c", [("k", "b")], total: 0, window: 5)
        s.add("d", [("k", "a")], total: 0, window: 23)
        s.add("e", [("k", "a")], total: 0, window: 0)
        s.add("e", [("k", "b")], total: 1, window: 1)
        s.add("e", [("k", "c")], total: 6, window: 6)
        #expect(try vector("sum(rate(c[1m]))", s) == ["{} 0.09999999999999999"])  // not 6/60 = 0.1
        #expect(try vector("rate(d[1m])", s) == [#"{k="a"} 0.3833333333333333"#])  // not 23/60
        #expect(try vector("rate(d[1500ms])", s) == [#"{k="a"} 15.333333333333332"#])
        #expect(try vector("avg(increase(e[1m]))", s) == ["{} 2.333333333333333"])  // not 7/3
        #expect(try vector("avg(e)", s) == ["{} 2.333333333333333"])
        #expect(try vector("sum(increase(e[1m]))", s) == ["{} 7.0"])
    }

    @Test func accumulatorsTreatNaNAndInfinityAsPrometheus() {
        func run(_ op: AggregateOp, _ values: [Double]) -> Double {
            var acc = GroupAccumulator(op)
            values.forEach { acc.add($0) }
            return acc.result
        }
        #expect(run(.max, [.nan, 1, 3, 2]) == 3)
        #expect(run(.max, [1, .nan, 3]) == 3)
        #expect(run(.min, [.nan, 4, 2]) == 2)
        #expect(run(.avg, [.infinity, 1, 2]) == .infinity)
        #expect(run(.avg, [.infinity, .infinity]) == .infinity)
        #expect(run(.avg, [.infinity, -.infinity]).isNaN)
        #expect(run(.avg, [1, .nan]).isNaN)
        #expect(run(.sum, [-0.0]).sign == .minus)
        #expect(run(.count, [.nan, 1]) == 2)
    }

    @Test func vectorMatchingAndSetOperators() throws {
        let s = Self.source()
        #expect(try vector("sum by (host) (m) / on(host) r", s) == [#"{host="x"} 0.17"#, #"{host="y"} 0.08"#])
        #expect(try vector("sum by (host) (increase(m[5m])) / sum by (host) (increase(r[5m]))", s) == [#"{host="x"} 0.15"#, #"{host="y"} 0.1"#])
        #expect(try vector(#"m and on(host) r{host="y"}"#, s) == [#"m{host="y", pattern="a"} 4.0"#])
        #expect(try vector(#"m unless ignoring(pattern) m{pattern="b"}"#, s) == [#"m{host="y", pattern="a"} 4.0"#])
        #expect(try vector(#"m{pattern="b"} or m{host="y"}"#, s) == [#"m{host="x", pattern="b"} 7.0"#, #"m{host="y", pattern="a"} 4.0"#])
        #expect(try vector(#"absent(m{pattern="zzz", host="q"})"#, s) == [#"{host="q", pattern="zzz"} 1.0"#])
        #expect(try vector(#"absent(m{pattern="a"})"#, s) == [])
        #expect(try vector("clamp_max(m, 5)", s).contains(#"{host="x", pattern="a"} 5.0"#))
        #expect(try vector("vector(time())", s) == ["{} 3600.0"])
        #expect(try vector("m / r", s) == [])  // no label set in common: empty, as in Prometheus
        #expect(throws: ExprError.self) { try vector("m / on(host) r", s) }  // two on the left share host="x"
    }
}
