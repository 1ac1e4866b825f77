/// The aggregation operators whose value builds up element by element.
public enum AggregateOp: Sendable {
    case sum, avg, min, max, count

    init?(_ name: String) {
        switch name {
        case "sum": self = .sum
        case "avg": self = .avg
        case "min": self = .min
        case "max": self = .max
        case "count": self = .count
        default: return nil
        }
    }
}

/// One aggregation group, built as Prometheus 2.42's engine builds it (promql/engine.go,
/// `aggregation`): element after element in the input vector's order, the first value
/// starting the group; `sum` adds left to right (Kahan summation came in 2.54), `avg` keeps
/// a running mean, `min` and `max` let any value replace NaN. The same operations in the same
/// order give the same double, so a threshold on the boundary fires in both or in neither.
struct GroupAccumulator {
    let op: AggregateOp
    private(set) var count = 0.0
    private var value = 0.0
    private var mean = 0.0

    init(_ op: AggregateOp) { self.op = op }

    mutating func add(_ v: Double) {
        count += 1
        if count == 1 {
            value = v
            mean = v
            return
        }
        switch op {
        case .sum: value += v
        case .avg:
            // An infinite mean stays as it is unless a NaN or the other infinity comes.
            if mean.isInfinite {
                if v.isInfinite && (mean > 0) == (v > 0) { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            mean += v / count - mean / count
        case .max: if value < v || value.isNaN { value = v }
        case .min: if value > v || value.isNaN { value = v }
        case .count: break
        }
    }

    var result: Double {
        switch op {
        case .avg: return mean
        case .count: return count
        default: return value
        }
    }
}

extension Functions {
    /// increase, rate or delta of a window that holds `n` records. The window is exact, so
    /// Prometheus's extrapolation factor would be 1: `extrapolatedRate` multiplies by it, and
    /// for rate by 1 / (the range in seconds, as Go's Duration.Seconds() gives them), which is
    /// not always n / seconds to the last bit.
    static func windowValue(_ fn: String, _ n: Double, range: Int64) -> Double {
        guard fn == "rate" else { return n }
        let seconds = Double(range / 1000) + Double(range % 1000 * 1_000_000) / 1e9
        return n * (1 / seconds)
    }
}
