/// One log record: a physical line or a multi-line group (a traceback, a stack trace,
/// continuation lines). Its bytes are only valid during the callback that receives it:
/// keep what you need by copying (see `RecordFramer`).
public struct Record {
    /// Lines joined with `\n`, CR stripped, cut at `FramingOptions.maxBytes`.
    public var text: UnsafeBufferPointer<UInt8>
    /// 1-based physical line numbers in the input.
    public var firstLine: Int
    public var lastLine: Int
    public var lineCount: Int
    /// The record's own time, or the previous record's when it has none; nil before the first.
    public var time: EpochMillis?
    public var hasOwnTime: Bool
    /// Bytes or lines were cut to the framing limits.
    public var truncated: Bool
    /// The top-level fields when the record is a JSON-object line.
    public var json: JSONFields?
    /// Input offset of its first line, and whether the input had shown a timestamped line
    /// by then: with the time before it (the previous record's), where a later reader
    /// resumes to read this record again (a state commit between two records; see
    /// `RecordFramer.Resume`).
    public var offset: Int64 = 0
    public var timestamped = false
    /// `time` is its input's fallback (modification or read time): the input had shown no
    /// timestamp. A later record does not inherit it as a time of the input's own.
    public var fallbackTime = false

    /// The time the next record of its input takes when it has none.
    public var inheritedTime: EpochMillis? { fallbackTime ? nil : time }
}

/// How physical lines group into records.
public struct FramingOptions: Sendable, Equatable {
    /// A record holds at most this many lines; the next continuation line starts a new record.
    public var maxLines = 500
    /// A record holds at most this many bytes; the rest is cut and counted.
    public var maxBytes = 64 * 1024
    /// Join continuation lines (tracebacks, stack traces, lines without a timestamp in a
    /// timestamped input). Off: every line is a record.
    public var multiline = true

    public init(maxLines: Int = 500, maxBytes: Int = 64 * 1024, multiline: Bool = true) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
        self.multiline = multiline
    }
}
