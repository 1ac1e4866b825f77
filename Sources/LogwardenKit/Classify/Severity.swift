/// Alert and pattern severities. Order for `--fail-on`:
/// critical > high > warning = medium > low > info.
public enum Severity: String, Sendable, CaseIterable, Codable {
    case critical, high, warning, medium, low, info

    public var rank: Int {
        switch self {
        case .critical: return 5
        case .high: return 4
        case .warning, .medium: return 3
        case .low: return 2
        case .info: return 1
        }
    }

    public static let names = allCases.map(\.rawValue).joined(separator: " | ")
}

/// The broad error classes of the default pack. A pattern file may declare more under
/// `classes:`; anything else is a typo, and `check` says so.
public enum ErrorClassVocabulary {
    public static let standard = [
        "undefined_column", "db_schema", "oauth_scope", "auth_failure", "timeout",
        "connection_refused", "http_5xx", "rate_limited", "other_error",
    ]
}

extension Severity {
    /// What is wrong with a severity as written, or nil when it is one of the six
    /// (exactly: `--fail-on` and the summary compare them as they are).
    public static func problem(_ text: String) -> String? {
        guard Severity(rawValue: text) == nil else { return nil }
        return "unknown severity '\(text)'; use one of \(names)" + Suggestion.hint(text, among: allCases.map(\.rawValue))
    }
}
