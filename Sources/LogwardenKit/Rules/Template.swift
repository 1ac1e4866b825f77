#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

// A subset of Go's text/template, as Prometheus uses it to expand the labels and annotations of
// alerting rules (prometheus/template/template.go), with its function map and `missingkey=zero`.
//
// Prometheus prepends `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}
// {{$externalURL := .ExternalURL}}{{$value := .Value}}` to the text; here those four variables are
// simply predefined, so error offsets stay relative to the user's text.
//
// Supported: text; actions with `{{-`/`-}}` trimming; comments; pipelines with `|`; parenthesised
// pipelines; variables (`:=`, `=`); fields on the data, on maps and on variables; string, raw
// string, char, number, bool literals; `if`/`else if`/`else`/`end`, `with`, `range` (maps, in
// sorted key order, as Go does); Go's builtins `and or not len index print printf println eq ne
// lt le gt ge`; Prometheus's `humanize humanize1024 humanizeDuration humanizePercentage
// humanizeTimestamp title toUpper toLower stripPort parseDuration externalURL pathPrefix safeHtml`.
// Names Go or Prometheus define but logwarden cannot evaluate (`query`, `match`, `reReplaceAll`,
// `html`, ...) parse, and fail when executed. `define`/`template`/`block`/`break`/`continue` are
// parse errors.
//
// A missing label prints as "" (not "<no value>"): Prometheus parses templates with the option
// `missingkey=zero`, so a missing key of a `map[string]string` yields the zero string.

/// A template that failed to parse or execute. `offset` is the byte offset, in the template text,
/// of the `{{` that opens the failing action (or of the text end for an unclosed structure).
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "template: offset \(offset): \(message)" }
}

/// The data an alert template sees: `.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`.
public struct TemplateData: Sendable {
    public var labels: [String: String]
    public var externalLabels: [String: String]
    public var externalURL: String
    public var value: Double

    public init(labels: [String: String] = [:], externalLabels: [String: String] = [:],
                externalURL: String = "", value: Double = 0) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
    }
}

/// A parsed alert template. Parse once, render per alert.
public struct Template: Sendable {
    public let source: String
    let nodes: [TplNode]

    public init(_ text: String) throws(TemplateError) {
        source = text
        var parser = TplParser(items: try TplScanner.scan(Array(text.utf8)), textEnd: text.utf8.count)
        nodes = try parser.parseTop()
    }

    public func render(_ data: TemplateData) throws(TemplateError) -> String {
        var exec = TplExec(data: data)
        try exec.run(nodes, dot: .root(data))
        return exec.out
    }
}

// MARK: - Values

/// A value during execution, standing for the Go type noted on each case.
enum TplValue: Sendable {
    case missing                     // an invalid reflect.Value: prints "<no value>"
    case string(String)              // string
    case float(Double)               // float64
    case int(Int)                    // int
    case bool(Bool)                  // bool
    case map([String: String])       // map[string]string
    case root(TemplateData)          // the alert data struct

    var goType: String {
        switch self {
        case .missing: return "<nil>"
        case .string: return "string"
        case .float: return "float64"
        case .int: return "int"
        case .bool: return "bool"
        case .map: return "map[string]string"
        case .root:
            return "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }"
        }
    }

    /// Go's `isTrue`.
    var truth: Bool {
        switch self {
        case .missing: return false
        case .string(let s): return !s.isEmpty
        case .float(let f): return f != 0
        case .int(let i): return i != 0
        case .bool(let b): return b
        case .map(let m): return !m.isEmpty
        case .root: return true
        }
    }
}

// MARK: - Syntax tree

struct TplPipeline: Sendable {
    var offset: Int                  // of the enclosing action's `{{`
    var decl: [String] = []
    var isAssign = false
    var commands: [TplCommand] = []
}

struct TplCommand: Sendable {
    var args: [TplOperand]
}

indirect enum TplOperand: Sendable {
    case function(String)
    case dot
    case null
    case field([String])                   // .A.B on dot
    case variable(String, [String])        // $x.A.B
    case literal(TplValue)
    case sub(TplPipeline, [String])        // (pipeline).A.B

    /// Go rejects these as later stages of a pipeline at parse time.
    var isNonExecutable: Bool {
        switch self {
        case .dot, .null, .literal: return true
        default: return false
        }
    }

    var display: String {
        switch self {
        case .function(let name): return name
        case .dot: return "."
        case .null: return "nil"
        case .field(let f): return "." + f.joined(separator: ".")
        case .variable(let v, let f): return ([v] + f).joined(separator: ".")
        case .literal(let v): return TemplateFormat.print(v)
        case .sub(_, let f): return "(...)" + f.map { "." + $0 }.joined()
        }
    }
}

indirect enum TplNode: Sendable {
    case text(String)
    case action(TplPipeline)
    case ifNode(TplPipeline, then: [TplNode], otherwise: [TplNode])
    case with(TplPipeline, then: [TplNode], otherwise: [TplNode])
    case range(TplPipeline, body: [TplNode], otherwise: [TplNode])
}

// MARK: - Scanner: text and action tokens

enum TplToken: Equatable, Sendable {
    case pipe, lparen, rparen, comma, declare, assign, dot
    case field(String), variable(String), ident(String), keyword(String)
    case bool(Bool), string(String), number(String), char(Int)
}

struct TplLexeme: Sendable {
    var token: TplToken
    var start: Int
    var end: Int
}

enum TplItem: Sendable {
    case text(String)
    case action(offset: Int, tokens: [TplLexeme])
}

