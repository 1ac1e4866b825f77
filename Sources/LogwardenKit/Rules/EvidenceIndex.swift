/// For one rule: the series behind an alert element, that is the series its selectors
/// choose whose labels agree with the element's (equal, or absent from the series). Found
/// through an index on the element's label names rather than by comparing the labels of
/// every selected series at every transition: a rule by `source` over a thousand sources
/// otherwise does a thousand label comparisons per alert.
final class EvidenceIndex {
    private let selectors: [VectorSelector]
    private let source: StoreSource
    /// Selected series that carry evidence, in id order, and how many series were looked at.
    private var candidates: [Int] = []
    private var seen = 0

    /// Per set of label names: the candidates that have all of them, by their values, and
    /// the ones missing some, which agree with more than one value.
    private final class ByNames {
        var full: [[String]: [Int]] = [:]
        var partial: [Int] = []
    }
    private var indices: [[String]: ByNames] = [:]

    init(selectors: [VectorSelector], source: StoreSource) {
        self.selectors = selectors
        self.source = source
    }

    /// Ids of the agreeing series, ascending.
    func series(agreeingWith element: Labels) -> [Int] {
        let store = source.store
        let items = element.items.filter { $0.name != Labels.metricName }
        let names = items.map(\.name)
        let index: ByNames
        if let known = indices[names] { index = known } else {
            index = ByNames()
            for id in candidates { add(id, to: index, names) }
            indices[names] = index
        }
        if seen < store.series.count {
            for id in seen..<store.series.count where store.series[id].evidence
                && selectors.contains(where: { source.matches($0, store.series[id].labels) }) {
                candidates.append(id)
                for (n, i) in indices { add(id, to: i, n) }
            }
            seen = store.series.count
        }
        var ids = index.full[items.map(\.value)] ?? []
        for id in index.partial {
            let labels = store.series[id].labels
            if items.allSatisfy({ labels[$0.name] == nil || labels[$0.name] == $0.value }) { ids.append(id) }
        }
        return index.partial.isEmpty ? ids : ids.sorted()
    }

    private func add(_ id: Int, to index: ByNames, _ names: [String]) {
        let labels = source.store.series[id].labels
        let values = names.map { labels[$0] }
        if values.contains(where: { $0 == nil }) {
            index.partial.append(id)
        } else {
            index.full[values.map { $0! }, default: []].append(id)
        }
    }
}
