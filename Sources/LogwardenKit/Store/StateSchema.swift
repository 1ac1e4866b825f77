import GRDB

/// The tables of the state file, as versioned migrations: a later version adds a migration,
/// never edits one.
enum StateSchema {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                -- Scalars: watermark, late records, unmatched and truncated counts, evaluations.
                CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                -- Where each input was left: identified by its first bytes (and device/inode).
                CREATE TABLE positions(
                    id INTEGER PRIMARY KEY, name TEXT NOT NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL,
                    fp_length INTEGER NOT NULL, fp_hash INTEGER NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL,
                    last_time INTEGER, timestamped INTEGER NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
                    gzip INTEGER NOT NULL, updated INTEGER NOT NULL);
                CREATE INDEX positions_fp ON positions(fp_hash);
                -- Cumulative counters, as exported.
                CREATE TABLE input_counts(name TEXT PRIMARY KEY, records INTEGER NOT NULL);
                CREATE TABLE pattern_counts(
                    pattern TEXT NOT NULL, captures TEXT NOT NULL, identity TEXT NOT NULL, count INTEGER NOT NULL,
                    first_seen INTEGER, last_seen INTEGER, example TEXT, PRIMARY KEY(pattern, captures)) WITHOUT ROWID;
                CREATE TABLE pattern_totals(
                    pattern TEXT PRIMARY KEY, identity TEXT NOT NULL, count INTEGER NOT NULL, first_seen INTEGER,
                    last_seen INTEGER, example TEXT, distinct_values INTEGER NOT NULL, overflow INTEGER NOT NULL,
                    match_errors INTEGER NOT NULL) WITHOUT ROWID;
                -- The rules' series: totals, evidence, and the non-empty buckets of their exact
                -- windows (packed: bucket, first and last time, count; see WindowCells).
                CREATE TABLE series(id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE, total INTEGER NOT NULL,
                    evidence INTEGER NOT NULL, samples TEXT NOT NULL, cells BLOB NOT NULL);
                -- Rule groups' next instants, and pending/firing alerts per rule (group + fingerprint).
                CREATE TABLE rule_groups(name TEXT PRIMARY KEY, interval INTEGER NOT NULL, next INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE alerts(rule_key TEXT NOT NULL, labels TEXT NOT NULL, seq INTEGER NOT NULL, element_labels TEXT NOT NULL,
                    state TEXT NOT NULL, value REAL NOT NULL, active_at INTEGER NOT NULL, fired_at INTEGER,
                    resolved_at INTEGER, keep_firing_since INTEGER, PRIMARY KEY(rule_key, labels)) WITHOUT ROWID;
                -- History: every transition, and per-minute counts per pattern series.
                CREATE TABLE transitions(id INTEGER PRIMARY KEY, eval_time INTEGER NOT NULL, alertname TEXT NOT NULL,
                    state TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, active_at INTEGER NOT NULL,
                    grp TEXT NOT NULL, evidence TEXT NOT NULL);
                CREATE INDEX transitions_time ON transitions(eval_time);
                CREATE TABLE minute_counts(pattern TEXT NOT NULL, captures TEXT NOT NULL, minute INTEGER NOT NULL,
                    count INTEGER NOT NULL, PRIMARY KEY(pattern, captures, minute)) WITHOUT ROWID;
                CREATE INDEX minute_counts_minute ON minute_counts(minute);
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                -- Notifications not yet delivered (issue 6), in queue order; no secrets.
                CREATE TABLE outbox(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
                    expires INTEGER NOT NULL, queued_at INTEGER NOT NULL);
                -- When each firing alert (Alertmanager fingerprint) was last sent, for re-sends.
                CREATE TABLE notify_sent(fingerprint TEXT PRIMARY KEY, sent_at INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                -- Templates mined from unclassified records (issue 8): every one is known, so a
                -- NewLogTemplate alert means new since the state began. Tokens and examples as JSON.
                CREATE TABLE templates(id TEXT PRIMARY KEY, tokens TEXT NOT NULL, open INTEGER NOT NULL,
                    count INTEGER NOT NULL, first_seen INTEGER, last_seen INTEGER, examples TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                -- Records that came after rule evaluations of their time, per input (issue 23).
                ALTER TABLE input_counts ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
                -- Transitions committed but not yet on stdout: the next run prints them first.
                CREATE TABLE unprinted(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
                """)
        }
    }
}
