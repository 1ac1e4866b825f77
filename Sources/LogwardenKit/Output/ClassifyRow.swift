/// One output row of `classify` for one record.
public struct ClassifyRow {
    public enum Format: String, Sendable, CaseIterable { case jsonl, tsv }

    public var input: String?
    public var firstLine: Int
    public var lastLine: Int
    public var pattern: PatternDefinition?
    public var labels: [(name: String, value: String)]
    public var time: EpochMillis?

    public init(record: Record, match: Classification?, patterns: PatternSet, input: String?) {
        self.input = input
        firstLine = record.firstLine
        lastLine = record.lastLine
        time = record.time
        if let match {
            let p = patterns.patterns[match.pattern]
            pattern = p.definition
            labels = p.labels(captures: match.captures)
        } else {
            pattern = nil
            labels = []
        }
    }

    public static func tsvHeader(withInput: Bool) -> String {
        (withInput ? "input\t" : "") + "line\tend_line\tpattern\tclass\tseverity\ttime\tlabels"
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .jsonl:
            var members: [(String, JSON)] = []
            if let input { members.append(("input", .string(input))) }
            members += [
                ("line", .int(firstLine)), ("end_line", .int(lastLine)),
                ("pattern", .optional(pattern?.name)), ("class", .optional(pattern?.errorClass)),
                ("severity", .optional(pattern?.severity.rawValue)), ("labels", .labels(labels)), ("time", .time(time)),
            ]
            return JSON.object(members).rendered
        case .tsv:
            func clean(_ s: String) -> String {
                String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
            }
            let fields = [
                String(firstLine), String(lastLine), pattern?.name ?? "-", pattern?.errorClass ?? "-",
                pattern?.severity.rawValue ?? "-", time?.rfc3339 ?? "-",
                labels.isEmpty ? "-" : labels.map { "\($0.name)=\(clean($0.value))" }.joined(separator: ","),
            ]
            return ((input.map { [clean($0)] } ?? []) + fields).joined(separator: "\t")
        }
    }
}
