/// Why an alert is what it is: the records behind it in the rule's window.
public struct Evidence: Sendable, Equatable {
    public var count: Int
    public var firstSeen: EpochMillis?
    public var lastSeen: EpochMillis?
    /// Up to three of the most recent records, secrets redacted.
    public var samples: [SeriesStore.Sample]

    public static let none = Evidence(count: 0, firstSeen: nil, lastSeen: nil, samples: [])
}
