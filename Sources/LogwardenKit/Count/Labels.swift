/// A Prometheus label set: sorted by name, no empty values (Prometheus reads `l=""` as no
/// label). `__name__` holds the metric name.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    public struct Label: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var items: [Label] { didSet { hash = Self.hash(items) } }
    /// Label sets are dictionary keys in every evaluation: hash once.
    private var hash: Int

    public static let metricName = "__name__"

    public init(_ pairs: [(String, String)] = []) {
        let sorted = pairs.filter { !$0.1.isEmpty }.map { Label($0.0, $0.1) }.sorted { $0.name < $1.name }
        // Last one wins on duplicates, as a label builder would.
        var unique: [Label] = []
        for l in sorted {
            if let last = unique.last, last.name == l.name { unique[unique.count - 1] = l } else { unique.append(l) }
        }
        items = unique
        hash = Self.hash(unique)
    }

    private static func hash(_ items: [Label]) -> Int {
        var h = Hasher()
        h.combine(items)
        return h.finalize()
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    public static func == (a: Labels, b: Labels) -> Bool { a.hash == b.hash && a.items == b.items }

    public subscript(_ name: String) -> String? { items.first { $0.name == name }?.value }

    public var name: String? { self[Self.metricName] }

    public func setting(_ name: String, _ value: String) -> Labels {
        Labels(items.filter { $0.name != name }.map { ($0.name, $0.value) } + [(name, value)])
    }

    // Both return the same value, hash included, when nothing goes: most label sets handed
    // to `withoutName` have no name, and rehashing them is most of the work.
    public func removing(_ names: Set<String>) -> Labels {
        guard items.contains(where: { names.contains($0.name) }) else { return self }
        var l = self
        l.items.removeAll { names.contains($0.name) }
        return l
    }

    public func keeping(_ names: Set<String>) -> Labels {
        guard items.contains(where: { !names.contains($0.name) }) else { return self }
        var l = self
        l.items.removeAll { !names.contains($0.name) }
        return l
    }

    public var withoutName: Labels {
        guard items.contains(where: { $0.name == Self.metricName }) else { return self }
        return removing([Self.metricName])
    }

    public var pairs: [(name: String, value: String)] { items.map { ($0.name, $0.value) } }

    public static func < (a: Labels, b: Labels) -> Bool {
        for (x, y) in zip(a.items, b.items) {
            if x.name != y.name { return x.name < y.name }
            if x.value != y.value { return x.value < y.value }
        }
        return a.items.count < b.items.count
    }

    /// `{a="1", b="2"}` with the metric name in front when there is one, as PromQL prints it.
    public var description: String {
        let inner = items.filter { $0.name != Self.metricName }.map { "\($0.name)=\"\(Exposition.escapeLabel($0.value))\"" }.joined(separator: ", ")
        return (name ?? "") + "{" + inner + "}"
    }
}
