/// The literals a PCRE2 pattern cannot match without: a set such that every match contains
/// at least one of them (ASCII case-folded). Read from the pattern's syntax conservatively:
/// anything not understood requires nothing, so the prefilter stays exact.
public enum RequiredLiterals {
    /// Literals shorter than this are too common to be worth a filter.
    public static let minimumLength = 3

    /// Nil when the pattern has no usable required literal (it is then always tried).
    public static func of(_ pattern: String) -> Set<[UInt8]>? {
        var parser = Parser(Array(pattern.utf8))
        guard let node = try? parser.parseAlternation(), parser.atEnd else { return nil }
        let info = node.info
        guard let req = info.exact ?? info.required else { return nil }
        return score(req) >= minimumLength ? minimal(req) : nil
    }

    /// Without the strings that contain another of the set: finding the shorter one is
    /// enough (`readtimeout` makes `readtimeouterror` redundant).
    static func minimal(_ set: Set<[UInt8]>) -> Set<[UInt8]> {
        set.filter { s in !set.contains { t in t != s && t.count <= s.count && contains(s, t) } }
    }

    private static func contains(_ s: [UInt8], _ t: [UInt8]) -> Bool {
        guard t.count <= s.count else { return false }
        return (0...(s.count - t.count)).contains { i in s[i..<(i + t.count)].elementsEqual(t) }
    }

    static func score(_ set: Set<[UInt8]>) -> Int { set.map(\.count).min() ?? 0 }

    @inline(__always) static func fold(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c | 0x20 : c }

    // MARK: syntax tree

    indirect enum Node {
        case literal(UInt8)
        case anyChar          // a class, `.`, `\d`, a back-reference: one or more unknown bytes
        case zeroWidth        // anchors, `\b`, lookaround, option settings, comments
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)

        /// `exact`: the node matches exactly one of these strings; `required`: one of these appears.
        var info: (exact: Set<[UInt8]>?, required: Set<[UInt8]>?) {
            let f = facts
            return (f.exact, f.required)
        }

        /// What every match of the node looks like: exactly one of `exact`; or containing one
        /// of `required`, starting with `prefix` and ending with `suffix`. A literal run that
        /// meets a group continues into the group's prefix (`" (5\d\d)` requires `" 5`), and
        /// runs of small alternations multiply out (`(?:level|lvl)="?error` requires one of
        /// `level=error`, `level="error`, `lvl=error`, `lvl="error`).
        struct Facts {
            var exact: Set<[UInt8]>?
            var required: Set<[UInt8]>?
            var prefix: [UInt8]
            var suffix: [UInt8]

            static func exactly(_ s: [UInt8]) -> Facts { exactly([s]) }

            static func exactly(_ set: Set<[UInt8]>) -> Facts {
                let all = Array(set)
                return Facts(exact: set, required: set.contains([]) ? nil : set,
                             prefix: all.dropFirst().reduce(all[0]) { Node.common($0, $1) },
                             suffix: all.dropFirst().reduce(all[0]) { Node.commonSuffix($0, $1) })
            }

            static let unknown = Facts(exact: nil, required: nil, prefix: [], suffix: [])
        }

        /// Exact sets and products of them stay this small: an alternation of more strings
        /// is not exact, and a longer product is cut into its factors.
        static let maxSet = 64

        static func product(_ a: Set<[UInt8]>, _ b: Set<[UInt8]>) -> Set<[UInt8]>? {
            guard a.count * b.count <= maxSet else { return nil }
            var out = Set<[UInt8]>()
            for x in a { for y in b { out.insert(x + y) } }
            return out
        }

