/// A position in a configuration file; line and column are 1-based.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

extension SourceLocation: Comparable {
    /// By file, line and column, so a reader walks each file top to bottom.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A problem in a configuration file, printed as `FILE:LINE:COL: message`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }

    /// `FILE:LINE:COL: warning: message`: something that works, but surely not as meant.
    public var warning: String { "\(location): warning: \(message)" }
}

/// Several problems at once: `check` reports them all, not just the first.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items }

    /// By file, line and column, so a reader walks each file top to bottom.
    public static func sorted(_ items: [Diagnostic]) -> [Diagnostic] {
        items.sorted { $0.location < $1.location }
    }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}
