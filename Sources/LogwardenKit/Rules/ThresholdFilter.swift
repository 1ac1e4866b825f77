/// `v > c` (or any comparison with a number) over a tracked vector: the elements that
/// pass, kept up to date from the elements that changed, in the order a full evaluation
/// gives them. Most alert rules have this shape, and at most instants nothing crosses
/// their threshold: the answer is then the previous one, with no work per series.
final class ThresholdFilter {
    let vector: TrackedVector
    private let passes: (Double) -> Bool
    /// Passing elements and their values, by element.
    private var passing: [(element: Int, value: Double)] = []
    private var seen = 0
    private var result: [VectorSample] = []

    init(_ vector: TrackedVector, op: String, threshold c: Double) {
        self.vector = vector
        switch op {
        case "==": passes = { $0 == c }
        case "!=": passes = { $0 != c }
        case "<": passes = { $0 < c }
        case "<=": passes = { $0 <= c }
        case ">": passes = { $0 > c }
        default: passes = { $0 >= c }
        }
    }

    func result(at t: EpochMillis) -> [VectorSample] {
        vector.update(at: t)
        if seen == vector.generation { return result }
        // Changes are enough only when this filter saw the vector's previous update.
        let all = vector.everything || seen != vector.generation - 1
        seen = vector.generation
        var moved = false
        if all {
            passing.removeAll()
            moved = true
            for element in 0..<vector.elementCount where vector.member[element] && passes(vector.values[element]) {
                passing.append((element, vector.values[element]))
            }
        } else {
            for element in vector.changed { update(element, &moved) }
        }
        if moved {
            // Per series, the sample keeps its series: an aggregation over it finds its group
            // by index. Labels and values are what the full path gives.
            let perSeries = if case .series = vector.shape { true } else { false }
            result = passing.map { VectorSample(labels: vector.labels($0.element), value: $0.value, series: perSeries ? $0.element : -1) }
        }
        return result
    }

    private func update(_ element: Int, _ moved: inout Bool) {
        let v = vector.values[element]
        // Binary search for the element's place.
        var lo = 0, hi = passing.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if passing[mid].element < element { lo = mid + 1 } else { hi = mid }
        }
        let found = lo < passing.count && passing[lo].element == element
        if passes(v) {
            if !found {
                passing.insert((element, v), at: lo)
                moved = true
            } else if passing[lo].value != v {
                passing[lo].value = v
                moved = true
            }
        } else if found {
            passing.remove(at: lo)
            moved = true
        }
    }
}
