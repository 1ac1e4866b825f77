import ArgumentParser
import LogwardenKit

/// `--state`, shared by `scan` and `watch`.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite state file: read only what is new since the last run, keep alert states and cumulative counters, record history. Created with mode 0600.", valueName: "file.db"))
    var state: String?

    @Flag(name: .long, help: "Wait for another process that holds the state file, instead of exiting 2.")
    var wait = false

    @Option(name: .long, help: ArgumentHelp("Keep per-minute counts and alert history this long (in the logs' time).", valueName: "duration"))
    var retention = "7d"

    @Option(name: .long, help: ArgumentHelp("With --state: commit at least this often (and every 250,000 records).", valueName: "duration"))
    var commitInterval = "1s"

    func validate() throws {
        guard let ms = Duration.parseMillis(retention), ms > 0 else {
            throw ValidationError("--retention '\(retention)' is not a duration; write it as 7d, 48h or 30d")
        }
        guard let c = Duration.parseMillis(commitInterval), c > 0 else {
            throw ValidationError("--commit-interval '\(commitInterval)' is not a duration; write it as 1s, 500ms or 10s")
        }
    }

    var commitMillis: Int64 { Duration.parseMillis(commitInterval) ?? 1000 }

    /// The state of earlier runs, restored into `engine`; nil without --state. Exit 2 when the
    /// file is locked, foreign, corrupt or cannot be created.
    func open(patterns: PatternSet, engine: RuleEngine?) throws -> RunState? {
        guard let state else { return nil }
        do {
            let file = try StateFile(path: state, wait: wait)
            return try RunState(file: file, patterns: patterns, engine: engine, retention: Duration.parseMillis(retention) ?? 7 * 86_400_000)
        } catch {
            Console.error("logwarden: --state \(error.description)")
            throw ExitCode(2)
        }
    }
}
