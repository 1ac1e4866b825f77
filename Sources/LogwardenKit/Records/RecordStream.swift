/// Lines to records for one input that arrives in pieces: a partial last line waits in
/// the splitter for its newline, and the record being assembled waits in the framer for
/// the line that ends it (or, live, for the input to go quiet).
public struct RecordStream {
    private var splitter: LineSplitter
    private var framer: RecordFramer

    public init(framing: FramingOptions, timestamps: TimestampParser) {
        splitter = LineSplitter(maxLineBytes: framing.maxBytes)
        framer = RecordFramer(options: framing, timestamps: timestamps)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Record) -> Void) {
        splitter.feed(bytes) { line, number, cut in framer.push(line: line, number: number, cut: cut, emit: emit) }
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
        splitter.finish { line, number, cut in framer.push(line: line, number: number, cut: cut, emit: emit) }
        framer.finish(emit: emit)
    }

    public var lines: Int { splitter.lineNumber }
    public var truncatedRecords: Int { framer.truncatedRecords }
}
