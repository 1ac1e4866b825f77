import GRDB

/// What `logwarden history` shows: alert transitions and the top patterns per hour, from
/// the state file, counted back from the newest record it holds.
public struct History: Sendable {
    public struct Transition: Sendable {
        public var time: EpochMillis
        public var alertname: String
        public var state: String
        public var labels: String
        public var value: Double
        public var activeAt: EpochMillis
        public var group: String
    }

    public struct PatternHours: Sendable {
        public var pattern: String
        public var total: Int
        /// Counts per hour (start of the hour, epoch ms), oldest first.
        public var hours: [(hour: EpochMillis, count: Int)]
    }

    public var since: EpochMillis
    public var until: EpochMillis?
    public var transitions: [Transition]
    public var patterns: [PatternHours]

    public static func load(_ file: StateFile, window: Int64, alert: String?, pattern: String?, top: Int = 10) throws(StateError) -> History {
        try file.read { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'last_time'")
            let since = (newest ?? 0) - window
            var sql = "SELECT * FROM transitions WHERE eval_time >= ?"
            var args: StatementArguments = [since]
            if let alert {
                sql += " AND alertname = ?"
                args += [alert]
            }
            let transitions = try Row.fetchAll(db, sql: sql + " ORDER BY eval_time, id", arguments: args).map { row in
                Transition(time: row["eval_time"], alertname: row["alertname"], state: row["state"], labels: row["labels"],
                           value: row["value"], activeAt: row["active_at"], group: row["grp"])
            }
            var psql = "SELECT pattern, minute / 3600000 * 3600000 AS hour, sum(count) AS n FROM minute_counts WHERE minute >= ?"
            var pargs: StatementArguments = [since]
            if let pattern {
                psql += " AND pattern = ?"
                pargs += [pattern]
            }
            var byPattern: [String: [(hour: EpochMillis, count: Int)]] = [:]
            for row in try Row.fetchAll(db, sql: psql + " GROUP BY pattern, hour ORDER BY hour", arguments: pargs) {
                byPattern[row["pattern"], default: []].append((row["hour"], row["n"]))
            }
            let patterns = byPattern.map { PatternHours(pattern: $0.key, total: $0.value.reduce(0) { $0 + $1.count }, hours: $0.value) }
                .sorted { $0.total != $1.total ? $0.total > $1.total : $0.pattern < $1.pattern }
            return History(since: since, until: newest, transitions: transitions, patterns: Array(patterns.prefix(top)))
        }
    }
}
