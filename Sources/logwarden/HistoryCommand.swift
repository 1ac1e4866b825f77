import ArgumentParser
import Foundation
import LogwardenKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Alert transitions and the top patterns per hour, from a state file.",
        discussion: "--since counts back from the newest record in the state file, so replayed archives show their own last day."
    )

    @Option(name: .long, help: ArgumentHelp("The state file written by scan or watch --state.", valueName: "file.db"))
    var state: String

    @Option(name: .long, help: ArgumentHelp("How far back to look.", valueName: "duration"))
    var since = "24h"

    @Option(name: .long, help: ArgumentHelp("Only transitions of this alert.", valueName: "name"))
    var alert: String?

    @Option(name: .long, help: ArgumentHelp("Only this pattern's counts.", valueName: "name"))
    var pattern: String?

    @Option(name: .long, help: "Output format: text or json.")
    var output: Scan.OutputFormat = .text

    func validate() throws {
        guard let ms = Duration.parseMillis(since), ms > 0 else {
            throw ValidationError("--since '\(since)' is not a duration; write it as 24h, 7d or 30m")
        }
    }

    func run() throws {
        let history: History
        do {
            let file = try StateFile(path: state, readOnly: true)
            history = try History.load(file, window: Duration.parseMillis(since) ?? 86_400_000, alert: alert, pattern: pattern)
        } catch {
            Console.error("logwarden: --state \(error.description)")
            throw ExitCode(2)
        }
        switch output {
        case .json: Console.out(Self.json(history).rendered + "\n")
        case .text: Console.out(Self.text(history))
        }
    }

    static func json(_ h: History) -> JSON {
        .object([
            ("since", .time(h.since)), ("until", .time(h.until)),
            ("transitions", .array(h.transitions.map { t in
                .object([("time", .time(t.time)), ("alertname", .string(t.alertname)), ("state", .string(t.state)),
                         ("labels", .raw(t.labels)), ("value", .double(t.value)), ("activeAt", .time(t.activeAt)), ("group", .string(t.group))])
            })),
            ("patterns", .array(h.patterns.map { p in
                .object([("pattern", .string(p.pattern)), ("total", .int(p.total)),
                         ("hours", .array(p.hours.map { .object([("hour", .time($0.hour)), ("count", .int($0.count))]) }))])
            })),
        ])
    }

    static func text(_ h: History) -> String {
        var out = "Alert transitions from \(h.since.rfc3339) to \(h.until?.rfc3339 ?? "-"):\n"
        if h.transitions.isEmpty { out += "  none\n" }
        for t in h.transitions {
            out += "  \(t.time.rfc3339)  \(t.state.uppercased().padding(8)) \(t.alertname){\(braced(t.labels))} value=\(JSON.double(t.value).rendered)\n"
        }
        out += "\nTop patterns, records per hour:\n"
        if h.patterns.isEmpty { out += "  none\n" }
        let hours = Array(Set(h.patterns.flatMap { $0.hours.map(\.hour) })).sorted()
        if !h.patterns.isEmpty {
            let width = max(7, h.patterns.map(\.pattern.count).max() ?? 0)
            out += "  " + "PATTERN".padding(width) + "  TOTAL" + hours.map { "  " + String($0.rfc3339.dropFirst(11).prefix(5)) }.joined() + "\n"
            for p in h.patterns {
                let counts = Dictionary(p.hours.map { ($0.hour, $0.count) }, uniquingKeysWith: +)
                out += "  " + p.pattern.padding(width) + String(p.total).leftPadded(7)
                    + hours.map { String(counts[$0] ?? 0).leftPadded(7) }.joined() + "\n"
            }
        }
        return out
    }
}

/// `{"a":"1","b":"2"}` as the console shows labels: `a="1", b="2"` (without alertname).
private func braced(_ json: String) -> String {
    let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    return object.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
