import Foundation

/// One element of an instant vector.
public struct VectorSample: Sendable, Equatable {
    public var labels: Labels
    public var value: Double
    /// The counter series it comes straight from (labels unchanged but for the name), or -1:
    /// lets aggregations reuse the group of a series instead of rebuilding its key.
    public var series: Int

    public init(labels: Labels, value: Double, series: Int = -1) {
        self.labels = labels
        self.value = value
        self.series = series
    }
}

public enum QueryValue: Sendable {
    case scalar(Double)
    case vector([VectorSample])
    case string(String)
}

/// Where an evaluation reads its series: logwarden's counters (with exact windows) and what
/// rules wrote (recording rules' outputs, ALERTS and ALERTS_FOR_STATE).
public protocol SeriesSource {
    /// Counter series matching a selector: ids for `total`/`windowSum`.
    func counters(matching selector: VectorSelector) -> [(id: Int, labels: Labels)]
    func total(_ id: Int) -> Double
    /// Records with time in (t − range, t].
    func windowSum(_ id: Int, at t: EpochMillis, range: Int64) -> Double
    /// Series written by rules that a selector selects at `t`.
    func written(matching selector: VectorSelector, at t: EpochMillis) -> [VectorSample]
    /// A series' labels without `__name__`, kept so evaluations do not rebuild them.
    func labelsWithoutName(_ id: Int) -> Labels
    /// Memo of aggregation group keys per series, for one grouping.
    func groupKeys(_ grouping: String) -> GroupKeyTable?
    /// `op by (grouping) (fn(selector[range]))` from windows kept per group, if registered.
    func groupAggregate(_ op: AggregateOp, _ fn: String, _ selector: VectorSelector, range: Int64, grouping: String,
                        at t: EpochMillis) -> [VectorSample]?
    /// `lhs op c` kept up to date between instants (nil: evaluate it in full).
    func threshold(_ lhs: Expr, _ op: String, _ c: Double, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]?
    /// An aggregation kept up to date between instants (nil: evaluate it in full).
    func aggregate(_ e: Expr, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]?
}

/// Which rule an evaluation is for: state kept between instants belongs to one rule (and
/// may be shared within its group, which evaluates all its rules at the same instants).
public struct EvaluationScope: Hashable, Sendable {
    public var group: Int
    public var rule: Int
    public init(group: Int, rule: Int) {
        self.group = group
        self.rule = rule
    }
}

/// For one grouping: the group of each series, as an index into `keys`. Filled as series are
/// first seen, so an aggregation over known series does no hashing at all.
public final class GroupKeyTable {
    public private(set) var keys: [Labels] = []
    private var groupOf: [Int32] = []
    private var index: [Labels: Int] = [:]

    public init() {}

    @inline(__always)
    public func group(_ id: Int, make: () -> Labels) -> Int {
        if groupOf.count <= id { groupOf += Array(repeating: -1, count: id + 1 - groupOf.count) }
        let g = groupOf[id]
        if g >= 0 { return Int(g) }
        let key = make()
        let found: Int
        if let i = index[key] { found = i } else {
            found = keys.count
            keys.append(key)
            index[key] = found
        }
        groupOf[id] = Int32(found)
        return found
    }
}

extension SeriesSource {
    public func labelsWithoutName(_ id: Int) -> Labels { Labels() }
    public func groupKeys(_ grouping: String) -> GroupKeyTable? { nil }
    public func groupAggregate(_ op: AggregateOp, _ fn: String, _ selector: VectorSelector, range: Int64, grouping: String,
                               at t: EpochMillis) -> [VectorSample]? { nil }
    public func threshold(_ lhs: Expr, _ op: String, _ c: Double, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]? { nil }
    public func aggregate(_ e: Expr, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]? { nil }
}

/// The grouping of an aggregation as one string: a cache key.
func groupingSpec(_ grouping: Set<String>, without: Bool) -> String {
    (without ? "-" : "+") + grouping.sorted().joined(separator: ",")
}

