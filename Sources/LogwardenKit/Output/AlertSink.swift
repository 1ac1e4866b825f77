#if canImport(Glibc)
import Glibc
#endif

/// Where alert transitions go. Console and JSON Lines here; Alertmanager and webhooks
/// implement the same protocol.
public protocol AlertSink: AnyObject {
    func emit(_ transition: AlertTransition)
    /// Called once at the end of a run.
    func finish()
}

extension AlertTransition {
    /// The JSON object of DESIGN.md's `--output json` stream (`type: "alert"`).
    public var json: JSON {
        .object([
            ("type", .string("alert")),
            ("state", .string(kind.rawValue)),
            ("alertname", .string(rule)),
            ("labels", .labels(alert.labels.pairs)),
            ("annotations", .object(alert.annotations.map { ($0.name, .string($0.value)) })),
            ("value", .double(alert.value)),
            ("activeAt", .time(alert.activeAt)),
            ("firedAt", .time(alert.firedAt)),
            ("resolvedAt", .time(kind == .resolved ? alert.resolvedAt : nil)),
            ("evalTime", .time(evalTime)),
            ("group", .string(group)),
            ("evidence", evidence.json),
        ])
    }

    public var severity: String? { alert.labels["severity"] }
}

extension Evidence {
    public var json: JSON {
        .object([
            ("count", .int(count)),
            ("firstSeen", .time(firstSeen)),
            ("lastSeen", .time(lastSeen)),
            ("samples", .array(samples.map { s in
                .object([("input", .string(s.input)), ("line", .int(s.line)), ("time", .time(s.time)), ("text", .string(s.text))])
            })),
        ])
    }
}

/// One line per transition on stdout, coloured when stdout is a terminal.
public final class ConsoleSink: AlertSink {
    private let colour: Bool
    private let write: (String) -> Void

    public init(colour: Bool = isatty(1) == 1, write: @escaping (String) -> Void) {
        self.colour = colour
        self.write = write
    }

    public func emit(_ t: AlertTransition) {
        let state = t.kind.rawValue.uppercased()
        let painted: String
        if colour {
            let code = t.kind == .firing ? "31;1" : t.kind == .pending ? "33" : "32"
            painted = "\u{1B}[\(code)m\(state.padding(8))\u{1B}[0m"
        } else {
            painted = state.padding(8)
        }
        let labels = t.alert.labels.items.filter { $0.name != "alertname" }.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ")
        var line = "\(t.evalTime.rfc3339)  \(painted) \(t.rule){\(labels)} value=\(JSON.double(t.alert.value).rendered)"
        if let summary = t.alert.annotations.first(where: { $0.name == "summary" })?.value { line += "  \(summary)" }
        if t.evidence.count > 0 { line += "  [\(t.evidence.count) records]" }
        write(line + "\n")
    }

    public func finish() {}
}

/// JSON Lines: one `type: "alert"` object per transition.
public final class JSONLinesSink: AlertSink {
    private let write: (String) -> Void

    public init(write: @escaping (String) -> Void) { self.write = write }

    public func emit(_ t: AlertTransition) { write(t.json.rendered + "\n") }

    public func finish() {}
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
