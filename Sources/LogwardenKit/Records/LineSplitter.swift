#if canImport(Glibc)
import Glibc
#endif

/// Splits a byte stream into lines with `memchr`. Lines inside one chunk are handed out
/// without copying; only a line that spans chunks is assembled in `carry`. A line longer
/// than `maxLineBytes` is cut there and the rest skipped as it streams by, so a 50 MB line
/// never sits in memory.
public struct LineSplitter {
    public let maxLineBytes: Int
    private var carry: [UInt8] = []
    private var carryCut = false
    private var hasCarry = false
    public private(set) var lineNumber = 0
    /// Lines that were cut to `maxLineBytes`.
    public private(set) var cutLines = 0
    /// The input offset of the next byte fed.
    public private(set) var offset: Int64 = 0
    /// The input offset where the partial line in `carry` starts.
    private var carryStart: Int64 = 0

    /// A line handed out: its bytes (valid during the call), 1-based number, whether it was
    /// cut, and the input offset where it starts.
    public typealias Body = (UnsafeBufferPointer<UInt8>, Int, Bool, Int64) -> Void

    /// Starts at `offset`, after `lineNumber` lines (a resumed input).
    public init(maxLineBytes: Int, offset: Int64 = 0, lineNumber: Int = 0) {
        self.maxLineBytes = max(1, maxLineBytes)
        self.offset = offset
        self.lineNumber = lineNumber
        carry.reserveCapacity(min(self.maxLineBytes, 1 << 16))
    }

    /// The offset of the first byte not yet handed out as part of a complete line.
    public var pendingOffset: Int64 { hasCarry ? carryStart : offset }

    /// Calls `body` for every complete line in `chunk`.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: Body) {
        guard let raw = chunk.baseAddress, chunk.count > 0 else { return }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let chunkOffset = offset
        offset += Int64(chunk.count)
        let end = base + chunk.count
        var start = base
        while start < end {
            guard let found = memchr(start, 10, end - start) else {
                appendCarry(start, end - start, at: chunkOffset + Int64(start - base))
                return
            }
            let nl = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
            if hasCarry {
                appendCarry(start, nl - start, at: chunkOffset + Int64(start - base))
                emitCarry(body)
            } else {
                let len = nl - start
                lineNumber += 1
                let at = chunkOffset + Int64(start - base)
                if len > maxLineBytes {
                    cutLines += 1
                    body(trimCR(UnsafeBufferPointer(start: start, count: maxLineBytes)), lineNumber, true, at)
                } else {
                    body(trimCR(UnsafeBufferPointer(start: start, count: len)), lineNumber, false, at)
                }
            }
            start = nl + 1
        }
    }

    /// Hands out a last line that had no newline.
    public mutating func finish(_ body: Body) {
        if hasCarry { emitCarry(body) }
    }

    private mutating func appendCarry(_ p: UnsafePointer<UInt8>, _ count: Int, at: Int64) {
        if !hasCarry { carryStart = at }
        hasCarry = true
        let room = maxLineBytes - carry.count
        if count > room {
            carryCut = true
            if room > 0 { carry.append(contentsOf: UnsafeBufferPointer(start: p, count: room)) }
        } else if count > 0 {
            carry.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        }
    }

    private mutating func emitCarry(_ body: Body) {
        lineNumber += 1
        if carryCut { cutLines += 1 }
        let cut = carryCut
        let at = carryStart
        carry.withUnsafeBufferPointer { body(trimCR($0), lineNumber, cut, at) }
        carry.removeAll(keepingCapacity: true)
        carryCut = false
        hasCarry = false
    }

    @inline(__always)
    private func trimCR(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if line.count > 0, line[line.count - 1] == 13 {
            return UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)])
        }
        return line
    }
}
