/// A run of consecutive records of one input with a copy of their bytes, so the input's
/// buffers can move on while other threads classify and count them. A batch ends between
/// two reads of its input, where the input's resume point (`tail`) is known.
final class Batch: @unchecked Sendable {
    /// A record as kept here: plain values only, so keeping and reading one copies bytes
    /// and counts no references.
    private struct Entry {
        var firstLine: Int
        var lastLine: Int
        var lineCount: Int
        var time: EpochMillis?
        var offset: Int64
        /// Where its bytes are in `bytes`.
        var text: Range<Int>
        /// Where its JSON members are in `members` (negative: not JSON).
        var fields: Range<Int>
        var hasOwnTime: Bool
        var truncated: Bool
        var timestamped: Bool
        var fallbackTime: Bool
    }

    private var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var used = 0
    private var entries: [Entry] = []
    /// JSON records' members, all in one array, so the framer's own buffer is never shared.
    private var members: [JSONFields.Member] = []
    /// Filled by `classify`, with the match attempts that hit PCRE2's limits, per pattern
    /// (empty when none did).
    private(set) var matches: [Classification?] = []
    private(set) var matchErrors: [Int] = []

    /// The input's resume point after the last record.
    var tail = RecordFramer.Resume(offset: 0, line: 0, lastTime: nil, timestamped: false)
    /// The input's last batch, with the read error that ended it early (if any) and the
    /// records it cut to the framing limits.
    var final = false
    var failure: InputError? = nil
    var truncatedRecords = 0
    /// Its input has shown no timestamp so far: records were timed by its fallback.
    var timedByFallback = false
    /// Classified, so the counting thread may take it (guarded by `BatchPool`'s lock).
    var classified = false

    init(capacity: Int) {
        self.capacity = capacity * 160
        bytes = .allocate(capacity: self.capacity)
        entries.reserveCapacity(capacity)
        matches.reserveCapacity(capacity)
    }

    deinit { bytes.deallocate() }

    var count: Int { entries.count }

    func append(_ record: Record) {
        let start = used
        let n = record.text.count
        if used + n > capacity { grow(to: used + n) }
        if n > 0 { (bytes + used).update(from: record.text.baseAddress!, count: n) }
        used += n
        var fields = -1 ..< -1
        if let json = record.json {
            let first = members.count
            members.append(contentsOf: json.members)
            fields = first..<members.count
        }
        entries.append(Entry(firstLine: record.firstLine, lastLine: record.lastLine, lineCount: record.lineCount, time: record.time,
                             offset: record.offset, text: start..<used, fields: fields, hasOwnTime: record.hasOwnTime,
                             truncated: record.truncated, timestamped: record.timestamped, fallbackTime: record.fallbackTime))
    }

    private func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: bytes, count: used)
        bytes.deallocate()
        bytes = moved
        capacity = larger
    }

    /// Record `i`, its text pointing into this batch: valid until the batch is reset.
    func record(_ i: Int) -> Record {
        let e = entries[i]
        return Record(text: UnsafeBufferPointer(start: bytes + e.text.lowerBound, count: e.text.count), firstLine: e.firstLine,
                      lastLine: e.lastLine, lineCount: e.lineCount, time: e.time, hasOwnTime: e.hasOwnTime, truncated: e.truncated,
                      json: e.fields.lowerBound >= 0 ? JSONFields(storage: members, range: e.fields) : nil,
                      offset: e.offset, timestamped: e.timestamped, fallbackTime: e.fallbackTime)
    }

    /// Event time of record `i`, for merging inputs: a record before its input's first
    /// timestamp sorts first.
    func time(_ i: Int) -> EpochMillis { entries[i].time ?? .min }

    func classify(with classifier: Classifier) {
        matches.removeAll(keepingCapacity: true)
        let before = classifier.matchErrors
        for i in entries.indices { matches.append(classifier.classify(record(i))) }
        if classifier.matchErrors != before { matchErrors = zip(classifier.matchErrors, before).map { $0 - $1 } }
    }

    /// The time the record after `i` takes when it has none (not a fallback: see `Record`).
    func inheritedTime(_ i: Int) -> EpochMillis? { entries[i].fallbackTime ? nil : entries[i].time }

    /// Where a reader starts to read record `i` again.
    func resumePoint(_ i: Int, timeBefore: EpochMillis?) -> RecordFramer.Resume {
        let e = entries[i]
        return RecordFramer.Resume(recordAt: e.offset, firstLine: e.firstLine, timeBefore: timeBefore, timestamped: e.timestamped)
    }

    func reset() {
        used = 0
        entries.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
        matches.removeAll(keepingCapacity: true)
        matchErrors = []
        final = false
        failure = nil
        truncatedRecords = 0
        timedByFallback = false
        classified = false
    }
}
