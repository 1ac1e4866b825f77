import Logging
import LogwardenKit
#if canImport(Glibc)
import Glibc
#endif

/// logwarden's own log on stderr: logfmt (`ts=… level=… msg=… key=value`, as Prometheus
/// and Alertmanager write it) or one JSON object per line for journald and log shippers.
struct StderrLog: LogHandler {
    enum Format: String, Sendable { case text, json }

    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let format: Format

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let time = SystemClock.wallMillis().rfc3339
        var fields: [(String, String)] = [("ts", time), ("level", Self.name(event.level)), ("msg", event.message.description)]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, b in b }).sorted(by: { $0.key < $1.key }) {
            fields.append((k, v.description))
        }
        let line: String
        switch format {
        case .json:
            line = JSON.object(fields.map { ($0.0, JSON.string($0.1)) }).rendered
        case .text:
            line = fields.map { "\($0.0)=\(Self.logfmt($0.1))" }.joined(separator: " ")
        }
        Console.error(line)
    }

    static func name(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }

    static func logfmt(_ value: String) -> String {
        let plain = !value.isEmpty && value.allSatisfy { $0 != " " && $0 != "\"" && $0 != "=" && $0 != "\\" && !$0.isNewline }
        if plain { return value }
        var out = "\""
        for c in value {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
