/// A notification not yet delivered, as the state file keeps it so that it survives a
/// restart. Secrets are not in it: the receiver is named by kind and URL, and a restart
/// takes its credentials from the flags again.
public struct OutboxEntry: Sendable, Equatable {
    /// Queue order: a receiver gets its notifications in this order.
    public var id: Int64
    public var kind: String
    public var url: String
    public var body: String
    /// The latest `endsAt` of its alerts: after that it is dropped, not sent.
    public var expires: EpochMillis
    public var queuedAt: EpochMillis

    public init(id: Int64, kind: String, url: String, body: String, expires: EpochMillis, queuedAt: EpochMillis) {
        self.id = id
        self.kind = kind
        self.url = url
        self.body = body
        self.expires = expires
        self.queuedAt = queuedAt
    }
}

/// What delivery hands to the state file at each commit, and gets back at start: the
/// undelivered notifications, and when each firing alert (by fingerprint) was last sent,
/// so that a cron `scan` re-sends on the resend interval across runs.
public struct Outbox: Sendable, Equatable {
    public var entries: [OutboxEntry] = []
    public var lastSent: [String: EpochMillis] = [:]
    public init(entries: [OutboxEntry] = [], lastSent: [String: EpochMillis] = [:]) {
        self.entries = entries
        self.lastSent = lastSent
    }
}