/// Evaluates a parsed expression at one instant. Ranges are exact: `increase(x[r])` is the
/// number of records in (t − r, t], `rate` divides it by r in seconds, and `delta` equals
/// `increase` on these counters. Nothing is extrapolated.
public struct Evaluator {
    public let source: any SeriesSource
    public let time: EpochMillis
    /// Set when the same rule is evaluated instant after instant: comparisons of window
    /// vectors with a number (`ThresholdFilter`) and aggregations kept in group windows are
    /// then answered from what changed since the last instant.
    public let scope: EvaluationScope?

    public init(source: any SeriesSource, time: EpochMillis, scope: EvaluationScope? = nil) {
        self.source = source
        self.time = time
        self.scope = scope
    }

    public func eval(_ e: Expr) throws(ExprError) -> QueryValue {
        switch e {
        case let .number(n): return .scalar(n)
        case let .string(s): return .string(s)
        case let .paren(inner): return try eval(inner)
        case let .selector(sel, _):
            let counters = source.counters(matching: sel).map { VectorSample(labels: $0.labels, value: source.total($0.id), series: $0.id) }
            return .vector(counters + source.written(matching: sel, at: time))
        case let .range(_, _, at):
            throw ExprError(at, "a range vector must be the argument of increase(), rate() or delta()")
        case let .unary(_, inner):
            switch try eval(inner) {
            case let .scalar(v): return .scalar(-v)
            case let .vector(v): return .vector(v.map { VectorSample(labels: $0.labels.withoutName, value: -$0.value) })
            case .string: throw ExprError(0, "cannot negate a string")
            }
        case let .call(name, args, at): return try call(name, args, at)
        case let .aggregate(op, param, inner, grouping, without, at):
            if param == nil, let scope, let kept = source.aggregate(e, at: time, scope: scope, offset: at) { return .vector(kept) }
            if param == nil, let fused = try fusedAggregate(op, inner, Set(grouping), without) { return .vector(fused) }
            guard case let .vector(v) = try eval(inner) else { throw ExprError(at, "\(op) needs a vector") }
            var k = 0.0
            if let param, case let .scalar(p) = try eval(param) { k = p }
            return .vector(aggregate(op, k, v, Set(grouping), without))
        case let .binary(op, lhs, rhs, returnBool, matching, at):
            if let scope, !returnBool, case let .number(c) = rhs, ExprParser.comparison.contains(op) {
                if let kept = source.threshold(lhs, op, c, at: time, scope: scope, offset: at) { return .vector(kept) }
                // topk(k, v) > c is topk(k, v > c): what passes are the largest elements, in the
                // same order (the sort is stable), so the same k come first. Only without
                // grouping: with it, groups would come in a different order.
                var l = lhs
                while case let .paren(inner) = l { l = inner }
                if op == ">" || op == ">=", case let .aggregate("topk", param?, inner, grouping, without, aggAt) = l,
                   grouping.isEmpty, !without,
                   let kept = source.threshold(inner, op, c, at: time, scope: scope, offset: -1 - aggAt),
                   case let .scalar(k) = try eval(param) {
                    return .vector(aggregate("topk", k, kept, Set(grouping), without))
                }
            }
            return try binary(op, try eval(lhs), try eval(rhs), returnBool, matching, at)
        }
    }

    // MARK: functions

