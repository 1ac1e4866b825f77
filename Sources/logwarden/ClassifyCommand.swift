import ArgumentParser
import LogwardenKit

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one row per record: its lines, pattern, class, severity, labels and time."
    )

    @OptionGroup var reading: ReadingOptions

    @Option(name: .long, help: "Row format: jsonl or tsv.")
    var output: ClassifyRow.Format = .jsonl

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    func run() throws {
        let patterns = try reading.loadPatterns()
        let expanded = InputSpec.expand(inputs.isEmpty ? ["-"] : inputs)
        let several = expanded.inputs.count > 1
        let out = Console.Buffered()
        if output == .tsv { out.line(ClassifyRow.tsvHeader(withInput: several)) }
        let result = ScanPipeline(patterns: patterns, options: reading.readOptions).run(expanded.inputs) { record, match, input in
            out.line(ClassifyRow(record: record, match: match, patterns: patterns, input: several ? input : nil).render(output))
        }
        out.flush()
        let errors = expanded.errors + result.errors
        for error in errors { Console.error("logwarden: \(error.description)") }
        if !errors.isEmpty { throw ExitCode(2) }
    }
}

extension ClassifyRow.Format: ExpressibleByArgument {}
