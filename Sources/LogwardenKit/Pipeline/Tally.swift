/// The per-record step that `scan` and `watch` share: classify, count in the summary and
/// in the rules' series, and run the evaluations that became due on event time.
public struct Tally {
    public let patterns: PatternSet
    public let classifier: Classifier
    public var counts: MatchCounts
    public let engine: RuleEngine?

    /// An input as both counters know it.
    public struct Input: Sendable {
        public let index: Int
        public let store: Int?
        public let name: String
    }

    public init(patterns: PatternSet, engine: RuleEngine?) {
        self.patterns = patterns
        classifier = Classifier(patterns)
        counts = MatchCounts(patterns: patterns)
        self.engine = engine
    }

    public mutating func begin(_ name: String) -> Input {
        Input(index: counts.beginInput(name), store: engine?.store.inputSeries(name), name: name)
    }

    /// Counts `record` at `time` (its own time on event time, its arrival live). On event
    /// time, evaluations due before it run first, so they do not see it.
    /// The input called `name`, continued if it was read before (a file reopened after a
    /// rotation keeps counting under its name).
    public mutating func input(named name: String) -> Input {
        Input(index: counts.input(named: name), store: engine?.store.inputSeries(name), name: name)
    }

    @discardableResult
    public mutating func count(_ record: Record, in input: Input, at time: EpochMillis?, eventTime: Bool,
                               _ emit: (AlertTransition) -> Void) -> Classification? {
        let match = classifier.classify(record)
        count(record, match: match, in: input, at: time, eventTime: eventTime, emit)
        return match
    }

    /// Counts a record another thread classified (see `BatchPool`).
    @inline(__always)
    public mutating func count(_ record: Record, match: Classification?, in input: Input, at time: EpochMillis?, eventTime: Bool,
                               _ emit: (AlertTransition) -> Void) {
        // Per record: the unmatched ~93% take the short way, with no example to make.
        let key: SeriesKey?
        if let match {
            key = counts.add(input: input.index, time: time, match: match) {
                Example(input: input.name, line: record.firstLine, bytes: record.text, deciding: match.decidingLine)
            }
        } else {
            counts.addUnmatched(input: input.index, time: time)
            key = nil
        }
        guard let engine else { return }
        if eventTime, let time {
            engine.start(at: time)
            engine.advance(before: time, emit)
            // Never dropped in silence: counted, and reported once per run.
            if time <= engine.evaluatedThrough { counts.addLate(input: input.index, time: time, evaluated: engine.evaluatedThrough) }
        }
        if let series = input.store {
            let store = engine.store
            let at = store.admit(time)
            store.count(input: series, at: at, recordTime: record.time, line: record.firstLine, text: record.text, match: key)
        }
    }
}