    private func call(_ name: String, _ args: [Expr], _ at: Int) throws(ExprError) -> QueryValue {
        switch name {
        case "increase", "rate", "delta":
            guard case let .range(sel, range, selAt) = args[0] else { throw ExprError(at, "\(name) needs a range vector") }
            if readsWritten(sel) {
                throw ExprError(selAt, "not supported: \(name)() over series written by a rule (a recording rule's output, ALERTS); apply it to logwarden's counters")
            }
            return .vector(source.counters(matching: sel).map { c in
                let n = source.windowSum(c.id, at: time, range: range)
                let labels = source.labelsWithoutName(c.id)
                return VectorSample(labels: labels.items.isEmpty ? c.labels.withoutName : labels,
                                    value: Functions.windowValue(name, n, range: range), series: c.id)
            })
        case "time":
            return .scalar(Double(time) / 1000)
        case "vector":
            guard case let .scalar(v) = try eval(args[0]) else { throw ExprError(at, "vector() needs a scalar") }
            return .vector([VectorSample(labels: Labels(), value: v)])
        case "scalar":
            guard case let .vector(v) = try eval(args[0]) else { throw ExprError(at, "scalar() needs a vector") }
            return .scalar(v.count == 1 ? v[0].value : .nan)
        case "absent":
            guard case let .vector(v) = try eval(args[0]) else { throw ExprError(at, "absent() needs a vector") }
            guard v.isEmpty else { return .vector([]) }
            var labels: [(String, String)] = []
            if case let .selector(sel, _) = args[0] {
                for m in sel.matchers where m.op == .equal && m.name != Labels.metricName { labels.append((m.name, m.value)) }
            }
            return .vector([VectorSample(labels: Labels(labels), value: 1)])
        default:
            guard case let .vector(v) = try eval(args[0]) else { throw ExprError(at, "\(name)() needs a vector") }
            var scalars: [Double] = []
            for arg in args.dropFirst() {
                guard case let .scalar(s) = try eval(arg) else { throw ExprError(at, "\(name)() needs scalars after the vector") }
                scalars.append(s)
            }
            let f: (Double) -> Double
            switch name {
            case "abs": f = { Swift.abs($0) }
            case "ceil": f = { $0.rounded(.up) }
            case "floor": f = { $0.rounded(.down) }
            case "clamp_min": f = { Swift.max($0, scalars[0]) }
            case "clamp_max": f = { Swift.min($0, scalars[0]) }
            case "clamp":
                if scalars[0] > scalars[1] { return .vector([]) }
                f = { Swift.min(Swift.max($0, scalars[0]), scalars[1]) }
            default: throw ExprError(at, "unknown function '\(name)'")
            }
            return .vector(v.map { VectorSample(labels: $0.labels.withoutName, value: f($0.value)) })
        }
    }

    /// Whether a range function's selector reads series that rules wrote, which keep no
    /// history here. Only a selector by name does: `increase({pattern="x"}[5m])` reads the
    /// counters, and not the ALERTS that carry the same label.
    private func readsWritten(_ sel: VectorSelector) -> Bool {
        sel.namesMetric && !source.written(matching: sel, at: time).isEmpty
    }

    // MARK: aggregation

    /// `sum|min|max|avg|count by (…) (increase|rate|delta(selector[r]))`, the shape of most
    /// rules: accumulated per group straight from the windows, without a vector in between.
    /// The result is the same as the general path's.
    private func fusedAggregate(_ op: String, _ inner: Expr, _ grouping: Set<String>, _ without: Bool) throws(ExprError) -> [VectorSample]? {
        guard let agg = AggregateOp(op),
              case let .call(fn, args, _) = inner, fn == "increase" || fn == "rate" || fn == "delta",
              case let .range(sel, range, _) = args[0], !readsWritten(sel),
              let table = source.groupKeys(groupingSpec(grouping, without: without))
        else { return nil }
        // Kept per group as records arrive: O(groups), not O(series), where that is exact.
        if let kept = source.groupAggregate(agg, fn, sel, range: range, grouping: groupingSpec(grouping, without: without), at: time) {
            return kept
        }
        let dropped = grouping.union([Labels.metricName])
        var slotOfGroup: [Int: Int] = [:]
        var keys: [Labels] = []
        var groups: [GroupAccumulator] = []
        for c in source.counters(matching: sel) {
            // The function dropped the name: `by (__name__)` keeps nothing of it.
            let group = table.group(c.id) { without ? c.labels.removing(dropped) : c.labels.withoutName.keeping(grouping) }
            let g: Int
            if let slot = slotOfGroup[group] { g = slot } else {
                g = keys.count
                slotOfGroup[group] = g
                keys.append(table.keys[group])
                groups.append(GroupAccumulator(agg))
            }
            groups[g].add(Functions.windowValue(fn, source.windowSum(c.id, at: time, range: range), range: range))
        }
        return keys.indices.map { VectorSample(labels: keys[$0], value: groups[$0].result) }
    }

