/// The end-of-run report of `scan`: a table for people, a JSON object for programs.
public struct ScanSummary {
    public let counts: MatchCounts
    public let exitStatus: Int32

    public init(counts: MatchCounts, exitStatus: Int32) {
        self.counts = counts
        self.exitStatus = exitStatus
    }

    /// One row per (pattern, label set) that matched, most severe and most frequent first.
    public var rows: [(key: SeriesKey, stats: SeriesStats)] {
        let patterns = counts.patterns.patterns
        return counts.series.filter { $0.value.count > 0 }.map { (key: $0.key, stats: $0.value) }.sorted { a, b in
            let pa = patterns[a.key.pattern].definition, pb = patterns[b.key.pattern].definition
            if pa.severity.rank != pb.severity.rank { return pa.severity.rank > pb.severity.rank }
            if a.stats.count != b.stats.count { return a.stats.count > b.stats.count }
            if pa.name != pb.name { return pa.name < pb.name }
            return a.key.captures.lexicographicallyPrecedes(b.key.captures)
        }
    }

    public func labels(_ key: SeriesKey) -> [(name: String, value: String)] {
        counts.patterns.patterns[key.pattern].labels(captures: key.captures)
    }

    // MARK: text

    public func table() -> String {
        let patterns = counts.patterns.patterns
        var out = ""
        let rows = self.rows
        if rows.isEmpty {
            out += "No error pattern matched.\n"
        } else {
            var cells: [[String]] = [["PATTERN", "CLASS", "SEVERITY", "COUNT", "FIRST SEEN", "LAST SEEN", "EXAMPLE"]]
            for row in rows {
                let def = patterns[row.key.pattern].definition
                let labels = labels(row.key).filter { l in !def.labels.contains { $0.name == l.name } }
                let name = def.name + (labels.isEmpty ? "" : "{" + labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "}")
                cells.append([name, def.errorClass, def.severity.rawValue, String(row.stats.count),
                              row.stats.firstSeen.map(Self.shortTime) ?? "-", row.stats.lastSeen.map(Self.shortTime) ?? "-",
                              Self.oneLine(row.stats.example?.headline ?? "", max: 72)])
            }
            out += Self.align(cells)
        }
        let records = counts.records
        let matched = counts.matched
        let pct = records == 0 ? 0 : Double(matched) * 100 / Double(records)
        let inputs = counts.inputs.count
        out += "\n\(records) records in \(inputs) input\(inputs == 1 ? "" : "s"): \(matched) matched (\(Self.percent(pct))), \(counts.unmatched) unmatched"
        if let first = counts.firstTime, let last = counts.lastTime {
            out += ", from \(Self.shortTime(first)) to \(Self.shortTime(last))"
        }
        out += ".\n"
        return out
    }

    static func shortTime(_ t: EpochMillis) -> String {
        let s = (t - ((t % 1000) + 1000) % 1000).rfc3339
        return s
    }

    static func percent(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// The first line, cut to `max` characters, so each row stays one line.
    static func oneLine(_ s: String, max: Int) -> String {
        let first = Example.firstLine(s)
        if first.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: a byte is a character.
            var bytes = first.utf8.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: " ") : $0 }
            guard bytes.count > max else { return String(decoding: bytes, as: UTF8.self) }
            bytes.removeSubrange((max - 1)...)
            return String(decoding: bytes, as: UTF8.self) + "…"
        }
        let clean = String(first.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return clean.count > max ? String(clean.prefix(max - 1)) + "…" : clean
    }

    static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// "5 alerts fired: 2 critical, 3 warning." after the table, and why the run exits 1 (or
    /// 2, when rules failed at evaluation).
    public static func alertsLine(_ fired: [AlertTransition], failOn: Severity?, status: Int32, ruleProblems: Int = 0) -> String {
        var out = ""
        if !fired.isEmpty {
            var bySeverity: [String: Int] = [:]
            for t in fired { bySeverity[t.severity ?? "", default: 0] += 1 }
            // Only a templated severity can be none of the six: it is named, never dropped.
            let unknown = bySeverity.keys.filter { !$0.isEmpty && Severity(rawValue: $0) == nil }.sorted()
            let parts = Severity.allCases.compactMap { s in bySeverity[s.rawValue].map { "\($0) \(s.rawValue)" } }
                + unknown.map { "\(bySeverity[$0]!) with unknown severity '\($0)'" }
                + (bySeverity[""].map { ["\($0) without severity"] } ?? [])
            out = "\(fired.count) alert\(fired.count == 1 ? "" : "s") fired: \(parts.joined(separator: ", "))."
            if let failOn, status == 1 { out += " Exit 1: at or above --fail-on \(failOn.rawValue)." }
            out += "\n"
        }
        if ruleProblems > 0 {
            out += "\(ruleProblems) rule\(ruleProblems == 1 ? "" : "s") failed at evaluation or gave an unknown severity (see stderr). Exit 2.\n"
        }
        return out
    }

    // MARK: JSON

    public func json(fired: [AlertTransition]) -> JSON { json(alerts: fired.map(\.summaryJSON)) }

    public func json(alerts: [JSON] = []) -> JSON {
        let patterns = counts.patterns.patterns
        let rows: [JSON] = rows.map { row in
            let def = patterns[row.key.pattern].definition
            return .object([
                ("name", .string(def.name)), ("class", .string(def.errorClass)), ("severity", .string(def.severity.rawValue)),
                ("labels", .labels(labels(row.key))), ("count", .int(row.stats.count)),
                ("firstSeen", .time(row.stats.firstSeen)), ("lastSeen", .time(row.stats.lastSeen)),
                ("example", row.stats.example.map { ex in
                    .object([("input", .string(ex.input)), ("line", .int(ex.line)), ("text", .string(ex.text))])
                } ?? .null),
            ])
        }
        return .object([
            ("type", .string("summary")),
            ("records", .int(counts.records)),
            ("matched", .int(counts.matched)),
            ("unmatched", .int(counts.unmatched)),
            ("inputs", .array(counts.inputs.map { .object([("name", .string($0.name)), ("records", .int($0.records))]) })),
            ("firstTime", .time(counts.firstTime)),
            ("lastTime", .time(counts.lastTime)),
            ("patterns", .array(rows)),
            ("alerts", .array(alerts)),
            ("exitStatus", .int(Int(exitStatus))),
        ])
    }
}

extension AlertTransition {
    /// A fired alert in the summary object.
    var summaryJSON: JSON {
        .object([
            ("alertname", .string(rule)), ("labels", .labels(alert.labels.pairs)),
            ("annotations", .object(alert.annotations.map { ($0.name, .string($0.value)) })),
            ("firedAt", .time(evalTime)), ("activeAt", .time(alert.activeAt)), ("value", .double(alert.value)),
        ])
    }
}

extension Severity {
    /// `--fail-on`: an alert at or above this severity fired (an alert without one counts as info).
    public func isMet(by fired: [AlertTransition]) -> Bool {
        fired.contains { (Severity(rawValue: $0.severity ?? "") ?? .info).rank >= rank }
    }
}
