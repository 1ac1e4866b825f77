import ArgumentParser
import LogwardenKit

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read files, globs, directories or stdin once; classify, count, and report.",
        discussion: "Gzip files are recognised by their content. A missing or unreadable input is reported and the run exits 2 after reading the others."
    )

    @OptionGroup var reading: ReadingOptions

    @Option(name: .long, help: "Output format: text (a summary table) or json (JSON Lines).")
    var output: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the Prometheus text exposition here (atomically).", valueName: "file.prom"))
    var textfile: String?

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let patterns = try reading.loadPatterns()
        let expanded = InputSpec.expand(inputs.isEmpty ? ["-"] : inputs)
        let result = ScanPipeline(patterns: patterns, options: reading.readOptions).run(expanded.inputs)
        let errors = expanded.errors + result.errors
        var status: Int32 = errors.isEmpty ? 0 : 2
        if let textfile {
            do { try AtomicFile.write(Exposition.render(ScanMetrics.families(result.counts)), to: textfile) } catch {
                Console.error("logwarden: --textfile \(error.description)")
                status = 2
            }
        }
        for error in errors { Console.error("logwarden: \(error.description)") }
        let summary = ScanSummary(counts: result.counts, exitStatus: status)
        switch output {
        case .text: Console.out(summary.table())
        case .json: Console.out(summary.json().rendered + "\n")
        }
        if status != 0 { throw ExitCode(status) }
    }
}