        var facts: Facts {
            switch self {
            case let .literal(c): return .exactly([RequiredLiterals.fold(c)])
            case .anyChar: return .unknown
            case .zeroWidth: return .exactly([])
            case let .sequence(items):
                let parts = items.map(\.facts)
                // `run`: the exact strings the parts since the last inexact one make together.
                var run: Set<[UInt8]> = [[]]
                var candidates: [Set<[UInt8]>] = []
                var prefix: [UInt8]? = nil
                var allExact = true
                for part in parts {
                    if let e = part.exact {
                        if let joined = Node.product(run, e) {
                            run = joined
                        } else {
                            // Too many: each factor is still required on its own.
                            allExact = false
                            candidates.append(run)
                            run = e
                        }
                        continue
                    }
                    if prefix == nil { prefix = allExact && run.count == 1 ? run.first! + part.prefix : [] }
                    allExact = false
                    if let joined = Node.product(run, [part.prefix]) { candidates.append(joined) } else { candidates.append(run) }
                    if let r = part.required { candidates.append(r) }
                    run = [part.suffix]
                }
                if allExact { return .exactly(run) }
                candidates.append(run)
                let best = candidates.max { RequiredLiterals.score($0) < RequiredLiterals.score($1) }
                let suffix = run.count == 1 ? run.first! : Array(run).dropFirst().reduce(Array(run)[0]) { Node.commonSuffix($0, $1) }
                return Facts(exact: nil, required: best.flatMap { RequiredLiterals.score($0) > 0 ? $0 : nil }, prefix: prefix ?? [], suffix: suffix)
            case let .alternation(branches):
                if branches.count == 1 { return branches[0].facts }
                let parts = branches.map(\.facts)
                if parts.allSatisfy({ $0.exact != nil }) {
                    let union = parts.reduce(into: Set<[UInt8]>()) { $0.formUnion($1.exact!) }
                    if union.count <= Node.maxSet { return .exactly(union) }
                }
                var union = Set<[UInt8]>()
                var complete = true
                for part in parts {
                    guard let r = part.required else {
                        complete = false
                        break
                    }
                    union.formUnion(r)
                }
                let prefix = parts.dropFirst().reduce(parts[0].prefix) { Node.common($0, $1.prefix) }
                let suffix = parts.dropFirst().reduce(parts[0].suffix) { Node.commonSuffix($0, $1.suffix) }
                return Facts(exact: nil, required: complete && union.count <= Node.maxSet ? union : nil, prefix: prefix, suffix: suffix)
            case let .repeated(node, min, max):
                let f = node.facts
                if min == 1 && max == 1 { return f }
                if f.exact == [[]] { return .exactly([]) }
                if min == 0 {
                    // Optional: the strings or nothing.
                    if max == 1, let e = f.exact, e.count < Node.maxSet { return .exactly(e.union([[]])) }
                    return .unknown
                }
                return Facts(exact: nil, required: f.required, prefix: f.prefix, suffix: f.suffix)
            }
        }

        static func common(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
            Array(zip(a, b).prefix { $0 == $1 }.map(\.0))
        }

