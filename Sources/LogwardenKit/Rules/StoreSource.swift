/// The store as PromQL sees it: counters with exact windows, and series written by rules.
final class StoreSource: SeriesSource {
    let store: SeriesStore
    let written = WrittenSeries()
    private let scratch = MatchScratch()
    private var cache: [String: (count: Int, ids: [(id: Int, labels: Labels)])] = [:]
    private var nameless: [Labels] = []
    /// Per grouping, the group key of each series.
    private var keyTables: [String: GroupKeyTable] = [:]
    /// Group windows per (selector, grouping), in order of their groups' first series.
    final class GroupWindows {
        let selector: VectorSelector
        let grouping: Set<String>
        let without: Bool
        var groups: [(labels: Labels, window: SeriesStore.GroupWindow)] = []
        var index: [Labels: Int] = [:]
        /// The group of each member series, and each group's members in series order.
        var groupOf: [Int: Int] = [:]
        var members: [[Int]] = []
        init(_ selector: VectorSelector, _ grouping: Set<String>, _ without: Bool) {
            self.selector = selector
            self.grouping = grouping
            self.without = without
        }
    }
    private var materialized: [String: GroupWindows] = [:]
    private var materializedList: [GroupWindows] = []

    /// Finds `sum|count|avg by (…) (increase|rate|delta(selector[r]))` and keeps its groups'
    /// windows from the first record on; series link to them as they appear.
    func registerGroupWindows(_ e: Expr) {
        switch e {
        case let .aggregate(op, param, inner, grouping, without, _):
            if param == nil, ["sum", "count", "avg"].contains(op), case let .call(fn, args, _) = inner,
               ["increase", "rate", "delta"].contains(fn), case let .range(sel, _, _) = args[0] {
                let key = sel.key + "|" + groupingSpec(Set(grouping), without: without)
                if materialized[key] == nil {
                    let m = GroupWindows(sel, Set(grouping), without)
                    materialized[key] = m
                    materializedList.append(m)
                    for id in store.series.indices { link(id, store.series[id].labels, m) }
                    if store.onNewSeries == nil {
                        store.onNewSeries = { [unowned self] id, labels in
                            for m in self.materializedList { self.link(id, labels, m) }
                        }
                    }
                }
            }
            registerGroupWindows(inner)
            if let param { registerGroupWindows(param) }
        case let .call(_, args, _): args.forEach(registerGroupWindows)
        case let .binary(_, l, r, _, _, _): registerGroupWindows(l); registerGroupWindows(r)
        case let .unary(_, inner), let .paren(inner): registerGroupWindows(inner)
        default: break
        }
    }

    private func link(_ id: Int, _ labels: Labels, _ m: GroupWindows) {
        guard matches(m.selector, labels) else { return }
        // f(selector[r]) dropped the name: `by (__name__)` keeps nothing of it.
        let key = m.without ? labels.removing(m.grouping.union([Labels.metricName])) : labels.withoutName.keeping(m.grouping)
        let g: Int
        if let i = m.index[key] { g = i } else {
            g = m.groups.count
            m.index[key] = g
            m.groups.append((key, SeriesStore.GroupWindow(window: store.newWindow())))
            m.members.append([])
        }
        m.groupOf[id] = g
        m.members[g].append(id)
        store.link(id, to: m.groups[g].window)
    }

    func groupAggregate(_ op: AggregateOp, _ fn: String, _ selector: VectorSelector, range: Int64, grouping: String,
                        at t: EpochMillis) -> [VectorSample]? {
        guard let m = materialized[selector.key + "|" + grouping] else { return nil }
        return m.groups.indices.map { VectorSample(labels: m.groups[$0].labels, value: groupValue(m, $0, op, fn, range: range, at: t)) }
    }

    /// One group's value, bit for bit what the full path gives. A count, and a sum of counts
    /// (integers: exact in any order), come from the group's window; a sum of rates or an
    /// average is built from the members in order, unless the window is empty (every
    /// element is then 0, and so is the result).
    func groupValue(_ m: GroupWindows, _ g: Int, _ op: AggregateOp, _ fn: String, range: Int64, at t: EpochMillis) -> Double {
        let w = m.groups[g].window
        if op == .count { return Double(w.members) }
        let total = w.window.sum(at: t, range: range)
        if total == 0 || (op == .sum && fn != "rate") { return Double(total) }
        var acc = GroupAccumulator(op)
        for id in m.members[g] { acc.add(Functions.windowValue(fn, windowSum(id, at: t, range: range), range: range)) }
        return acc.result
    }

    init(store: SeriesStore) { self.store = store }

    // MARK: incremental evaluation

    /// Per comparison node of each rule: its filter.
    private var filterOfNode = NodeTable<ThresholdFilter>()
    /// Shared by the rules of a group that compare the same vector with the same number.
    private var filters: [String: ThresholdFilter] = [:]
    private var vectors: [String: TrackedVector] = [:]

    func threshold(_ lhs: Expr, _ op: String, _ c: Double, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]? {
        let filter: ThresholdFilter
        switch filterOfNode[scope, offset] {
        case let .tracked(f): filter = f
        case .untracked: return nil
        case .unknown:
            guard let (key, vector) = trackedVector(lhs, group: scope.group) else {
                filterOfNode[scope, offset] = .untracked
                return nil
            }
            let filterKey = key + "|\(op)|\(c.bitPattern)"
            filter = filters[filterKey] ?? ThresholdFilter(vector, op: op, threshold: c)
            filters[filterKey] = filter
            filterOfNode[scope, offset] = .tracked(filter)
        }
        guard unwritten(filter.vector.selector, at: t) else { return nil }
        return filter.result(at: t)
    }

