import Foundation
import GRDB

/// What a run continues from and commits to the state file: counters, the rules' series
/// and windows, rule schedules and alert states, input positions, and history. A commit
/// writes all of it in one transaction, so after a crash the next run starts from the
/// last commit with every record counted exactly once.
public final class RunState {
    public let file: StateFile
    /// History (per-minute counts, transitions) older than this, in event time, is pruned.
    public let retention: Int64
    private(set) var patterns: PatternSet
    private(set) var engine: RuleEngine?
    private var positions: PositionTable
    /// Counts of the earlier runs; a run's own are its counts `since` these.
    public private(set) var base: MatchCounts

    private var committedSeries: [SeriesKey: Int] = [:]
    private var committedTotals: [Labels: Int] = [:]
    private var seriesRowID: [Labels: Int64] = [:]
    private var transitions: [AlertTransition] = []
    /// With `holdsOutput`, transitions are printed only once committed (see
    /// `UnprintedTransitions`): those of the last commit, and the last row they took.
    public var holdsOutput = false
    public private(set) var committedTransitions: [AlertTransition] = []
    private var unprintedThrough: Int64?
    /// What earlier runs committed and did not print: to print before anything else.
    public private(set) var restoredUnprinted: [AlertTransition] = []
    /// Committed and not printed: what the next run prints first if this one prints no more.
    public var unprintedCount: Int { restoredUnprinted.count + committedTransitions.count }
    /// Where stdout stood when the first unprinted transition was committed, if a file.
    public var outputMark: (() -> OutputMark?)?
    /// The mark of `restoredUnprinted`: the next run skips those already in the file.
    public private(set) var restoredMark: OutputMark?
    public var samplesInterval = 30.0
    private var lastSamples = SystemClock.monotonicSeconds()

    /// What the last run left undelivered; `outboxSource` gives what to commit from now on.
    public private(set) var restoredOutbox = Outbox()
    public var outboxSource: (() -> Outbox)?
    private var committedOutbox = Outbox()

    /// Mined templates of earlier runs; `templateSource` gives what to commit from now on.
    public private(set) var restoredTemplates: [LogTemplate] = []
    public var templateSource: (() -> [LogTemplate])?
    private var committedTemplates: [TemplateID: Int] = [:]

