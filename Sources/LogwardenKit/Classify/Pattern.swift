/// One classification rule as written in a pattern file (see DESIGN.md, "Patterns").
public struct PatternDefinition: Sendable {
    public var name: String
    public var errorClass: String
    /// PCRE2 searched in the record's message; nil when only `fields` match.
    public var match: String?
    /// PCRE2 per JSON field, all of which must match.
    public var fields: [(name: String, regex: String)]
    public var severity: Severity
    public var priority: Int
    /// Static labels, sorted by name.
    public var labels: [(name: String, value: String)]
    public var metric: String?
    public var maxSeries: Int
    public var examples: [(text: String, location: SourceLocation)]
    public var counterexamples: [(text: String, location: SourceLocation)]
    public var location: SourceLocation
    /// Where the `match` regex starts and how to map a byte offset in it to a column.
    public var matchLocation: SourceLocation?
    /// The YAML quote around `match` (`'`, `"` or nil), to map regex offsets to columns.
    public var matchQuote: Character?

    public static let defaultMaxSeries = 1000

    /// What decides a record's match and its series: a pattern with the same identity after
    /// a reload keeps its counts.
    public var identity: String {
        [name, errorClass, match ?? "", fields.map { "\($0.name)=\($0.regex)" }.joined(separator: "\u{1}"),
         severity.rawValue, "\(priority)", labels.map { "\($0.name)=\($0.value)" }.joined(separator: "\u{1}"),
         metric ?? "", "\(maxSeries)"].joined(separator: "\u{1F}")
    }
}

/// A compiled pattern, ready to match. Immutable and shared by every worker thread; a
/// class, so the hot loop passes a reference instead of copying the definition.
public final class Pattern: Sendable {
    public let definition: PatternDefinition
    public let regex: CompiledRegex?
    public let fieldRegexes: [(key: [UInt8], regex: CompiledRegex)]
    /// Capture groups that become labels: group number and label name, in pattern order.
    public let captureLabels: [(group: Int, name: String)]

    public var name: String { definition.name }

    /// The labels a match carries: the static labels and the captured values, by name.
    /// (Prometheus reads an empty value as no label; exposition and series drop those.)
    public func labels(captures: [String]) -> [(name: String, value: String)] {
        (definition.labels + zip(captureLabels, captures).map { ($0.0.name, $0.1) }).sorted { $0.name < $1.name }
    }

    /// The labels of the match's `logwarden_matches_total` series.
    public func counterLabels(captures: [String]) -> [(name: String, value: String)] {
        [("pattern", definition.name), ("class", definition.errorClass), ("severity", definition.severity.rawValue)]
            + labels(captures: captures)
    }

    public init(definition: PatternDefinition, regex: CompiledRegex?, fieldRegexes: [(key: [UInt8], regex: CompiledRegex)],
                captureLabels: [(group: Int, name: String)]) {
        self.definition = definition
        self.regex = regex
        self.fieldRegexes = fieldRegexes
        self.captureLabels = captureLabels
    }
}
