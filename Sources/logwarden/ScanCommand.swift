import ArgumentParser
import LogwardenKit

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read files, globs, directories or stdin once; classify, count, evaluate alert rules, and report.",
        discussion: """
            Alert rules (Prometheus rule files among the rules loaded: the default pack, --rules, --rules-add) \
            are evaluated at every group interval of \
            the logs' own time, so `for:` durations hold on a replay. Gzip files are recognised by their \
            content. A missing or unreadable input is reported and the run exits 2 after reading the others.
            """
    )

    @OptionGroup var reading: ReadingOptions

    @Option(name: .long, help: "Output format: text (alert lines and a summary table) or json (JSON Lines).")
    var output: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the Prometheus text exposition here (atomically).", valueName: "file.prom"))
    var textfile: String?

    @Option(name: .long, help: ArgumentHelp("Exit 1 when an alert at or above this severity fired: critical > high > warning = medium > low > info.", valueName: "severity"))
    var failOn: Severity?

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("CI reports: 'junit FILE' (a test case per alert rule) and/or 'github' (annotations on stdout).", valueName: "kind"))
    var report: [String] = []

    @Option(name: .long, help: ArgumentHelp("Records up to this much older than the newest one still count in their own time bucket; with --state, a run evaluates only up to this long before the newest record (or now), so such records are never too late.", valueName: "duration"))
    var allowedLateness: String = "1m"

    @Option(name: .long, help: ArgumentHelp("With --state: while the newest record is at most this old, a run evaluates up to now, so an absence rule fires when a service stops logging; older logs are archives, evaluated on their own time. 0: always on the records' time (nightly runs over rotated files).", valueName: "duration"))
    var liveHorizon: String = "1h"

    @Option(name: .long, help: ArgumentHelp("Also redact this PCRE2 regex in evidence samples (repeatable): group 1 if it has one, else the whole match. Authorization/Bearer values, password=, token=, api_key and URL credentials are always redacted.", valueName: "regex"))
    var redact: [String] = []

    @Option(name: .long, help: ArgumentHelp("Threads in all: the one that counts also reads and classifies when it would wait (default: one per core; 1 does everything on one thread). Output is the same for any value.", valueName: "n"))
    var threads: Int?

    @OptionGroup var stateOptions: StateOptions

    @OptionGroup var notify: NotifyOptions

    @OptionGroup var templateOptions: TemplateOptions

    @Option(name: .long, help: ArgumentHelp("With --alertmanager/--webhook: wait at most this long for deliveries before exiting.", valueName: "duration"))
    var sendTimeout = "30s"

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if Duration.parseMillis(sendTimeout) == nil {
            throw ValidationError("--send-timeout '\(sendTimeout)' is not a duration; write it as 30s or 2m")
        }
        if Duration.parseMillis(allowedLateness) == nil {
            throw ValidationError("--allowed-lateness '\(allowedLateness)' is not a duration; write it as 30s, 1m or 5m")
        }
        if Duration.parseMillis(liveHorizon) == nil {
            throw ValidationError("--live-horizon '\(liveHorizon)' is not a duration; write it as 1h, 30m, or 0 to stay on the records' time")
        }
        _ = try reports()
        _ = try RuleLoading.redactor(redact)
    }

    /// `--report junit FILE --report github` → (junit path, github). Words after a complete
    /// report (`--report github app.log`) are inputs: the option reads up to the next option.
    func reports() throws -> (junit: String?, github: Bool, inputs: [String]) {
        var junit: String? = nil
        var github = false
        var rest: [String] = []
        var i = 0
        while i < report.count {
            switch report[i] {
            case "junit" where rest.isEmpty:
                guard i + 1 < report.count else { throw ValidationError("--report junit needs a file name: --report junit report.xml") }
                junit = report[i + 1]
                i += 2
            case "github" where rest.isEmpty:
                github = true
                i += 1
            default:
                if i == 0 { throw ValidationError("--report '\(report[i])' is unknown; use 'junit FILE' or 'github'") }
                rest.append(report[i])
                i += 1
            }
        }
        return (junit, github, rest)
    }

    /// The sink for stdout in the chosen format.
    private func consoleSink(_ write: @escaping (String) -> Void) -> any AlertSink {
        output == .json ? JSONLinesSink(write: write) : ConsoleSink(colour: Console.outIsTerminal, write: write)
    }

    /// How many of the transitions an interrupted run left are in the stdout file already.
    private func alreadyOnStdout(_ state: RunState) -> Int {
        guard let mark = state.restoredMark else { return 0 }
        let rendered = state.restoredUnprinted.map { t in
            var text = ""
            consoleSink { text += $0 }.emit(t)
            return Array(text.utf8)
        }
        let n = mark.alreadyWritten(rendered)
        if n > 0 {
            Console.error("logwarden: \(n) alert transition(s) of an interrupted run are on stdout already; not printed again")
        }
        return n
    }

    func run() throws {
        let files = try reading.loadRuleFiles()
        let patterns = try reading.loadPatterns(files)
        let groups = try RuleLoading.groups(files)
        Console.error("logwarden: loaded " + LoadSummary.line(files, patterns: patterns, groups: groups))
        RuleLoading.warn(groups, patterns)
        let redactor = try RuleLoading.redactor(redact)
        let engine = RuleEngine.make(groups, patterns: patterns, lateness: Duration.parseMillis(allowedLateness) ?? 60_000,
                                        redactor: redactor)
        let (junit, github, reportInputs) = try reports()
        let all = reportInputs + inputs
        let expanded = InputSpec.expand(all.isEmpty ? ["-"] : all)

        let state = try stateOptions.open(patterns: patterns, engine: engine)
        // A replay can print thousands of alert lines: into a file or a pipe they go out in
        // 64 KiB writes, on a terminal line by line; with --state, at each commit.
        let buffered = Console.outIsTerminal && state == nil ? nil : Console.Buffered()
        let out: (String) -> Void = buffered.map { b in { b.text($0) } } ?? Console.out
        let console = consoleSink(out)
        let notifier = try notify.sink(engine: engine)
        if let warning = NotifyOptions.connect(notifier, to: state) { Console.error("logwarden: \(warning)") }
        let sink: any AlertSink = notifier.map { FanOutSink([console, $0]) } ?? console
        var fired: [AlertTransition] = []
        var pipeline = ScanPipeline(patterns: patterns, options: reading.readOptions, engine: engine)
        pipeline.commitInterval = Double(stateOptions.commitMillis) / 1000
        pipeline.workers = threads.map { $0 - 1 }
        pipeline.liveHorizon = Duration.parseMillis(liveHorizon) ?? 3_600_000
        // Transitions go to stdout once committed, so a run stopped in between leaves them to
        // the next one rather than losing them.
        state?.holdsOutput = true
        state?.outputMark = { OutputMark.current(1) }
        // A run killed just after printing left its last transitions in the state: those
        // already in the stdout file are not printed again, but still notified and counted.
        var onStdout = state.map(alreadyOnStdout) ?? 0
        let templates = templateOptions.watch(redactor: redactor, state: state)
        let onTransition: (AlertTransition) -> Void = { t in
            if onStdout > 0 {
                onStdout -= 1
                notifier?.emit(t)
            } else {
                sink.emit(t)
            }
            if t.kind == .firing { fired.append(t) }
        }
        let result = pipeline.run(expanded.inputs, state: state,
                                  onRecord: templates.map { watch in { record, match, input in watch.take(record, match: match, patterns: patterns, input: input) } },
                                  onTransition: onTransition, onPrinted: { buffered?.flush() ?? true })
        Console.untimed(result)
        // New templates are announced once the run has seen them all, valid at its last record.
        if let templates, let last = result.counts.lastTime ?? engine?.groups.compactMap(\.lastEvaluation).max() {
            templates.announce(at: last).forEach(onTransition)
        }
        sink.finish()
        buffered?.flush()
        // A rule that failed at evaluation makes the run's answer incomplete: exit 2.
        let ruleProblems = engine?.problems ?? []
        for problem in ruleProblems { Console.error("logwarden: \(problem)") }
        let counted = state.map { result.counts.since($0.base) } ?? result.counts
        for (name, late) in counted.late.sorted(by: { $0.key < $1.key }) {
            Console.error("logwarden: " + ClockReport.late(name, late, withState: state != nil))
        }
        if state != nil, let ahead = ClockReport.ahead(result.counts.lastTime, now: pipeline.options.now) {
            Console.error("logwarden: " + ahead)
        }
        if let notifier {
            // Alerts still firing are re-sent when due, valid from the last evaluation.
            if let engine, let last = engine.groups.compactMap(\.lastEvaluation).max() {
                notifier.resend(engine.firingAlerts(at: last), now: last)
            }
            if !notifier.delivery.drain(within: Double(Duration.parseMillis(sendTimeout) ?? 30_000) / 1000) {
                Console.error("logwarden: \(notifier.delivery.queueLength) notification(s) not delivered within --send-timeout \(sendTimeout); "
                              + (state == nil ? "the receivers did not answer" : "they stay in the --state outbox for the next run"))
            }
        }

        let errors = expanded.errors + result.errors
        var status: Int32 = errors.isEmpty && ruleProblems.isEmpty ? 0 : 2
        var stateError = result.stateError
        if stateError == nil, let state {
            do throws(StateError) { try state.commitOutbox() } catch { stateError = error }
        }
        if let stateError {
            Console.error("logwarden: --state \(stateError.description)")
            status = 2
        }
        if let failure = buffered?.failure {
            let kept = state.map { s in "; \(s.unprintedCount) alert transition(s) stay in \(s.file.path), and the next run prints them first" } ?? ""
            Console.error("logwarden: cannot write to stdout: \(InputError.reason(failure))\(kept)")
            status = 2
        }
        if status == 0, let failOn, failOn.isMet(by: fired) {
            status = 1
        }
        if let textfile {
            let families = ScanMetrics.families(result.counts) + (engine?.families() ?? []) + (notifier?.delivery.families() ?? [])
                + (templates?.families() ?? [])
            do throws(OutputError) { try AtomicFile.write(Exposition.render(families), to: textfile) } catch {
                Console.error("logwarden: --textfile \(error.description)")
                status = 2
            }
        }
        if let junit {
            do throws(OutputError) { try AtomicFile.write(CIReports.junit(groups: groups, fired: fired, problems: ruleProblems), to: junit) } catch {
                Console.error("logwarden: --report junit \(error.description)")
                status = 2
            }
        }
        if github { Console.out(CIReports.github(fired, problems: ruleProblems)) }
        for error in errors { Console.error("logwarden: \(error.description)") }
        // The summary is this run's; the textfile's counters are cumulative across runs.
        let summary = ScanSummary(counts: counted, exitStatus: status)
        switch output {
        case .text:
            Console.out(summary.table() + ScanSummary.alertsLine(fired, failOn: failOn, status: status, ruleProblems: ruleProblems.count))
        case .json:
            Console.out(summary.json(fired: fired).rendered + "\n")
        }
        if status != 0 { throw ExitCode(status) }
    }
}
