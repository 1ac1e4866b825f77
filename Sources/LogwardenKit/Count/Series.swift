/// One counter series of a pattern: its capture-label values (empty without captures).
public struct SeriesKey: Hashable, Sendable {
    public var pattern: Int
    public var captures: [String]

    public init(pattern: Int, captures: [String]) {
        self.pattern = pattern
        self.captures = captures
    }
}

/// What was seen of a series or pattern: how many, when, and one example record.
public struct SeriesStats: Sendable, Equatable {
    public var count = 0
    public var firstSeen: EpochMillis?
    public var lastSeen: EpochMillis?
    public var example: Example?

    public init() {}

    public mutating func add(time: EpochMillis?, example make: () -> Example) {
        count += 1
        if let time {
            if firstSeen == nil || time < firstSeen! { firstSeen = time }
            if lastSeen == nil || time > lastSeen! { lastSeen = time }
        }
        if example == nil { example = make() }
    }

    public mutating func merge(_ other: SeriesStats) {
        count += other.count
        if let t = other.firstSeen, firstSeen == nil || t < firstSeen! { firstSeen = t }
        if let t = other.lastSeen, lastSeen == nil || t > lastSeen! { lastSeen = t }
        if example == nil { example = other.example }
    }
}

/// A record kept as evidence: where it came from and its text (cut to `maxBytes`).
public struct Example: Sendable, Equatable {
    public var input: String
    public var line: Int
    public var text: String
    /// The line that decided the match (a traceback's exception line), else the first line.
    public var headline: String

    public static let maxBytes = 1024

    public init(input: String, line: Int, text: String, headline: String? = nil) {
        self.input = input
        self.line = line
        self.text = text
        self.headline = headline ?? Self.firstLine(text)
    }

    /// Up to the first line break, as `split(separator: "\n")` has it (a CR LF is one
    /// character, not a break), without walking the text by characters.
    static func firstLine(_ text: String) -> String {
        var previous: UInt8 = 0
        for (i, b) in text.utf8.enumerated() {
            if b == 10 && previous != 13 { return String(decoding: text.utf8.prefix(i), as: UTF8.self) }
            previous = b
        }
        return text
    }

    public init(input: String, line: Int, bytes: UnsafeBufferPointer<UInt8>, deciding: Range<Int>? = nil) {
        let cut = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, Self.maxBytes)])
        let headline = deciding.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        self.init(input: input, line: line, text: String(decoding: cut, as: UTF8.self), headline: headline)
    }
}
