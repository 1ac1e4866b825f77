/// A label matcher of a selector: `name op "value"`.
public struct LabelMatcher: Sendable {
    public enum Op: String, Sendable { case equal = "=", notEqual = "!=", regex = "=~", notRegex = "!~" }

    public var name: String
    public var op: Op
    public var value: String
    /// Regex matchers are fully anchored, as in PromQL.
    public var regex: CompiledRegex?
    /// Where its label name is in the expression, for warnings.
    public var offset = 0

    public init(name: String, op: Op, value: String) throws(RegexCompileError) {
        self.name = name
        self.op = op
        self.value = value
        regex = (op == .regex || op == .notRegex) ? try CompiledRegex("^(?:" + value + ")$") : nil
    }
}

/// `metric{label="x"}`: the metric name (if any) and the other matchers.
public struct VectorSelector: Sendable {
    public var name: String?
    public var matchers: [LabelMatcher]
    /// A stable identity, computed once, for caches of matching series.
    public let key: String

    public init(name: String?, matchers: [LabelMatcher]) {
        self.name = name
        self.matchers = matchers
        key = (name ?? "") + "{" + matchers.map { "\($0.name)\($0.op.rawValue)\($0.value)" }.joined(separator: "\u{1}") + "}"
    }

    /// Selects by metric name, as `x{…}` or `{__name__=~"…"}` do; `{pattern="x"}` does not.
    public var namesMetric: Bool { name != nil || matchers.contains { $0.name == Labels.metricName } }
}

/// `on(a, b)` or `ignoring(a, b)` on a binary operation between vectors.
public struct VectorMatching: Sendable {
    public var on: Bool
    public var labels: [String]
}

/// What an expression evaluates to, checked when it is parsed.
public enum ValueType: String, Sendable { case scalar, vector = "instant vector", matrix = "range vector", string }

/// A parsed PromQL expression. `offset` is where it starts, for errors at evaluation time.
public indirect enum Expr: Sendable {
    case number(Double)
    case string(String)
    case selector(VectorSelector, offset: Int)
    case range(VectorSelector, Int64, offset: Int)
    case call(String, [Expr], offset: Int)
    case aggregate(op: String, param: Expr?, expr: Expr, grouping: [String], without: Bool, offset: Int)
    case binary(op: String, lhs: Expr, rhs: Expr, returnBool: Bool, matching: VectorMatching?, offset: Int)
    case unary(String, Expr)
    case paren(Expr)

    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .selector: return .vector
        case .range: return .matrix
        case let .call(name, args, _): return Functions.returnType(name, args)
        case .aggregate: return .vector
        case let .binary(_, lhs, rhs, _, _, _): return lhs.type == .scalar && rhs.type == .scalar ? .scalar : .vector
        case let .unary(_, e), let .paren(e): return e.type
        }
    }

    /// Calls `visit` on this node and on every node inside it, outer ones first.
    func walk(_ visit: (Expr) -> Void) {
        visit(self)
        switch self {
        case let .call(_, args, _): args.forEach { $0.walk(visit) }
        case let .aggregate(_, p, e, _, _, _): p?.walk(visit); e.walk(visit)
        case let .binary(_, l, r, _, _, _): l.walk(visit); r.walk(visit)
        case let .unary(_, e), let .paren(e): e.walk(visit)
        default: break
        }
    }

    /// Without the parentheses around it.
    var unparenthesized: Expr {
        if case let .paren(inner) = self { return inner.unparenthesized }
        return self
    }

    /// Every range used, for the bucket width and how much history to keep.
    public var ranges: [Int64] {
        switch self {
        case let .range(_, r, _): return [r]
        case let .call(_, args, _): return args.flatMap(\.ranges)
        case let .aggregate(_, p, e, _, _, _): return (p?.ranges ?? []) + e.ranges
        case let .binary(_, l, r, _, _, _): return l.ranges + r.ranges
        case let .unary(_, e), let .paren(e): return e.ranges
        default: return []
        }
    }

    /// Every selector, to find the series that are an alert's evidence.
    public var selectors: [VectorSelector] {
        switch self {
        case let .selector(s, _), let .range(s, _, _): return [s]
        case let .call(_, args, _): return args.flatMap(\.selectors)
        case let .aggregate(_, p, e, _, _, _): return (p?.selectors ?? []) + e.selectors
        case let .binary(_, l, r, _, _, _): return l.selectors + r.selectors
        case let .unary(_, e), let .paren(e): return e.selectors
        default: return []
        }
    }
}