    public init(file: StateFile, patterns: PatternSet, engine: RuleEngine?, retention: Int64) throws(StateError) {
        self.file = file
        self.patterns = patterns
        self.engine = engine
        self.retention = retention
        var counts = MatchCounts(patterns: patterns)
        var positions: PositionTable? = nil
        var committedSeries: [SeriesKey: Int] = [:]
        var committedTotals: [Labels: Int] = [:]
        var rowIDs: [Labels: Int64] = [:]
        var outbox = Outbox()
        var templates: [LogTemplate] = []
        var unprinted: [(id: Int64, transition: AlertTransition)] = []
        var mark: OutputMark? = nil
        try file.read { db in
            unprinted = try UnprintedTransitions.load(db)
            outbox = try Self.restoreOutbox(db)
            templates = try Self.restoreTemplates(db)
            positions = try PositionTable(db)
            let meta = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map { ($0["key"] as String, $0["value"] as Int64) },
                                  uniquingKeysWith: { a, _ in a })
            mark = OutputMark(meta: meta)
            committedSeries = try Self.restoreCounts(db, meta, &counts, patterns)
            if let engine {
                (committedTotals, rowIDs) = try Self.restoreSeries(db, meta, engine.store)
                try Self.restoreRules(db, meta, engine)
            }
        }
        counts.tracksMinutes = true
        base = counts
        self.positions = positions!
        self.committedSeries = committedSeries
        self.committedTotals = committedTotals
        seriesRowID = rowIDs
        restoredOutbox = outbox
        committedOutbox = outbox
        restoredTemplates = templates
        restoredUnprinted = unprinted.map(\.transition)
        unprintedThrough = unprinted.last?.id
        restoredMark = unprinted.isEmpty ? nil : mark
        committedTemplates = Dictionary(templates.map { ($0.id, $0.count) }, uniquingKeysWith: { a, _ in a })
    }

    /// Commits from now on come from a reloaded configuration: everything is written anew.
    public func reloaded(patterns: PatternSet, engine: RuleEngine?) {
        self.patterns = patterns
        self.engine = engine
        committedSeries.removeAll()
        committedTotals.removeAll()
    }

    /// The offset to follow a file from, if the state knows it (0 when it was truncated since).
    public func knownOffset(_ file: FileIdentity, head: [UInt8]) -> Int64? {
        let p = position(of: file, head: head, gzip: false)
        guard p.index != nil else { return nil }
        return p.resume?.offset ?? 0
    }

    // MARK: positions

    /// Where to start reading an input whose first bytes are `head`. `unchanged` means a
    /// compressed file already read to its end, with the same size and time: not opened again.
    public func position(of input: FileIdentity, head: [UInt8], gzip: Bool) -> (index: Int?, resume: RecordFramer.Resume?, unchanged: Bool) {
        guard let i = positions.lookup(input, head: head) else { return (nil, nil, false) }
        let p = positions[i]
        if !gzip, p.resume.offset > input.size { return (i, nil, false) }  // truncated, then grew again: start over
        let unchanged = gzip && p.gzip && p.file == input
        return (i, p.resume, unchanged)
    }

    /// Notes where an input is now; the next commit stores it. Returns its index.
    @discardableResult
    public func moved(_ index: Int?, name: String, file: FileIdentity, head: [UInt8], gzip: Bool, to resume: RecordFramer.Resume) -> Int {
        let print = Fingerprint(head[0..<min(head.count, Fingerprint.maxLength)])
        return positions.update(index, InputPosition(id: nil, name: name, file: file, fingerprint: print, resume: resume, gzip: gzip))
    }

    public func record(_ transition: AlertTransition) { transitions.append(transition) }

    // MARK: commit

    /// Commits `counts` (cumulative: `base` plus this run), the engine's state, positions and
    /// history, all or nothing. Evidence samples, which only illustrate, are written at the
    /// `final` commit and every `samplesInterval` seconds: a crash may show older ones.
    public func commit(_ counts: inout MatchCounts, final: Bool = false) throws(StateError) {
        let withSamples = final || SystemClock.monotonicSeconds() - lastSamples >= samplesInterval
        let minutes = counts.takeMinuteCounts()
        let snapshot = counts
        var written: [SeriesKey: Int] = [:]
        var totals: [Labels: Int] = [:]
        var rowIDs: [Labels: Int64] = [:]
        let newest = engine?.store.watermark ?? snapshot.lastTime
        let outbox = outboxSource?()
        let templates = templateSource?()
        var saved: [TemplateID: Int]? = nil
        var through = unprintedThrough
        // The first transitions to wait for stdout: where they will begin.
        let mark = holdsOutput && !transitions.isEmpty && unprintedCount == 0 ? outputMark?() : nil
        do {
            try file.transaction { db in
                try saveCounts(db, snapshot, &written)
                for (m, n) in minutes {
                    try run(db, """
                        INSERT INTO minute_counts(pattern, captures, minute, count) VALUES (?, ?, ?, ?)
                        ON CONFLICT(pattern, captures, minute) DO UPDATE SET count = count + excluded.count
                        """, [patterns.patterns[m.key.pattern].name, Self.encode(m.key.captures), m.minute, n])
                }
                if let engine {
                    try saveSeries(db, engine, withSamples: withSamples, &totals, &rowIDs)
                    try saveRules(db, engine)
                }
                for t in transitions {
                    try run(db, """
                        INSERT INTO transitions(eval_time, alertname, state, labels, value, active_at, grp, evidence)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, [t.evalTime, t.rule, t.kind.rawValue, JSON.labels(t.alert.labels.pairs).rendered, t.alert.value,
                                         t.alert.activeAt, t.group, t.evidence.json.rendered])
                }
                if holdsOutput, let last = try UnprintedTransitions.save(db, transitions) { through = last }
                for (key, value) in mark?.meta ?? [] { try setMeta(db, key, value) }
                try positions.save(db, now: SystemClock.wallMillis())
                if let outbox { try saveOutbox(db, outbox) }
                if let templates { saved = try saveTemplates(db, templates) }
                if let newest {
                    // Incremental pruning: what fell out of the retention since the last commit.
                    try run(db, "DELETE FROM minute_counts WHERE minute < ?", [newest - retention])
                    try run(db, "DELETE FROM transitions WHERE eval_time < ?", [newest - retention])
                }
            }
        } catch {
            // What was not committed is counted again from the last positions next run.
            counts.restoreMinuteCounts(minutes)
            throw error
        }
        if holdsOutput { committedTransitions += transitions }
        unprintedThrough = through
        transitions.removeAll()
        if withSamples { lastSamples = SystemClock.monotonicSeconds() }
        committedSeries.merge(written) { _, b in b }
        committedTotals.merge(totals) { _, b in b }
        seriesRowID.merge(rowIDs) { _, b in b }
        if let outbox { committedOutbox = outbox }
        if let saved { committedTemplates = saved }
    }

    /// Templates whose count moved since the last commit, and the removal of evicted ones.
    private func saveTemplates(_ db: Database, _ templates: [LogTemplate]) throws -> [TemplateID: Int] {
        var now: [TemplateID: Int] = [:]
        for t in templates {
            let id = t.id
            now[id] = t.count
            guard committedTemplates[id] != t.count else { continue }
            try run(db, """
                INSERT OR REPLACE INTO templates(id, tokens, open, count, first_seen, last_seen, examples)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [id.description, Self.encode(t.tokens.map { String(decoding: $0, as: UTF8.self) }), t.open, t.count,
                      t.firstSeen, t.lastSeen, Self.encode(t.examples.map { String(decoding: $0, as: UTF8.self) })])
        }
        for id in committedTemplates.keys where now[id] == nil {
            try run(db, "DELETE FROM templates WHERE id = ?", [id.description])
        }
        return now
    }

    /// The committed transitions (`committedTransitions`, and `restoredUnprinted`) are on
    /// stdout now: forgets them, and commits the outbox, which holds their notifications.
    public func printed() throws(StateError) {
        guard let through = unprintedThrough else { return }
        let outbox = outboxSource?()
        try file.transaction { db in
            try UnprintedTransitions.delete(db, through: through)
            for key in OutputMark.metaKeys { try run(db, "DELETE FROM meta WHERE key = ?", [key]) }
            if let outbox { try saveOutbox(db, outbox) }
        }
        if let outbox { committedOutbox = outbox }
        unprintedThrough = nil
        committedTransitions.removeAll()
        restoredUnprinted.removeAll()
        restoredMark = nil
    }

    /// Commits only the outbox: after a `scan` waited for its deliveries, what they removed.
    public func commitOutbox() throws(StateError) {
        guard let outbox = outboxSource?() else { return }
        try file.transaction { db in try saveOutbox(db, outbox) }
        committedOutbox = outbox
    }

    /// Writes the difference from the last commit: the queue changes by its ends.
    private func saveOutbox(_ db: Database, _ outbox: Outbox) throws {
        let now = Set(outbox.entries.map(\.id))
        for e in committedOutbox.entries where !now.contains(e.id) {
            try run(db, "DELETE FROM outbox WHERE id = ?", [e.id])
        }
        let before = Set(committedOutbox.entries.map(\.id))
        for e in outbox.entries where !before.contains(e.id) {
            try run(db, "INSERT OR REPLACE INTO outbox(id, kind, url, body, expires, queued_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [e.id, e.kind, e.url, e.body, e.expires, e.queuedAt])
        }
        for (fingerprint, at) in outbox.lastSent where committedOutbox.lastSent[fingerprint] != at {
            try run(db, "INSERT OR REPLACE INTO notify_sent(fingerprint, sent_at) VALUES (?, ?)", [fingerprint, at])
        }
        for fingerprint in committedOutbox.lastSent.keys where outbox.lastSent[fingerprint] == nil {
            try run(db, "DELETE FROM notify_sent WHERE fingerprint = ?", [fingerprint])
        }
    }

    private func saveCounts(_ db: Database, _ counts: MatchCounts, _ written: inout [SeriesKey: Int]) throws {
        let scalars: [(String, Int64?)] = [("unmatched", Int64(counts.unmatched)), ("truncated", Int64(counts.truncatedRecords)),
                                           ("first_time", counts.firstTime), ("last_time", counts.lastTime),
                                           ("watermark", engine?.store.watermark), ("late_records", engine.map { Int64($0.store.lateRecords) }),
                                           ("evaluations", engine.map { Int64($0.evaluations) })]
        for (key, value) in scalars {
            if let value {
                try setMeta(db, key, value)
            }
        }
        var perInput: [String: Int] = [:]
        for input in counts.inputs { perInput[input.name, default: 0] += input.records }
        for (name, records) in perInput {
            try run(db, """
                INSERT INTO input_counts(name, records, late) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET records = excluded.records, late = excluded.late
                """, [name, records, counts.late[name]?.count ?? 0])
        }
        for (i, pattern) in patterns.patterns.enumerated() {
            let s = counts.perPattern[i]
            try run(db, """
                INSERT OR REPLACE INTO pattern_totals(pattern, identity, count, first_seen, last_seen, example, distinct_values,
                overflow, match_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [pattern.name, pattern.definition.identity, s.count, s.firstSeen, s.lastSeen, Self.encode(s.example),
                                 counts.distinctValues(i), counts.overflow[i], counts.matchErrors[i]])
        }
        for (key, s) in counts.series where committedSeries[key] != s.count {
            let pattern = patterns.patterns[key.pattern]
            if committedSeries[key] == nil {
                try run(db, """
                    INSERT OR REPLACE INTO pattern_counts(pattern, captures, identity, count, first_seen, last_seen, example)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [pattern.name, Self.encode(key.captures), pattern.definition.identity, s.count, s.firstSeen, s.lastSeen,
                          Self.encode(s.example)])
            } else {
                // Its example was stored with it: only the counts move.
                try run(db, "UPDATE pattern_counts SET count = ?, first_seen = ?, last_seen = ? WHERE pattern = ? AND captures = ?",
                        [s.count, s.firstSeen, s.lastSeen, pattern.name, Self.encode(key.captures)])
            }
            written[key] = s.count
        }
    }

    private func saveSeries(_ db: Database, _ engine: RuleEngine, withSamples: Bool, _ totals: inout [Labels: Int],
                            _ rowIDs: inout [Labels: Int64]) throws {
        let store = engine.store
        for (id, s) in store.series.enumerated() where committedTotals[s.labels] != s.total {
            // The ring's buckets, one blob per series: a row per bucket was most of a commit.
            let cells = WindowCells.encode(s.windowed ? s.window.cells() : [])
            let known = seriesRowID[s.labels] ?? rowIDs[s.labels]
            if let known, !withSamples {
                try run(db, "UPDATE series SET total = ?, cells = ? WHERE id = ?", [s.total, cells, known])
                totals[s.labels] = s.total
                continue
            }
            let samples = JSON.array(store.samples(id).map { x -> JSON in
                .object([("time", x.time.map { .int(Int($0)) } ?? .null), ("at", x.countedAt.map { .int(Int($0)) } ?? .null),
                         ("input", .string(x.input)), ("line", .int(x.line)), ("text", .string(x.text))])
            }).rendered
            if let known {
                try run(db, "UPDATE series SET total = ?, samples = ?, cells = ? WHERE id = ?", [s.total, samples, cells, known])
            } else {
                try run(db, "INSERT INTO series(labels, total, evidence, samples, cells) VALUES (?, ?, ?, ?, ?)",
                        [JSON.labels(s.labels.pairs).rendered, s.total, s.evidence, samples, cells])
                rowIDs[s.labels] = db.lastInsertedRowID
            }
            totals[s.labels] = s.total
        }
    }

    private func saveRules(_ db: Database, _ engine: RuleEngine) throws {
        try run(db, "DELETE FROM rule_groups")
        try run(db, "DELETE FROM alerts")
        for group in engine.groups {
            if let next = group.next {
                try run(db, "INSERT INTO rule_groups(name, interval, next) VALUES (?, ?, ?)",
                               [group.definition.name, group.definition.interval, next])
            }
            for rule in group.alerts.compactMap({ $0 }) {
                for (seq, a) in rule.activeAlerts.enumerated() {
                    try run(db, """
                        INSERT OR REPLACE INTO alerts(rule_key, labels, seq, element_labels, state, value, active_at, fired_at,
                        resolved_at, keep_firing_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [Self.ruleKey(group.definition.name, rule.definition), JSON.labels(a.labels.pairs).rendered, seq,
                                         JSON.labels(a.elementLabels.pairs).rendered, a.state.rawValue, a.value, a.activeAt,
                                         a.firedAt, a.resolvedAt, a.keepFiringSince])
                }
            }
        }
    }

    static func ruleKey(_ group: String, _ rule: RuleDefinition) -> String { group + "\u{1}" + rule.fingerprint }

    /// A statement compiled once per connection: commits run the same few thousand times.
    private func setMeta(_ db: Database, _ key: String, _ value: Int64) throws {
        try run(db, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
    }

    private func run(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
