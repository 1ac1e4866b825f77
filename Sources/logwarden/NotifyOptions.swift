import ArgumentParser
import Foundation
import LogwardenKit

/// Where alerts are delivered: `--alertmanager` and `--webhook`, shared by `scan` and `watch`.
struct NotifyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Send firing and resolved alerts to this Alertmanager (POST /api/v2/alerts; repeatable: each gets every alert).", valueName: "url"))
    var alertmanager: [String] = []

    @Option(name: .long, help: ArgumentHelp("POST Alertmanager's webhook body (version 4) to this URL (repeatable).", valueName: "url"))
    var webhook: [String] = []

    @Option(name: .long, help: ArgumentHelp("Send firing alerts again this often, so Alertmanager keeps them open.", valueName: "duration"))
    var resendDelay = "1m"

    @Option(name: .long, help: ArgumentHelp("A label added to every alert sent (repeatable). instance defaults to the host name.", valueName: "name=value"))
    var externalLabel: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file holding the bearer token for --alertmanager (never printed).", valueName: "file"))
    var alertmanagerBearerTokenFile: String?

    @Option(name: .long, help: ArgumentHelp("A file holding user:password for --alertmanager (never printed).", valueName: "file"))
    var alertmanagerBasicAuthFile: String?

    @Option(name: .long, help: ArgumentHelp("Also trust the CA certificates (PEM) in this file for https Alertmanagers; the system's CAs stay trusted.", valueName: "file"))
    var alertmanagerCaFile: String?

    @Option(name: .long, help: ArgumentHelp("Give up on one request after this long (it is retried).", valueName: "duration"))
    var notifyTimeout = "10s"

    func validate() throws {
        for (flag, value) in [("--resend-delay", resendDelay), ("--notify-timeout", notifyTimeout)] {
            guard let ms = Duration.parseMillis(value), ms > 0 else {
                throw ValidationError("\(flag) '\(value)' is not a duration; write it as 10s, 1m or 5m")
            }
        }
        for url in alertmanager + webhook {
            guard let u = URL(string: url), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
                throw ValidationError("'\(url)' is not an http(s) URL; write it as http://alertmanager:9093")
            }
        }
        for label in externalLabel where Self.pair(label) == nil {
            throw ValidationError("--external-label '\(label)' must be name=value, with a Prometheus label name")
        }
        if alertmanagerBearerTokenFile != nil, alertmanagerBasicAuthFile != nil {
            throw ValidationError("--alertmanager-bearer-token-file and --alertmanager-basic-auth-file exclude each other; keep one")
        }
    }

    static func pair(_ s: String) -> (name: String, value: String)? {
        guard let eq = s.firstIndex(of: "=") else { return nil }
        let name = String(s[..<eq])
        guard let first = name.first, first == "_" || first.isLetter,
              name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }), name.allSatisfy(\.isASCII) else { return nil }
        return (name, String(s[s.index(after: eq)...]))
    }

    /// The notifier, or nil without targets. An unreadable secret file exits 2, naming the flag.
    func sink(engine: RuleEngine?, externalURL: String = "") throws -> NotifySink? {
        guard !(alertmanager.isEmpty && webhook.isEmpty) else { return nil }
        var authorization: String? = nil
        if let file = alertmanagerBearerTokenFile {
            authorization = "Bearer " + (try secret(file, flag: "--alertmanager-bearer-token-file"))
        }
        if let file = alertmanagerBasicAuthFile {
            authorization = "Basic " + Data(try secret(file, flag: "--alertmanager-basic-auth-file").utf8).base64EncodedString()
        }
        let targets = alertmanager.map { Delivery.Target(kind: .alertmanager, url: $0, authorization: authorization) }
            + webhook.map { Delivery.Target(kind: .webhook, url: $0) }
        var options = NotifySink.Options()
        options.resendDelay = Duration.parseMillis(resendDelay) ?? 60_000
        options.externalLabels = externalLabel.compactMap(Self.pair)
        if !options.externalLabels.contains(where: { $0.name == "instance" }) {
            options.externalLabels.append(("instance", ProcessInfo.processInfo.hostName))
        }
        options.externalURL = externalURL
        let intervals = Dictionary((engine?.groups ?? []).map { ($0.definition.name, $0.definition.interval) }, uniquingKeysWith: { a, _ in a })
        var client = HTTPClient()
        if let file = alertmanagerCaFile {
            do throws(Delivery.DeliveryFailure) { client = try HTTPClient.addingCA(file: file, flag: "--alertmanager-ca-file") } catch {
                Console.error("logwarden: \(error.description)")
                throw ExitCode(2)
            }
        }
        let delivery = Delivery(timeout: Double(Duration.parseMillis(notifyTimeout) ?? 10_000) / 1000, client: client)
        return NotifySink(targets: targets, delivery: delivery, options: options) { intervals[$0] ?? 60_000 }
    }

    /// With a state file, what an earlier run left undelivered is queued first, and every
    /// commit keeps the outbox. Returns a warning when some entries lost their receiver.
    static func connect(_ notifier: NotifySink?, to state: RunState?) -> String? {
        guard let notifier, let state else { return nil }
        let orphans = notifier.restore(state.restoredOutbox)
        state.outboxSource = { notifier.outbox() }
        return orphans == 0 ? nil
            : "\(orphans) undelivered notification(s) in the state's outbox are for receivers no longer given with --alertmanager/--webhook; dropped"
    }

    private func secret(_ path: String, flag: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Console.error("logwarden: \(flag) \(path): cannot read it; check the path and its permissions")
            throw ExitCode(2)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
