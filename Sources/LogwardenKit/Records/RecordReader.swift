/// Reads a byte source in 1 MiB chunks and hands out its records.
public struct RecordReader {
    public static let chunkSize = 1 << 20

    public struct Stats: Sendable {
        public var bytes = 0
        public var lines = 0
        public var truncatedRecords = 0
    }

    /// Calls `body` for every record of `source`, then for the last one at the end.
    /// A read error ends the input after the records read so far were handed out.
    public static func read(_ source: inout some ByteSource, framing: FramingOptions, timestamps: TimestampParser,
                            _ body: (Record) -> Void) throws(InputError) -> Stats {
        var stream = RecordStream(framing: framing, timestamps: timestamps)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { chunk.deallocate() }
        var stats = Stats()
        let failure = pump(&source, into: &stream, buffer: chunk, body) { _, n in stats.bytes += n }
        stream.finish(body)
        stats.lines = stream.lines
        stats.truncatedRecords = stream.truncatedRecords
        if let failure { throw failure }
        return stats
    }

    /// Feeds `source` into `stream` a buffer at a time, with `afterChunk` between buffers (a
    /// state commit). Returns the read error that ended the input early, if any; the stream
    /// is not finished, so its caller decides about the last record.
    public static func pump<E: Error>(_ source: inout some ByteSource, into stream: inout RecordStream,
                                      buffer: UnsafeMutableRawBufferPointer, _ body: (Record) -> Void,
                                      afterChunk: (inout RecordStream, Int) throws(E) -> Void) throws(E) -> InputError? {
        while true {
            let n: Int
            do { n = try source.read(into: buffer) } catch { return error }
            if n == 0 { return nil }
            stream.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), body)
            try afterChunk(&stream, n)
        }
    }
}
