/// `v > c` (or any comparison with a number) over a tracked vector: the elements that
/// pass, kept up to date from the elements that changed, in the order a full evaluation
/// gives them. Most alert rules have this shape, and at most instants nothing crosses
/// their threshold: the answer is then the previous one, with no work per series.
final class ThresholdFilter {
    let vector: TrackedVector
    let op: String
    let threshold: Double
    private var passing: [Int: Double] = [:]
    private var seen = 0
    private var result: [VectorSample] = []

    init(_ vector: TrackedVector, op: String, threshold: Double) {
        self.vector = vector
        self.op = op
        self.threshold = threshold
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
            for element in 0..<vector.elementCount where vector.member[element] { pass(element, &moved) }
        } else {
            for element in vector.changed { pass(element, &moved) }
        }
        if moved {
            result = passing.keys.sorted().map { VectorSample(labels: vector.labels($0), value: passing[$0]!) }
        }
        return result
    }

    private func pass(_ element: Int, _ moved: inout Bool) {
        let v = vector.values[element]
        if Evaluator.apply(op, v, threshold) != nil {
            if passing.updateValue(v, forKey: element) != v { moved = true }
        } else if passing.removeValue(forKey: element) != nil {
            moved = true
        }
    }
}