enum TplScanner {
    static let keywords: Set<String> = [
        "if", "else", "end", "range", "with", "define", "template", "block", "nil", "break", "continue",
    ]

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func scan(_ s: [UInt8]) throws(TemplateError) -> [TplItem] {
        var items: [TplItem] = []
        var pos = 0
        var trimNextText = false
        let n = s.count
        func at(_ i: Int) -> UInt8 { i < n ? s[i] : 0 }
        while pos <= n {
            var open = pos
            while open + 1 < n, !(s[open] == 0x7B && s[open + 1] == 0x7B) { open += 1 }
            if open + 1 >= n { open = n }
            var text = Array(s[pos..<open])
            if trimNextText { while let f = text.first, isSpace(f) { text.removeFirst() } }
            trimNextText = false
            guard open < n else {
                if !text.isEmpty { items.append(.text(String(decoding: text, as: UTF8.self))) }
                break
            }
            var p = open + 2
            if at(p) == 0x2D, p + 1 < n, isSpace(s[p + 1]) {   // "{{- "
                while let l = text.last, isSpace(l) { text.removeLast() }
                p += 2
            }
            if !text.isEmpty { items.append(.text(String(decoding: text, as: UTF8.self))) }
            // Comment: "{{/*" ... "*/}}", with optional trim markers.
            if at(p) == 0x2F, at(p + 1) == 0x2A {
                var q = p + 2
                while q + 1 < n, !(s[q] == 0x2A && s[q + 1] == 0x2F) { q += 1 }
                guard q + 1 < n else { throw TemplateError(offset: open, message: "unclosed comment") }
                q += 2
                if at(q) == 0x7D, at(q + 1) == 0x7D {
                    pos = q + 2
                } else if q < n, isSpace(s[q]), at(q + 1) == 0x2D, at(q + 2) == 0x7D, at(q + 3) == 0x7D {
                    pos = q + 4
                    trimNextText = true
                } else {
                    throw TemplateError(offset: open, message: "comment ends before closing delimiter")
                }
                continue
            }
            var tokens: [TplLexeme] = []
            var closed = false
            while p < n {
                let b = s[p]
                if isSpace(b), at(p + 1) == 0x2D, at(p + 2) == 0x7D, at(p + 3) == 0x7D {   // " -}}"
                    pos = p + 4
                    trimNextText = true
                    closed = true
                    break
                }
                if b == 0x7D, at(p + 1) == 0x7D {
                    pos = p + 2
                    closed = true
                    break
                }
                if isSpace(b) { p += 1; continue }
                let start = p
                func lex(_ t: TplToken, _ len: Int) { tokens.append(TplLexeme(token: t, start: start, end: start + len)); p += len }
                switch b {
                case 0x7C: lex(.pipe, 1)
                case 0x28: lex(.lparen, 1)
                case 0x29: lex(.rparen, 1)
                case 0x2C: lex(.comma, 1)
                case 0x3D: lex(.assign, 1)
                case 0x3A:
                    guard at(p + 1) == 0x3D else { throw TemplateError(offset: open, message: "expected :=") }
                    lex(.declare, 2)
                case 0x22, 0x60, 0x27:
                    let (token, end) = try quoted(s, from: p, action: open)
                    tokens.append(TplLexeme(token: token, start: start, end: end))
                    p = end
                case 0x24:   // $name
                    var q = p + 1
                    while q < n, isAlnum(s[q]) { q += 1 }
                    tokens.append(TplLexeme(token: .variable(String(decoding: s[p..<q], as: UTF8.self)), start: p, end: q))
                    p = q
                case 0x2E where isDigit(at(p + 1)):
                    p = try number(s, from: p, action: open, into: &tokens)
                case 0x2E:
                    var q = p + 1
                    while q < n, isAlnum(s[q]) { q += 1 }
                    let name = String(decoding: s[(p + 1)..<q], as: UTF8.self)
                    tokens.append(TplLexeme(token: name.isEmpty ? .dot : .field(name), start: p, end: q))
                    p = q
                case 0x2B, 0x2D:
                    guard isDigit(at(p + 1)) || (at(p + 1) == 0x2E && isDigit(at(p + 2))) else {
                        throw TemplateError(offset: open, message: "unexpected \"\(Character(Unicode.Scalar(b)))\" in command")
                    }
                    p = try number(s, from: p, action: open, into: &tokens)
                case _ where isDigit(b):
                    p = try number(s, from: p, action: open, into: &tokens)
                case _ where isAlnum(b):
                    var q = p
                    while q < n, isAlnum(s[q]) { q += 1 }
                    let word = String(decoding: s[p..<q], as: UTF8.self)
                    let token: TplToken = word == "true" ? .bool(true) : word == "false" ? .bool(false)
                        : keywords.contains(word) ? .keyword(word) : .ident(word)
                    tokens.append(TplLexeme(token: token, start: p, end: q))
                    p = q
                default:
                    throw TemplateError(offset: open, message: "unexpected \"\(Character(Unicode.Scalar(b)))\" in command")
                }
            }
            guard closed else { throw TemplateError(offset: open, message: "unclosed action") }
            items.append(.action(offset: open, tokens: tokens))
        }
        return items
    }

    private static func number(_ s: [UInt8], from start: Int, action: Int, into tokens: inout [TplLexeme]) throws(TemplateError) -> Int {
        var q = start
        if s[q] == 0x2B || s[q] == 0x2D { q += 1 }
        let isHex = q + 1 < s.count && s[q] == 0x30 && (s[q + 1] | 0x20) == 0x78
        while q < s.count {
            let c = s[q]
            if isAlnum(c) || c == 0x2E {
                q += 1
            } else if (c == 0x2B || c == 0x2D), !isHex, q > start, (s[q - 1] | 0x20) == 0x65 {
                q += 1
            } else if (c == 0x2B || c == 0x2D), isHex, q > start, (s[q - 1] | 0x20) == 0x70 {
                q += 1
            } else {
                break
            }
        }
        let text = String(decoding: s[start..<q], as: UTF8.self)
        guard TemplateFormat.numberValue(text) != nil else {
            throw TemplateError(offset: action, message: "bad number syntax: \"\(text)\"")
        }
        tokens.append(TplLexeme(token: .number(text), start: start, end: q))
        return q
    }

