/// Exact counts over time for one series: a ring of buckets of `width` milliseconds.
/// Bucket k holds the records whose time is in ((k−1)·width, k·width], so at an evaluation
/// time t that is a multiple of `width`, (t−r, t] is exactly r/width whole buckets and
/// `increase(x[r])` is exact. The width divides every range and interval the rules use.
public struct Window: Sendable {
    public let width: Int64
    /// Buckets kept: the largest range in buckets, plus the allowed lateness.
    public let capacity: Int
    /// One bucket's records: how many, the first and last time, and the records in all
    /// buckets up to and including it (so a window is one subtraction). One array of these,
    /// not four arrays: a record touches one element, with one uniqueness check. Times are
    /// kept as milliseconds into the bucket, so an element takes 24 bytes, not 32 (every
    /// series a rule reads keeps a ring of them); a bucket wider than 49 days saturates them.
    private struct Bucket {
        var cumulative: Int64 = 0
        var count: Int32 = 0
        var first: UInt32 = 0
        var last: UInt32 = 0

        @inline(__always)
        mutating func take(_ offset: UInt32, _ n: Int32) {
            if count == 0 {
                first = offset
                last = offset
            } else {
                if offset < first { first = offset }
                if offset > last { last = offset }
            }
            count &+= n
        }
    }
    private var buckets: [Bucket]
    private var total: Int64 = 0
    /// The cumulative count of the newest bucket that left the ring.
    private var evicted: Int64 = 0
    /// The index of the newest bucket written; older ones are `head − capacity + 1 ... head`.
    private var head: Int64 = Int64.min

    /// `capacity − 1`: the capacity is a power of two, so a slot is a mask, not a division.
    private let mask: Int64
    /// The newest bucket covers (headLow, headHigh]: most records land there, with no division.
    private var headLow: Int64 = .max
    private var headHigh: Int64 = .min

    public init(width: Int64, capacity: Int) {
        self.width = max(1, width)
        var c = 1
        while c < max(1, capacity) { c <<= 1 }
        self.capacity = c
        mask = Int64(c - 1)
        // Allocated with the first record: most series no rule reads over a range never get one.
        buckets = []
    }

    /// Buckets in memory: the capacity once a record arrived, else none.
    public var allocated: Int { buckets.count }

    /// Where `t` lies in bucket `k`: milliseconds after the bucket's start, (k−1)·width.
    @inline(__always)
    private func offset(_ t: EpochMillis, in k: Int64) -> UInt32 { UInt32(clamping: t - (k - 1) * width - 1) }

    /// The time `offset` stands for in bucket `k`.
    @inline(__always)
    private func time(_ offset: UInt32, in k: Int64) -> EpochMillis { (k - 1) * width + 1 + Int64(offset) }

    /// The bucket index that holds time `t`.
    @inline(__always)
    public func bucket(_ t: EpochMillis) -> Int64 {
        // ceil(t / width) for any sign.
        t >= 0 ? (t + width - 1) / width : t / width
    }

    @inline(__always)
    private func slot(_ k: Int64) -> Int { Int(k & mask) }

    /// Moves the head forward to bucket `k`, clearing the buckets it passes.
    private mutating func advance(to k: Int64) {
        if buckets.isEmpty { buckets = Array(repeating: Bucket(), count: capacity) }
        if head == Int64.min || k - head >= Int64(capacity) {
            evicted = total
            for i in 0..<capacity { buckets[i] = Bucket(cumulative: total) }
        } else if k > head {
            var j = head + 1
            while j <= k {
                let s = slot(j)
                evicted = buckets[s].cumulative  // the bucket j − capacity leaves
                buckets[s] = Bucket(cumulative: total)
                j += 1
            }
        }
        if head == Int64.min || k > head {
            head = k
            headHigh = k * width
            headLow = headHigh - width
        }
    }

