/// Decides which parts of a word are variables, on bytes. A word's *shape* is the word with
/// each variable segment replaced by a marker: `lock=233570404,` has the shape `lock=<*>,`.
/// Segments are the runs between delimiters; a segment is variable when it holds a digit
/// (numbers, hex, IPs, UUIDs, timestamps), is a month or weekday name, or starts a path.
/// A word that is only variables and punctuation (`10.0.0.1:80,`, `(0x1f)`) is one variable
/// token; URLs and `host.name:port` are variables whole.
public enum Masker {
    /// The marker written for a variable part in a template's text.
    public static let wildcard: [UInt8] = Array("<*>".utf8)

    /// Bytes that end a segment and stay in the template (`key=value`, `f(x)`, `a,b`).
    static let delimiters: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for c in "=:,;()[]{}\"'|<>@#".utf8 { t[Int(c)] = true }
        return t
    }()

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }

    /// `Jan`…`Dec`, `Mon`…`Sun`: parts of dates, never what tells two messages apart.
    static let calendarWords: Set<UInt32> = {
        var s = Set<UInt32>()
        for w in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
            let b = Array(w.utf8)
            s.insert(UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2]))
        }
        return s
    }()

    @inline(__always) static func isCalendarWord(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start == 3 && calendarWords.contains(UInt32(p[start]) << 16 | UInt32(p[start + 1]) << 8 | UInt32(p[start + 2]))
    }

    /// What one word is: a variable as a whole, or a constant shape with its hash.
    public enum Kind: Equatable { case variable, constant }

    /// Classifies `p[start..<end]` and hashes its shape. When `text` is given, the shape's
    /// bytes are appended to it (only for new templates: the hot path passes nil).
    @inline(__always)
    static func shape(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, text: UnsafeMutablePointer<[UInt8]>?) -> (Kind, UInt64) {
        if isWholeVariable(p, start, end) { return (.variable, 0) }
        var hash = FNV.offset
        var letters = false, variables = false, spaced = false
        var i = start
        var previous: UInt8 = 0
        while i < end {
            let c = p[i]
            if delimiters[Int(c)] || isSpace(c) {
                // `()`, `[]`, `""`: an empty value is still a value.
                if closes(previous, c) {
                    variables = true
                    hash = FNV.add(hash, UInt8(0))
                    text?.pointee.append(contentsOf: wildcard)
                }
                if isSpace(c) { spaced = true }
                hash = FNV.add(hash, isSpace(c) ? 32 : c)
                text?.pointee.append(isSpace(c) ? 32 : c)
                previous = c
                i += 1
                continue
            }
            // A segment: up to the next delimiter; a path runs to the next space or quote.
            let segStart = i
            var digit = false
            if c == UInt8(ascii: "/"), i + 1 < end, !isSpace(p[i + 1]), p[i + 1] != 34, p[i + 1] != 39 {
                while i < end, !isSpace(p[i]), p[i] != 34, p[i] != 39 { i += 1 }
                digit = true
            } else {
                while i < end, !delimiters[Int(p[i])], !isSpace(p[i]) {
                    if isDigit(p[i]) { digit = true }
                    i += 1
                }
            }
            if digit || isCalendarWord(p, segStart, i) {
                variables = true
                hash = FNV.add(hash, UInt8(0))
                text?.pointee.append(contentsOf: wildcard)
            } else {
                letters = true
                for j in segStart..<i { hash = FNV.add(hash, p[j]) }
                text?.pointee.append(contentsOf: UnsafeBufferPointer(start: p + segStart, count: i - segStart))
            }
            previous = p[i - 1]
        }
        if variables && !letters && !spaced { return (.variable, 0) }
        return (.constant, hash)
    }

    @inline(__always) static func closes(_ open: UInt8, _ close: UInt8) -> Bool {
        switch (open, close) {
        case (40, 41), (91, 93), (123, 125), (34, 34), (39, 39): return true
        default: return false
        }
    }

    /// A URL (`scheme://…`) or `host.name:port`: the whole word varies.
    @inline(__always) static func isWholeVariable(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var e = end
        while e > start, p[e - 1] == 44 || p[e - 1] == 59 || p[e - 1] == 46 { e -= 1 }  // , ; .
        var colon = -1, dot = false, i = start
        while i < e {
            let c = p[i]
            if isSpace(c) { return false }
            if c == 58 {  // :
                if i + 2 < e, p[i + 1] == 47, p[i + 2] == 47 { return true }  // ://
                colon = i
            }
            i += 1
        }
        guard colon > start, colon + 1 < e else { return false }
        for j in (colon + 1)..<e where !isDigit(p[j]) { return false }
        for j in start..<colon where p[j] == 46 { dot = true }
        return dot
    }
}

/// 64-bit FNV-1a: stable across runs and platforms, which template ids rely on.
enum FNV {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3
    @inline(__always) static func add(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* prime }
    @inline(__always) static func addWord(_ h: UInt64, _ word: UInt64) -> UInt64 {
        var h = h
        var w = word
        for _ in 0..<8 {
            h = (h ^ (w & 0xff)) &* prime
            w >>= 8
        }
        return h
    }
    static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = offset
        for b in bytes { h = add(h, b) }
        return h
    }
}