    private static func quoted(_ s: [UInt8], from start: Int, action: Int) throws(TemplateError) -> (TplToken, Int) {
        let quote = s[start]
        var q = start + 1
        if quote == 0x60 {
            while q < s.count, s[q] != 0x60 { q += 1 }
            guard q < s.count else { throw TemplateError(offset: action, message: "unterminated raw quoted string") }
            return (.string(String(decoding: s[(start + 1)..<q], as: UTF8.self)), q + 1)
        }
        var bytes: [UInt8] = []
        while true {
            guard q < s.count, s[q] != 0x0A else {
                throw TemplateError(offset: action, message: quote == 0x27 ? "unterminated character constant" : "unterminated quoted string")
            }
            let c = s[q]
            if c == quote { q += 1; break }
            if c != 0x5C { bytes.append(c); q += 1; continue }
            q += 1
            guard q < s.count else { continue }
            let e = s[q]
            q += 1
            switch e {
            case 0x6E: bytes.append(0x0A)
            case 0x74: bytes.append(0x09)
            case 0x72: bytes.append(0x0D)
            case 0x61: bytes.append(0x07)
            case 0x62: bytes.append(0x08)
            case 0x66: bytes.append(0x0C)
            case 0x76: bytes.append(0x0B)
            case 0x5C, 0x22, 0x27: bytes.append(e)
            case 0x78, 0x75, 0x55:
                let len = e == 0x78 ? 2 : e == 0x75 ? 4 : 8
                guard q + len <= s.count, let v = UInt32(String(decoding: s[q..<(q + len)], as: UTF8.self), radix: 16) else {
                    throw TemplateError(offset: action, message: "invalid escape sequence in quoted string")
                }
                q += len
                if e == 0x78 { bytes.append(UInt8(v)) } else {
                    guard let scalar = Unicode.Scalar(v) else {
                        throw TemplateError(offset: action, message: "invalid escape sequence in quoted string")
                    }
                    bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            case 0x30...0x37:
                guard q + 2 <= s.count, let v = UInt32(String(decoding: s[(q - 1)..<(q + 2)], as: UTF8.self), radix: 8), v < 256 else {
                    throw TemplateError(offset: action, message: "invalid escape sequence in quoted string")
                }
                q += 2
                bytes.append(UInt8(v))
            default:
                throw TemplateError(offset: action, message: "invalid escape sequence in quoted string")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if quote == 0x27 {
            let scalars = Array(text.unicodeScalars)
            guard scalars.count == 1 else { throw TemplateError(offset: action, message: "malformed character constant") }
            return (.char(Int(scalars[0].value)), q)
        }
        return (.string(text), q)
    }
}

// MARK: - Parser

struct TplParser {
    /// Go's builtins and Prometheus's function map: any other name is a parse error.
    static let knownFunctions: Set<String> = [
        "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge",
        "html", "js", "urlquery", "slice", "call",
        "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
        "title", "toUpper", "toLower", "stripPort", "parseDuration", "externalURL", "pathPrefix", "safeHtml",
        "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "match", "graphLink",
        "tableLink", "sortByLabel",
    ]

    private enum Terminator { case eof, end(Int), elseAction(Int, [TplLexeme]) }

    var items: [TplItem]
    var textEnd: Int
    var index = 0
    var vars: [String] = ["$", "$labels", "$externalLabels", "$externalURL", "$value"]

    init(items: [TplItem], textEnd: Int) {
        self.items = items
        self.textEnd = textEnd
    }

    mutating func parseTop() throws(TemplateError) -> [TplNode] {
        let (nodes, term) = try parseList()
        switch term {
        case .eof: return nodes
        case .end(let offset): throw TemplateError(offset: offset, message: "unexpected {{end}}")
        case .elseAction(let offset, _): throw TemplateError(offset: offset, message: "unexpected {{else}}")
        }
    }

    private mutating func parseList() throws(TemplateError) -> ([TplNode], Terminator) {
        var nodes: [TplNode] = []
        while index < items.count {
            let item = items[index]
            index += 1
            switch item {
            case .text(let t):
                nodes.append(.text(t))
            case .action(let offset, let tokens):
                guard let first = tokens.first else { throw TemplateError(offset: offset, message: "missing value for command") }
                if case .keyword(let word) = first.token {
                    switch word {
                    case "end":
                        guard tokens.count == 1 else { throw TemplateError(offset: offset, message: "unexpected token in end") }
                        return (nodes, .end(offset))
                    case "else":
                        return (nodes, .elseAction(offset, Array(tokens.dropFirst())))
                    case "if", "with", "range":
                        nodes.append(try parseControl(word, offset: offset, tokens: Array(tokens.dropFirst())))
                        continue
                    case "nil":
                        break
                    default:
                        throw TemplateError(offset: offset, message: "{{\(word)}} is not supported")
                    }
                }
                var tp = TplTokenParser(tokens: tokens, offset: offset, vars: vars)
                let pipe = try tp.topPipeline(context: "command", allowDecl: true, multiDecl: false)
                vars = tp.vars
                nodes.append(.action(pipe))
            }
        }
        return (nodes, .eof)
    }

    private mutating func parseControl(_ word: String, offset: Int, tokens: [TplLexeme]) throws(TemplateError) -> TplNode {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        var tp = TplTokenParser(tokens: tokens, offset: offset, vars: vars)
        let pipe = try tp.topPipeline(context: word, allowDecl: true, multiDecl: word == "range")
        vars = tp.vars
        let (body, term) = try parseList()
        var otherwise: [TplNode] = []
        switch term {
        case .eof:
            throw TemplateError(offset: offset, message: "unexpected EOF: {{\(word)}} without {{end}}")
        case .end:
            break
        case .elseAction(let elseOffset, let rest):
            if word == "if", let first = rest.first, first.token == .keyword("if") {
                // {{else if ...}}: a nested if that shares the outer {{end}}.
                otherwise = [try parseControl("if", offset: elseOffset, tokens: Array(rest.dropFirst()))]
            } else {
                guard rest.isEmpty else { throw TemplateError(offset: elseOffset, message: "unexpected token in else") }
                let (elseBody, elseTerm) = try parseList()
                switch elseTerm {
                case .end: otherwise = elseBody
                case .eof: throw TemplateError(offset: offset, message: "unexpected EOF: {{\(word)}} without {{end}}")
                case .elseAction(let o, _): throw TemplateError(offset: o, message: "expected end; found {{else}}")
                }
            }
        }
        switch word {
        case "if": return .ifNode(pipe, then: body, otherwise: otherwise)
        case "with": return .with(pipe, then: body, otherwise: otherwise)
        default: return .range(pipe, body: body, otherwise: otherwise)
        }
    }
}

/// Parses the tokens of one action into a pipeline.
struct TplTokenParser {
    var tokens: [TplLexeme]
    var offset: Int
    var vars: [String]
    var i = 0

    init(tokens: [TplLexeme], offset: Int, vars: [String]) {
        self.tokens = tokens
        self.offset = offset
        self.vars = vars
    }

    private func fail(_ message: String) -> TemplateError { TemplateError(offset: offset, message: message) }
    private var peek: TplToken? { i < tokens.count ? tokens[i].token : nil }

    mutating func topPipeline(context: String, allowDecl: Bool, multiDecl: Bool) throws(TemplateError) -> TplPipeline {
        let pipe = try pipeline(context: context, allowDecl: allowDecl, multiDecl: multiDecl)
        if i < tokens.count {
            throw fail("unexpected \(describe(tokens[i].token)) in \(context)")
        }
        return pipe
    }

    private mutating func pipeline(context: String, allowDecl: Bool, multiDecl: Bool) throws(TemplateError) -> TplPipeline {
        var pipe = TplPipeline(offset: offset)
        if allowDecl, case .variable(let v) = peek {
            let next = i + 1 < tokens.count ? tokens[i + 1].token : nil
            if next == .declare || next == .assign {
                pipe.decl = [v]
                pipe.isAssign = next == .assign
                if pipe.isAssign, !vars.contains(v) { throw fail("undefined variable \"\(v)\"") }
                i += 2
            } else if multiDecl, next == .comma, i + 3 < tokens.count, case .variable(let v2) = tokens[i + 2].token,
                      tokens[i + 3].token == .declare || tokens[i + 3].token == .assign {
                pipe.decl = [v, v2]
                pipe.isAssign = tokens[i + 3].token == .assign
                i += 4
            }
            if !pipe.isAssign { vars.append(contentsOf: pipe.decl) }
        }
        while true {
            let cmd = try command()
            if cmd.args.isEmpty {
                if pipe.commands.isEmpty, peek == nil || peek == .rparen { throw fail("missing value for \(context)") }
                if pipe.commands.isEmpty, peek == .pipe { throw fail("unexpected \"|\" in command") }
                throw fail("empty command")
            }
            pipe.commands.append(cmd)
            if peek == .pipe {
                i += 1
                if peek == nil || peek == .rparen { break }   // Go accepts a trailing "|"
                continue
            }
            break
        }
        for (stage, cmd) in pipe.commands.enumerated().dropFirst() where cmd.args[0].isNonExecutable {
            throw fail("non executable command in pipeline stage \(stage + 1)")
        }
        return pipe
    }

    private mutating func command() throws(TemplateError) -> TplCommand {
        var args: [TplOperand] = []
        while let t = peek, t != .pipe, t != .rparen {
            args.append(try operand())
        }
        return TplCommand(args: args)
    }

    private mutating func operand() throws(TemplateError) -> TplOperand {
        var term = try self.term()
        var chain: [String] = []
        while i < tokens.count, case .field(let f) = tokens[i].token, tokens[i].start == tokens[i - 1].end {
            chain.append(f)
            i += 1
        }
        guard !chain.isEmpty else { return term }
        switch term {
        case .field(let f): term = .field(f + chain)
        case .variable(let v, let f): term = .variable(v, f + chain)
        case .sub(let p, let f): term = .sub(p, f + chain)
        case .dot: throw fail("unexpected . after term \".\"")
        default: throw fail("unexpected . after term \"\(term.display)\"")
        }
        return term
    }

    private mutating func term() throws(TemplateError) -> TplOperand {
        let lex = tokens[i]
        i += 1
        switch lex.token {
        case .ident(let name):
            guard TplParser.knownFunctions.contains(name) else { throw fail("function \"\(name)\" not defined") }
            return .function(name)
        case .keyword("nil"): return .null
        case .dot: return .dot
        case .field(let f): return .field([f])
        case .variable(let v):
            guard vars.contains(v) else { throw fail("undefined variable \"\(v)\"") }
            return .variable(v, [])
        case .bool(let b): return .literal(.bool(b))
        case .string(let s): return .literal(.string(s))
        case .char(let c): return .literal(.int(c))
        case .number(let text):
            guard let v = TemplateFormat.numberValue(text) else { throw fail("bad number syntax: \"\(text)\"") }
            return .literal(v)
        case .lparen:
            let p = try pipeline(context: "parenthesized pipeline", allowDecl: true, multiDecl: false)
            guard peek == .rparen else { throw fail("unclosed left paren") }
            i += 1
            return .sub(p, [])
        case .rparen: throw fail("unexpected \")\" in command")
        default: throw fail("unexpected \(describe(lex.token)) in operand")
        }
    }

    private func describe(_ t: TplToken) -> String {
        switch t {
        case .pipe: return "\"|\""
        case .lparen: return "\"(\""
        case .rparen: return "\")\""
        case .comma: return "\",\""
        case .declare: return "\":=\""
        case .assign: return "\"=\""
        case .dot: return "\".\""
        case .field(let f): return "field .\(f)"
        case .variable(let v): return "variable \(v)"
        case .ident(let n): return "identifier \(n)"
        case .keyword(let k): return "<\(k)>"
        case .bool(let b): return "\(b)"
        case .string(let s): return "string \"\(s)\""
        case .number(let n): return "number \(n)"
        case .char(let c): return "character \(c)"
        }
    }
}

// MARK: - Execution

struct TplExec {
    let data: TemplateData
    var out = ""
    var vars: [(name: String, value: TplValue)]

    init(data: TemplateData) {
        self.data = data
        vars = [("$", .root(data)), ("$labels", .map(data.labels)), ("$externalLabels", .map(data.externalLabels)),
                ("$externalURL", .string(data.externalURL)), ("$value", .float(data.value))]
    }

    mutating func run(_ nodes: [TplNode], dot: TplValue) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let t):
                out += t
            case .action(let pipe):
                let v = try evalPipeline(pipe, dot: dot)
                if pipe.decl.isEmpty { out += TemplateFormat.print(v) }
            case .ifNode(let pipe, let then, let otherwise):
                let mark = vars.count
                let v = try evalPipeline(pipe, dot: dot)
                try run(v.truth ? then : otherwise, dot: dot)
                vars.removeLast(vars.count - mark)
            case .with(let pipe, let then, let otherwise):
                let mark = vars.count
                let v = try evalPipeline(pipe, dot: dot)
                if v.truth { try run(then, dot: v) } else { try run(otherwise, dot: dot) }
                vars.removeLast(vars.count - mark)
            case .range(let pipe, let body, let otherwise):
                let mark = vars.count
                var bare = pipe
                bare.decl = []
                let v = try evalPipeline(bare, dot: dot)
                var elements: [(TplValue, TplValue)] = []
                switch v {
                case .map(let m): elements = m.keys.sorted().map { (.string($0), .string(m[$0]!)) }
                case .missing: break
                default: throw TemplateError(offset: pipe.offset, message: "range can't iterate over \(TemplateFormat.print(v))")
                }
                for (key, element) in elements {
                    let iterationMark = vars.count
                    if pipe.decl.count == 1 { try bind(pipe.decl[0], element, assign: pipe.isAssign, offset: pipe.offset) }
                    if pipe.decl.count == 2 {
                        try bind(pipe.decl[0], key, assign: pipe.isAssign, offset: pipe.offset)
                        try bind(pipe.decl[1], element, assign: pipe.isAssign, offset: pipe.offset)
                    }
                    try run(body, dot: element)
                    vars.removeLast(vars.count - iterationMark)
                }
                if elements.isEmpty { try run(otherwise, dot: dot) }
                vars.removeLast(vars.count - mark)
            }
        }
    }

    private mutating func bind(_ name: String, _ value: TplValue, assign: Bool, offset: Int) throws(TemplateError) {
        if assign {
            guard let k = vars.lastIndex(where: { $0.name == name }) else {
                throw TemplateError(offset: offset, message: "undefined variable: \(name)")
            }
            vars[k].value = value
        } else {
            vars.append((name, value))
        }
    }

    private mutating func evalPipeline(_ pipe: TplPipeline, dot: TplValue) throws(TemplateError) -> TplValue {
        var value: TplValue? = nil
        for cmd in pipe.commands {
            value = try evalCommand(cmd, dot: dot, final: value, offset: pipe.offset)
        }
        let result = value ?? .missing
        for name in pipe.decl { try bind(name, result, assign: pipe.isAssign, offset: pipe.offset) }
        return result
    }

    private mutating func evalCommand(_ cmd: TplCommand, dot: TplValue, final: TplValue?, offset: Int) throws(TemplateError) -> TplValue {
        let first = cmd.args[0]
        if case .function(let name) = first {
            return try call(name, Array(cmd.args.dropFirst()), dot: dot, final: final, offset: offset)
        }
        if cmd.args.count > 1 || final != nil {
            throw TemplateError(offset: offset, message: "can't give argument to non-function \(first.display)")
        }
        if case .null = first { throw TemplateError(offset: offset, message: "nil is not a command") }
        return try evalArg(first, dot: dot, offset: offset)
    }

    private mutating func evalArg(_ arg: TplOperand, dot: TplValue, offset: Int) throws(TemplateError) -> TplValue {
        switch arg {
        case .function(let name): return try call(name, [], dot: dot, final: nil, offset: offset)
        case .dot: return dot
        case .null: return .missing   // Go passes a nil interface
        case .literal(let v): return v
        case .field(let chain): return try fields(dot, chain, offset: offset)
        case .variable(let name, let chain):
            guard let v = vars.last(where: { $0.name == name }) else {
                throw TemplateError(offset: offset, message: "undefined variable: \(name)")
            }
            return try fields(v.value, chain, offset: offset)
        case .sub(let pipe, let chain):
            let mark = vars.count
            let v = try evalPipeline(pipe, dot: dot)
            if pipe.decl.isEmpty { vars.removeLast(vars.count - mark) }
            return try fields(v, chain, offset: offset)
        }
    }

    private func fields(_ start: TplValue, _ chain: [String], offset: Int) throws(TemplateError) -> TplValue {
        var v = start
        for name in chain {
            switch v {
            case .root:
                switch name {
                case "Labels": v = .map(data.labels)
                case "ExternalLabels": v = .map(data.externalLabels)
                case "ExternalURL": v = .string(data.externalURL)
                case "Value": v = .float(data.value)
                default: throw TemplateError(offset: offset, message: "can't evaluate field \(name) in type \(v.goType)")
                }
            case .map(let m):
                v = .string(m[name] ?? "")   // missingkey=zero
            case .missing:
                throw TemplateError(offset: offset, message: "nil data; no entry for key \"\(name)\"")
            default:
                throw TemplateError(offset: offset, message: "can't evaluate field \(name) in type \(v.goType)")
            }
        }
        return v
    }

    private mutating func call(_ name: String, _ argOps: [TplOperand], dot: TplValue, final: TplValue?,
                               offset: Int) throws(TemplateError) -> TplValue {
        func fail(_ message: String) -> TemplateError { TemplateError(offset: offset, message: "error calling \(name): \(message)") }
        let argc = argOps.count + (final == nil ? 0 : 1)

        // and/or evaluate their arguments lazily, as Go 1.18+ does.
        if name == "and" || name == "or" {
            guard argc >= 1 else { throw TemplateError(offset: offset, message: "wrong number of args for \(name): want at least 1 got 0") }
            var v = TplValue.missing
            for op in argOps {
                v = try evalArg(op, dot: dot, offset: offset)
                if v.truth != (name == "and") { return v }
            }
            if let final { v = final }
            return v
        }

        var args: [TplValue] = []
        for op in argOps { args.append(try evalArg(op, dot: dot, offset: offset)) }
        if let final { args.append(final) }

        func want(_ n: Int) throws(TemplateError) {
            guard args.count == n else {
                throw TemplateError(offset: offset, message: "wrong number of args for \(name): want \(n) got \(args.count)")
            }
        }
        func string(_ v: TplValue) throws(TemplateError) -> String {
            guard case .string(let s) = v else {
                throw TemplateError(offset: offset, message: "wrong type for value; expected string; got \(v.goType)")
            }
            return s
        }
        func float(_ v: TplValue) throws(TemplateError) -> Double {
            switch v {
            case .float(let f): return f
            case .int(let i): return Double(i)
            case .string(let s):
                guard let f = TemplateFormat.parseFloat(s) else {
                    throw fail("strconv.ParseFloat: parsing \(TemplateFormat.quote(s)): invalid syntax")
                }
                return f
            default: throw fail("can't convert \(v.goType) to float")
            }
        }

        switch name {
        case "not":
            try want(1)
            return .bool(!args[0].truth)
        case "len":
            try want(1)
            switch args[0] {
            case .string(let s): return .int(s.utf8.count)
            case .map(let m): return .int(m.count)
            default: throw fail("len of type \(args[0].goType)")
            }
        case "index":
            guard !args.isEmpty else { throw TemplateError(offset: offset, message: "wrong number of args for index: want at least 1 got 0") }
            var v = args[0]
            for key in args.dropFirst() {
                switch (v, key) {
                case (.map(let m), .string(let k)): v = .string(m[k] ?? "")
                case (.map, _): throw fail("value has type \(key.goType); should be string")
                case (.string(let s), .int(let k)):
                    let bytes = Array(s.utf8)
                    guard k >= 0, k < bytes.count else { throw fail("error calling index: index out of range: \(k)") }
                    v = .int(Int(bytes[k]))
                default: throw fail("can't index item of type \(v.goType)")
                }
            }
            return v
        case "print":
            var s = ""
            for (k, a) in args.enumerated() {
                if k > 0, !a.isString, !args[k - 1].isString { s += " " }
                s += TemplateFormat.print(a)
            }
            return .string(s)
        case "println":
            return .string(args.map(TemplateFormat.print).joined(separator: " ") + "\n")
        case "printf":
            guard let first = args.first else {
                throw TemplateError(offset: offset, message: "wrong number of args for printf: want at least 1 got 0")
            }
            return .string(TemplateFormat.sprintf(try string(first), Array(args.dropFirst())))
        case "eq", "ne", "lt", "le", "gt", "ge":
            if name == "eq" {
                guard args.count >= 2 else { throw fail("missing argument for comparison") }
            } else {
                try want(2)
            }
            do throws(TemplateFormat.ComparisonError) {
                switch name {
                case "eq": return .bool(try TemplateFormat.eq(args[0], Array(args.dropFirst())))
                case "ne": return .bool(!(try TemplateFormat.eq(args[0], [args[1]])))
                case "lt": return .bool(try TemplateFormat.lt(args[0], args[1]))
                case "le": return .bool(try TemplateFormat.le(args[0], args[1]))
                case "gt": return .bool(!(try TemplateFormat.le(args[0], args[1])))
                default: return .bool(!(try TemplateFormat.lt(args[0], args[1])))
                }
            } catch {
                throw fail(error.message)
            }
        case "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp":
            try want(1)
            let v = try float(args[0])
            switch name {
            case "humanize": return .string(TemplateFormat.humanize(v))
            case "humanize1024": return .string(TemplateFormat.humanize1024(v))
            case "humanizeDuration": return .string(TemplateFormat.humanizeDuration(v))
            case "humanizePercentage": return .string(TemplateFormat.g(v * 100, 4) + "%")
            default:
                guard let s = TemplateFormat.humanizeTimestamp(v) else {
                    throw fail("\(TemplateFormat.shortest(v)) cannot be represented as a nanoseconds timestamp since it overflows int64")
                }
                return .string(s)
            }
        case "title", "toUpper", "toLower", "safeHtml", "stripPort":
            try want(1)
            let s = try string(args[0])
            switch name {
            case "title": return .string(TemplateFormat.title(s))
            case "toUpper": return .string(TemplateFormat.mapScalars(s) { $0.properties.uppercaseMapping })
            case "toLower": return .string(TemplateFormat.mapScalars(s) { $0.properties.lowercaseMapping })
            case "stripPort": return .string(TemplateFormat.stripPort(s))
            default: return .string(s)
            }
        case "parseDuration":
            try want(1)
            let s = try string(args[0])
            guard let seconds = TemplateFormat.parseDuration(s) else {
                throw fail("not a valid duration string: \(TemplateFormat.quote(s))")
            }
            return .float(seconds)
        case "externalURL":
            try want(0)
            return .string(data.externalURL)
        case "pathPrefix":
            try want(0)
            return .string(TemplateFormat.urlPath(data.externalURL))
        default:
            throw TemplateError(offset: offset, message: "function \"\(name)\" is not supported by logwarden")
        }
    }
}

