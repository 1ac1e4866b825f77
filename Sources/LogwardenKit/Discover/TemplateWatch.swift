/// Template mining inside `scan` and `watch` (`--templates`): records no pattern classified
/// are mined, their templates are exported as `logwarden_unmatched_templates_total`, and
/// with `--new-template-alert` an error template not seen before is announced once, as a
/// `NewLogTemplate` alert with its example records as evidence.
public final class TemplateWatch {
    public struct Options: Sendable {
        /// Templates exported as their own series, first come first served; the rest are
        /// summed under `template_id="__other__"`, as a pattern's `max_series`.
        public var maxSeries = 100
        public var maxTemplates = 10_000
        /// The `NewLogTemplate` alert's severity; nil: no alert.
        public var alertSeverity: String? = nil
        public init() {}
    }

    public static let alertName = "NewLogTemplate"
    public static let group = "logwarden-discover"

    public let options: Options
    public let miner: TemplateMiner
    private let session: DiscoverSession
    private let redactor: Redactor
    /// Templates already announced, or known from before the state began: never announced.
    public private(set) var known: Set<TemplateID> = []
    /// Error templates seen since the last `announce`.
    private var pendingErrors: Set<TemplateID> = []
    private var exported: [TemplateID] = []

    public init(options: Options, redactor: Redactor = .default) {
        self.options = options
        self.redactor = redactor
        miner = TemplateMiner(options: TemplateMiner.Options(maxClusters: options.maxTemplates))
        session = DiscoverSession(miner: miner, tracksErrors: options.alertSeverity != nil)
        // Merges rename templates: followed so announced ones stay announced.
        miner.renamed = [:]
    }

    /// The class of the pack's catch-alls (`generic.yaml`): a record only they matched is an
    /// error no specific pattern knows, so it is mined too.
    public static let catchAllClass = "other_error"

    /// Takes a record with its classification: mined unless a specific pattern matched it.
    public func take(_ record: Record, match: Classification?, patterns: PatternSet, input: String) {
        let specific = match.map { patterns.patterns[$0.pattern].definition.errorClass != Self.catchAllClass } ?? false
        take(record, classified: specific, input: input)
    }

    public func take(_ record: Record, classified: Bool, input: String) {
        guard !classified, let id = session.take(record, classified: false, input: input) else { return }
        if options.alertSeverity != nil, session.lastWasError, !known.contains(id) { pendingErrors.insert(id) }
    }

    /// `NewLogTemplate` alerts for the error templates first seen since the last call, each
    /// once, valid at `time`. A burst of look-alike records that merge into one template is
    /// one alert, when announced after the merge.
    public func announce(at time: EpochMillis) -> [AlertTransition] {
        followRenames()
        guard let severity = options.alertSeverity, !pendingErrors.isEmpty else { return [] }
        let live = Dictionary(miner.templates.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [AlertTransition] = []
        for id in pendingErrors.sorted() where !known.contains(id) {
            guard let t = live[id] else { continue }
            known.insert(id)
            out.append(transition(t, id: id, severity: severity, at: time))
        }
        pendingErrors.removeAll()
        return out
    }

    /// Carries announcements and pending errors over to the templates merges made of them.
    private func followRenames() {
        guard let renamed = miner.renamed, !renamed.isEmpty else { return }
        for (old, _) in renamed {
            let new = session.resolve(old)
            if known.contains(old) { known.insert(new) }
            if pendingErrors.remove(old) != nil { pendingErrors.insert(new) }
            if let i = exported.firstIndex(of: old) {
                if exported.contains(new) { exported.remove(at: i) } else { exported[i] = new }
            }
        }
        miner.renamed = [:]
    }

    private func transition(_ t: LogTemplate, id: TemplateID, severity: String, at time: EpochMillis) -> AlertTransition {
        let labels = Labels([("alertname", Self.alertName), ("severity", severity), ("template_id", id.description)])
        let alert = Alert(labels: labels, elementLabels: Labels([("template_id", id.description)]),
                          annotations: [("summary", "A log record shape no pattern knows: \(t.text)"),
                                        ("description", "Seen \(t.count) time(s). 'logwarden discover --output yaml' proposes a pattern for it.")],
                          state: .firing, value: Double(t.count), activeAt: t.firstSeen ?? time, firedAt: time,
                          resolvedAt: nil, keepFiringSince: nil)
        let samples = t.examples.map { bytes in
            SeriesStore.Sample(time: nil, countedAt: nil, input: "", line: 0,
                               text: redactor.redact(String(decoding: bytes, as: UTF8.self)))
        }
        return AlertTransition(kind: .firing, alert: alert, rule: Self.alertName, group: Self.group, evalTime: time,
                               evidence: Evidence(count: t.count, firstSeen: t.firstSeen, lastSeen: t.lastSeen, samples: samples))
    }

    /// `logwarden_unmatched_templates_total{template_id}` and the miner's own counters.
    public func families() -> [MetricFamily] {
        followRenames()
        var total = MetricFamily(name: "logwarden_unmatched_templates_total",
                                 help: "Records no pattern classified, per mined template (first max_series templates; the rest as __other__).",
                                 kind: .counter)
        var other = 0
        for t in miner.templates {
            let id = t.id
            if !exported.contains(id), exported.count < options.maxSeries { exported.append(id) }
            if exported.contains(id) {
                total.samples.append(.init(labels: [("template_id", id.description)], value: Double(t.count)))
            } else {
                other += t.count
            }
        }
        total.samples.sort { $0.labels[0].value < $1.labels[0].value }
        if other > 0 { total.samples.append(.init(labels: [("template_id", MatchCounts.overflowValue)], value: Double(other))) }
        let live = MetricFamily(name: "logwarden_templates", help: "Templates the miner holds.", kind: .gauge,
                                samples: [.init(labels: [], value: Double(miner.liveCount))])
        let evicted = MetricFamily(name: "logwarden_template_evictions_total",
                                   help: "Templates evicted, least recently seen first, to stay within --max-templates.",
                                   kind: .counter, samples: [.init(labels: [], value: Double(miner.evictions))])
        return [total, live, evicted]
    }

    // MARK: the state file

    /// The templates to keep across runs.
    public func snapshot() -> [LogTemplate] {
        followRenames()
        return miner.templates
    }

    /// Templates of earlier runs: they keep their ids and counts, and none of them is new.
    public func restore(_ templates: [LogTemplate]) {
        miner.restore(templates)
        for t in templates { known.insert(t.id) }
    }
}
