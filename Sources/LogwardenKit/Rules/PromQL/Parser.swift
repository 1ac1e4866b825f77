/// Parses the PromQL subset logwarden evaluates. Anything else in PromQL is refused with
/// "not supported: …" naming it, never misread.
public struct ExprParser {
    private var tokens: [(Token, Int)]
    private var p = 0

    static let aggregations: Set<String> = ["sum", "min", "max", "avg", "count", "topk", "bottomk"]
    static let unsupportedAggregations: Set<String> = ["stddev", "stdvar", "quantile", "count_values", "group", "limitk", "limit_ratio"]
    static let comparison: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    public static func parse(_ text: String) throws(ExprError) -> Expr {
        var lexer = Lexer(text)
        var parser = ExprParser(tokens: try lexer.tokens())
        let e = try parser.parseExpr()
        guard case .end = parser.peek else { throw ExprError(parser.offset, "unexpected \(parser.describe(parser.peek)) after the expression") }
        if e.type != .vector && e.type != .scalar {
            throw ExprError(0, "the expression must be an instant vector or a scalar, not a \(e.type.rawValue)")
        }
        return e
    }

    private init(tokens: [(Token, Int)]) { self.tokens = tokens }

    private var peek: Token { tokens[p].0 }
    private var offset: Int { tokens[p].1 }
    private mutating func advance() { if p < tokens.count - 1 { p += 1 } }

    private func describe(_ t: Token) -> String {
        switch t {
        case let .identifier(s): return "'\(s)'"
        case let .number(n): return "number \(n)"
        case let .string(s): return "string \"\(s)\""
        case .duration: return "duration"
        case let .op(o): return "'\(o)'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .lbrace: return "'{'"
        case .rbrace: return "'}'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .comma: return "','"
        case .colon: return "':'"
        case .at: return "'@'"
        case .end: return "end of expression"
        }
    }

    private mutating func expect(_ t: Token, _ what: String) throws(ExprError) {
        guard peek == t else { throw ExprError(offset, "expected \(what), found \(describe(peek))") }
        advance()
    }

    private func isKeyword(_ word: String) -> Bool {
        if case let .identifier(w) = peek { return w.lowercased() == word }
        return false
    }

    // MARK: binary operators, lowest precedence first

    mutating func parseExpr() throws(ExprError) -> Expr { try parseBinary(level: 0) }