extension TplValue {
    var isString: Bool { if case .string = self { return true } else { return false } }
}

// MARK: - Go formatting (fmt, strconv) and Prometheus's humanize functions

enum TemplateFormat {
    struct ComparisonError: Error { let message: String }

    /// Go's `fmt.Print` of a value, as text/template prints the result of an action.
    static func print(_ v: TplValue) -> String {
        switch v {
        case .missing: return "<no value>"
        case .string(let s): return s
        case .float(let f): return shortest(f)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .map(let m): return "map[" + m.keys.sorted().map { "\($0):\(m[$0]!)" }.joined(separator: " ") + "]"
        case .root(let d):
            return "{\(print(.map(d.labels))) \(print(.map(d.externalLabels))) \(d.externalURL) \(shortest(d.value))}"
        }
    }

    /// A number literal of a template: Go's `idealConstant` gives an int unless the text has `.eEpP`
    /// (and is not hex), in which case a float64.
    static func numberValue(_ text: String) -> TplValue? {
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" { negative = body.first == "-"; body = body.dropFirst() }
        let lower = String(body.lowercased().filter { $0 != "_" })
        var radix = 10
        var digits = Substring(lower)
        if lower.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; digits = digits.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
        else if lower.count > 1, lower.hasPrefix("0"), lower.allSatisfy(\.isNumber) { radix = 8; digits = digits.dropFirst() }
        if radix != 10 || !lower.contains(where: { ".ep".contains($0) }) {
            guard !digits.isEmpty, let v = Int(digits, radix: radix) else { return nil }
            return .int(negative ? -v : v)
        }
        guard let f = parseFloat(lower), lower.first != "e" else { return nil }
        return .float(negative ? -f : f)
    }

