/// Splits a message into words and masks each (see `Masker`). A double-quoted value keeps
/// its spaces (`tag="View Lock",` is one word) when its closing quote is on the same line.
/// At most `maxTokens` words are kept: the rest of a long record adds nothing to its
/// template and would only cost time.
public struct Tokenizer {
    public static let maxTokens = 64
    /// A variable word's hash in a token sequence; constants never hash to it.
    public static let variable: UInt64 = 1

    /// The words of the last message: their hashes and byte ranges.
    public private(set) var hashes: [UInt64] = []
    public private(set) var starts: [Int32] = []
    public private(set) var ends: [Int32] = []
    /// More words followed than `maxTokens`.
    public private(set) var truncated = false

    public init() {
        hashes.reserveCapacity(Self.maxTokens)
        starts.reserveCapacity(Self.maxTokens)
        ends.reserveCapacity(Self.maxTokens)
    }

    public var count: Int { hashes.count }

    /// Tokenizes `message`; returns the hash of the whole token sequence (its signature).
    @discardableResult
    public mutating func tokenize(_ message: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hashes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        truncated = false
        guard let p = message.baseAddress else { return FNV.offset }
        let n = message.count
        var signature = FNV.offset
        var i = 0
        while i < n {
            while i < n, Masker.isSpace(p[i]) { i += 1 }
            if i >= n { break }
            if hashes.count == Self.maxTokens {
                truncated = true
                break
            }
            let start = i
            i = Self.wordEnd(p, i, n)
            let (kind, h) = Masker.shape(p, start, i, text: nil)
            let token = kind == .variable ? Self.variable : Self.constantHash(h)
            hashes.append(token)
            starts.append(Int32(truncatingIfNeeded: start))
            ends.append(Int32(truncatingIfNeeded: i))
            signature = FNV.addWord(signature, token)
        }
        return FNV.addWord(signature, UInt64(hashes.count))
    }

    /// Keeps constant hashes clear of the reserved values (variable, merged wildcard).
    @inline(__always) static func constantHash(_ h: UInt64) -> UInt64 { h < 16 ? h &+ 16 : h }

    /// The end of the word at `i`: the next space, unless a quote opened in it closes later
    /// on the same line.
    @inline(__always) static func wordEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n, !Masker.isSpace(p[i]) {
            if p[i] == 34 {  // "
                var j = i + 1
                while j < n, p[j] != 34, p[j] != 10 { j += 1 }
                if j < n, p[j] == 34 { i = j }
            }
            i += 1
        }
        return i
    }

    /// The shape text of word `k` of the last message (for a new template).
    public func shapeText(_ message: UnsafeBufferPointer<UInt8>, _ k: Int) -> [UInt8] {
        if hashes[k] == Self.variable { return Masker.wildcard }
        var out: [UInt8] = []
        _ = withUnsafeMutablePointer(to: &out) { Masker.shape(message.baseAddress!, Int(starts[k]), Int(ends[k]), text: $0) }
        return out
    }
}
