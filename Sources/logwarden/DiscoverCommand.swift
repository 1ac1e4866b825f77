import ArgumentParser
import LogwardenKit
#if canImport(Glibc)
import Glibc
#endif

struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the templates of records that no pattern classifies, most frequent first.",
        discussion: """
            --output yaml writes candidate pattern definitions that 'logwarden check' accepts. \
            --assignments FILE writes 'line<TAB>template_id' per record ('input<TAB>line<TAB>id' \
            with several inputs); records that a pattern classified, or that --errors-only left \
            out, get '-'.
            """
    )

    @OptionGroup var reading: ReadingOptions

    @Option(name: .long, help: "Only templates seen at least this many times.")
    var minCount: Int = 1

    @Flag(name: .long, help: "Only records at error level or worse, or that carry an exception.")
    var errorsOnly = false

    @Option(name: .long, help: "Output: text, json (JSON Lines) or yaml (candidate patterns).")
    var output: DiscoverReport.Format = .text

    @Option(name: .long, help: ArgumentHelp("Write each record's template id to this file.", valueName: "file"))
    var assignments: String?

    @Option(name: .long, help: "At most this many templates in memory; the least recently seen are evicted.")
    var maxTemplates: Int = 10_000

    @Argument(help: ArgumentHelp("Files, globs, directories, or - for stdin. Default: stdin.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if maxTemplates < 1 { throw ValidationError("--max-templates must be at least 1") }
    }

    func run() throws {
        let patterns = try reading.loadPatterns()
        let expanded = InputSpec.expand(inputs.isEmpty ? ["-"] : inputs)
        let miner = TemplateMiner(options: TemplateMiner.Options(maxClusters: maxTemplates))
        let session = DiscoverSession(miner: miner, errorsOnly: errorsOnly, keepAssignments: assignments != nil)
        let result = ScanPipeline(patterns: patterns, options: reading.readOptions).run(expanded.inputs) { record, match, input in
            // A record only a catch-all (class other_error) matched is an error no pattern knows.
            session.take(record, classified: match.map { patterns.patterns[$0.pattern].definition.errorClass != TemplateWatch.catchAllClass } ?? false,
                         input: input)
        }
        Console.untimed(result)
        var failed = false
        if let path = assignments {
            failed = !writeAssignments(session, to: path)
        }
        let templates = miner.templates.filter { $0.count >= minCount }
        Console.out(DiscoverReport.render(templates, format: output, records: session.records, mined: session.mined,
                                          evictions: miner.evictions))
        let errors = expanded.errors + result.errors
        for error in errors { Console.error("logwarden: \(error.description)") }
        if !errors.isEmpty || failed { throw ExitCode(2) }
    }

    private func writeAssignments(_ session: DiscoverSession, to path: String) -> Bool {
        let several = session.inputs.count > 1
        var text = ""
        for row in session.assignments ?? [] {
            if several { text += session.inputs[row.input] + "\t" }
            text += "\(row.line)\t" + (row.id.map { session.resolve($0).description } ?? "-") + "\n"
        }
        guard let f = fopen(path, "wb") else {
            Console.error("logwarden: cannot write --assignments \(path): \(String(cString: strerror(errno))); check the path")
            return false
        }
        defer { fclose(f) }
        var bytes = Array(text.utf8)
        return fwrite(&bytes, 1, bytes.count, f) == bytes.count
    }
}

extension DiscoverReport.Format: ExpressibleByArgument {}
