/// A PromQL problem at a byte offset of the expression.
public struct ExprError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(_ offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "column \(offset + 1): \(message)" }
}

/// PromQL tokens.
enum Token: Equatable {
    case identifier(String)      // metric names, label names, function names, keywords
    case number(Double)
    case string(String)
    case duration(Int64)         // milliseconds, only inside [ ]
    case op(String)              // + - * / % ^ == != < <= > >= =~ !~ =
    case lparen, rparen, lbrace, rbrace, lbracket, rbracket, comma, colon, at
    case end
}

struct Lexer {
    private let s: [UInt8]
    private var i = 0
    private var inBrackets = false
    /// After `offset` a duration may stand outside brackets (to be refused by name).
    private var afterOffset = false

    init(_ text: String) { s = Array(text.utf8) }

    /// All tokens with their byte offsets.
    mutating func tokens() throws(ExprError) -> [(Token, Int)] {
        var out: [(Token, Int)] = []
        while true {
            let t = try next()
            out.append(t)
            if t.0 == .end { return out }
        }
    }

    private mutating func next() throws(ExprError) -> (Token, Int) {
        while i < s.count, s[i] == 32 || s[i] == 9 || s[i] == 10 || s[i] == 13 { i += 1 }
        if i < s.count, s[i] == UInt8(ascii: "#") {  // comment to end of line
            while i < s.count, s[i] != 10 { i += 1 }
            return try next()
        }
        let start = i
        guard i < s.count else { return (.end, i) }
        let c = s[i]
        func one(_ t: Token) -> (Token, Int) { i += 1; return (t, start) }
        switch c {
        case UInt8(ascii: "("): return one(.lparen)
        case UInt8(ascii: ")"): return one(.rparen)
        case UInt8(ascii: "{"): return one(.lbrace)
        case UInt8(ascii: "}"): return one(.rbrace)
        case UInt8(ascii: "["): inBrackets = true; return one(.lbracket)
        case UInt8(ascii: "]"): inBrackets = false; return one(.rbracket)
        case UInt8(ascii: ","): return one(.comma)
        case UInt8(ascii: ":") where inBrackets: return one(.colon)
        case UInt8(ascii: "@"): return one(.at)
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): return (.string(try string(c)), start)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "^"):
            return one(.op(String(UnicodeScalar(c))))
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            let n = i + 1 < s.count ? s[i + 1] : 0
            let two = String(decoding: [c, n], as: UTF8.self)
            if ["==", "!=", "<=", ">=", "=~", "!~"].contains(two) { i += 2; return (.op(two), start) }
            if c == UInt8(ascii: "!") { throw ExprError(start, "unexpected character '!'") }
            return one(.op(String(UnicodeScalar(c))))
        default:
            break
        }
        if inBrackets || afterOffset, isDigit(c) {
            afterOffset = false
            return (.duration(try duration()), start)
        }
        if isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < s.count && isDigit(s[i + 1])) { return (.number(try number()), start) }
        if isIdentStart(c) {
            while i < s.count, isIdentChar(s[i]) { i += 1 }
            let word = String(decoding: s[start..<i], as: UTF8.self)
            afterOffset = word.lowercased() == "offset"
            switch word.lowercased() {
            case "inf": return (.number(.infinity), start)
            case "nan": return (.number(.nan), start)
            default: return (.identifier(word), start)
            }
        }
        throw ExprError(start, "unexpected character '\(String(decoding: [c], as: UTF8.self))'")
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private func isIdentStart(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || (c | 0x20 >= 97 && c | 0x20 <= 122) }
    private func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    private mutating func number() throws(ExprError) -> Double {
        let start = i
        if s[i] == UInt8(ascii: "0"), i + 1 < s.count, s[i + 1] | 0x20 == UInt8(ascii: "x") {
            i += 2
            while i < s.count, isDigit(s[i]) || (s[i] | 0x20 >= 97 && s[i] | 0x20 <= 102) { i += 1 }
            guard let v = UInt64(String(decoding: s[(start + 2)..<i], as: UTF8.self), radix: 16) else { throw ExprError(start, "bad number") }
            return Double(v)
        }
        while i < s.count, isDigit(s[i]) || s[i] == UInt8(ascii: ".") { i += 1 }
        if i < s.count, s[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < s.count, s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") { j += 1 }
            if j < s.count, isDigit(s[j]) {
                i = j
                while i < s.count, isDigit(s[i]) { i += 1 }
            }
        }
        if i < s.count, isIdentStart(s[i]) {
            throw ExprError(start, "a duration like '\(String(decoding: s[start..<min(i + 1, s.count)], as: UTF8.self))' is only allowed inside [ ]; for a number of seconds write the number")
        }
        guard let v = Double(String(decoding: s[start..<i], as: UTF8.self)) else { throw ExprError(start, "bad number") }
        return v
    }

    /// `1h30m`, `5m`, `90s`, `500ms`, `2d`, `1w`, `1y`.
    private mutating func duration() throws(ExprError) -> Int64 {
        let start = i
        while i < s.count, isDigit(s[i]) || (s[i] | 0x20 >= 97 && s[i] | 0x20 <= 122) { i += 1 }
        let text = String(decoding: s[start..<i], as: UTF8.self)
        guard let ms = Duration.parseMillis(text) else {
            throw ExprError(start, "bad duration '\(text)'; use units ms, s, m, h, d, w, y as in 1h30m")
        }
        return ms
    }

    private mutating func string(_ quote: UInt8) throws(ExprError) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while i < s.count {
            let c = s[i]
            if c == quote { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\"), quote != UInt8(ascii: "`"), i + 1 < s.count {
                let e = s[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): out.append(e)
                default: out.append(UInt8(ascii: "\\")); out.append(e)  // regex escapes such as \d stay as written
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw ExprError(start, "unterminated string")
    }
}

/// Prometheus durations: a sequence of number+unit, largest unit first (`1h30m`).
public enum Duration {
    public static func parseMillis(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
                                        ("w", 604_800_000), ("y", 31_536_000_000)]
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnit = Int64.max
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return 0 }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else { return nil }
            // "m" must not eat the "m" of "ms".
            rest = rest.dropFirst(unit.0.count)
            guard unit.1 < lastUnit else { return nil }
            lastUnit = unit.1
            total += n * unit.1
        }
        return total
    }

    /// `1h30m`, `5m`, `0s`: the shortest Prometheus spelling.
    public static func format(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var rest = ms
        var out = ""
        for (unit, size) in [("y", Int64(31_536_000_000)), ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000),
                             ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