    /// Counts one record at time `t`: in its own bucket, which may be a recent one (a late
    /// record within the ring); a record older than the ring is not counted here (the store
    /// counts records later than the allowed lateness at the newest time instead). Returns
    /// the record's bucket.
    @discardableResult
    public mutating func add(_ t: EpochMillis, count: Int32 = 1) -> Int64 {
        // Most records land in the newest bucket: no division, one element written.
        if t > headLow && t <= headHigh {
            total += Int64(count)
            let o = UInt32(clamping: t - headLow - 1)
            buckets.withUnsafeMutableBufferPointer { b in
                let s = Int(head & mask)
                b[s].take(o, count)
                b[s].cumulative += Int64(count)
            }
            return head
        }
        let k = bucket(t)
        if head == Int64.min || k > head { advance(to: k) }
        guard head - k < Int64(capacity) else { return k }
        buckets[slot(k)].take(offset(t, in: k), count)
        total += Int64(count)
        // The cumulative counts of its bucket and (for a late record) of those after it.
        var j = k
        while j <= head {
            buckets[slot(j)].cumulative += Int64(count)
            j += 1
        }
        return k
    }

    /// Records in buckets up to and including `k`.
    @inline(__always)
    private func cumulative(upTo k: Int64) -> Int64 {
        if k >= head { return total }
        if head - k >= Int64(capacity) { return evicted }
        return buckets[slot(k)].cumulative
    }

    /// The number of records with time in (t − range, t]; `t` and `range` are multiples of
    /// the width (the rule loader guarantees it).
    public func sum(at t: EpochMillis, range: Int64) -> Int {
        guard head != Int64.min else { return 0 }
        let end = bucket(t)
        let n = Int64(min(Int(range / width), capacity))
        return Int(cumulative(upTo: end) - cumulative(upTo: end - n))
    }

    /// The earliest and latest record times in (t − range, t], if any.
    public func span(at t: EpochMillis, range: Int64) -> (first: EpochMillis, last: EpochMillis)? {
        guard head != Int64.min else { return nil }
        let end = bucket(t)
        let n = Int64(min(Int(range / width), capacity))
        var lo: Int64? = nil, hi: Int64? = nil
        var k = max(end - n + 1, head - Int64(capacity) + 1)
        while k <= min(end, head) {
            let b = buckets[slot(k)]
            if b.count > 0 {
                let first = time(b.first, in: k), last = time(b.last, in: k)
                lo = min(lo ?? first, first)
                hi = max(hi ?? last, last)
            }
            k += 1
        }
        guard let lo, let hi else { return nil }
        return (lo, hi)
    }

    public struct Cell: Sendable, Equatable {
        public var bucket: Int64
        public var first: EpochMillis
        public var last: EpochMillis
        public var count: Int32
        public init(bucket: Int64, first: EpochMillis, last: EpochMillis, count: Int32) {
            self.bucket = bucket
            self.first = first
            self.last = last
            self.count = count
        }
    }

    /// The newest bucket written (nil when empty).
    public var newestBucket: Int64? { head == Int64.min ? nil : head }

    /// Non-empty buckets still in the ring from bucket `since` on, oldest first. Replaying
    /// them (`replay`) rebuilds the window exactly: a reload or a restart keeps its history.
    public func cells(since: Int64 = .min) -> [Cell] {
        guard head != Int64.min else { return [] }
        var out: [Cell] = []
        var k = max(head - Int64(capacity) + 1, since)
        while k <= head {
            let b = buckets[slot(k)]
            if b.count > 0 { out.append(Cell(bucket: k, first: time(b.first, in: k), last: time(b.last, in: k), count: b.count)) }
            k += 1
        }
        return out
    }

    /// Adds a cell's records back: the first and last at their times, the rest at the last.
    public mutating func replay(_ cell: Cell) {

        add(cell.first, count: 1)
        if cell.count > 1 { add(cell.last, count: cell.count - 1) }
    }
}
