/// Options that shape how inputs are read, shared by `scan` and `classify`.
public struct ReadOptions: Sendable {
    public var framing = FramingOptions()
    /// Offset of zoneless timestamps from UTC, in seconds.
    public var defaultOffsetSeconds = 0
    /// "Now", for stdin's syslog year; files use their modification time.
    public var now: EpochMillis

    public init(framing: FramingOptions = FramingOptions(), defaultOffsetSeconds: Int = 0, now: EpochMillis) {
        self.framing = framing
        self.defaultOffsetSeconds = defaultOffsetSeconds
        self.now = now
    }
}

/// What one pass over the inputs produced.
public struct ScanResult: Sendable {
    public var counts: MatchCounts
    /// Inputs that could not be opened or read to the end (the run exits 2).
    public var errors: [InputError]
}

/// One pass over inputs: read, frame, classify, count. Inputs are read in order; a broken
/// one is reported and the others are still read.
public struct ScanPipeline {
    public let patterns: PatternSet
    public let options: ReadOptions

    public init(patterns: PatternSet, options: ReadOptions) {
        self.patterns = patterns
        self.options = options
    }

    /// `onRecord` sees each record with its classification (for `classify`).
    public func run(_ inputs: [InputSpec],
                    onRecord: ((Record, Classification?, String) -> Void)? = nil) -> ScanResult {
        let classifier = Classifier(patterns)
        var counts = MatchCounts(patterns: patterns)
        var errors: [InputError] = []
        for spec in inputs {
            let opened: OpenedInput
            do { opened = try InputOpener.open(spec, now: options.now) } catch {
                errors.append(error)
                continue
            }
            let inputIndex = counts.beginInput(opened.name)
            let name = opened.name
            var source = opened.source
            let timestamps = TimestampParser(referenceTime: opened.modified, defaultOffsetSeconds: options.defaultOffsetSeconds)
            do {
                let stats = try RecordReader.read(&source, framing: options.framing, timestamps: timestamps) { record in
                    let match = classifier.classify(record)
                    counts.add(input: inputIndex, time: record.time, match: match) {
                        Example(input: name, line: record.firstLine, bytes: record.text, deciding: match?.decidingLine)
                    }
                    onRecord?(record, match, name)
                }
                counts.truncatedRecords += stats.truncatedRecords
            } catch {
                errors.append(error)
            }
        }
        counts.matchErrors = classifier.matchErrors
        return ScanResult(counts: counts, errors: errors)
    }
}
