import Foundation
import GRDB

/// Alert transitions committed with the records that caused them, and not yet written to
/// stdout. A `scan --state` commits a transition first and prints it after: a run stopped
/// in between (SIGTERM, `kill -9`, a full pipe) leaves it here, and the next run prints it
/// before anything else, so every transition reaches stdout, and `--fail-on`, once. A kill
/// between the write to stdout and the deletion of its row leaves a row already printed:
/// into a file, `OutputMark` finds it there; into a pipe, the next run prints it again.
struct UnprintedTransitions {
    /// The transitions left by earlier runs, oldest first, with their row ids.
    static func load(_ db: Database) throws -> [(id: Int64, transition: AlertTransition)] {
        try Row.fetchAll(db, sql: "SELECT id, body FROM unprinted ORDER BY id").compactMap { row in
            guard let t = decode(row["body"]) else { return nil }
            return (row["id"], t)
        }
    }

    /// Adds `transitions`; returns the id of the last one (nil when there were none).
    static func save(_ db: Database, _ transitions: [AlertTransition]) throws -> Int64? {
        var last: Int64? = nil
        for t in transitions {
            try db.cachedStatement(sql: "INSERT INTO unprinted(body) VALUES (?)").execute(arguments: [encode(t).rendered])
            last = db.lastInsertedRowID
        }
        return last
    }

    /// Forgets every transition up to `id`: they are on stdout.
    static func delete(_ db: Database, through id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM unprinted WHERE id <= ?").execute(arguments: [id])
    }

    // MARK: encoding

    /// Everything a sink reads, times in epoch milliseconds, the value as text (it may be
    /// infinite or NaN, which JSON numbers cannot hold).
    static func encode(_ t: AlertTransition) -> JSON {
        let a = t.alert
        func time(_ v: EpochMillis?) -> JSON { v.map { .int(Int($0)) } ?? .null }
        return .object([
            ("kind", .string(t.kind.rawValue)), ("rule", .string(t.rule)), ("group", .string(t.group)),
            ("evalTime", .int(Int(t.evalTime))),
            ("labels", .array(a.labels.pairs.map { .array([.string($0.name), .string($0.value)]) })),
            ("elementLabels", .array(a.elementLabels.pairs.map { .array([.string($0.name), .string($0.value)]) })),
            ("annotations", .array(a.annotations.map { .array([.string($0.name), .string($0.value)]) })),
            ("state", .string(a.state.rawValue)), ("value", .string(String(a.value))),
            ("activeAt", .int(Int(a.activeAt))), ("firedAt", time(a.firedAt)), ("resolvedAt", time(a.resolvedAt)),
            ("keepFiringSince", time(a.keepFiringSince)),
            ("evidence", .object([
                ("count", .int(t.evidence.count)), ("firstSeen", time(t.evidence.firstSeen)), ("lastSeen", time(t.evidence.lastSeen)),
                ("samples", .array(t.evidence.samples.map { s in
                    .object([("time", time(s.time)), ("countedAt", time(s.countedAt)), ("input", .string(s.input)),
                             ("line", .int(s.line)), ("text", .string(s.text))])
                })),
            ])),
        ])
    }

    static func decode(_ text: String) -> AlertTransition? {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let kind = (o["kind"] as? String).flatMap(AlertTransition.Kind.init(rawValue:)),
              let state = (o["state"] as? String).flatMap(AlertState.init(rawValue:)),
              let rule = o["rule"] as? String, let group = o["group"] as? String,
              let evalTime = millis(o["evalTime"]), let activeAt = millis(o["activeAt"]),
              let value = (o["value"] as? String).flatMap(Double.init)
        else { return nil }
        let evidence = o["evidence"] as? [String: Any] ?? [:]
        let samples = (evidence["samples"] as? [[String: Any]] ?? []).map { s in
            SeriesStore.Sample(time: millis(s["time"]), countedAt: millis(s["countedAt"]), input: s["input"] as? String ?? "",
                               line: (s["line"] as? NSNumber)?.intValue ?? 0, text: s["text"] as? String ?? "")
        }
        let alert = Alert(labels: Labels(pairs(o["labels"])), elementLabels: Labels(pairs(o["elementLabels"])),
                          annotations: pairs(o["annotations"]), state: state, value: value, activeAt: activeAt,
                          firedAt: millis(o["firedAt"]), resolvedAt: millis(o["resolvedAt"]),
                          keepFiringSince: millis(o["keepFiringSince"]))
        return AlertTransition(kind: kind, alert: alert, rule: rule, group: group, evalTime: evalTime,
                               evidence: Evidence(count: (evidence["count"] as? NSNumber)?.intValue ?? 0,
                                                  firstSeen: millis(evidence["firstSeen"]), lastSeen: millis(evidence["lastSeen"]),
                                                  samples: samples))
    }

    private static func millis(_ v: Any?) -> EpochMillis? { (v as? NSNumber)?.int64Value }

    private static func pairs(_ v: Any?) -> [(name: String, value: String)] {
        (v as? [[String]] ?? []).compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }
}
