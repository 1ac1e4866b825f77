/// Groups lines into records and gives each its time.
///
/// A line starts a new record when it carries its own timestamp, is a JSON object, or
/// cannot continue the record before it. It continues that record when it is indented,
/// starts a traceback or a chained-exception marker (`Traceback (most recent call last):`,
/// `Caused by:`, `During handling of the above exception`, `The above exception was the
/// direct cause`), is the exception line that closes a traceback, or lacks a timestamp in an
/// input whose records have them (PostgreSQL `DETAIL:`/`HINT:`, psycopg2's `LINE 1:`).
/// A Go `panic: ` or `fatal error: ` and Java's `Exception in thread "` always start one.
/// Blank lines are kept only between continuation lines.
public struct RecordFramer {
    public let options: FramingOptions
    public var timestamps: TimestampParser

    private var buffer: [UInt8] = []
    public private(set) var hasPending = false
    private var firstLine = 0
    /// Input offset of the pending record's first line, and the time records inherited before it.
    private var pendingOffset: Int64 = 0
    private var timeBefore: EpochMillis?
    private var lastLine = 0
    private var lineCount = 0
    private var pendingTime: EpochMillis?
    private var pendingHasOwnTime = false
    private var pendingCut = false
    private var pendingTraceback = false
    /// `timestamped` when the pending record started (its first line may have set it).
    private var pendingTimestamped = false
    private var awaitingException = false
    private var blankLines = 0
    /// Seen a line that starts with a timestamp: from then on, lines without one continue.
    private var timestamped = false
    private var lastTime: EpochMillis?
    private var pendingFallback = false
    /// The time of records while the input has shown no timestamp (see `UntimedRecords`);
    /// it is never carried to a resume point, so a later run uses its own.
    public var fallbackTime: EpochMillis?
    /// A record was timed by `fallbackTime`.
    public private(set) var usedFallback = false

    /// Where reading can resume so that no record is lost or counted twice: the start of the
    /// record being assembled (it was not handed out), with what framing carries over.
    public struct Resume: Sendable, Equatable {
        public var offset: Int64
        public var line: Int
        public var lastTime: EpochMillis?
        public var timestamped: Bool
        public init(offset: Int64, line: Int, lastTime: EpochMillis?, timestamped: Bool) {
            self.offset = offset
            self.line = line
            self.lastTime = lastTime
            self.timestamped = timestamped
        }

        /// Reading again from a record that starts at `offset` on line `firstLine`, which
        /// inherits `timeBefore`.
        public init(recordAt offset: Int64, firstLine: Int, timeBefore: EpochMillis?, timestamped: Bool) {
            self.init(offset: offset, line: firstLine - 1, lastTime: timeBefore, timestamped: timestamped)
        }
    }

    /// The resume point if a record is pending, else nil (resume after the complete lines).
    public var pendingResume: Resume? {
        hasPending ? Resume(recordAt: pendingOffset, firstLine: firstLine, timeBefore: timeBefore, timestamped: pendingTimestamped) : nil
    }

    public var carried: (lastTime: EpochMillis?, timestamped: Bool) { (lastTime, timestamped) }

    /// Continues framing where a previous reader stopped.
    public mutating func resume(lastTime: EpochMillis?, timestamped: Bool) {
        self.lastTime = lastTime
        self.timestamped = timestamped
    }
    private var json = JSONFields()
    /// The parser's JSON time keys, kept apart from it: reading them while the parser
    /// caches its last form would otherwise retain the array per record.
    private let timeKeys: [[UInt8]]
    /// Records cut to `maxBytes`.
    public private(set) var truncatedRecords = 0

    public init(options: FramingOptions, timestamps: TimestampParser) {
        self.options = options
        self.timestamps = timestamps
        timeKeys = timestamps.jsonKeys
        buffer.reserveCapacity(min(options.maxBytes, 1 << 16))
    }

    public mutating func push(line: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool, offset: Int64 = 0, emit: (Record) -> Void) {
        if line.isEmpty || isBlank(line) {
            if hasPending, options.multiline { blankLines += 1 }
            return
        }
        if let first = firstNonSpace(line), line[first] == UInt8(ascii: "{"), json.scan(line) {
            flush(emit)
            emitJSON(line, number: number, cut: cut, offset: offset, emit: emit)
            return
        }
        let own = timestamps.parseLineStart(line)
        if own != nil { timestamped = true }
        if own == nil, hasPending, !startsRecord(line), continues(line) {
            if lineCount >= options.maxLines {
                flush(emit)
                pendingOffset = offset
                start(line, number: number, time: nil, cut: cut)
            } else {
                append(line, number: number, cut: cut)
            }
            return
        }
        flush(emit)
        pendingOffset = offset
        start(line, number: number, time: own, cut: cut)
    }

    /// Emits the record still being assembled (end of input, or `max_wait` in live mode).
    public mutating func finish(emit: (Record) -> Void) {
        flush(emit)
    }

