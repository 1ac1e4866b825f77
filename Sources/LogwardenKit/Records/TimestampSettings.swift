/// Timestamps a user names: formats tried, in order, before detection, and JSON fields
/// read before the usual ones. From the flags (`--timestamp-format`, `--timestamp-field`)
/// and then the `timestamps:` key of pattern files.
public struct TimestampSettings: Sendable, Equatable {
    public var formats: [TimestampFormat]
    public var fields: [String]

    public init(formats: [TimestampFormat] = [], fields: [String] = []) {
        self.formats = formats
        self.fields = fields
    }

    public var isEmpty: Bool { formats.isEmpty && fields.isEmpty }

    /// These first, then `later`'s (without repeats).
    public func then(_ later: TimestampSettings) -> TimestampSettings {
        TimestampSettings(formats: formats + later.formats.filter { !formats.contains($0) },
                          fields: fields + later.fields.filter { !fields.contains($0) })
    }
}
