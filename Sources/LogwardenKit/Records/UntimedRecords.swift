/// How a stream times the records before its input's first timestamp (DESIGN.md, "Which
/// clock a run evaluates on").
///
/// The stream holds the input back until a line shows a timestamp, and the records before
/// it take that time: a banner before the first timestamped line is counted with it,
/// not at some other clock that would move the event-time windows ahead of the records
/// that follow. After `lookAhead` bytes without one, `readAhead` (a file, which can be
/// read again) looks further; only an input with no timestamp at all falls back to
/// `fallback`: the file's modification time, or for stdin the time it was read.
public struct UntimedRecords: Sendable {
    /// Bytes held back while looking for the first timestamp.
    public var lookAhead: Int
    /// The time of records in an input without a timestamp; nil leaves them untimed (`watch`
    /// times them as they arrive).
    public var fallback: EpochMillis?
    /// The first timestamp of the input at or after a byte offset, read again from its
    /// source; nil when there is none (or the input cannot be read twice).
    public var readAhead: (@Sendable (Int64) -> EpochMillis?)?

    public static let defaultLookAhead = 256 * 1024

    /// What stderr says, once per input, when its records took the fallback (`readTime`:
    /// the time they were read, as for stdin and in `watch`).
    public static func note(input: String, readTime: Bool) -> String {
        let stdin = input == "-"
        return "no timestamp recognised in \(stdin ? "stdin" : input); records are timed at "
            + (readTime || stdin ? "the time they were read" : "its modification time") + "; use --timestamp-format or --timestamp-field"
    }

    public init(lookAhead: Int = defaultLookAhead, fallback: EpochMillis?, readAhead: (@Sendable (Int64) -> EpochMillis?)? = nil) {
        self.lookAhead = lookAhead
        self.fallback = fallback
        self.readAhead = readAhead
    }
}

/// The start of an input, held while none of its lines has shown a timestamp, and a framer
/// of its own that reads ahead for the first one. It frames exactly as the stream's own
/// framer will, so the two agree on which line carries the first timestamp.
struct LookAhead {
    private(set) var held: [UInt8] = []
    /// The input's first timestamp, once a line showed it.
    private(set) var found: EpochMillis?
    /// Where the held bytes start in the input.
    let offset: Int64
    private var splitter: LineSplitter
    private var scout: RecordFramer

    init(framing: FramingOptions, timestamps: TimestampParser, offset: Int64) {
        self.offset = offset
        splitter = LineSplitter(maxLineBytes: framing.maxBytes, offset: offset)
        scout = RecordFramer(options: framing, timestamps: timestamps)
    }

    /// Holds `bytes` (unless `keep` is false: only looking) and looks at their lines.
    mutating func take(_ bytes: UnsafeRawBufferPointer, keep: Bool = true) {
        if keep { held.append(contentsOf: bytes) }
        guard found == nil else { return }
        splitter.feed(bytes) { line, number, cut, at in
            guard found == nil else { return }
            scout.push(line: line, number: number, cut: cut, offset: at) { _ in }
            found = scout.carried.lastTime
        }
    }

    /// The input ended: its last line may have no newline.
    mutating func finish() {
        guard found == nil else { return }
        splitter.finish { line, number, cut, at in
            scout.push(line: line, number: number, cut: cut, offset: at) { _ in }
            found = scout.carried.lastTime
        }
    }

    /// The first timestamp in the rest of `source`: how a file is read ahead beyond what a
    /// stream holds. Reading stops at it.
    static func firstTime(_ source: inout some ByteSource, framing: FramingOptions, timestamps: TimestampParser) -> EpochMillis? {
        var ahead = LookAhead(framing: framing, timestamps: timestamps, offset: 0)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while ahead.found == nil {
            guard let n = try? source.read(into: chunk), n > 0 else {
                ahead.finish()
                break
            }
            ahead.take(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), keep: false)
        }
        return ahead.found
    }
}
