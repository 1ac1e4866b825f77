#if canImport(Glibc)
import Glibc
#endif

/// The top-level members of one JSON-object line, as byte ranges into the line: no
/// allocation per record once warmed up. Values are decoded only when asked for.
public struct JSONFields: Sendable {
    public struct Member: Sendable {
        public var key: Range<Int>
        public var value: Range<Int>
        /// A JSON string: `value` excludes the quotes and may hold escapes.
        public var isString: Bool
        public var hasEscapes: Bool
        /// An array of numbers, as journald writes fields that are not valid UTF-8.
        public var isByteArray: Bool
    }

    /// The members are `storage[range]`: a batch keeps many records' members in one array
    /// (`Batch`), and a scan fills its own.
    private var storage: [Member] = []
    private var range = 0..<0
    public var members: ArraySlice<Member> { storage[range] }

    public init() { storage.reserveCapacity(32) }

    /// Members scanned before, kept in `storage[range]`.
    public init(storage: [Member], range: Range<Int>) {
        self.storage = storage
        self.range = range
    }

    /// Scans `line` as one JSON object. Returns false (and keeps nothing) if it is not one.
    public mutating func scan(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        storage.removeAll(keepingCapacity: true)
        range = 0..<0
        defer { range = 0..<storage.count }
        guard let p = line.baseAddress else { return false }
        let n = line.count
        var i = skipSpace(p, 0, n)
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(p, i + 1, n)
        if i < n, p[i] == UInt8(ascii: "}") { return true }
        while i < n {
            guard p[i] == UInt8(ascii: "\"") else { return fail() }
            guard let (keyEnd, keyEsc) = stringEnd(p, i + 1, n) else { return fail() }
            _ = keyEsc
            let key = (i + 1)..<keyEnd
            i = skipSpace(p, keyEnd + 1, n)
            guard i < n, p[i] == UInt8(ascii: ":") else { return fail() }
            i = skipSpace(p, i + 1, n)
            guard i < n else { return fail() }
            var member = Member(key: key, value: i..<i, isString: false, hasEscapes: false, isByteArray: false)
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let (end, esc) = stringEnd(p, i + 1, n) else { return fail() }
                member.value = (i + 1)..<end
                member.isString = true
                member.hasEscapes = esc
                i = end + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard let end = compositeEnd(p, i, n) else { return fail() }
                member.value = i..<end
                member.isByteArray = p[i] == UInt8(ascii: "[") && isNumberArray(p, i, end)
                i = end
            default:
                let start = i
                while i < n, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "}"), !isSpace(p[i]) { i += 1 }
                guard i > start else { return fail() }
                member.value = start..<i
            }
            storage.append(member)
            i = skipSpace(p, i, n)
            guard i < n else { return fail() }
            if p[i] == UInt8(ascii: "}") { return true }
            guard p[i] == UInt8(ascii: ",") else { return fail() }
            i = skipSpace(p, i + 1, n)
        }
        return fail()
    }

    /// The first member whose key is one of `keys` (tried in that order).
    public func member(_ line: UnsafeBufferPointer<UInt8>, keys: [[UInt8]]) -> Member? {
        for key in keys {
            if let m = member(line, key: key) { return m }
        }
        return nil
    }

    public func member(_ line: UnsafeBufferPointer<UInt8>, key: [UInt8]) -> Member? {
        key.withUnsafeBufferPointer { k in
            for m in storage[range] where m.key.count == k.count {
                if memcmp(line.baseAddress! + m.key.lowerBound, k.baseAddress!, k.count) == 0 { return m }
            }
            return nil
        }
    }

    /// Keys looked up together (`positions(_:of:into:)`), grouped by length.
    public struct KeySet: Sendable {
        public let keys: [[UInt8]]
        /// Per key length (under 64): a bit per key of that length.
        fileprivate let ofLength: [UInt64]
        fileprivate let bytes: [UInt8]
        fileprivate let starts: [Int]

        /// At most 64 keys.
        public init(_ keys: [[UInt8]]) {
            precondition(keys.count <= 64)
            self.keys = keys
            var ofLength = [UInt64](repeating: 0, count: 64)
            for (k, key) in keys.enumerated() where key.count < 64 { ofLength[key.count] |= 1 << UInt64(k) }
            self.ofLength = ofLength
            bytes = keys.flatMap { $0 }
            starts = keys.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        }
    }

    /// For each of `keys`, the position in `members` of the first member with that key, or
    /// -1: one pass over the members answers every key a pattern set asks about. Returns a
    /// bit per key found.
    @discardableResult
    public func positions(_ line: UnsafeBufferPointer<UInt8>, of keys: KeySet, into out: UnsafeMutablePointer<Int32>) -> UInt64 {
        out.update(repeating: -1, count: keys.keys.count)
        guard let base = line.baseAddress else { return 0 }
        var present: UInt64 = 0
        storage.withUnsafeBufferPointer { members in
            keys.bytes.withUnsafeBufferPointer { bytes in
                for position in range {
                    let m = members[position]
                    let length = m.key.count
                    guard length < 64 else { continue }
                    var candidates = keys.ofLength[length] & ~present
                    while candidates != 0 {
                        let k = candidates.trailingZeroBitCount
                        candidates &= candidates - 1
                        if length == 0 || memcmp(base + m.key.lowerBound, bytes.baseAddress! + keys.starts[k], length) == 0 {
                            out[k] = Int32(position - range.lowerBound)
                            present |= 1 << UInt64(k)
                        }
                    }
                }
            }
        }
        return present
    }

    /// The member at `position` in `members`.
    public func member(at position: Int) -> Member { storage[range.lowerBound + position] }

    /// A member's value as it stands in the line, when that is also its decoded value (no
    /// escapes, not a byte array): no copy needed.
    public static func rawValue(_ m: Member, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        m.isByteArray || (m.isString && m.hasEscapes) ? nil : UnsafeBufferPointer(rebasing: line[m.value])
    }

    /// The decoded bytes of a member's value: strings unescaped, byte arrays turned into
    /// bytes, anything else (numbers, booleans, objects) as written.
    public static func decode(_ m: Member, in line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let p = line.baseAddress!
        if m.isByteArray {
            var v = 0
            var inNumber = false
            for i in m.value {
                let c = p[i]
                if c &- 48 < 10 { v = v * 10 + Int(c &- 48); inNumber = true }
                else if inNumber { out.append(UInt8(truncatingIfNeeded: v)); v = 0; inNumber = false }
            }
            return
        }
        guard m.isString, m.hasEscapes else {
            out.append(contentsOf: UnsafeBufferPointer(start: p + m.value.lowerBound, count: m.value.count))
            return
        }
        var i = m.value.lowerBound
        let end = m.value.upperBound
        while i < end {
            let c = p[i]
            if c != UInt8(ascii: "\\") || i + 1 >= end { out.append(c); i += 1; continue }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                guard i + 4 <= end, var scalar = hex4(p, i) else { out.append(e); continue }
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00, i + 6 <= end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(p, i + 2), low >= 0xDC00, low < 0xE000 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendUTF8(scalar, &out)
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    private mutating func fail() -> Bool {
        storage.removeAll(keepingCapacity: true)
        return false
    }

    @inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    @inline(__always)
    private func skipSpace(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n, isSpace(p[i]) { i += 1 }
        return i
    }

    /// Index of the closing quote of a string starting at `start`, and whether it has escapes.
    private func stringEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> (Int, Bool)? {
        var i = start
        var escapes = false
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") { return (i, escapes) }
            if c == UInt8(ascii: "\\") { escapes = true; i += 2; continue }
            i += 1
        }
        return nil
    }

    /// Index just past a balanced object or array starting at `start`.
    private func compositeEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int? {
        var depth = 0
        var i = start
        while i < n {
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let (end, _) = stringEnd(p, i + 1, n) else { return nil }
                i = end
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return i + 1 }
            default: break
            }
            i += 1
        }
        return nil
    }

    private func isNumberArray(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for i in (start + 1)..<(end - 1) {
            let c = p[i]
            if !(c &- 48 < 10 || c == UInt8(ascii: ",") || isSpace(c)) { return false }
        }
        return end - start > 2
    }

    private static func hex4(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    private static func appendUTF8(_ s: UInt32, _ out: inout [UInt8]) {
        switch s {
        case ..<0x80: out.append(UInt8(s))
        case ..<0x800:
            out.append(UInt8(0xC0 | s >> 6)); out.append(UInt8(0x80 | s & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | s >> 12)); out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18)); out.append(UInt8(0x80 | s >> 12 & 0x3F))
            out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        }
    }
}
