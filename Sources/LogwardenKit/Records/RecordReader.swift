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
        var stats = Stats()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { chunk.deallocate() }
        var failure: InputError? = nil
        while true {
            let n: Int
            do { n = try source.read(into: chunk) } catch {
                failure = error
                break
            }
            if n == 0 { break }
            stats.bytes += n
            stream.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), body)
        }
        stream.finish(body)
        stats.lines = stream.lines
        stats.truncatedRecords = stream.truncatedRecords
        if let failure { throw failure }
        return stats
    }
}
