import ArgumentParser
import LogwardenKit

/// Template mining inside `scan` and `watch`: `--templates` and `--new-template-alert`.
struct TemplateOptions: ParsableArguments {
    @Flag(name: .long, help: "Mine templates of the records no pattern classifies: logwarden_unmatched_templates_total{template_id}.")
    var templates = false

    @Option(name: .long, help: ArgumentHelp("Fire NewLogTemplate once per error template not seen before (since the --state began), at this severity. Implies --templates.", valueName: "severity"))
    var newTemplateAlert: String?

    @Option(name: .long, help: "Templates exported as their own series; the rest count as __other__.")
    var maxTemplateSeries = 100

    @Option(name: .long, help: "At most this many templates in memory; the least recently seen are evicted.")
    var maxTemplates = 10_000

    func validate() throws {
        if maxTemplateSeries < 1 { throw ValidationError("--max-template-series must be at least 1") }
        if maxTemplates < 1 { throw ValidationError("--max-templates must be at least 1") }
        if let s = newTemplateAlert, s.isEmpty || !s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            throw ValidationError("--new-template-alert '\(s)' is not a severity; write it as warning or critical")
        }
    }

    /// The miner, or nil when neither flag is given. With a state file it continues from the
    /// templates the state knows, and commits its own.
    func watch(redactor: Redactor, state: RunState?) -> TemplateWatch? {
        guard templates || newTemplateAlert != nil else { return nil }
        var options = TemplateWatch.Options()
        options.maxSeries = maxTemplateSeries
        options.maxTemplates = maxTemplates
        options.alertSeverity = newTemplateAlert
        let watch = TemplateWatch(options: options, redactor: redactor)
        if let state {
            watch.restore(state.restoredTemplates)
            state.templateSource = { watch.snapshot() }
        }
        return watch
    }
}
