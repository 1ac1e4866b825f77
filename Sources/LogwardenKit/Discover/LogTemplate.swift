/// A template's id: a hash of its text, so the same template gets the same id in every run
/// and on every host, whatever order its records arrive in.
public struct TemplateID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 48 bits of the text's FNV-1a hash.
    public let value: UInt64

    public init(value: UInt64) { self.value = value }

    /// The id of a template text (tokens joined by single spaces, `<*>` for variables).
    public init(text: String) { value = FNV.hash(text.utf8) >> 16 }

    /// 12 hex digits: short enough for a label value, enough to never collide in practice.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// Parses `description`'s form back (for ids kept in a state file).
    public init?(_ s: String) {
        guard s.utf8.count == 12, let v = UInt64(s, radix: 16) else { return nil }
        value = v
    }

    public static func < (a: TemplateID, b: TemplateID) -> Bool { a.value < b.value }
}

/// A mined template as reported: its tokens, how often and when it was seen, and examples.
public struct LogTemplate: Sendable {
    /// One token's shape; `<*>` marks variable parts, and a token that is only `<*>` varies
    /// as a whole.
    public var tokens: [[UInt8]]
    /// The template ran past `Tokenizer.maxTokens` words: anything may follow.
    public var open: Bool
    public var count: Int
    public var firstSeen: EpochMillis?
    public var lastSeen: EpochMillis?
    /// Up to two whole records (the first seen, and the first that differs from it).
    public var examples: [[UInt8]]

    public init(tokens: [[UInt8]], open: Bool = false, count: Int = 0, firstSeen: EpochMillis? = nil,
                lastSeen: EpochMillis? = nil, examples: [[UInt8]] = []) {
        self.tokens = tokens
        self.open = open
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.examples = examples
    }

    public var text: String {
        String(decoding: Array(tokens.joined(separator: [32])), as: UTF8.self) + (open ? " …" : "")
    }

    public var id: TemplateID { TemplateID(text: text) }
}
