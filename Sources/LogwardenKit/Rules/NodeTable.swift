/// State kept per expression node of each rule (a filter, a view), found by array index:
/// it is looked up at every instant for every rule, where hashing a key would cost more
/// than the lookup is worth.
struct NodeTable<Value> {
    enum Entry {
        case unknown
        /// The node's shape is not kept between instants: evaluate it in full.
        case untracked
        case tracked(Value)
    }

    private var rows: [[[Entry]]] = []

    /// A node is its scope (group, rule) and its offset in the rule's expression; negative
    /// offsets name inner nodes that have none of their own.
    subscript(scope: EvaluationScope, offset: Int) -> Entry {
        get {
            let i = Self.index(offset)
            guard scope.group < rows.count, scope.rule < rows[scope.group].count, i < rows[scope.group][scope.rule].count else {
                return .unknown
            }
            return rows[scope.group][scope.rule][i]
        }
        set {
            let i = Self.index(offset)
            if rows.count <= scope.group { rows += Array(repeating: [], count: scope.group + 1 - rows.count) }
            if rows[scope.group].count <= scope.rule {
                rows[scope.group] += Array(repeating: [], count: scope.rule + 1 - rows[scope.group].count)
            }
            if rows[scope.group][scope.rule].count <= i {
                rows[scope.group][scope.rule] += Array(repeating: .unknown, count: i + 1 - rows[scope.group][scope.rule].count)
            }
            rows[scope.group][scope.rule][i] = newValue
        }
    }

    private static func index(_ offset: Int) -> Int { offset >= 0 ? 2 * offset : -2 * offset - 1 }
}
