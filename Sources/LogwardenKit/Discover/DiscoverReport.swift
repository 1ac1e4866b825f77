/// Renders mined templates for `discover`: a table (`text`), JSON Lines (`json`), or
/// candidate pattern definitions (`yaml`) that `logwarden check` accepts as they are.
public enum DiscoverReport {
    public enum Format: String, CaseIterable, Sendable { case text, json, yaml }

    public static func render(_ templates: [LogTemplate], format: Format, records: Int, mined: Int, evictions: Int) -> String {
        switch format {
        case .text: return text(templates, records: records, mined: mined, evictions: evictions)
        case .json: return json(templates, records: records, mined: mined, evictions: evictions)
        case .yaml: return yaml(templates)
        }
    }

    static func example(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingAll("\n", with: "⏎")
    }

    static func text(_ templates: [LogTemplate], records: Int, mined: Int, evictions: Int) -> String {
        var out = "COUNT  FIRST SEEN                LAST SEEN                 ID            TEMPLATE\n"
        for t in templates {
            let first = (t.firstSeen?.rfc3339 ?? "-").padding(24), last = (t.lastSeen?.rfc3339 ?? "-").padding(24)
            out += "\(String(t.count).padding(5))  \(first)  \(last)  \(t.id)  \(t.text)\n"
            for e in t.examples { out += "       e.g. \(example(e))\n" }
        }
        out += "\n\(templates.count) uncovered templates from \(mined) unmatched of \(records) records"
        out += evictions > 0 ? "; \(evictions) templates evicted (raise --max-templates)\n" : ".\n"
        return out
    }

    static func json(_ templates: [LogTemplate], records: Int, mined: Int, evictions: Int) -> String {
        var out = ""
        for t in templates {
            let candidate = CandidatePattern(t)
            JSON.object([
                ("type", .string("template")), ("id", .string(t.id.description)), ("template", .string(t.text)),
                ("count", .int(t.count)), ("firstSeen", .time(t.firstSeen)), ("lastSeen", .time(t.lastSeen)),
                ("examples", .array(t.examples.map { .string(String(decoding: $0, as: UTF8.self)) })),
                ("match", .string(candidate.match)), ("class", .string(candidate.errorClass)),
            ]).write(to: &out)
            out += "\n"
        }
        JSON.object([("type", .string("summary")), ("records", .int(records)), ("unmatched", .int(mined)),
                     ("templates", .int(templates.count)), ("evictions", .int(evictions))]).write(to: &out)
        return out + "\n"
    }

    static func yaml(_ templates: [LogTemplate]) -> String {
        var out = """
            # Candidate patterns from `logwarden discover`, most specific first. Review each name,
            # class and severity; `\(CandidatePattern.undecidedClass)` marks templates whose words suggest no class,
            # `\(CandidatePattern.errorClass)` error templates of no more specific class.
            classes: [\(CandidatePattern.undecidedClass), \(CandidatePattern.errorClass)]
            patterns:

            """
        if templates.isEmpty { return out.replacingAll("patterns:\n", with: "patterns: []\n") }
        // Equal priorities are tried in file order: the most specific candidate first, so a
        // general one never takes the records of a narrower one.
        let candidates: [(LogTemplate, CandidatePattern)] = templates.map { ($0, CandidatePattern($0)) }.sorted { a, b in
            if a.1.specificity != b.1.specificity { return a.1.specificity > b.1.specificity }
            if a.0.count != b.0.count { return a.0.count > b.0.count }
            return a.0.id < b.0.id
        }
        for (t, c) in candidates {
            out += "  # \(t.count) records, template: \(c.template.replacingAll("\n", with: " "))\n"
            out += "  - name: \(c.name)\n"
            out += "    class: \(c.errorClass)\n"
            out += "    severity: \(c.severity.rawValue)\n"
            out += "    priority: \(c.priority)\n"
            out += "    match: \(quoted(c.match))\n"
            if !c.examples.isEmpty {
                out += "    examples:\n"
                for e in c.examples { out += "      - \(quoted(e))\n" }
            }
        }
        return out
    }

    /// A YAML scalar: single-quoted when printable, else double-quoted with escapes.
    static func quoted(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value != 127 }) {
            return "'" + s.replacingAll("'", with: "''") + "'"
        }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 32 || u.value == 127 {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