        static func commonSuffix(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
            Array(common(a.reversed(), b.reversed()).reversed())
        }
    }

    struct Unsupported: Error {}

    // MARK: parser

    struct Parser {
        let s: [UInt8]
        var i = 0

        init(_ s: [UInt8]) { self.s = s }

        var atEnd: Bool { i >= s.count }

        func peek(_ k: Int = 0) -> UInt8? { i + k < s.count ? s[i + k] : nil }

        mutating func parseAlternation() throws(Unsupported) -> Node {
            var branches = [try parseSequence()]
            while peek() == UInt8(ascii: "|") {
                i += 1
                branches.append(try parseSequence())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseSequence() throws(Unsupported) -> Node {
            var items: [Node] = []
            while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
                var atom = try parseAtom()
                atom = try parseQuantifier(atom)
                items.append(atom)
            }
            return .sequence(items)
        }

        mutating func parseQuantifier(_ atom: Node) throws(Unsupported) -> Node {
            guard let c = peek() else { return atom }
            var min = 1
            var max: Int? = 1
            switch c {
            case UInt8(ascii: "*"): (min, max) = (0, nil); i += 1
            case UInt8(ascii: "+"): (min, max) = (1, nil); i += 1
            case UInt8(ascii: "?"): (min, max) = (0, 1); i += 1
            case UInt8(ascii: "{"):
                guard let (lo, hi, len) = braces() else { return atom }
                (min, max) = (lo, hi)
                i += len
            default: return atom
            }
            if peek() == UInt8(ascii: "?") || peek() == UInt8(ascii: "+") { i += 1 }
            return .repeated(atom, min: min, max: max)
        }

        /// `{n}`, `{n,}`, `{n,m}` at `i`; nil if the brace is a literal.
        func braces() -> (Int, Int?, Int)? {
            var j = i + 1
            var lo = 0
            var digits = 0
            while j < s.count, s[j] &- 48 < 10 { lo = lo * 10 + Int(s[j] - 48); j += 1; digits += 1 }
            guard digits > 0, j < s.count else { return nil }
            if s[j] == UInt8(ascii: "}") { return (lo, lo, j - i + 1) }
            guard s[j] == UInt8(ascii: ",") else { return nil }
            j += 1
            var hi = 0
            var hiDigits = 0
            while j < s.count, s[j] &- 48 < 10 { hi = hi * 10 + Int(s[j] - 48); j += 1; hiDigits += 1 }
            guard j < s.count, s[j] == UInt8(ascii: "}") else { return nil }
            return (lo, hiDigits > 0 ? hi : nil, j - i + 1)
        }

        mutating func parseAtom() throws(Unsupported) -> Node {
            let c = s[i]
            switch c {
            case UInt8(ascii: "("): return try parseGroup()
            case UInt8(ascii: "["):
                try skipClass()
                return .anyChar
            case UInt8(ascii: "."): i += 1; return .anyChar
            case UInt8(ascii: "^"), UInt8(ascii: "$"): i += 1; return .zeroWidth
            case UInt8(ascii: "\\"): return try parseEscape()
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"): throw Unsupported()
            default: i += 1; return .literal(c)
            }
        }

        mutating func parseGroup() throws(Unsupported) -> Node {
            i += 1
            var zeroWidth = false
            if peek() == UInt8(ascii: "*") { throw Unsupported() }
            if peek() == UInt8(ascii: "?") {
                i += 1
                guard let k = peek() else { throw Unsupported() }
                switch k {
                case UInt8(ascii: ":"), UInt8(ascii: "|"), UInt8(ascii: ">"): i += 1
                case UInt8(ascii: "="), UInt8(ascii: "!"): i += 1; zeroWidth = true
                case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "=") || peek(1) == UInt8(ascii: "!"):
                    i += 2; zeroWidth = true
                case UInt8(ascii: "<"), UInt8(ascii: "'"), UInt8(ascii: "P"):
                    if k == UInt8(ascii: "P") {
                        guard peek(1) == UInt8(ascii: "<") else { throw Unsupported() }
                        i += 1
                    }
                    let close = s[i] == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                    i += 1
                    while let c = peek(), c != close { i += 1 }
                    i += 1
                case UInt8(ascii: "#"):
                    while let c = peek(), c != UInt8(ascii: ")") { i += 1 }
                    i += 1
                    return .zeroWidth
                default:
                    // Option letters: (?i) (?-i) (?i:...). Extended mode changes what spaces mean.
                    var j = i
                    while j < s.count, s[j] != UInt8(ascii: ")"), s[j] != UInt8(ascii: ":") {
                        let f = s[j]
                        guard f == UInt8(ascii: "-") || f == UInt8(ascii: "^") || (f >= 97 && f <= 122) || f == UInt8(ascii: "J") || f == UInt8(ascii: "U")
                        else { throw Unsupported() }
                        if f == UInt8(ascii: "x") { throw Unsupported() }
                        j += 1
                    }
                    guard j < s.count else { throw Unsupported() }
                    i = j + 1
                    if s[j] == UInt8(ascii: ")") { return .zeroWidth }
                }
            }
            let inner = try parseAlternation()
            guard peek() == UInt8(ascii: ")") else { throw Unsupported() }
            i += 1
            return zeroWidth ? .zeroWidth : inner
        }

        mutating func skipClass() throws(Unsupported) {
            i += 1
            if peek() == UInt8(ascii: "^") { i += 1 }
            if peek() == UInt8(ascii: "]") { i += 1 }
            while let c = peek() {
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c == UInt8(ascii: "["), peek(1) == UInt8(ascii: ":") {
                    i += 2
                    while let d = peek(), d != UInt8(ascii: "]") { i += 1 }
                    i += 1
                    continue
                }
                i += 1
                if c == UInt8(ascii: "]") { return }
            }
            throw Unsupported()
        }

        mutating func parseEscape() throws(Unsupported) -> Node {
            guard let e = peek(1) else { throw Unsupported() }
            i += 2
            switch e {
            case UInt8(ascii: "n"): return .literal(10)
            case UInt8(ascii: "t"): return .literal(9)
            case UInt8(ascii: "r"): return .literal(13)
            case UInt8(ascii: "f"): return .literal(12)
            case UInt8(ascii: "e"): return .literal(27)
            case UInt8(ascii: "a"): return .literal(7)
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
                 UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "E"):
                return .zeroWidth
            case UInt8(ascii: "x"):
                if peek() == UInt8(ascii: "{") { throw Unsupported() }
                var v = 0
                var n = 0
                while n < 2, let h = peek(), let d = hexValue(h) { v = v * 16 + d; i += 1; n += 1 }
                return .literal(UInt8(v))
            case UInt8(ascii: "p"), UInt8(ascii: "P"):
                if peek() == UInt8(ascii: "{") {
                    while let c = peek(), c != UInt8(ascii: "}") { i += 1 }
                    i += 1
                } else { i += 1 }
                return .anyChar
            case UInt8(ascii: "Q"), UInt8(ascii: "c"), UInt8(ascii: "o"), UInt8(ascii: "g"), UInt8(ascii: "k"):
                throw Unsupported()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                throw Unsupported()
            default:
                let isAlnum = (e | 0x20 >= 97 && e | 0x20 <= 122)
                return isAlnum ? .anyChar : .literal(e)  // \d \w \s \h \v \R \N ...; \. \( \\ are literals
            }
        }

        func hexValue(_ c: UInt8) -> Int? {
            switch c {
            case 48...57: return Int(c - 48)
            case 65...70: return Int(c - 55)
            case 97...102: return Int(c - 87)
            default: return nil
            }
        }
    }
}
