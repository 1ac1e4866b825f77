import ArgumentParser
import LogwardenKit

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one row per record: its lines, pattern, class, severity, labels and time."
    )

    @OptionGroup var reading: ReadingOptions

    @Option(name: .long, help: "Row format: jsonl or tsv.")
    var output: ClassifyRow.Format = .jsonl

    @Option(name: .long, help: ArgumentHelp("Threads in all: the one that counts also reads and classifies when it would wait (default: one per core; 1 does everything on one thread). Output is the same for any value.", valueName: "n"))
    var threads: Int?

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let patterns = try reading.loadPatterns()
        let expanded = InputSpec.expand(inputs.isEmpty ? ["-"] : inputs)
        let several = expanded.inputs.count > 1
        let out = Console.Buffered()
        if output == .tsv { out.line(ClassifyRow.tsvHeader(withInput: several)) }
        var pipeline = ScanPipeline(patterns: patterns, options: reading.readOptions)
        pipeline.workers = threads.map { $0 - 1 }
        let result = pipeline.run(expanded.inputs) { record, match, input in
            out.line(ClassifyRow(record: record, match: match, patterns: patterns, input: several ? input : nil).render(output))
        }
        out.flush()
        Console.untimed(result)
        let errors = expanded.errors + result.errors
        for error in errors { Console.error("logwarden: \(error.description)") }
        if !errors.isEmpty { throw ExitCode(2) }
    }
}

extension ClassifyRow.Format: ExpressibleByArgument {}
