import Yams

/// Reads a YAML configuration file into nodes that keep their positions, so that every
/// complaint can name `FILE:LINE:COL`.
public struct YAMLDocument {
    public let file: String
    public let root: Node?
    private let lines: [Substring]

    public init(file: String, text: String) throws(Diagnostic) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.diagnostic(file: file, error)
        } catch {
            throw Diagnostic(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")
        }
    }

    public func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// The file position of byte `offset` inside a scalar's value: through the opening quote,
    /// doubled quotes and backslashes, or into the lines of a `|`/`>` block.
    public func location(_ node: Node, valueOffset offset: Int) -> SourceLocation {
        position(node).location(ofOffset: offset)
    }

    /// Where a scalar's value lies in the file, kept after the document is gone.
    public func position(_ node: Node) -> ScalarPosition {
        let start = location(node)
        guard case let .scalar(scalar) = node else { return ScalarPosition(start: start, value: "", style: .plain) }
        switch scalar.style {
        case .literal, .folded:
            // The block starts on the line after its indicator, indented as its first non-blank line.
            let first = lines.dropFirst(start.line).first { !$0.allSatisfy { $0 == " " } }
            return ScalarPosition(start: start, value: scalar.string, style: .block(indent: first?.prefix { $0 == " " }.count ?? 0))
        case .singleQuoted: return ScalarPosition(start: start, value: scalar.string, style: .singleQuoted)
        case .doubleQuoted: return ScalarPosition(start: start, value: scalar.string, style: .doubleQuoted)
        default: return ScalarPosition(start: start, value: scalar.string, style: .plain)
        }
    }

    static func diagnostic(file: String, _ error: YamlError) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column), message)
        case let .reader(problem, _, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(problem); the file must be UTF-8 text")
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }
}

/// Typed access to a mapping node, collecting diagnostics instead of stopping at the first.
public struct YAMLMapping {
    public let document: YAMLDocument
    public let node: Node
    public let pairs: [(key: String, keyNode: Node, value: Node)]

    public init?(_ node: Node, in document: YAMLDocument) {
        guard case let .mapping(mapping) = node else { return nil }
        self.document = document
        self.node = node
        pairs = mapping.map { ($0.key.string ?? "", $0.key, $0.value) }
    }

    public subscript(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    /// Keys that are not in `known`, as diagnostics that list what is allowed.
    public func unknownKeys(_ known: [String], what: String) -> [Diagnostic] {
        pairs.filter { !known.contains($0.key) }.map {
            Diagnostic(document.location($0.keyNode),
                       "unknown key '\($0.key)' in \(what); expected one of: \(known.joined(separator: ", "))")
        }
    }

    public func string(_ key: String, _ diags: inout [Diagnostic]) -> String? {
        guard let value = self[key] else { return nil }
        guard case let .scalar(s) = value else {
            diags.append(Diagnostic(document.location(value), "'\(key)' must be a string"))
            return nil
        }
        return s.string
    }

    public func int(_ key: String, _ diags: inout [Diagnostic]) -> Int? {
        guard let value = self[key] else { return nil }
        guard case let .scalar(s) = value, let v = Int(s.string) else {
            diags.append(Diagnostic(document.location(value), "'\(key)' must be a whole number"))
            return nil
        }
        return v
    }

    public func stringList(_ key: String, _ diags: inout [Diagnostic]) -> [(String, Node)] {
        guard let value = self[key] else { return [] }
        if case let .scalar(s) = value { return [(s.string, value)] }
        guard case let .sequence(seq) = value else {
            diags.append(Diagnostic(document.location(value), "'\(key)' must be a list of strings"))
            return []
        }
        var out: [(String, Node)] = []
        for item in seq {
            if case let .scalar(s) = item { out.append((s.string, item)) } else {
                diags.append(Diagnostic(document.location(item), "each item of '\(key)' must be a string"))
            }
        }
        return out
    }

    public func stringMap(_ key: String, _ diags: inout [Diagnostic]) -> [(key: String, value: String, node: Node)] {
        guard let value = self[key] else { return [] }
        guard case let .mapping(m) = value else {
            diags.append(Diagnostic(document.location(value), "'\(key)' must be a mapping of names to strings"))
            return []
        }
        var out: [(key: String, value: String, node: Node)] = []
        for (k, v) in m {
            guard case let .scalar(s) = v, let name = k.string else {
                diags.append(Diagnostic(document.location(v), "each value of '\(key)' must be a string"))
                continue
            }
            out.append((name, s.string, v))
        }
        return out
    }
}

/// Where a scalar's value lies in its file, so that a byte offset in the value (a PromQL
/// error found at evaluation, long after the YAML was parsed) still names FILE:LINE:COL.
public struct ScalarPosition: Sendable {
    enum Style: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, block(indent: Int) }
    let start: SourceLocation
    let value: String
    let style: Style

    public func location(ofOffset offset: Int) -> SourceLocation {
        var loc = start
        let prefix = String(decoding: value.utf8.prefix(offset), as: UTF8.self)
        let rows = prefix.split(separator: "\n", omittingEmptySubsequences: false)
        let column = rows.last.map { $0.count } ?? 0
        switch style {
        case let .block(indent):
            loc.line += rows.count
            loc.column = indent + column + 1
        case .singleQuoted, .doubleQuoted:
            let quote: Character = style == .singleQuoted ? "'" : "\\"
            let extra = rows.last.map { $0.filter { $0 == quote }.count } ?? 0
            loc.line += rows.count - 1
            loc.column = (rows.count == 1 ? loc.column + 1 : 1) + column + extra
        case .plain:
            loc.line += rows.count - 1
            loc.column = (rows.count == 1 ? loc.column : 1) + column
        }
        return loc
    }
}
