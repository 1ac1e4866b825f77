/// Lines to records for one input that arrives in pieces: a partial last line waits in
/// the splitter for its newline, and the record being assembled waits in the framer for
/// the line that ends it (or, live, for the input to go quiet). With `untimed`, the input
/// waits in a `LookAhead` until it shows a timestamp, so the records before it take it.
public struct RecordStream {
    private var splitter: LineSplitter
    private var framer: RecordFramer
    private let untimed: UntimedRecords?
    private var ahead: LookAhead?

    /// A stream from the start of its input, or from where `resume` says an earlier one stopped.
    public init(framing: FramingOptions, timestamps: TimestampParser, untimed: UntimedRecords? = nil,
                resume: RecordFramer.Resume? = nil) {
        splitter = LineSplitter(maxLineBytes: framing.maxBytes, offset: resume?.offset ?? 0, lineNumber: resume?.line ?? 0)
        framer = RecordFramer(options: framing, timestamps: timestamps)
        self.untimed = untimed
        if let resume { framer.resume(lastTime: resume.lastTime, timestamped: resume.timestamped) }
        if let untimed, resume?.lastTime == nil {
            if untimed.lookAhead > 0 {
                ahead = LookAhead(framing: framing, timestamps: timestamps, offset: resume?.offset ?? 0)
            } else {
                framer.fallbackTime = untimed.fallback
            }
        }
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
    public var offset: Int64 { splitter.offset + Int64(ahead?.held.count ?? 0) }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Record) -> Void) {
        if ahead != nil { return hold(bytes, emit) }
        frame(bytes, emit)
    }

    /// The per-line path: kept apart from the look-ahead, which is not recursive through it,
    /// so the framer stays inlined into the splitter's loop.
    @inline(__always)
    private mutating func frame(_ bytes: UnsafeRawBufferPointer, _ emit: (Record) -> Void) {
        splitter.feed(bytes) { line, number, cut, at in framer.push(line: line, number: number, cut: cut, offset: at, emit: emit) }
        // Without continuation lines a complete line is a complete record: no need to wait.
        if !framer.options.multiline { framer.finish(emit: emit) }
    }

    @inline(never)
    private mutating func hold(_ bytes: UnsafeRawBufferPointer, _ emit: (Record) -> Void) {
        ahead!.take(bytes)
        if let first = ahead!.found {
            release(first: first, emit)
        } else if let untimed, ahead!.held.count >= untimed.lookAhead {
            release(first: untimed.readAhead?(ahead!.offset), emit)
        }
    }

    /// Frames what the look-ahead held: timed from `first`, the input's first timestamp,
    /// or, when it has none, by the fallback.
    @inline(never)
    private mutating func release(first: EpochMillis?, _ emit: (Record) -> Void) {
        guard let held = ahead?.held else { return }
        ahead = nil
        if let first {
            framer.resume(lastTime: first, timestamped: framer.carried.timestamped)
        } else {
            framer.fallbackTime = untimed?.fallback
        }
        held.withUnsafeBytes { frame($0, emit) }
    }

    /// A record is being assembled and may still get continuation lines, or the start of
    /// the input waits for its first timestamp.
    public var hasPendingRecord: Bool { framer.hasPending || !(ahead?.held.isEmpty ?? true) }

    /// Some record was timed by the fallback: the input showed no timestamp.
    public var timedByFallback: Bool { framer.usedFallback }

    /// Emits the record being assembled (`max_wait` passed with no new line), and what the
    /// look-ahead held, which then takes the fallback. A partial line stays: its newline
    /// may still come.
    public mutating func flushRecord(_ emit: (Record) -> Void) {
        if ahead?.held.isEmpty == false { release(first: nil, emit) }
        framer.finish(emit: emit)
    }

    /// End of input: the partial last line and the pending record.
    public mutating func finish(_ emit: (Record) -> Void) {
        ahead?.finish()
        release(first: ahead?.found, emit)
        splitter.finish { line, number, cut, at in framer.push(line: line, number: number, cut: cut, offset: at, emit: emit) }
        framer.finish(emit: emit)
    }

    public var lines: Int { splitter.lineNumber }
    public var truncatedRecords: Int { framer.truncatedRecords }
}