    private static let levels: [[String]] = [["or"], ["and", "unless"], ["==", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%", "atan2"]]

    private func operatorAt(level: Int) -> String? {
        switch peek {
        case let .op(o) where Self.levels[level].contains(o): return o
        case let .identifier(w) where Self.levels[level].contains(w.lowercased()): return w.lowercased()
        default: return nil
        }
    }

    private mutating func parseBinary(level: Int) throws(ExprError) -> Expr {
        if level == Self.levels.count { return try parseUnary() }
        var lhs = try parseBinary(level: level + 1)
        while let op = operatorAt(level: level) {
            let at = offset
            if op == "atan2" { throw ExprError(at, "not supported: operator 'atan2'") }
            advance()
            var returnBool = false
            if isKeyword("bool") {
                guard Self.comparison.contains(op) else { throw ExprError(offset, "'bool' only goes with comparison operators") }
                returnBool = true
                advance()
            }
            var matching: VectorMatching? = nil
            if isKeyword("on") || isKeyword("ignoring") {
                let on = isKeyword("on")
                advance()
                matching = VectorMatching(on: on, labels: try labelList())
            }
            if isKeyword("group_left") || isKeyword("group_right") {
                throw ExprError(offset, "not supported: many-to-one matching (group_left/group_right)")
            }
            let rhs = try parseBinary(level: level + 1)
            lhs = try binary(op, lhs, rhs, returnBool, matching, at)
        }
        return lhs
    }

    private func binary(_ op: String, _ lhs: Expr, _ rhs: Expr, _ returnBool: Bool, _ matching: VectorMatching?, _ at: Int) throws(ExprError) -> Expr {
        for side in [lhs, rhs] where side.type != .scalar && side.type != .vector {
            throw ExprError(at, "operator '\(op)' needs instant vectors or scalars, not a \(side.type.rawValue)")
        }
        let setOp = ["and", "or", "unless"].contains(op)
        if setOp, lhs.type != .vector || rhs.type != .vector {
            throw ExprError(at, "set operator '\(op)' needs instant vectors on both sides")
        }
        if Self.comparison.contains(op), lhs.type == .scalar, rhs.type == .scalar, !returnBool {
            throw ExprError(at, "comparisons between scalars need the 'bool' modifier")
        }
        if matching != nil, lhs.type != .vector || rhs.type != .vector {
            throw ExprError(at, "on()/ignoring() only go between two instant vectors")
        }
        return .binary(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching, offset: at)
    }

    private mutating func parseUnary() throws(ExprError) -> Expr {
        if case let .op(o) = peek, o == "-" || o == "+" {
            advance()
            let e = try parseUnary()
            guard e.type == .scalar || e.type == .vector else { throw ExprError(offset, "unary '\(o)' needs a scalar or an instant vector") }
            return o == "-" ? .unary("-", e) : e
        }
        return try parsePower()
    }

    /// `^` is right-associative and binds tighter than unary minus: `-2^2` is -4.
    private mutating func parsePower() throws(ExprError) -> Expr {
        let lhs = try parsePostfix()
        if case .op("^") = peek {
            let at = offset
            advance()
            let rhs = try parseUnary()
            return try binary("^", lhs, rhs, false, nil, at)
        }
        return lhs
    }

    private mutating func parsePostfix() throws(ExprError) -> Expr {
        var e = try parsePrimary()
        while true {
            if case .lbracket = peek {
                let at = offset
                guard case let .selector(sel, selAt) = e else { throw ExprError(at, "a range [..] only goes after a metric selector") }
                advance()
                guard case let .duration(ms) = peek else { throw ExprError(offset, "expected a duration such as 5m inside [ ]") }
                advance()
                if case .colon = peek { throw ExprError(offset, "not supported: subqueries ([range:step])") }
                try expect(.rbracket, "']'")
                guard ms > 0 else { throw ExprError(at, "a range must be longer than zero") }
                e = .range(sel, ms, offset: selAt)
            } else if isKeyword("offset") {
                throw ExprError(offset, "not supported: the offset modifier (windows are on the logs' own time)")
            } else if case .at = peek {
                throw ExprError(offset, "not supported: the @ modifier")
            } else {
                return e
            }
        }
    }

    private mutating func parsePrimary() throws(ExprError) -> Expr {
        let at = offset
        switch peek {
        case let .number(n):
            advance()
            return .number(n)
        case let .string(s):
            advance()
            return .string(s)
        case .lparen:
            advance()
            let e = try parseExpr()
            try expect(.rparen, "')'")
            return .paren(e)
        case .lbrace:
            let matchers = try matcherList()
            guard matchers.contains(where: { !$0.value.isEmpty && ($0.op == .equal || $0.op == .regex) }) else {
                throw ExprError(at, "a selector without a metric name needs a matcher that does not match the empty string")
            }
            return .selector(VectorSelector(name: nil, matchers: matchers), offset: at)
        case let .identifier(word):
            advance()
            let lower = word.lowercased()
            if Self.aggregations.contains(lower) { return try aggregation(lower, at) }
            if Self.unsupportedAggregations.contains(lower) { throw ExprError(at, "not supported: aggregation '\(lower)'") }
            if case .lparen = peek { return try call(word, at) }
            if ["by", "without", "on", "ignoring", "bool", "and", "or", "unless", "offset", "group_left", "group_right"].contains(lower) {
                throw ExprError(at, "unexpected keyword '\(word)'")
            }
            var matchers: [LabelMatcher] = []
            if case .lbrace = peek { matchers = try matcherList() }
            return .selector(VectorSelector(name: word, matchers: matchers), offset: at)
        default:
            throw ExprError(at, "unexpected \(describe(peek))")
        }
    }

    private mutating func aggregation(_ op: String, _ at: Int) throws(ExprError) -> Expr {
        var grouping: [String] = []
        var without = false
        var hasGrouping = false
        if isKeyword("by") || isKeyword("without") {
            without = isKeyword("without")
            advance()
            grouping = try labelList()
            hasGrouping = true
        }
        try expect(.lparen, "'(' after '\(op)'")
        var param: Expr? = nil
        if op == "topk" || op == "bottomk" {
            param = try parseExpr()
            guard param!.type == .scalar else { throw ExprError(at, "\(op) needs a scalar as its first argument") }
            try expect(.comma, "',' after the parameter of \(op)")
        }
        let inner = try parseExpr()
        try expect(.rparen, "')'")
        if !hasGrouping, isKeyword("by") || isKeyword("without") {
            without = isKeyword("without")
            advance()
            grouping = try labelList()
        }
        guard inner.type == .vector else { throw ExprError(at, "\(op) needs an instant vector, not a \(inner.type.rawValue)") }
        return .aggregate(op: op, param: param, expr: inner, grouping: grouping, without: without, offset: at)
    }

    private mutating func call(_ name: String, _ at: Int) throws(ExprError) -> Expr {
        advance()  // (
        var args: [Expr] = []
        if case .rparen = peek { advance() } else {
            while true {
                args.append(try parseExpr())
                if case .comma = peek { advance(); continue }
                try expect(.rparen, "')' or ','")
                break
            }
        }
        try Functions.check(name, args, at)
        // `rate((x[5m]))` is `rate(x[5m])`, as in Prometheus: every reader of a range expects it bare.
        return .call(name, args.map { $0.type == .matrix ? $0.unparenthesized : $0 }, offset: at)
    }

    private mutating func labelList() throws(ExprError) -> [String] {
        try expect(.lparen, "'('")
        var names: [String] = []
        if case .rparen = peek { advance(); return names }
        while true {
            guard case let .identifier(n) = peek else { throw ExprError(offset, "expected a label name, found \(describe(peek))") }
            names.append(n)
            advance()
            if case .comma = peek { advance(); if case .rparen = peek { advance(); return names }; continue }
            try expect(.rparen, "')' or ','")
            return names
        }
    }

    private mutating func matcherList() throws(ExprError) -> [LabelMatcher] {
        try expect(.lbrace, "'{'")
        var out: [LabelMatcher] = []
        while true {
            if case .rbrace = peek { advance(); return out }
            guard case let .identifier(name) = peek else { throw ExprError(offset, "expected a label name, found \(describe(peek))") }
            let nameAt = offset
            advance()
            let opAt = offset
            guard case let .op(o) = peek, let op = LabelMatcher.Op(rawValue: o) else {
                throw ExprError(offset, "expected one of = != =~ !~ after '\(name)', found \(describe(peek))")
            }
            advance()
            guard case let .string(value) = peek else { throw ExprError(offset, "expected a quoted label value, found \(describe(peek))") }
            advance()
            do {
                var matcher = try LabelMatcher(name: name, op: op, value: value)
                matcher.offset = nameAt
                out.append(matcher)
            } catch {
                throw ExprError(opAt, "invalid regex for '\(name)': \(error.message)")
            }
            if case .comma = peek { advance(); continue }
            guard case .rbrace = peek else { throw ExprError(offset, "expected ',' or '}', found \(describe(peek))") }
        }
    }
}
