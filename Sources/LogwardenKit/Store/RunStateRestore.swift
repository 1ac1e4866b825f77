import Foundation
import GRDB

/// What a state file gives back to a run: counts, series and windows, rule schedules and
/// alerts, the outbox and templates, and how each is encoded in its rows.
extension RunState {
    // MARK: restoring

    /// Counts of earlier runs for patterns that are unchanged (same name and definition).
    static func restoreCounts(_ db: Database, _ meta: [String: Int64], _ counts: inout MatchCounts,
                                      _ patterns: PatternSet) throws -> [SeriesKey: Int] {
        var index: [String: Int] = [:]
        for (i, p) in patterns.patterns.enumerated() { index[p.name + "\u{1}" + p.definition.identity] = i }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM pattern_totals") {
            guard let i = index[(row["pattern"] as String) + "\u{1}" + (row["identity"] as String)] else { continue }
            counts.restore(pattern: i, stats: stats(row), distinct: row["distinct_values"], overflow: row["overflow"],
                           matchErrors: row["match_errors"])
        }
        var committed: [SeriesKey: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM pattern_counts") {
            guard let i = index[(row["pattern"] as String) + "\u{1}" + (row["identity"] as String)] else { continue }
            let key = SeriesKey(pattern: i, captures: decodeStrings(row["captures"]))
            let s = stats(row)
            counts.restore(series: key, stats: s)
            committed[key] = s.count
        }
        for row in try Row.fetchAll(db, sql: "SELECT name, records, late FROM input_counts") {
            counts.restore(input: row["name"], records: row["records"], late: row["late"])
        }
        counts.restore(unmatched: Int(meta["unmatched"] ?? 0), truncated: Int(meta["truncated"] ?? 0),
                       firstTime: meta["first_time"], lastTime: meta["last_time"])
        return committed
    }

    static func restoreOutbox(_ db: Database) throws -> Outbox {
        var outbox = Outbox()
        for row in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id") {
            outbox.entries.append(OutboxEntry(id: row["id"], kind: row["kind"], url: row["url"], body: row["body"],
                                              expires: row["expires"], queuedAt: row["queued_at"]))
        }
        for row in try Row.fetchAll(db, sql: "SELECT fingerprint, sent_at FROM notify_sent") {
            outbox.lastSent[row["fingerprint"]] = row["sent_at"]
        }
        return outbox
    }

    static func restoreTemplates(_ db: Database) throws -> [LogTemplate] {
        try Row.fetchAll(db, sql: "SELECT * FROM templates ORDER BY count DESC, id").map { row in
            LogTemplate(tokens: decodeStrings(row["tokens"]).map { Array($0.utf8) }, open: row["open"], count: row["count"],
                        firstSeen: row["first_seen"], lastSeen: row["last_seen"],
                        examples: decodeStrings(row["examples"]).map { Array($0.utf8) })
        }
    }

    static func stats(_ row: Row) -> SeriesStats {
        var s = SeriesStats()
        s.count = row["count"]
        s.firstSeen = row["first_seen"]
        s.lastSeen = row["last_seen"]
        s.example = decodeExample(row["example"])
        return s
    }

    static func restoreSeries(_ db: Database, _ meta: [String: Int64], _ store: SeriesStore) throws
        -> ([Labels: Int], [Labels: Int64]) {
        var totals: [Labels: Int] = [:]
        var ids: [Labels: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM series ORDER BY id") {
            let labels = decodeLabels(row["labels"])
            let samples = decodeObjects(row["samples"]).map { o in
                SeriesStore.Sample(time: (o["time"] as? NSNumber)?.int64Value, countedAt: (o["at"] as? NSNumber)?.int64Value,
                                   input: o["input"] as? String ?? "", line: (o["line"] as? NSNumber)?.intValue ?? 0,
                                   text: o["text"] as? String ?? "")
            }
            let id: Int64 = row["id"]
            store.restore(labels: labels, evidence: row["evidence"], total: row["total"], cells: WindowCells.decode(row["cells"]),
                          samples: samples)
            totals[labels] = row["total"]
            ids[labels] = id
        }
        store.restore(watermark: meta["watermark"], lateRecords: Int(meta["late_records"] ?? 0))
        return (totals, ids)
    }

    static func restoreRules(_ db: Database, _ meta: [String: Int64], _ engine: RuleEngine) throws {
        var next: [String: (interval: Int64, next: EpochMillis)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM rule_groups") { next[row["name"]] = (row["interval"], row["next"]) }
        engine.restore(next: next, evaluations: Int(meta["evaluations"] ?? 0))
        var alerts: [String: [Alert]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM alerts ORDER BY rule_key, seq") {
            guard let state = AlertState(rawValue: row["state"]) else { continue }
            alerts[row["rule_key"], default: []].append(Alert(
                labels: decodeLabels(row["labels"]), elementLabels: decodeLabels(row["element_labels"]), annotations: [],
                state: state, value: row["value"], activeAt: row["active_at"], firedAt: row["fired_at"],
                resolvedAt: row["resolved_at"], keepFiringSince: row["keep_firing_since"]))
        }
        // Rules that are gone or changed find nothing here: their state is dropped.
        for group in engine.groups {
            for rule in group.alerts.compactMap({ $0 }) {
                if let saved = alerts[ruleKey(group.definition.name, rule.definition)] { rule.restore(saved) }
            }
        }
    }

    // MARK: encoding

    static func encode(_ strings: [String]) -> String { JSON.array(strings.map(JSON.string)).rendered }

    static func encode(_ example: Example?) -> String? {
        example.map { e in
            JSON.object([("input", .string(e.input)), ("line", .int(e.line)), ("text", .string(e.text)), ("headline", .string(e.headline))]).rendered
        }
    }

    static func decodeStrings(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }

    static func decodeLabels(_ text: String) -> Labels {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
        return Labels(object.map { ($0.key, $0.value) })
    }

    static func decodeObjects(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }

    static func decodeExample(_ text: String?) -> Example? {
        guard let text, let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return nil }
        return Example(input: o["input"] as? String ?? "", line: (o["line"] as? NSNumber)?.intValue ?? 0,
                       text: o["text"] as? String ?? "", headline: o["headline"] as? String)
    }
}
