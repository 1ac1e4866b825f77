/// One open input of a scan, read into batches: split into lines, framed into records and
/// time-stamped. One thread at a time fills it (`BatchPool` sees to that), so several
/// inputs are read at once while each is read in order.
final class InputFeed: @unchecked Sendable {
    private var source: any ByteSource
    private var stream: RecordStream
    private let chunk: UnsafeMutableRawBufferPointer
    /// Hand out the record still pending at the end (not for a file still being written,
    /// whose last record may get more lines before the next run).
    private let finishAtEnd: Bool

    /// Reads of 32 KiB (about 250 records) end a batch soon after `minimum` records:
    /// batches in flight are most of what threads add to peak memory.
    static let readSize = 32 * 1024

    init(source: any ByteSource, stream: RecordStream, finishAtEnd: Bool) {
        self.source = source
        self.stream = stream
        self.finishAtEnd = finishAtEnd
        chunk = .allocate(byteCount: Self.readSize, alignment: 64)
    }

    deinit { chunk.deallocate() }

    /// Reads until `batch` holds at least `minimum` records or the input ends; a read
    /// error ends it after the records read before it.
    func fill(_ batch: Batch, minimum: Int) {
        while batch.count < minimum {
            let n: Int
            do { n = try source.read(into: chunk) } catch {
                batch.failure = error
                end(batch)
                return
            }
            if n == 0 {
                end(batch)
                return
            }
            stream.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) { batch.append($0) }
        }
        batch.tail = stream.resumePoint
        batch.timedByFallback = stream.timedByFallback
    }

    private func end(_ batch: Batch) {
        if finishAtEnd { stream.finish { batch.append($0) } }
        batch.final = true
        batch.truncatedRecords = stream.truncatedRecords
        batch.tail = stream.resumePoint
        batch.timedByFallback = stream.timedByFallback
    }
}
