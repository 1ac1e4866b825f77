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

    public init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
        carry.reserveCapacity(min(self.maxLineBytes, 1 << 16))
    }

    /// Calls `body(line, lineNumber, wasCut)` for every complete line in `chunk`.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer,
                              _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        guard let raw = chunk.baseAddress, chunk.count > 0 else { return }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let end = base + chunk.count
        var start = base
        while start < end {
            guard let found = memchr(start, 10, end - start) else {
                appendCarry(start, end - start)
                return
            }
            let nl = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
            if hasCarry {
                appendCarry(start, nl - start)
                emitCarry(body)
            } else {
                let len = nl - start
                lineNumber += 1
                if len > maxLineBytes {
                    cutLines += 1
                    body(trimCR(UnsafeBufferPointer(start: start, count: maxLineBytes)), lineNumber, true)
                } else {
                    body(trimCR(UnsafeBufferPointer(start: start, count: len)), lineNumber, false)
                }
            }
            start = nl + 1
        }
    }

    /// Hands out a last line that had no newline.
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        if hasCarry { emitCarry(body) }
    }

    private mutating func appendCarry(_ p: UnsafePointer<UInt8>, _ count: Int) {
        hasCarry = true
        let room = maxLineBytes - carry.count
        if count > room {
            carryCut = true
            if room > 0 { carry.append(contentsOf: UnsafeBufferPointer(start: p, count: room)) }
        } else if count > 0 {
            carry.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        }
    }

    private mutating func emitCarry(_ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        lineNumber += 1
        if carryCut { cutLines += 1 }
        let cut = carryCut
        carry.withUnsafeBufferPointer { body(trimCR($0), lineNumber, cut) }
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
