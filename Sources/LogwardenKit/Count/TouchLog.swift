/// Which series received records in which bucket, in the order they arrived: what lets the
/// rule engine recompute only the windows that changed since its last evaluation, instead
/// of every series at every instant. One entry per series and bucket (not per record).
public struct TouchLog: Sendable {
    public private(set) var series: [Int32] = []
    public private(set) var buckets: [Int64] = []
    /// The position of the first entry kept: positions stay valid when older ones are dropped.
    public private(set) var start = 0

    public init() {}

    /// The position after the newest entry.
    public var end: Int { start + series.count }

    mutating func append(_ id: Int, bucket: Int64) {
        series.append(Int32(truncatingIfNeeded: id))
        buckets.append(bucket)
    }

    /// The entry at a position in start..<end.
    @inline(__always)
    public subscript(position: Int) -> (series: Int, bucket: Int64) {
        (Int(series[position - start]), buckets[position - start])
    }

    /// Forgets entries before `position` once every reader has passed them; copies only when
    /// more than half the storage is dead, so dropping is amortised O(1) per entry.
    public mutating func drop(before position: Int) {
        let dead = min(position, end) - start
        guard dead > 0, dead * 2 >= series.count else { return }
        series.removeFirst(dead)
        buckets.removeFirst(dead)
        start += dead
    }
}