    private func aggregate(_ op: String, _ k: Double, _ v: [VectorSample], _ grouping: Set<String>, _ without: Bool) -> [VectorSample] {
        // One accumulator per group, in order of first appearance; members only for topk/bottomk.
        // Samples straight from series find their group by index; others by their labels.
        let table = source.groupKeys(groupingSpec(grouping, without: without))
        let dropped = grouping.union([Labels.metricName])
        // The table holds each series' group as if its name were dropped; `by (__name__)` of
        // samples that kept their name (a plain selector) groups by it instead.
        let byName = !without && grouping.contains(Labels.metricName)
        var slotOfGroup: [Int: Int] = [:]
        var slotOfKey: [Labels: Int] = [:]
        var keys: [Labels] = []
        var groups: [GroupAccumulator] = []
        var members: [[VectorSample]] = []
        let ranked = op == "topk" || op == "bottomk"
        let agg = AggregateOp(op) ?? .count
        // By labels in the end, so that a series' sample and another (a rule's output,
        // `vector(1)`) of the same group add up in one.
        func slot(_ key: Labels) -> Int {
            if let slot = slotOfKey[key] { return slot }
            slotOfKey[key] = keys.count
            keys.append(key)
            return keys.count - 1
        }
        for s in v {
            let g: Int
            if s.series >= 0, let table, !(byName && s.labels.name != nil) {
                // The labels of a series' sample only differ by __name__, which grouping drops here.
                let group = table.group(s.series) { without ? s.labels.removing(dropped) : s.labels.withoutName.keeping(grouping) }
                if let known = slotOfGroup[group] { g = known } else {
                    g = slot(table.keys[group])
                    slotOfGroup[group] = g
                }
            } else {
                g = slot(without ? s.labels.removing(dropped) : s.labels.keeping(grouping))
            }
            if g == groups.count {
                groups.append(GroupAccumulator(agg))
                if ranked { members.append([]) }
            }
            groups[g].add(s.value)
            if ranked { members[g].append(s) }
        }
        var out: [VectorSample] = []
        out.reserveCapacity(keys.count)
        for (g, key) in keys.enumerated() {
            switch op {
            case "sum", "min", "max", "avg", "count": out.append(VectorSample(labels: key, value: groups[g].result))
            case "topk", "bottomk":
                let n = Int(k)
                guard n >= 1 else { continue }
                let sorted = members[g].sorted { op == "topk" ? $0.value > $1.value : $0.value < $1.value }
                out += sorted.prefix(n)
            default: break
            }
        }
        return out
    }

    // MARK: binary operators

    private func binary(_ op: String, _ l: QueryValue, _ r: QueryValue, _ returnBool: Bool, _ matching: VectorMatching?,
                        _ at: Int) throws(ExprError) -> QueryValue {
        let comparison = ExprParser.comparison.contains(op)
        switch (l, r) {
        case let (.scalar(a), .scalar(b)):
            let v = Self.apply(op, a, b)
            return .scalar(comparison ? (v == nil ? 0 : 1) : v ?? .nan)
        case let (.vector(v), .scalar(b)):
            return .vector(v.compactMap { s in scalarOp(op, s, lhs: s.value, rhs: b, comparison, returnBool) })
        case let (.scalar(a), .vector(v)):
            return .vector(v.compactMap { s in scalarOp(op, s, lhs: a, rhs: s.value, comparison, returnBool) })
        case let (.vector(a), .vector(b)):
            if ["and", "or", "unless"].contains(op) { return .vector(setOp(op, a, b, matching)) }
            return .vector(try vectorOp(op, a, b, matching, comparison, returnBool, at))
        default:
            throw ExprError(at, "operator '\(op)' cannot combine these operands")
        }
    }