    /// Go's `strconv.ParseFloat` on the forms that matter (decimal, exponent, inf, nan).
    static func parseFloat(_ s: String) -> Double? {
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default:
            guard !s.isEmpty, s.allSatisfy({ "0123456789.eE+-_".contains($0) }) else { return nil }
            return Double(String(s.filter { $0 != "_" }))
        }
    }

    // MARK: floats

    private static func cFormat(_ format: String, _ args: [any CVarArg]) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let n = withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) }
        if Int(n) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Go's text for infinities and NaN: "+Inf", "-Inf", "NaN".
    private static func special(_ v: Double) -> String? {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return nil
    }

    /// Go's `%v` of a float64: strconv's shortest `%g`, in exponent form when the decimal
    /// exponent is < -4 or >= 6 (`123456789` → `1.23456789e+08`, `100000` → `100000`).
    static func shortest(_ v: Double) -> String {
        if let s = special(v) { return s }
        // Swift's description is the shortest round-tripping decimal, as Go's is.
        var digits: [UInt8] = []
        var pointAt: Int? = nil
        var exponent = 0
        let text = Array(v.magnitude.description.utf8)
        var k = 0
        while k < text.count {
            let c = text[k]
            if c == 0x2E { pointAt = digits.count } else if c == 0x65 || c == 0x45 {
                exponent = Int(String(decoding: text[(k + 1)...].filter { $0 != 0x2B }, as: UTF8.self)) ?? 0
                break
            } else { digits.append(c) }
            k += 1
        }
        var dp = (pointAt ?? digits.count) + exponent
        while digits.first == 0x30 { digits.removeFirst(); dp -= 1 }
        while digits.last == 0x30 { digits.removeLast() }
        if digits.isEmpty { dp = 0 }
        let eprec = 6
        let exp = dp - 1
        let sign = v.sign == .minus ? "-" : ""
        if !digits.isEmpty, exp < -4 || exp >= eprec {
            return sign + formatE(digits, dp: dp, fraction: digits.count - 1)
        }
        return sign + formatF(digits, dp: dp, fraction: max(digits.count - dp, 0))
    }

    private static func formatE(_ d: [UInt8], dp: Int, fraction: Int) -> String {
        var s = [d.first ?? 0x30]
        if fraction > 0 {
            s.append(0x2E)
            for k in 1...fraction { s.append(k < d.count ? d[k] : 0x30) }
        }
        let exp = d.isEmpty ? 0 : dp - 1
        let e = String(abs(exp))
        return String(decoding: s, as: UTF8.self) + (exp < 0 ? "e-" : "e+") + (e.count < 2 ? "0" + e : e)
    }

    private static func formatF(_ d: [UInt8], dp: Int, fraction: Int) -> String {
        var s: [UInt8] = []
        if dp > 0 {
            for k in 0..<dp { s.append(k < d.count ? d[k] : 0x30) }
        } else {
            s.append(0x30)
        }
        if fraction > 0 {
            s.append(0x2E)
            for k in 1...fraction {
                let j = dp + k - 1
                s.append(j >= 0 && j < d.count ? d[j] : 0x30)
            }
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// Go's `%.<prec>g` (C's `%g` agrees with it for finite values).
    static func g(_ v: Double, _ prec: Int) -> String {
        special(v) ?? cFormat("%.*g", [Int32(prec), v])
    }

    // MARK: Prometheus humanize*

    static func humanize(_ value: Double) -> String {
        var v = value
        if v == 0 || v.isNaN || v.isInfinite { return g(v, 4) }
        if abs(v) >= 1 {
            var prefix = ""
            for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(v) < 1000 { break }
                prefix = p
                v /= 1000
            }
            return g(v, 4) + prefix
        }
        var prefix = ""
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(v) >= 1 { break }
            prefix = p
            v *= 1000
        }
        return g(v, 4) + prefix
    }

    static func humanize1024(_ value: Double) -> String {
        var v = value
        if abs(v) <= 1 || v.isNaN || v.isInfinite { return g(v, 4) }
        var prefix = ""
        for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
            if abs(v) < 1024 { break }
            prefix = p
            v /= 1024
        }
        return g(v, 4) + prefix
    }

    static func humanizeDuration(_ value: Double) -> String {
        var v = value
        if v.isNaN || v.isInfinite { return g(v, 4) }
        if v == 0 { return g(v, 4) + "s" }
        if abs(v) >= 1 {
            var sign = ""
            if v < 0 { sign = "-"; v = -v }
            // Go's int64(v) of an out-of-range float is 0x8000000000000000 on amd64.
            let duration = v < 9.223372036854775807e18 ? Int64(v) : Int64.min
            let seconds = duration % 60
            let minutes = (duration / 60) % 60
            let hours = (duration / 60 / 60) % 24
            let days = duration / 60 / 60 / 24
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + g(v, 4) + "s"
        }
        var prefix = ""
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(v) >= 1 { break }
            prefix = p
            v *= 1000
        }
        return g(v, 4) + prefix + "s"
    }

    /// `fmt.Sprint(time.Time)` in UTC, at the millisecond precision of Prometheus's model.Time;
    /// nil when the nanoseconds overflow int64.
    static func humanizeTimestamp(_ v: Double) -> String? {
        if v.isNaN || v.isInfinite { return g(v, 4) }
        let ns = v * 1e9
        // Go tests `> MaxInt64`, whose float64 is 2^63 itself; int64(2^63) would trap here.
        guard ns < 9.223372036854775807e18, ns >= -9.223372036854775808e18 else { return nil }
        let ms = Int64(ns) / 1_000_000
        var seconds = ms / 1000
        var millis = ms % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86400
        var secOfDay = seconds % 86400
        if secOfDay < 0 { secOfDay += 86400; days -= 1 }
        let civil = CivilTime.civilFromDays(Int(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n.magnitude)
            return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2))"
        if millis != 0 {
            var frac = pad(millis, 3)
            while frac.hasSuffix("0") { frac.removeLast() }
            text += "." + frac
        }
        return text + " +0000 UTC"
    }

    // MARK: strings

    /// Go's `strings.Title`: upper-cases the first letter of each word.
    static func title(_ s: String) -> String {
        var out = ""
        var previous: Unicode.Scalar = " "
        for scalar in s.unicodeScalars {
            out += isSeparator(previous) ? titleCase(scalar) : String(scalar)
            previous = scalar
        }
        return out
    }

    private static func isSeparator(_ r: Unicode.Scalar) -> Bool {
        if r.value <= 0x7F {
            switch r {
            case "0"..."9", "a"..."z", "A"..."Z", "_": return false
            default: return true
            }
        }
        let p = r.properties
        if p.isAlphabetic || p.numericType != nil { return false }
        return p.isWhitespace
    }

    private static func titleCase(_ r: Unicode.Scalar) -> String {
        let t = r.properties.titlecaseMapping
        return t.unicodeScalars.count == 1 ? t : String(r)
    }

    /// Per-scalar simple case mapping, as Go's `strings.ToUpper`/`ToLower` (no "ß" → "SS").
    static func mapScalars(_ s: String, _ f: (Unicode.Scalar) -> String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            let m = f(scalar)
            out += m.unicodeScalars.count == 1 ? m : String(scalar)
        }
        return out
    }

    /// Prometheus's `stripPort` (net.SplitHostPort; the input when it fails).
    static func stripPort(_ s: String) -> String {
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":") else { return s }
            let host = s[s.index(after: s.startIndex)..<close]
            return host.contains("[") || host.contains("]") ? s : String(host)
        }
        let colons = s.filter { $0 == ":" }.count
        guard colons == 1, let colon = s.lastIndex(of: ":") else { return s }
        return String(s[..<colon])
    }

    /// Prometheus's `model.ParseDuration` in seconds: `1h30m`, `5m`, `500ms`, `2w`, `1y`, `0`.
    static func parseDuration(_ s: String) -> Double? {
        if s == "0" { return 0 }
        let units: [(String, Double)] = [("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600),
                                         ("m", 60), ("s", 1), ("ms", 0.001)]
        var rest = Substring(s)
        var total = 0.0
        var next = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix(while: { $0.isASCII && $0.isLetter })
            guard let k = units.firstIndex(where: { $0.0 == String(unit) }), k >= next else { return nil }
            total += Double(n) * units[k].1
            next = k + 1
            rest = rest.dropFirst(unit.count)
        }
        return total
    }

    /// The path of a URL (`pathPrefix`).
    static func urlPath(_ url: String) -> String {
        let bytes = Array(url.utf8)
        var k = 0
        while k + 2 < bytes.count, !(bytes[k] == 0x3A && bytes[k + 1] == 0x2F && bytes[k + 2] == 0x2F) { k += 1 }
        guard k + 2 < bytes.count else { return url }
        let afterHost = String(decoding: bytes[(k + 3)...], as: UTF8.self).drop(while: { $0 != "/" })
        return String(afterHost.prefix(while: { $0 != "?" && $0 != "#" }))
    }

    /// Go's `strconv.Quote`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(Int(scalar.value), 2)
                } else if scalar.value >= 0x80, scalar.value < 0xA0 || scalar.properties.generalCategory == .format {
                    out += scalar.value > 0xFFFF ? "\\U" + hex(Int(scalar.value), 8) : "\\u" + hex(Int(scalar.value), 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: Int, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // MARK: comparisons (text/template's eq and lt)

    private enum Kind { case bool, int, float, string, other }

    private static func kind(_ v: TplValue) -> Kind {
        switch v {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .string: return .string
        default: return .other
        }
    }

    static func eq(_ a: TplValue, _ others: [TplValue]) throws(ComparisonError) -> Bool {
        for b in others {
            let ka = kind(a), kb = kind(b)
            if ka != kb {
                if case .missing = a { continue }
                if case .missing = b { continue }
                throw ComparisonError(message: "incompatible types for comparison")
            }
            switch (a, b) {
            case (.bool(let x), .bool(let y)): if x == y { return true }
            case (.int(let x), .int(let y)): if x == y { return true }
            case (.float(let x), .float(let y)): if x == y { return true }
            case (.string(let x), .string(let y)): if x == y { return true }
            case (.missing, .missing): return true
            default: throw ComparisonError(message: "non-comparable type \(a.goType)")
            }
        }
        return false
    }

    static func le(_ a: TplValue, _ b: TplValue) throws(ComparisonError) -> Bool {
        if try lt(a, b) { return true }
        return try eq(a, [b])
    }

    static func lt(_ a: TplValue, _ b: TplValue) throws(ComparisonError) -> Bool {
        let ka = kind(a), kb = kind(b)
        if ka == .other || kb == .other || ka == .bool || kb == .bool {
            throw ComparisonError(message: "invalid type for comparison")
        }
        if ka != kb { throw ComparisonError(message: "incompatible types for comparison") }
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        default: throw ComparisonError(message: "invalid type for comparison")
        }
    }

    // MARK: printf

    private struct Spec {
        var minus = false, plus = false, sharp = false, space = false, zero = false
        var width: Int? = nil
        var precision: Int? = nil
    }

    /// Go's `fmt.Sprintf` for the verbs alert templates use: `%s %q %v %d %x %X %o %b %c %t
    /// %e %E %f %F %g %G %%`, with flags `-+# 0`, width and precision (`*` too).
    static func sprintf(_ format: String, _ args: [TplValue]) -> String {
        var out = ""
        var argIndex = 0
        let scalars = Array(format.unicodeScalars)
        var k = 0
        while k < scalars.count {
            let c = scalars[k]
            k += 1
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            var spec = Spec()
            flags: while k < scalars.count {
                switch scalars[k] {
                case "-": spec.minus = true; spec.zero = false
                case "+": spec.plus = true
                case "#": spec.sharp = true
                case " ": spec.space = true
                case "0": spec.zero = !spec.minus
                default: break flags
                }
                k += 1
            }
            func number(_ into: inout Int?) {
                if k < scalars.count, scalars[k] == "*" {
                    k += 1
                    if argIndex < args.count, case .int(let n) = args[argIndex] { into = n } else { out += "%!(BADWIDTH)" }
                    argIndex += 1
                    return
                }
                var n: Int? = nil
                while k < scalars.count, let d = Int(String(scalars[k])), scalars[k].isASCII {
                    n = (n ?? 0) * 10 + d
                    k += 1
                }
                if n != nil { into = n }
            }
            number(&spec.width)
            if let w = spec.width, w < 0 { spec.minus = true; spec.width = -w }
            if k < scalars.count, scalars[k] == "." {
                k += 1
                spec.precision = 0
                number(&spec.precision)
            }
            guard k < scalars.count else { out += "%!(NOVERB)"; break }
            let verb = scalars[k]
            k += 1
            if verb == "%" { out += "%"; continue }
            guard argIndex < args.count else { out += "%!\(verb)(MISSING)"; continue }
            out += formatArg(args[argIndex], verb: verb, spec)
            argIndex += 1
        }
        if argIndex < args.count {
            out += "%!(EXTRA " + args[argIndex...].map { "\($0.goType)=\(print($0))" }.joined(separator: ", ") + ")"
        }
        return out
    }

    private static func pad(_ s: String, _ spec: Spec, zeroOK: Bool = true) -> String {
        guard let width = spec.width else { return s }
        let count = s.unicodeScalars.count
        guard count < width else { return s }
        let fill = String(repeating: spec.zero && zeroOK ? "0" : " ", count: width - count)
        if spec.minus { return s + fill }
        if spec.zero && zeroOK, let first = s.unicodeScalars.first, first == "-" || first == "+" || first == " " {
            return String(first) + fill + String(s.unicodeScalars.dropFirst())
        }
        return fill + s
    }

    private static func bad(_ v: TplValue, _ verb: Unicode.Scalar) -> String {
        if case .missing = v { return "%!\(verb)(<nil>)" }
        return "%!\(verb)(\(v.goType)=\(print(v)))"
    }

    private static func formatArg(_ v: TplValue, verb: Unicode.Scalar, _ spec: Spec) -> String {
        switch v {
        case .missing:
            return verb == "v" ? pad("<nil>", spec, zeroOK: false) : bad(v, verb)
        case .bool(let b):
            return verb == "t" || verb == "v" ? pad(b ? "true" : "false", spec, zeroOK: false) : bad(v, verb)
        case .string(let s):
            switch verb {
            case "s", "v":
                var t = s
                if let p = spec.precision { t = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
                return pad(t, spec)
            case "q": return pad(quote(s), spec)
            case "x", "X":
                var h = s.utf8.map { hex(Int($0), 2) }.joined(separator: spec.space ? " " : "")
                if verb == "X" { h = h.uppercased() }
                return pad(h, spec)
            default: return bad(v, verb)
            }
        case .int(let i):
            return formatInt(i, verb: verb, spec) ?? bad(v, verb)
        case .float(let f):
            return formatFloat(f, verb: verb, spec) ?? bad(v, verb)
        case .map(let m):
            return pad("map[" + m.keys.sorted().map {
                formatArg(.string($0), verb: verb, Spec()) + ":" + formatArg(.string(m[$0]!), verb: verb, Spec())
            }.joined(separator: " ") + "]", spec, zeroOK: false)
        case .root:
            return verb == "v" || verb == "s" ? pad(print(v), spec, zeroOK: false) : bad(v, verb)
        }
    }

    private static func formatInt(_ i: Int, verb: Unicode.Scalar, _ spec: Spec) -> String? {
        var digits: String
        var prefix = ""
        switch verb {
        case "d", "v": digits = String(i.magnitude)
        case "x": digits = String(i.magnitude, radix: 16); if spec.sharp { prefix = "0x" }
        case "X": digits = String(i.magnitude, radix: 16).uppercased(); if spec.sharp { prefix = "0X" }
        case "o": digits = String(i.magnitude, radix: 8); if spec.sharp { prefix = "0" }
        case "O": digits = String(i.magnitude, radix: 8); prefix = "0o"
        case "b": digits = String(i.magnitude, radix: 2)
        case "c":
            return pad(Unicode.Scalar(UInt32(clamping: i)).map { String($0) } ?? "\u{FFFD}", spec, zeroOK: false)
        case "q":
            return pad("'" + (Unicode.Scalar(UInt32(clamping: i)).map { String($0) } ?? "\u{FFFD}") + "'", spec, zeroOK: false)
        default: return nil
        }
        if let p = spec.precision {
            if p == 0 && i == 0 { digits = "" }
            if digits.count < p { digits = String(repeating: "0", count: p - digits.count) + digits }
        }
        let sign = i < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : ""
        var s = prefix + digits
        if spec.zero, spec.precision == nil, let w = spec.width, !spec.minus, s.count + sign.count < w {
            s = String(repeating: "0", count: w - s.count - sign.count) + s
        }
        return pad(sign + s, Spec(minus: spec.minus, width: spec.width))
    }

    private static func formatFloat(_ f: Double, verb: Unicode.Scalar, _ spec: Spec) -> String? {
        guard "eEfFgGv".unicodeScalars.contains(verb) else { return nil }
        if let s = special(f) {
            var t = s
            if s == "NaN", spec.plus { t = "+NaN" } else if s == "NaN", spec.space { t = " NaN" }
            if s == "+Inf", !spec.plus { t = spec.space ? " Inf" : "+Inf" }
            return pad(t, spec, zeroOK: false)
        }
        var body: String
        if (verb == "v" || verb == "g" || verb == "G") && spec.precision == nil {
            body = shortest(f.magnitude)
            if verb == "G" { body = body.uppercased() }
        } else {
            let p = Int32(spec.precision ?? 6)
            body = cFormat("%.*" + String(verb == "v" ? "g" : String(verb)), [p, f.magnitude])
        }
        let sign = f.sign == .minus ? "-" : spec.plus ? "+" : spec.space ? " " : ""
        if spec.zero, !spec.minus, let w = spec.width, body.count + sign.count < w {
            body = String(repeating: "0", count: w - body.count - sign.count) + body
        }
        return pad(sign + body, Spec(minus: spec.minus, width: spec.width))
    }
}
