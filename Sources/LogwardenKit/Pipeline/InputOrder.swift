/// Where each input of a scan stands before it is read: its first bytes (its fingerprint
/// for a state file), its first record's time (the merge's order), and whether it is
/// still being written.
extension ScanPipeline {
    /// Up to 1 KiB from an input's start, decompressed: its fingerprint.
    static func head(of spec: InputSpec, now: EpochMillis) -> [UInt8] {
        guard var source = try? InputOpener.open(spec, now: now).source else { return [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Fingerprint.maxLength, alignment: 16)
        defer { buffer.deallocate() }
        var got = 0
        while got < buffer.count, let n = try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[got...])), n > 0 { got += n }
        return Array(buffer[0..<got])
    }

    /// Not written to for the allowed lateness (1m): its last record is as complete as it
    /// will get, and evaluations up to now less the lateness may count it.
    func settled(_ opened: OpenedInput) -> Bool {
        options.now - opened.modified >= (engine?.store.allowedLateness ?? 60_000)
    }

    /// Inputs in the order of their first record's time (unknown last, then as given), so
    /// that rotated archives (`app.log app.log.1 app.log.2.gz`) replay oldest first; with
    /// that time, when their first 256 KiB tell it. A file without a timestamp there goes
    /// at its modification time, the time its records take. `writing`: with a state file, a
    /// file still being written with no timestamp yet (a new, empty log) is due where its
    /// first record may be, now less the lateness, so that the merge opens it, and it holds
    /// the others, before they pass that time.
    func oldestFirst(_ inputs: [InputSpec], writing: Bool = false) -> [(InputSpec, EpochMillis?)] {
        guard inputs.count > 1 else { return inputs.map { ($0, nil) } }
        let firsts: [EpochMillis?] = inputs.map { spec in
            guard case .file = spec, let opened = try? InputOpener.open(spec, now: options.now) else { return nil }
            var source = LimitedSource(opened.source, limit: options.lookAhead)
            if let first = options.firstTime(in: &source, of: opened) { return first }
            if writing, !settled(opened) { return options.now - (engine?.store.allowedLateness ?? 60_000) }
            return opened.modified
        }
        return inputs.indices.sorted { a, b in
            switch (firsts[a], firsts[b]) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }.map { (inputs[$0], firsts[$0]) }
    }
}

/// At most `limit` bytes of another source: enough to find a file's first timestamp.
struct LimitedSource: ByteSource {
    private var inner: any ByteSource
    private var left: Int

    init(_ inner: any ByteSource, limit: Int) {
        self.inner = inner
        left = limit
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard left > 0 else { return 0 }
        let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, left)]))
        left -= n
        return n
    }
}