    /// The result of `a op b`; for comparisons, `a` when true and nil when false.
    static func apply(_ op: String, _ a: Double, _ b: Double) -> Double? {
        switch op {
        case "+": return a + b
        case "-": return a - b
        case "*": return a * b
        case "/": return a / b
        case "%": return a.truncatingRemainder(dividingBy: b)
        case "^": return pow(a, b)
        case "==": return a == b ? a : nil
        case "!=": return a != b ? a : nil
        case "<": return a < b ? a : nil
        case "<=": return a <= b ? a : nil
        case ">": return a > b ? a : nil
        case ">=": return a >= b ? a : nil
        default: return nil
        }
    }

    private func scalarOp(_ op: String, _ s: VectorSample, lhs: Double, rhs: Double, _ comparison: Bool, _ returnBool: Bool) -> VectorSample? {
        let result = Self.apply(op, lhs, rhs)
        if comparison {
            if returnBool { return VectorSample(labels: s.labels.withoutName, value: result == nil ? 0 : 1) }
            // A filter keeps the vector element as it is (its value, its name).
            return result == nil ? nil : VectorSample(labels: s.labels, value: s.value)
        }
        return VectorSample(labels: s.labels.withoutName, value: result ?? .nan)
    }

    private func signature(_ l: Labels, _ matching: VectorMatching?) -> Labels {
        guard let matching else { return l.withoutName }
        return matching.on ? l.keeping(Set(matching.labels)) : l.removing(Set(matching.labels).union([Labels.metricName]))
    }

    private func setOp(_ op: String, _ a: [VectorSample], _ b: [VectorSample], _ matching: VectorMatching?) -> [VectorSample] {
        let rightSigs = Set(b.map { signature($0.labels, matching) })
        switch op {
        case "and": return a.filter { rightSigs.contains(signature($0.labels, matching)) }
        case "unless": return a.filter { !rightSigs.contains(signature($0.labels, matching)) }
        default:
            let leftSigs = Set(a.map { signature($0.labels, matching) })
            return a + b.filter { !leftSigs.contains(signature($0.labels, matching)) }
        }
    }

    private func vectorOp(_ op: String, _ a: [VectorSample], _ b: [VectorSample], _ matching: VectorMatching?,
                          _ comparison: Bool, _ returnBool: Bool, _ at: Int) throws(ExprError) -> [VectorSample] {
        var out: [VectorSample] = []
        func pair(_ s: VectorSample, _ other: VectorSample) {
            let result = Self.apply(op, s.value, other.value)
            var labels = comparison && !returnBool ? s.labels : s.labels.withoutName
            // As Prometheus: one-to-one matching keeps only the on() labels, or drops the ignoring() ones.
            if let matching { labels = matching.on ? labels.keeping(Set(matching.labels)) : labels.removing(Set(matching.labels)) }
            if comparison {
                if returnBool { out.append(VectorSample(labels: labels, value: result == nil ? 0 : 1)) }
                else if result != nil { out.append(VectorSample(labels: labels, value: s.value)) }
            } else {
                out.append(VectorSample(labels: labels, value: result ?? .nan))
            }
        }
        // One sample on each side, as in a ratio of two sums: no tables to build.
        if a.count == 1, b.count == 1 {
            if signature(a[0].labels, matching) == signature(b[0].labels, matching) { pair(a[0], b[0]) }
            return out
        }
        var right: [Labels: VectorSample] = [:]
        for s in b {
            let sig = signature(s.labels, matching)
            if right[sig] != nil {
                throw ExprError(at, "many-to-many matching not allowed: several series on the right of '\(op)' share the labels \(sig); use on()/ignoring() to tell them apart")
            }
            right[sig] = s
        }
        var seen = Set<Labels>()
        for s in a {
            let sig = signature(s.labels, matching)
            guard let other = right[sig] else { continue }
            if !seen.insert(sig).inserted {
                throw ExprError(at, "many-to-one matching not supported: several series on the left of '\(op)' share the labels \(sig)")
            }
            pair(s, other)
        }
        return out
    }
}