    // MARK: continuation rules

    private mutating func continues(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard options.multiline else { return false }
        let c = line[0]
        if c == 32 || c == 9 { return true }
        if startsWith(line, Marker.traceback) {
            pendingTraceback = true
            awaitingException = true
            return true
        }
        if startsWith(line, Marker.causedBy) || startsWith(line, Marker.duringHandling)
            || startsWith(line, Marker.directCause) {
            return true
        }
        if awaitingException {
            awaitingException = false
            return true
        }
        return timestamped
    }

    /// Lines that always begin a record, timestamp or not: a Go panic or fatal error, and
    /// Java's report of an uncaught exception.
    private func startsRecord(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        startsWith(line, Marker.goPanic) || startsWith(line, Marker.goFatal) || startsWith(line, Marker.javaUncaught)
    }

    private enum Marker {
        static let goPanic = Array("panic: ".utf8)
        static let goFatal = Array("fatal error: ".utf8)
        static let javaUncaught = Array("Exception in thread \"".utf8)
        static let traceback = Array("Traceback (most recent call last):".utf8)
        static let causedBy = Array("Caused by:".utf8)
        static let duringHandling = Array("During handling of the above exception".utf8)
        static let directCause = Array("The above exception was the direct cause".utf8)
    }

    // MARK: assembling

    private mutating func start(_ line: UnsafeBufferPointer<UInt8>, number: Int, time: EpochMillis?, cut: Bool) {
        buffer.removeAll(keepingCapacity: true)
        hasPending = true
        firstLine = number
        lastLine = number
        lineCount = 1
        blankLines = 0
        pendingHasOwnTime = time != nil
        timeBefore = lastTime
        pendingTimestamped = timestamped
        if let time { lastTime = time }
        pendingTime = lastTime ?? fallbackTime
        pendingFallback = lastTime == nil && fallbackTime != nil
        if pendingFallback { usedFallback = true }
        pendingCut = cut
        pendingTraceback = startsWith(line, Marker.traceback)
        awaitingException = pendingTraceback
        appendBytes(line)
    }

    private mutating func append(_ line: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool) {
        for _ in 0..<blankLines { appendBytes(UnsafeBufferPointer(start: nil, count: 0), separator: true) }
        blankLines = 0
        appendBytes(line, separator: true)
        lastLine = number
        lineCount += 1
        if cut { pendingCut = true }
    }

    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>, separator: Bool = false) {
        let need = bytes.count + (separator ? 1 : 0)
        let room = options.maxBytes - buffer.count
        if need <= room {
            if separator { buffer.append(10) }
            buffer.append(contentsOf: bytes)
        } else {
            pendingCut = true
            if room > 0 {
                if separator { buffer.append(10) }
                if room - (separator ? 1 : 0) > 0 {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<(room - (separator ? 1 : 0))]))
                }
            }
        }
    }

    private mutating func flush(_ emit: (Record) -> Void) {
        guard hasPending else { return }
        hasPending = false
        blankLines = 0
        if pendingCut { truncatedRecords += 1 }
        buffer.withUnsafeBufferPointer { text in
            emit(Record(text: text, firstLine: firstLine, lastLine: lastLine, lineCount: lineCount,
                        time: pendingTime, hasOwnTime: pendingHasOwnTime, truncated: pendingCut, json: nil,
                        offset: pendingOffset, timestamped: pendingTimestamped, fallbackTime: pendingFallback))
        }
    }

    private mutating func emitJSON(_ line: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool, offset: Int64, emit: (Record) -> Void) {
        let own = jsonTime(line)
        if let own { lastTime = own }
        if cut { truncatedRecords += 1 }
        let fallback = lastTime == nil && fallbackTime != nil
        if fallback { usedFallback = true }
        emit(Record(text: line, firstLine: number, lastLine: number, lineCount: 1, time: lastTime ?? fallbackTime,
                    hasOwnTime: own != nil, truncated: cut, json: json, offset: offset, timestamped: timestamped, fallbackTime: fallback))
    }

    /// The first time field, in the parser's order, whose value reads as a time. Out of
    /// line: inlined, it makes `push` too large to be inlined into the splitter's loop.
    @inline(never)
    private mutating func jsonTime(_ line: UnsafeBufferPointer<UInt8>) -> EpochMillis? {
        for key in timeKeys {
            guard let m = json.member(line, key: key) else { continue }
            if let t = timestamps.parseValue(UnsafeBufferPointer(rebasing: line[m.value])) { return t }
        }
        return nil
    }

    // MARK: bytes

    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool { firstNonSpace(line) == nil }

    private func firstNonSpace(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        for i in 0..<line.count where line[i] != 32 && line[i] != 9 { return i }
        return nil
    }

    private func startsWith(_ line: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard line.count >= prefix.count else { return false }
        for i in 0..<prefix.count where line[i] != prefix[i] { return false }
        return true
    }
}