    /// A whole aggregation kept in group windows, such as each side of
    /// `sum(increase(errors[5m])) / sum(increase(requests[5m]))`: rebuilt only when a
    /// group's value changed.
    private final class GroupsView {
        let vector: TrackedVector
        var seen = 0
        var result: [VectorSample] = []
        init(_ vector: TrackedVector) { self.vector = vector }
    }
    private var viewOfNode = NodeTable<GroupsView>()

    func aggregate(_ e: Expr, at t: EpochMillis, scope: EvaluationScope, offset: Int) -> [VectorSample]? {
        let view: GroupsView
        switch viewOfNode[scope, offset] {
        case let .tracked(v): view = v
        case .untracked: return nil
        case .unknown:
            guard let (_, vector) = trackedVector(e, group: scope.group), case .groups = vector.shape else {
                viewOfNode[scope, offset] = .untracked
                return nil
            }
            view = GroupsView(vector)
            viewOfNode[scope, offset] = .tracked(view)
        }
        guard unwritten(view.vector.selector, at: t) else { return nil }
        let v = view.vector
        v.update(at: t)
        if view.seen != v.generation {
            if view.seen != v.generation - 1 || v.everything || !v.changed.isEmpty {
                view.result = (0..<v.elementCount).filter { v.member[$0] }.map { VectorSample(labels: v.labels($0), value: v.values[$0]) }
            }
            view.seen = v.generation
        }
        return view.result
    }

    /// A rule writing series of the same name makes the full path report an error: let it.
    private func unwritten(_ selector: VectorSelector, at t: EpochMillis) -> Bool {
        written.isEmpty || !selector.namesMetric || written(matching: selector, at: t).isEmpty
    }

    /// The shapes the evaluator computes from windows alone: `f(sel[r])`, and the
    /// aggregations it keeps group windows for (exactly `fusedAggregate`'s fast path); one
    /// vector per shape and group of rules.
    private func trackedVector(_ expr: Expr, group: Int) -> (key: String, vector: TrackedVector)? {
        var e = expr
        while case let .paren(inner) = e { e = inner }
        let key: String
        let make: () -> TrackedVector
        switch e {
        case let .call(fn, args, _) where ["increase", "rate", "delta"].contains(fn):
            guard case let .range(sel, range, _) = args.first else { return nil }
            key = "\(group)|\(fn)|\(sel.key)|\(range)"
            make = { TrackedVector(.series, function: fn, selector: sel, range: range, source: self) }
        case let .aggregate(agg, nil, .call(fn, args, _), grouping, without, _)
            where ["sum", "count", "avg"].contains(agg) && ["increase", "rate", "delta"].contains(fn):
            let spec = groupingSpec(Set(grouping), without: without)
            guard case let .range(sel, range, _) = args.first, let g = materialized[sel.key + "|" + spec],
                  let op = AggregateOp(agg) else { return nil }
            key = "\(group)|\(agg)|\(fn)|\(sel.key)|\(range)|\(spec)"
            make = { TrackedVector(.groups(g, op: op), function: fn, selector: sel, range: range, source: self) }
        default:
            return nil
        }
        let vector = vectors[key] ?? make()
        vectors[key] = vector
        return (key, vector)
    }

    /// After an evaluation: the touch log keeps only what some vector has yet to read.
    func evaluated() {
        store.touchEpoch &+= 1
        var oldest = store.touches.end
        for v in vectors.values { oldest = min(oldest, v.cursor) }
        store.touches.drop(before: oldest)
    }

    func labelsWithoutName(_ id: Int) -> Labels {
        while nameless.count < store.series.count { nameless.append(store.series[nameless.count].labels.withoutName) }
        return nameless[id]
    }

    func groupKeys(_ grouping: String) -> GroupKeyTable? {
        if let t = keyTables[grouping] { return t }
        let t = GroupKeyTable()
        keyTables[grouping] = t
        return t
    }

    func counters(matching selector: VectorSelector) -> [(id: Int, labels: Labels)] {
        let key = selector.key
        if let hit = cache[key], hit.count == store.series.count { return hit.ids }
        let start = cache[key]?.count ?? 0
        var ids = cache[key]?.ids ?? []
        for id in start..<store.series.count where matches(selector, store.series[id].labels) {
            ids.append((id, store.series[id].labels))
        }
        cache[key] = (store.series.count, ids)
        return ids
    }

    func total(_ id: Int) -> Double { Double(store.series[id].total) }

    func windowSum(_ id: Int, at t: EpochMillis, range: Int64) -> Double {
        Double(store.series[id].window.sum(at: t, range: range))
    }

    func written(matching selector: VectorSelector, at t: EpochMillis) -> [VectorSample] {
        written.matching(selector, at: t, matches)
    }

    func matches(_ selector: VectorSelector, _ labels: Labels) -> Bool {
        if let name = selector.name, labels.name != name { return false }
        for m in selector.matchers {
            let value = labels[m.name] ?? ""
            switch m.op {
            case .equal: if value != m.value { return false }
            case .notEqual: if value == m.value { return false }
            case .regex, .notRegex:
                var bytes = Array(value.utf8)
                let hit = bytes.withUnsafeMutableBufferPointer { (try? m.regex!.matches(UnsafeBufferPointer($0), scratch: scratch)) ?? false }
                if hit != (m.op == .regex) { return false }
            }
        }
        return true
    }

}
