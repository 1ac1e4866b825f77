import ArgumentParser
import Logging
import LogwardenKit

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow files (like tail -F) and stdin; count records as they arrive; evaluate alert rules on the wall clock.",
        discussion: """
            Files are followed across rotation by rename, copytruncate, truncation, and delete and recreate; \
            names that appear later (a glob match, a file not created yet) are read from their start. \
            Existing files are read from their end unless --from-beginning. stdin (`-`) takes \
            `journalctl -f -o json`, -o short-iso, -o short-precise, -o cat, or any text; at its end the \
            last evaluation runs, the outputs are written, and watch exits 0. SIGTERM or SIGINT stop it the \
            same way; SIGHUP or POST /-/reload reload the rules (an invalid config keeps the old one running).
            """
    )

    @OptionGroup var reading: ReadingOptions

    @Flag(name: .long, help: "Read files that exist at start-up from their start, not their end.")
    var fromBeginning = false

    @Option(name: .long, help: "Window time: 'arrival' (when logwarden read the record) or 'event' (the record's own timestamp).")
    var time: TimeMode = .arrival

    @Option(name: .long, help: "Output format of alert transitions on stdout: text or json (JSON Lines).")
    var output: Scan.OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Rewrite the Prometheus text exposition here (atomically) every --textfile-interval and at exit.", valueName: "file.prom"))
    var textfile: String?

    @Option(name: .long, help: ArgumentHelp("How often the textfile is rewritten.", valueName: "duration"))
    var textfileInterval = "15s"

    @Option(name: .long, help: ArgumentHelp("Serve /metrics, /-/healthy, /-/ready, /api/v1/alerts, /api/v1/rules and POST /-/reload here. ':PORT' binds 127.0.0.1; port 0 picks a free one.", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("A record that may still get continuation lines is emitted after its input is quiet this long.", valueName: "duration"))
    var maxWait = "100ms"

    @Option(name: .long, help: ArgumentHelp("How often files and globs are checked without an inotify event.", valueName: "duration"))
    var pollInterval = "1s"

    @Option(name: .long, help: ArgumentHelp("With --time event: records up to this much older than the newest one still count in their own time bucket.", valueName: "duration"))
    var allowedLateness = "1m"

    @Option(name: .long, help: ArgumentHelp("Also redact this PCRE2 regex in evidence samples (repeatable).", valueName: "regex"))
    var redact: [String] = []

    @OptionGroup var stateOptions: StateOptions

    @OptionGroup var notify: NotifyOptions

    @OptionGroup var templateOptions: TemplateOptions

    @Option(name: .long, help: "Own log level on stderr: debug, info, warning or error.")
    var logLevel: LogLevel = .info

    @Option(name: .long, help: "Own log format on stderr: text (logfmt) or json.")
    var logFormat: LogFormat = .text

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    enum TimeMode: String, ExpressibleByArgument { case arrival, event }
    enum LogFormat: String, ExpressibleByArgument { case text, json }
    enum LogLevel: String, ExpressibleByArgument {
        case debug, info, warning, error
        var level: Logger.Level {
            switch self {
            case .debug: return .debug
            case .info: return .info
            case .warning: return .warning
            case .error: return .error
            }
        }
    }

    func validate() throws {
        for (flag, value) in [("--textfile-interval", textfileInterval), ("--max-wait", maxWait), ("--poll-interval", pollInterval),
                              ("--allowed-lateness", allowedLateness)] {
            guard let ms = Duration.parseMillis(value) else {
                throw ValidationError("\(flag) '\(value)' is not a duration; write it as 100ms, 15s or 1m")
            }
            if flag != "--allowed-lateness", flag != "--max-wait", ms <= 0 { throw ValidationError("\(flag) must be more than 0") }
        }
        _ = try RuleLoading.redactor(redact)
    }

    func run() throws {
        // Before any thread starts: signals then reach only the loop's descriptor.
        let signals = Signals()
        let format = StderrLog.Format(rawValue: logFormat.rawValue) ?? .text
        let level = logLevel.level
        let logger = Logger(label: "logwarden") { _ in StderrLog(logLevel: level, format: format) }

        let lateness = Duration.parseMillis(allowedLateness) ?? 60_000
        let redactor = try RuleLoading.redactor(redact)
        let reading = self.reading
        let config: LiveConfig
        do { config = try Self.load(reading, lateness: lateness, redactor: redactor, logger: logger) } catch {
            Console.error(error.description)
            Console.error("logwarden: the rules above are invalid; fix them (see 'logwarden check') and run again")
            throw ExitCode(2)
        }
        var options = WatchOptions(read: reading.readOptions)
        options.follow = Follower.Options(fromBeginning: fromBeginning, pollInterval: Duration.parseMillis(pollInterval) ?? 1000)
        options.eventTime = time == .event
        options.allowedLateness = lateness
        options.maxWait = Duration.parseMillis(maxWait) ?? 100
        options.textfile = textfile
        options.serving = listen != nil
        options.commitInterval = stateOptions.commitMillis
        options.textfileInterval = Duration.parseMillis(textfileInterval) ?? 15_000

        let state = try stateOptions.open(patterns: config.patterns, engine: config.engine)
        let control = LiveControl()
        var server: HTTPServer? = nil
        if let listen {
            do {
                server = try HTTPServer(listen: listen) { StatusAPI.respond($0, control) }
            } catch {
                Console.error("logwarden: \(error.description)")
                throw ExitCode(2)
            }
            server?.start()
            logger.info("listening on http://\(server!.host):\(server!.port)")
        }
        let console: any AlertSink = output == .json ? JSONLinesSink(write: Console.out) : ConsoleSink(write: Console.out)
        let notifier = try notify.sink(engine: config.engine, externalURL: server.map { "http://\($0.host):\($0.port)" } ?? "")
        let sink: any AlertSink = notifier.map { FanOutSink([console, $0]) } ?? console
        if let warning = NotifyOptions.connect(notifier, to: state) { logger.warning("\(warning)") }
        let pipeline = WatchPipeline(inputs: inputs.isEmpty ? ["-"] : inputs, options: options, config: config, state: state, control: control,
                                     signals: signals, sink: sink, logger: logger) { () throws(ConfigError) -> LiveConfig in
            try Self.load(reading, lateness: lateness, redactor: redactor, logger: logger)
        }
        pipeline.notifier = notifier
        pipeline.templates = templateOptions.watch(redactor: redactor, state: state)
        let status = pipeline.run()
        if let notifier, !notifier.delivery.drain(within: 2) {
            logger.warning("notifications not delivered at exit", metadata: ["count": "\(notifier.delivery.queueLength)"])
        }
        do throws(StateError) { try state?.commitOutbox() } catch {
            logger.error("cannot commit the outbox", metadata: ["error": "\(error.description)"])
        }
        server?.stop()
        if status != 0 { throw ExitCode(status) }
    }

    /// Patterns and rules from --rules, or every problem as FILE:LINE:COL. Logs what it loaded
    /// from where, at start-up and at every reload.
    static func load(_ reading: ReadingOptions, lateness: Int64, redactor: Redactor, logger: Logger) throws(ConfigError) -> LiveConfig {
        let files: RuleFiles
        do { files = try reading.ruleFiles() } catch { throw ConfigError(error.description) }
        let patterns: PatternSet
        do { patterns = try PatternSet.load(files) } catch { throw ConfigError(error.description) }
        let (groups, problems) = RuleFile.load(files)
        if !problems.isEmpty { throw ConfigError(Diagnostics(problems).description) }
        logger.info("loaded \(LoadSummary.line(files, patterns: patterns, groups: groups))")
        for w in SelectorCheck.run(groups, patterns: patterns) { logger.warning("\(w)") }
        let engine = RuleEngine.make(groups, patterns: patterns, lateness: lateness, redactor: redactor)
        // Once per rule (and per configuration): logwarden_rule_evaluation_failures_total counts every one.
        engine?.onProblem = { problem in logger.error("\(problem)", metadata: ["rule_group": "\(problem.group)", "rule": "\(problem.rule)"]) }
        return LiveConfig(patterns: patterns, engine: engine)
    }
}
