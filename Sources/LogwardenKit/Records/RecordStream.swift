/// Lines to records for one input that arrives in pieces: a partial last line waits in
/// the splitter for its newline, and the record being assembled waits in the framer for
/// the line that ends it (or, live, for the input to go quiet).
public struct RecordStream {
    private var splitter: LineSplitter
    private var framer: RecordFramer

    /// A stream from the start of its input, or from where `resume` says an earlier one stopped.
    public init(framing: FramingOptions, timestamps: TimestampParser, resume: RecordFramer.Resume? = nil) {
        splitter = LineSplitter(maxLineBytes: framing.maxBytes, offset: resume?.offset ?? 0, lineNumber: resume?.line ?? 0)
        framer = RecordFramer(options: framing, timestamps: timestamps)
        if let resume { framer.resume(lastTime: resume.lastTime, timestamped: resume.timestamped) }
    }

    /// Where a later reader can start so that every record is handed out exactly once: the
    /// start of the record being assembled, else of the partial last line.
    public var resumePoint: RecordFramer.Resume {
        if let pending = framer.pendingResume { return pending }
        let carried = framer.carried
        return RecordFramer.Resume(offset: splitter.pendingOffset, line: splitter.lineNumber, lastTime: carried.lastTime,
                                   timestamped: carried.timestamped)
    }

    /// Bytes fed so far, from the input's start.
    public var offset: Int64 { splitter.offset }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Record) -> Void) {
        splitter.feed(bytes) { line, number, cut, at in framer.push(line: line, number: number, cut: cut, offset: at, emit: emit) }
        // Without continuation lines a complete line is a complete record: no need to wait.
        if !framer.options.multiline { framer.finish(emit: emit) }
    }

    /// A record is being assembled and may still get continuation lines.
    public var hasPendingRecord: Bool { framer.hasPending }

    /// Emits the record being assembled (`max_wait` passed with no new line). A partial
    /// line stays: its newline may still come.
    public mutating func flushRecord(_ emit: (Record) -> Void) { framer.finish(emit: emit) }

    /// End of input: the partial last line and the pending record.
    public mutating func finish(_ emit: (Record) -> Void) {
        splitter.finish { line, number, cut, at in framer.push(line: line, number: number, cut: cut, offset: at, emit: emit) }
        framer.finish(emit: emit)
    }

    public var lines: Int { splitter.lineNumber }
    public var truncatedRecords: Int { framer.truncatedRecords }
}
