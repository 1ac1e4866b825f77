/// The Prometheus text exposition format (version 0.0.4), written by hand so the order is
/// deterministic: families in the order given, samples sorted by their label values.
public struct MetricFamily: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram, untyped }

    public struct Sample: Sendable {
        /// Label pairs; written sorted by name.
        public var labels: [(name: String, value: String)]
        public var value: Double
        /// `_bucket`, `_sum` or `_count` for a histogram's samples.
        public var suffix: String

        public init(labels: [(name: String, value: String)], value: Double, suffix: String = "") {
            self.labels = labels.sorted { $0.name < $1.name }
            self.value = value
            self.suffix = suffix
        }
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(name: String, help: String, kind: Kind, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }
}

public enum Exposition {
    /// Renders families; a family with no samples is left out (promtool flags it otherwise).
    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            let rows = family.samples.map { sample -> (key: String, line: String) in
                let labels = sample.labels.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",")
                let key = sample.labels.map { "\($0.name)\u{1}\($0.value)" }.joined(separator: "\u{2}")
                return (key, family.name + sample.suffix + (labels.isEmpty ? "" : "{\(labels)}") + " " + format(sample.value) + "\n")
            }
            // A histogram's buckets go in the order of their bounds, as given.
            for row in family.kind == .histogram ? rows : rows.sorted(by: { $0.key < $1.key }) { out += row.line }
        }
        return out
    }

    /// Label values escape backslash, double quote and newline, as the format requires.
    public static func escapeLabel(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    public static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard let first = target.first else { return nil }
        var i = startIndex
        while let start = self[i...].firstIndex(of: first) {
            if self[start...].hasPrefix(target) {
                return start..<self.index(start, offsetBy: target.count)
            }
            i = self.index(after: start)
        }
        return nil
    }
}
