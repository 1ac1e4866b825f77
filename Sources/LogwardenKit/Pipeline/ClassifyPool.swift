import Foundation

/// Classifies records on worker threads while the caller frames the next ones and counts
/// earlier ones. Classification is most of a scan's work and needs nothing from other
/// records, so batches of records are classified in parallel and handed back in the order
/// they were framed: counting, windows and rule evaluation see exactly the sequence one
/// thread would, and so give the same output.
final class ClassifyPool: @unchecked Sendable {
    /// Framed records with a copy of their bytes, so the reader's buffer can move on.
    final class Batch: @unchecked Sendable {
        var bytes: [UInt8] = []
        /// Records whose `text` is empty: `spans` locate their bytes in `bytes`.
        var records: [Record] = []
        var spans: [Range<Int>] = []
        /// JSON records' members, all in one array (`fields` locates each record's; negative
        /// for a record that is not JSON), so the framer's own buffer is never shared and copied.
        var members: [JSONFields.Member] = []
        var fields: [Range<Int>] = []
        var matches: [Classification?] = []
        var sequence = 0

        init(capacity: Int) {
            bytes.reserveCapacity(capacity * 160)
            records.reserveCapacity(capacity)
            spans.reserveCapacity(capacity)
            fields.reserveCapacity(capacity)
        }

        func append(_ record: Record) {
            let start = bytes.count
            bytes.append(contentsOf: record.text)
            var stored = record
            stored.text = UnsafeBufferPointer(start: nil, count: 0)
            let first = members.count
            if let json = record.json {
                members.append(contentsOf: json.members)
                stored.json = nil
            }
            fields.append(record.json == nil ? -1 ..< -1 : first..<members.count)
            records.append(stored)
            spans.append(start..<bytes.count)
        }

        var count: Int { records.count }

        /// Each record with its text pointing into this batch (valid during `body`).
        func forEach(_ body: (Int, Record) -> Void) {
            bytes.withUnsafeBufferPointer { all in
                for i in records.indices {
                    var r = records[i]
                    r.text = UnsafeBufferPointer(rebasing: all[spans[i]])
                    if fields[i].lowerBound >= 0 { r.json = JSONFields(storage: members, range: fields[i]) }
                    body(i, r)
                }
            }
        }

        func reset() {
            bytes.removeAll(keepingCapacity: true)
            records.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
            members.removeAll(keepingCapacity: true)
            fields.removeAll(keepingCapacity: true)
            matches.removeAll(keepingCapacity: true)
        }
    }

    static let batchSize = 2048

    private let condition = NSCondition()
    private var waiting: [Batch] = []
    private var done: [Int: Batch] = [:]
    private var free: [Batch] = []
    private var submitted = 0
    private var handedBack = 0
    private var stopping = false
    /// Workers classifying a batch right now.
    private var busy = 0
    private let classifiers: [Classifier]
    /// Batches allowed in flight: enough to keep every worker busy, few enough to bound memory.
    let depth: Int

    init(patterns: PatternSet, workers: Int) {
        depth = 2 * workers + 2
        classifiers = (0..<workers).map { _ in Classifier(patterns) }
        for i in 0..<workers {
            let thread = Thread { [self] in work(classifiers[i]) }
            thread.name = "logwarden-classify-\(i)"
            thread.start()
        }
    }

    /// Workers for this machine: one per core besides the reading thread's (none on one
    /// core, where the reading thread classifies itself).
    static func workers() -> Int {
        min(ProcessInfo.processInfo.activeProcessorCount - 1, 4)
    }

    /// An empty batch to fill.
    func batch() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        return free.popLast() ?? Batch(capacity: Self.batchSize)
    }

    func submit(_ batch: Batch) {
        condition.lock()
        batch.sequence = submitted
        submitted += 1
        waiting.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// Submitted and not yet handed back. The caller hands back (counts) the oldest while
    /// this is at `depth`, which bounds memory.
    var inFlight: Int {
        condition.lock()
        defer { condition.unlock() }
        return submitted - handedBack
    }

    /// The oldest batch not yet handed back, once classified (waiting for it if `wait`);
    /// nil when none is in flight, or it is not ready and `wait` is false.
    func next(wait: Bool) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard handedBack < submitted else { return nil }
        while done[handedBack] == nil {
            if !wait { return nil }
            condition.wait()
        }
        let batch = done.removeValue(forKey: handedBack)!
        handedBack += 1
        return batch
    }

    /// Gives a counted batch back for reuse.
    func recycle(_ batch: Batch) {
        batch.reset()
        condition.lock()
        free.append(batch)
        condition.unlock()
    }

    /// Match attempts that hit PCRE2's limits, per pattern, over every worker. Call after
    /// every batch was handed back.
    var matchErrors: [Int] {
        classifiers.dropFirst().reduce(classifiers.first?.matchErrors ?? []) { sum, c in zip(sum, c.matchErrors).map(+) }
    }

    /// Ends the workers: batches not yet started are dropped, and it returns once none is
    /// classifying, so `matchErrors` may be read after it.
    func stop() {
        condition.lock()
        stopping = true
        waiting.removeAll()
        condition.broadcast()
        while busy > 0 { condition.wait() }
        condition.unlock()
    }

    private func work(_ classifier: Classifier) {
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            if waiting.isEmpty {
                condition.unlock()
                return
            }
            let batch = waiting.removeFirst()
            busy += 1
            condition.unlock()
            batch.matches.removeAll(keepingCapacity: true)
            batch.forEach { _, record in batch.matches.append(classifier.classify(record)) }
            condition.lock()
            done[batch.sequence] = batch
            busy -= 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
