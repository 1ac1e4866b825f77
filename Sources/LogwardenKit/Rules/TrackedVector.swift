/// `f(selector[r])` per series, or `sum|count|avg by (…) (f(selector[r]))` per group, kept
/// from one evaluation instant to the next so that a rule over a thousand series costs what
/// changed, not a thousand window sums per instant.
///
/// A window's sum over (t − r, t] changes only when a record arrives (in any bucket, late
/// ones too) or when a bucket with records enters or leaves the range as t moves on. The
/// store's touch log gives the first; for the others each arrival leaves a note to look
/// again when its bucket enters (if it is ahead of t) and when it leaves. Every element
/// named by either is recomputed from its window, exactly as a full evaluation would; the
/// rest keep their value, which is what a full evaluation would give them too.
final class TrackedVector {
    enum Shape {
        /// increase, rate or delta per series: elements are series ids.
        case series
        /// An aggregation kept in group windows: elements are group indices.
        case groups(StoreSource.GroupWindows, op: AggregateOp)
    }

    let shape: Shape
    let function: String
    let selector: VectorSelector
    let range: Int64
    private let store: SeriesStore
    private unowned let source: StoreSource

    /// Value per element at the last update; `member` says which elements exist.
    private(set) var values: [Double] = []
    private(set) var member: [Bool] = []
    /// Elements recomputed at the last update (all of them when `everything`).
    private(set) var changed: [Int] = []
    private(set) var everything = true
    /// Counts updates, so a reader can tell whether it saw the one before.
    private(set) var generation = 0
    private(set) var time: EpochMillis?

    /// The next touch log entry to read.
    private(set) var cursor: Int
    private var rechecks = BucketHeap()
    private var seenSeries = 0
    private var stamp: [Int] = []
    /// Per series id: its element, -1 when not selected, -2 not yet known.
    private var elementOfSeries: [Int] = []

    init(_ shape: Shape, function: String, selector: VectorSelector, range: Int64, source: StoreSource) {
        self.shape = shape
        self.function = function
        self.selector = selector
        self.range = range
        self.source = source
        store = source.store
        cursor = store.touches.end
    }

    /// The elements in the order a full evaluation lists them, with their labels.
    var elementCount: Int { values.count }

    func labels(_ element: Int) -> Labels {
        switch shape {
        case .series: return source.labelsWithoutName(element)
        case let .groups(g, _): return g.groups[element].labels
        }
    }

    /// Brings every element to instant `t`. Several rules of a group share one vector: the
    /// second call at the same instant does nothing.
    func update(at t: EpochMillis) {
        if time == t { return }
        let width = store.bucketWidth
        let e = t >= 0 ? (t + width - 1) / width : t / width
        let n = range / width
        let full = time == nil || t < time!
        changed.removeAll(keepingCapacity: true)
        generation += 1

        // New series: new elements (even before their first record), and their windows so far.
        let newSeries = seenSeries..<store.series.count
        seenSeries = store.series.count
        for id in newSeries {
            guard let element = elementOf(series: id) else { continue }
            mark(element)
            // At the first update the windows are read as they are, from their cells; later
            // series have all their records in the touch log.
            if time == nil {
                for cell in store.series[id].window.cells() { note(cell.bucket, element, e: e, n: n) }
            }
        }
        if time == nil { cursor = store.touches.end }
        // Records since the last update, and the buckets they enter or leave the range at.
        while cursor < store.touches.end {
            let (id, bucket) = store.touches[cursor]
            cursor += 1
            guard let element = elementOf(series: id) else { continue }
            mark(element)
            note(bucket, element, e: e, n: n)
        }
        while let top = rechecks.min, top.bucket <= e {
            rechecks.removeMin()
            mark(top.element)
        }
        everything = full
        if full {
            changed = (0..<values.count).filter { member[$0] }
        }
        for element in changed { values[element] = value(element, at: t) }
        time = t
    }

    /// Looks again when `bucket` enters the range (if it is ahead of `e`) and when it leaves.
    private func note(_ bucket: Int64, _ element: Int, e: Int64, n: Int64) {
        if bucket > e { rechecks.insert(bucket, element) }
        if bucket + n > e { rechecks.insert(bucket + n, element) }
    }

    private func mark(_ element: Int) {
        if element >= values.count {
            values += Array(repeating: 0, count: element + 1 - values.count)
            member += Array(repeating: false, count: element + 1 - member.count)
            stamp += Array(repeating: 0, count: element + 1 - stamp.count)
        }
        member[element] = true
        if stamp[element] != generation {
            stamp[element] = generation
            changed.append(element)
        }
    }

    /// The element a series counts in, or nil when it is not selected.
    private func elementOf(series id: Int) -> Int? {
        if elementOfSeries.count <= id { elementOfSeries += Array(repeating: -2, count: id + 1 - elementOfSeries.count) }
        if elementOfSeries[id] == -2 {
            switch shape {
            case .series: elementOfSeries[id] = source.matches(selector, store.series[id].labels) ? id : -1
            case let .groups(g, _): elementOfSeries[id] = g.groupOf[id] ?? -1
            }
        }
        let element = elementOfSeries[id]
        return element >= 0 ? element : nil
    }

    /// The same arithmetic as the evaluator's full path, so values are bit for bit equal.
    private func value(_ element: Int, at t: EpochMillis) -> Double {
        switch shape {
        case .series:
            return Functions.windowValue(function, source.windowSum(element, at: t, range: range), range: range)
        case let .groups(g, op):
            return source.groupValue(g, element, op, function, range: range, at: t)
        }
    }
}

/// A min-heap of (bucket, element): the instants at which elements must be looked at again.
struct BucketHeap {
    private var items: [(bucket: Int64, element: Int)] = []

    var min: (bucket: Int64, element: Int)? { items.first }

    mutating func insert(_ bucket: Int64, _ element: Int) {
        items.append((bucket, element))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].bucket < items[parent].bucket else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func removeMin() {
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count && items[l].bucket < items[smallest].bucket { smallest = l }
            if r < items.count && items[r].bucket < items[smallest].bucket { smallest = r }
            if smallest == i { return }
            items.swapAt(i, smallest)
            i = smallest
        }
    }
}
