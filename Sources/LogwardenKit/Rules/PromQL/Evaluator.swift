import Foundation

/// One element of an instant vector.
public struct VectorSample: Sendable, Equatable {
    public var labels: Labels
    public var value: Double

    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
    }
}

public enum QueryValue: Sendable {
    case scalar(Double)
    case vector([VectorSample])
    case string(String)
}

/// Where an evaluation reads its series: logwarden's counters (with exact windows) and the
/// latest output of recording rules.
public protocol SeriesSource {
    /// Counter series matching a selector: ids for `total`/`windowSum`.
    func counters(matching selector: VectorSelector) -> [(id: Int, labels: Labels)]
    func total(_ id: Int) -> Double
    /// Records with time in (t − range, t].
    func windowSum(_ id: Int, at t: EpochMillis, range: Int64) -> Double
    /// Recorded series (from recording rules) matching a selector.
    func recorded(matching selector: VectorSelector) -> [VectorSample]
}

/// Evaluates a parsed expression at one instant. Ranges are exact: `increase(x[r])` is the
/// number of records in (t − r, t], `rate` divides it by r in seconds, and `delta` equals
/// `increase` on these counters. Nothing is extrapolated.
public struct Evaluator {
    public let source: any SeriesSource
    public let time: EpochMillis

    public init(source: any SeriesSource, time: EpochMillis) {
        self.source = source
        self.time = time
    }

    public func eval(_ e: Expr) throws(ExprError) -> QueryValue {
        switch e {
        case let .number(n): return .scalar(n)
        case let .string(s): return .string(s)
        case let .paren(inner): return try eval(inner)
        case let .selector(sel, _):
            let counters = source.counters(matching: sel).map { VectorSample(labels: $0.labels, value: source.total($0.id)) }
            return .vector(counters + source.recorded(matching: sel))
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
            guard case let .vector(v) = try eval(inner) else { throw ExprError(at, "\(op) needs a vector") }
            var k = 0.0
            if let param, case let .scalar(p) = try eval(param) { k = p }
            return .vector(aggregate(op, k, v, Set(grouping), without))
        case let .binary(op, lhs, rhs, returnBool, matching, at):
            return try binary(op, try eval(lhs), try eval(rhs), returnBool, matching, at)
        }
    }

    // MARK: functions

    private func call(_ name: String, _ args: [Expr], _ at: Int) throws(ExprError) -> QueryValue {
        switch name {
        case "increase", "rate", "delta":
            guard case let .range(sel, range, selAt) = args[0] else { throw ExprError(at, "\(name) needs a range vector") }
            if !source.recorded(matching: sel).isEmpty {
                throw ExprError(selAt, "not supported: \(name)() over the output of a recording rule; apply it to logwarden's counters")
            }
            return .vector(source.counters(matching: sel).map { c in
                let n = source.windowSum(c.id, at: time, range: range)
                return VectorSample(labels: c.labels.withoutName, value: name == "rate" ? n / (Double(range) / 1000) : n)
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

    // MARK: aggregation

    private func aggregate(_ op: String, _ k: Double, _ v: [VectorSample], _ grouping: Set<String>, _ without: Bool) -> [VectorSample] {
        var groups: [Labels: [VectorSample]] = [:]
        var order: [Labels] = []
        for s in v {
            let key = without ? s.labels.removing(grouping.union([Labels.metricName])) : s.labels.keeping(grouping)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(s)
        }
        var out: [VectorSample] = []
        for key in order {
            let members = groups[key]!
            let values = members.map(\.value)
            switch op {
            case "sum": out.append(VectorSample(labels: key, value: values.reduce(0, +)))
            case "min": out.append(VectorSample(labels: key, value: values.min { a, b in a < b || b.isNaN } ?? .nan))
            case "max": out.append(VectorSample(labels: key, value: values.max { a, b in a < b || a.isNaN } ?? .nan))
            case "avg": out.append(VectorSample(labels: key, value: values.reduce(0, +) / Double(values.count)))
            case "count": out.append(VectorSample(labels: key, value: Double(values.count)))
            case "topk", "bottomk":
                let n = Int(k)
                guard n >= 1 else { continue }
                let sorted = members.sorted { op == "topk" ? $0.value > $1.value : $0.value < $1.value }
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
        var right: [Labels: VectorSample] = [:]
        for s in b {
            let sig = signature(s.labels, matching)
            if right[sig] != nil {
                throw ExprError(at, "many-to-many matching not allowed: several series on the right of '\(op)' share the labels \(sig); use on()/ignoring() to tell them apart")
            }
            right[sig] = s
        }
        var seen = Set<Labels>()
        var out: [VectorSample] = []
        for s in a {
            let sig = signature(s.labels, matching)
            guard let other = right[sig] else { continue }
            if !seen.insert(sig).inserted {
                throw ExprError(at, "many-to-one matching not supported: several series on the left of '\(op)' share the labels \(sig)")
            }
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
        return out
    }
}
