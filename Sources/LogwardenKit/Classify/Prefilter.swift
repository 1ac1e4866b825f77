/// Decides which patterns are worth running on a record. Each pattern's required literals
/// (see `RequiredLiterals`) go into one `LiteralMatcher`; a pattern none of whose literals
/// occurs cannot match and is skipped. Patterns without a usable literal are always tried.
/// Exact by construction: it only removes patterns that could not have matched.
public struct Prefilter: Sendable {
    public let matcher: LiteralMatcher
    /// Per pattern: true when it has no required literal and is always tried.
    public let alwaysTried: [Bool]
    public let filteredCount: Int
    /// The always-tried patterns, in order; and those of them that can match without JSON
    /// fields (a pattern with `fields:` cannot match a plain-text record).
    public let alwaysIndices: [Int32]
    public let alwaysTextIndices: [Int32]

    public static func build(_ patterns: [Pattern]) -> Prefilter {
        var literals: [(bytes: [UInt8], owner: Int)] = []
        var always = [Bool](repeating: true, count: patterns.count)
        for (i, p) in patterns.enumerated() {
            guard let source = p.definition.match, let set = RequiredLiterals.of(source) else { continue }
            always[i] = false
            for lit in set.sorted(by: { $0.lexicographicallyPrecedes($1) }) { literals.append((lit, i)) }
        }
        let indices = always.indices.filter { always[$0] }
        return Prefilter(matcher: LiteralMatcher(literals), alwaysTried: always, filteredCount: always.filter { !$0 }.count,
                         alwaysIndices: indices.map(Int32.init),
                         alwaysTextIndices: indices.filter { patterns[$0].fieldRegexes.isEmpty }.map(Int32.init))
    }
}
