/// How `ReadOptions` turn an opened input into records: its timestamps (detected, or as
/// forced), and the time of records before its first timestamp (`UntimedRecords`).
extension ReadOptions {
    /// The parser of an input modified at `reference` (which gives syslog its year).
    public func parser(reference: EpochMillis) -> TimestampParser {
        TimestampParser(referenceTime: reference, defaultOffsetSeconds: defaultOffsetSeconds, settings: timestamps)
    }

    /// The records of `opened`, from `resume` on. Records before its first timestamp take
    /// it; an input with none takes its modification time (stdin: the time it was read,
    /// which `InputOpener` gives as its modification time). A file is read again to look
    /// past what the stream holds; stdin cannot be.
    func stream(_ opened: OpenedInput, spec: InputSpec, resume: RecordFramer.Resume?) -> RecordStream {
        var readAhead: (@Sendable (Int64) -> EpochMillis?)? = nil
        if case .file = spec {
            let options = self
            readAhead = { offset in options.firstTime(of: spec, from: offset) }
        }
        return RecordStream(framing: framing, timestamps: parser(reference: opened.modified),
                            untimed: UntimedRecords(lookAhead: lookAhead, fallback: opened.modified, readAhead: readAhead), resume: resume)
    }

    /// The first timestamp of `spec` at or after byte `offset`; nil when it has none.
    func firstTime(of spec: InputSpec, from offset: Int64 = 0) -> EpochMillis? {
        guard let opened = try? InputOpener.open(spec, now: now) else { return nil }
        var source = opened.source
        if offset > 0 {
            guard let skipped = try? source.skip(offset), skipped == offset else { return nil }
        }
        return firstTime(in: &source, of: opened)
    }

    /// The first timestamp in the rest of `source`, an input opened as `opened`.
    func firstTime(in source: inout some ByteSource, of opened: OpenedInput) -> EpochMillis? {
        LookAhead.firstTime(&source, framing: framing, timestamps: parser(reference: opened.modified))
    }
}
