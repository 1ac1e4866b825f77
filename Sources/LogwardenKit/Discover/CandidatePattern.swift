/// A pattern definition proposed for a mined template, in the pattern file format: a PCRE2
/// `match` with a named capture per variable part, real records as `examples`, and a class
/// when the template's words make it obvious.
public struct CandidatePattern: Sendable {
    public var name: String
    public var errorClass: String
    public var severity: Severity
    /// Between the pack's catch-alls (0 and 1, class other_error) and its specific patterns
    /// (10 and up): a candidate takes the records that only a catch-all explained, never one
    /// a specific pattern does. Among candidates, file order decides (most specific first).
    public var priority: Int
    public static let priority = 5
    /// Constant words: the YAML lists candidates with more of them first.
    public var specificity: Int
    public var match: String
    public var examples: [String]
    public var template: String
    public var count: Int

    /// The class for templates whose words suggest none; declared in the generated file.
    public static let undecidedClass = "discovered"
    /// The class for error templates of no more specific class. Not `other_error`: that is
    /// the catch-alls' class, whose records discovery still mines.
    public static let errorClass = "discovered_error"

    public init(_ t: LogTemplate) {
        template = t.text
        count = t.count
        let literalWords = t.tokens.filter { $0 != Masker.wildcard }
        priority = Self.priority
        specificity = literalWords.count
        (match, _) = Self.regex(t)
        examples = t.examples.map { String(decoding: $0, as: UTF8.self) }
        let lower = template.lowercased()
        (errorClass, severity) = Self.classify(lower)
        name = Self.name(literalWords, t.id)
    }

    /// Tokens joined by `\s+`; literal bytes escaped; a whole variable word is `(\S+)`, a
    /// variable inside a word `(\S*?)` (or `(\S*)` at the word's end). The end is anchored
    /// unless the template was cut at `Tokenizer.maxTokens` words.
    public static func regex(_ t: LogTemplate) -> (String, [String]) {
        var out: [UInt8] = []
        var names: [String] = []
        var used = Set<String>()
        var previousWord: [UInt8] = []
        func capture(_ base: [UInt8], _ body: String) {
            var name = labelName(base)
            if name.isEmpty || used.contains(name) || PatternFile.reservedLabels.contains(name) {
                var k = names.count + 1
                let stem = name.isEmpty || PatternFile.reservedLabels.contains(name) ? "v" : name + "_"
                while used.contains("\(stem)\(k)") { k += 1 }
                name = "\(stem)\(k)"
            }
            used.insert(name)
            names.append(name)
            out += Array("(?<\(name)>\(body))".utf8)
        }
        for (k, token) in t.tokens.enumerated() {
            if k > 0 { out += Array("\\s+".utf8) }
            if token == Masker.wildcard {
                capture(previousWord, "\\S+")
                previousWord = []
                continue
            }
            var i = 0
            var literal: [UInt8] = []
            while i < token.count {
                if i + 2 < token.count, token[i] == 60, token[i + 1] == 42, token[i + 2] == 62 {
                    let atEnd = i + 3 == token.count
                    capture(literal.isEmpty ? previousWord : literal, atEnd ? "\\S*" : "\\S*?")
                    literal = []
                    i += 3
                    continue
                }
                let c = token[i]
                literal.append(c)
                if c == 32 { out += Array("\\s+".utf8) } else { escape(c, into: &out) }
                i += 1
            }
            previousWord = token
        }
        if !t.open { out += Array("\\s*$".utf8) }
        return (String(decoding: out, as: UTF8.self), names)
    }

    static func escape(_ c: UInt8, into out: inout [UInt8]) {
        switch c {
        case UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "|"),
             UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"):
            out.append(UInt8(ascii: "\\"))
            out.append(c)
        case 0..<32, 127...255:
            // Bytes as hex escapes: the YAML stays printable and PCRE2 (byte mode) matches them.
            out += Array(String(format: c).utf8)
        default:
            out.append(c)
        }
    }

    /// A label name from the word before a variable: `user=` -> `user`, `port` -> `port`.
    static func labelName(_ before: [UInt8]) -> String {
        var end = before.count
        while end > 0, !isWordByte(before[end - 1]) { end -= 1 }
        var start = end
        while start > 0, isWordByte(before[start - 1]) { start -= 1 }
        guard end > start else { return "" }
        var name = String(decoding: before[start..<end], as: UTF8.self).lowercased()
        if name.count > 24 { name = String(name.prefix(24)) }
        guard let first = name.utf8.first, !Masker.isDigit(first), !name.hasPrefix("__") else { return "" }
        return PatternFile.isLabelName(name) ? name : ""
    }

    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool { Masker.isLetter(c) || Masker.isDigit(c) || c == 95 }

    /// Classes by keyword, most specific first; what matches none is `discovered` at info.
    static let keywordClasses: [(words: [String], errorClass: String, severity: Severity)] = [
        (["timed out", "timeout", "time out"], "timeout", .warning),
        (["connection refused", "econnrefused"], "connection_refused", .warning),
        (["too many requests", "rate limit", "ratelimit", "throttl"], "rate_limited", .warning),
        (["authentication fail", "failed password", "invalid user", "permission denied", "unauthorized",
          "access denied", "auth fail", "login fail", "authentication failure"], "auth_failure", .warning),
        (["error", "exception", "fatal", "fail", "critical", "panic", "abort", "cannot", "can't", "could not",
          "unable to", "denied"], errorClass, .warning),
    ]

    static func classify(_ lower: String) -> (String, Severity) {
        for entry in keywordClasses where entry.words.contains(where: { lower.contains($0) }) {
            return (entry.errorClass, entry.severity)
        }
        return (undecidedClass, .info)
    }

    /// `discovered_<first words>_<id>`: readable, unique, and stable with the template.
    static func name(_ literals: [[UInt8]], _ id: TemplateID) -> String {
        var words: [String] = []
        for token in literals {
            let w = String(decoding: token.filter { Masker.isLetter($0) }, as: UTF8.self).lowercased()
            if !w.isEmpty { words.append(String(w.prefix(16))) }
            if words.count == 3 { break }
        }
        return (["discovered"] + words + [String(id.description.prefix(8))]).joined(separator: "_")
    }
}

extension String {
    /// `\xHH` for one byte.
    init(format byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
