/// Evaluates rule groups on event time, between records: before a record later than a
/// group's next evaluation instant is counted, the group is evaluated at that instant. A
/// replay of a day of logs therefore gives the same transitions, at the same event times,
/// as a live run would. Instants are multiples of the group's interval.
public final class RuleEngine {
    public final class Group {
        public let definition: RuleGroupDefinition
        /// Its place among the engine's groups: the scope of its rules' kept state.
        let index: Int
        public let alerts: [AlertRule?]
        public var next: EpochMillis?
        /// The last evaluation: its instant, and how long it took (seconds of CPU wall time).
        public private(set) var lastEvaluation: EpochMillis?
        public private(set) var lastDuration = 0.0
        /// Per rule, the error of its last evaluation, or nil when it succeeded.
        public fileprivate(set) var lastErrors: [String?]
        /// Per rule, how far back its evidence goes: its largest range, or the interval.
        let evidenceWindows: [Int64]

        fileprivate func evaluated(at t: EpochMillis, seconds: Double) {
            lastEvaluation = t
            lastDuration = seconds
        }

        init(_ index: Int, _ definition: RuleGroupDefinition) {
            self.index = index
            self.definition = definition
            alerts = definition.rules.map { $0.kind == .alert ? AlertRule($0, group: definition.name, groupLabels: definition.labels) : nil }
            lastErrors = Array(repeating: nil, count: definition.rules.count)
            evidenceWindows = definition.rules.map { $0.expr.ranges.max() ?? definition.interval }
        }
    }

    public let groups: [Group]
    public let store: SeriesStore
    public let redactor: Redactor
    public let externalLabels: [String: String]
    private let source: StoreSource
    /// Evaluations that failed (a runtime expression error, a limit), per rule name.
    public private(set) var failures: [String: Int] = [:]
    public private(set) var evaluations = 0
    /// Each rule that failed at evaluation (or gave an alert an unknown severity), with
    /// its first problem: `scan` exits 2 on them.
    public private(set) var problems: [RuleProblem] = []
    /// Called with each rule's first problem (`watch` logs it).
    public var onProblem: ((RuleProblem) -> Void)?
    /// The latest instant any group has evaluated (or skipped as stationary): a record at or
    /// before it came too late for that evaluation.
    public private(set) var evaluatedThrough: EpochMillis = .min
    /// Called after each group evaluation (for `logwarden test`).
    public var afterEvaluation: ((EpochMillis, RuleEngine) -> Void)?

    /// The bucket width that makes every window exact: the greatest common divisor of all
    /// intervals and ranges. Memory is series × (largest range ÷ width).
    public static func bucketWidth(_ groups: [RuleGroupDefinition]) -> (width: Int64, largest: Int64) {
        var g: Int64 = 0
        var largest: Int64 = 0
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        for group in groups {
            g = gcd(g, group.interval)
            largest = max(largest, group.interval)
            for rule in group.rules {
                for r in rule.expr.ranges {
                    g = gcd(g, r)
                    largest = max(largest, r)
                }
            }
        }
        return (g == 0 ? 60_000 : g, largest)
    }

    /// After this long without a record every window is empty and every `for` and
    /// `keep_firing_for` has run out: evaluations give the same state until the next
    /// record, so a gap of days in archived logs is skipped instead of evaluated every 15s.
    /// Rules that read `time()` change on their own and are never skipped.
    public let settle: Int64?
    /// Some rule may select ALERTS or ALERTS_FOR_STATE: alerting rules then write them.
    let readsAlerts: Bool
    static let alertSeries: Set<String> = ["ALERTS", "ALERTS_FOR_STATE"]

    public init(groups: [RuleGroupDefinition], store: SeriesStore, redactor: Redactor = .default, externalLabels: [String: String] = [:]) {
        self.groups = groups.enumerated().map { Group($0.offset, $0.element) }
        self.store = store
        self.redactor = redactor
        self.externalLabels = externalLabels
        source = StoreSource(store: store)
        store.logTouches = true
        let rules = groups.flatMap(\.rules)
        for rule in rules { source.registerGroupWindows(rule.expr) }
        // Only series that some rule selects need a window (for ranges and evidence), as long
        // as the longest range those rules read (or, without one, their group's interval,
        // over which evidence is gathered); the others, such as the unmatched counter, only count.
        let selected = groups.flatMap { group in
            group.rules.flatMap { rule in
                let need = rule.expr.ranges.max() ?? group.interval
                return rule.expr.selectors.map { ($0, need) }
            }
        }
        let source = self.source
        store.windowRange = { labels in selected.filter { source.matches($0.0, labels) }.map(\.1).max() }
        // Every rule is a writer, numbered in evaluation order (a tie between writes of one
        // series goes to the rule evaluated first); alerting rules write only when read.
        let writtenNames = Self.alertSeries.union(rules.filter { $0.kind == .record }.map(\.name))
        let readers = rules.filter { $0.expr.selectors.contains { $0.name.map(writtenNames.contains) ?? true } }.count
        readsAlerts = rules.contains { $0.expr.selectors.contains { $0.name.map(Self.alertSeries.contains) ?? true } }
        for (g, group) in groups.enumerated() {
            for (r, rule) in group.rules.enumerated() {
                let names = rule.kind == .record ? [rule.name] : readsAlerts ? Array(Self.alertSeries) : []
                source.written.declare(EvaluationScope(group: g, rule: r), names: names)
            }
        }
        if rules.contains(where: { $0.exprSource.contains("time") && Self.callsTime($0.expr) }) {
            settle = nil
        } else {
            let ranges = rules.flatMap { $0.expr.ranges }.max() ?? 0
            let holds = rules.map { max($0.forDuration, $0.keepFiringFor) }.max() ?? 0
            // A rule reading another's output settles after it: one more step per reader, and
            // a write that stopped being renewed is seen for the lookback delta.
            let step = holds + 2 * (groups.map(\.interval).max() ?? 0)
            settle = ranges + Int64(1 + readers) * step + (readers > 0 ? WrittenSeries.lookback : 0)
        }
    }

    /// An engine over a new store sized for `groups` (nil when there are no rules).
    public static func make(_ groups: [RuleGroupDefinition], patterns: PatternSet, lateness: Int64,
                            redactor: Redactor = .default) -> RuleEngine? {
        guard !groups.isEmpty else { return nil }
        let (width, largest) = bucketWidth(groups)
        let store = SeriesStore(patterns: patterns, bucketWidth: width, largestRange: largest, allowedLateness: lateness)
        return RuleEngine(groups: groups, store: store, redactor: redactor)
    }

    /// Continues another engine's work after a reload: its series and windows, and the
    /// pending and firing alerts of every rule that is unchanged (same group, name,
    /// expression, `for` and labels). Changed rules start over.
    public func takeOver(_ old: RuleEngine) {
        store.adopt(old.store)
        evaluatedThrough = old.evaluatedThrough
        var previous: [String: AlertRule] = [:]
        for group in old.groups {
            for rule in group.alerts.compactMap({ $0 }) { previous[group.definition.name + "\u{0}" + rule.definition.fingerprint] = rule }
        }
        for group in groups {
            for rule in group.alerts.compactMap({ $0 }) {
                if let old = previous[group.definition.name + "\u{0}" + rule.definition.fingerprint] { rule.restore(old.activeAlerts) }
            }
        }
    }

    /// Continues an earlier run (the state file): each group whose name and interval are
    /// unchanged goes on from its next instant, and evaluations keep counting.
    public func restore(next: [String: (interval: Int64, next: EpochMillis)], evaluations: Int) {
        for group in groups {
            guard let saved = next[group.definition.name], saved.interval == group.definition.interval else { continue }
            group.next = saved.next
            started = true
            evaluatedThrough = max(evaluatedThrough, saved.next - saved.interval)
        }
        if started {
            // A group new to this run starts at the others' next instant.
            let first = groups.compactMap(\.next).min()!
            for group in groups where group.next == nil {
                let i = group.definition.interval
                group.next = first >= 0 ? (first + i - 1) / i * i : first / i * i
            }
        }
        self.evaluations = evaluations
        earliest = nextDue()?.1 ?? .max
    }

    static func callsTime(_ e: Expr) -> Bool {
        switch e {
        case let .call(name, args, _): return name == "time" || args.contains(where: callsTime)
        case let .aggregate(_, p, inner, _, _, _): return (p.map(callsTime) ?? false) || callsTime(inner)
        case let .binary(_, l, r, _, _, _): return callsTime(l) || callsTime(r)
        case let .unary(_, inner), let .paren(inner): return callsTime(inner)
        default: return false
        }
    }

    /// The earliest instant any group is due: one comparison per record in the common case.
    private var earliest: EpochMillis = .max
    private var started = false

    /// Runs every evaluation due strictly before `time` (records at an instant count in it).
    public func advance(before time: EpochMillis, _ emit: (AlertTransition) -> Void) {
        if time <= earliest { return }
        defer { earliest = nextDue()?.1 ?? .max }
        while let (group, t) = nextDue(), t < time {
            if let settle, let last = store.watermark, t > last + settle {
                // Stationary until the next record: jump to the last instants before it. What
                // the skipped instants would have written is what was written last.
                for g in groups where g.next != nil && g.next! < time {
                    let i = g.definition.interval
                    let jumped = max(g.next!, (time - 1) / i * i)
                    if jumped > g.next! {
                        source.written.renew(g.definition.rules.indices.map { EvaluationScope(group: g.index, rule: $0) }, through: jumped - i)
                    }
                    g.next = jumped
                    evaluatedThrough = max(evaluatedThrough, jumped - i)
                }
                guard let (g2, t2) = nextDue(), t2 < time else { break }
                evaluate(g2, at: t2, emit)
                continue
            }
            evaluate(group, at: t, emit)
        }
    }

    /// Evaluates up to and including the first instant at or after `time`: the final
    /// evaluation of a scan, or the last `eval_time` of a rule test.
    public func finish(through time: EpochMillis, _ emit: (AlertTransition) -> Void) {
        earliest = nextDue()?.1 ?? .max
        advance(before: time, emit)
        // In time order, as everywhere: a rule must not read what a later instant wrote.
        let last = groups.compactMap { g in g.next.map { (g, $0) } }.filter { $0.1 >= time }
        for (group, t) in last.sorted(by: { $0.1 < $1.1 }) { evaluate(group, at: t, emit) }
    }

    /// The first record's time sets each group's first instant: the first multiple of its
    /// interval at or after it.
    public func start(at time: EpochMillis) {
        if started { return }
        started = true
        for group in groups where group.next == nil {
            let i = group.definition.interval
            group.next = time >= 0 ? (time + i - 1) / i * i : time / i * i
        }
        earliest = nextDue()?.1 ?? .max
    }

    private func nextDue() -> (Group, EpochMillis)? {
        var best: (Group, EpochMillis)? = nil
        for group in groups {
            guard let t = group.next else { continue }
            if best == nil || t < best!.1 { best = (group, t) }
        }
        return best
    }

    private func evaluate(_ group: Group, at t: EpochMillis, _ emit: (AlertTransition) -> Void) {
        if !seeded { seedRestoredAlerts() }
        group.next = t + group.definition.interval
        evaluations += 1
        evaluatedThrough = max(evaluatedThrough, t)
        let started = SystemClock.monotonicSeconds()
        defer { group.evaluated(at: t, seconds: SystemClock.monotonicSeconds() - started) }
        // By index: a rule's definition is a large value, copied only when something fails.
        for index in group.definition.rules.indices {
            group.lastErrors[index] = nil
            do {
                let scope = EvaluationScope(group: group.index, rule: index)
                if let alertRule = group.alerts[index] {
                    let transitions = try alertRule.eval(at: t, source: source, scope: scope, externalLabels: externalLabels,
                                                         limit: group.definition.limit) {
                        evidence(for: $0, rule: alertRule.definition, at: t, window: group.evidenceWindows[index], scope: scope)
                    }
                    if readsAlerts { source.written.write(scope, at: t, alertRule.writtenSamples()) }
                    transitions.forEach(emit)
                    if let bad = RuleProblem.unknownSeverity(transitions) { noteProblem(group, index, at: t, bad) }
                } else {
                    try record(group.definition.rules[index], at: t, scope: scope)
                }
            } catch {
                let rule = group.definition.rules[index]
                source.written.failed(EvaluationScope(group: group.index, rule: index))
                group.lastErrors[index] = "\(error)"
                failures[rule.name, default: 0] += 1
                noteProblem(group, index, at: t, error)
            }
        }
        source.evaluated()
        afterEvaluation?(t, self)
    }

    private func noteProblem(_ group: Group, _ index: Int, at t: EpochMillis, _ error: any Error) {
        if let i = problems.firstIndex(where: { $0.groupIndex == group.index && $0.ruleIndex == index }) {
            problems[i].count += 1
            return
        }
        let problem = RuleProblem(groupIndex: group.index, group: group.definition.name, ruleIndex: index,
                                  rule: group.definition.rules[index], at: t, error)
        problems.append(problem)
        onProblem?(problem)
    }

    private func record(_ rule: RuleDefinition, at t: EpochMillis, scope: EvaluationScope) throws {
        let value = try Evaluator(source: source, time: t, scope: scope).eval(rule.expr).asVector
        guard case let .vector(v) = value else { return }
        let samples = v.map { s in
            var labels = s.labels.setting(Labels.metricName, rule.name)
            for l in rule.recordLabels { labels = labels.setting(l.name, l.value) }
            return VectorSample(labels: labels, value: s.value)
        }
        if Set(samples.map(\.labels)).count < samples.count {
            throw ExprError(0, "vector contains metrics with the same labelset after applying rule labels")
        }
        source.written.write(scope, at: t, samples)
    }

    /// Alerts restored from a state file or a reload were written as ALERTS by the evaluation
    /// before this engine's first (Prometheus keeps them in its storage): seen at once.
    private var seeded = false

    private func seedRestoredAlerts() {
        seeded = true
        guard readsAlerts else { return }
        for group in groups {
            guard let next = group.next else { continue }
            for (index, rule) in group.alerts.enumerated() {
                guard let rule, !rule.activeAlerts.isEmpty else { continue }
                source.written.write(EvaluationScope(group: group.index, rule: index), at: next - group.definition.interval,
                                     rule.writtenSamples())
            }
        }
    }

    /// The records behind an alert: series of the rule's selectors whose labels agree with
    /// the alert's element, over the rule's largest range (or the group interval).
    private var evidenceIndices: [EvaluationScope: EvidenceIndex] = [:]
    private let redactScratch = MatchScratch()
    /// The same records are evidence of transition after transition: redact each once.
    /// Found by input and line (cheaper to hash than the text), checked against the text
    /// (a rotated file numbers its lines again).
    private struct RecordKey: Hashable {
        var input: String
        var line: Int
    }
    private var redactions: [RecordKey: (text: String, redacted: String)] = [:]

    private func redacted(_ sample: SeriesStore.Sample) -> String {
        let key = RecordKey(input: sample.input, line: sample.line)
        if let done = redactions[key], done.text == sample.text { return done.redacted }
        if redactions.count >= 4096 { redactions.removeAll(keepingCapacity: true) }
        let done = redactor.redact(sample.text, scratch: redactScratch)
        redactions[key] = (sample.text, done)
        return done
    }

    private func evidence(for alert: Alert, rule: RuleDefinition, at t: EpochMillis, window: Int64, scope: EvaluationScope) -> Evidence {
        let index = evidenceIndices[scope] ?? EvidenceIndex(selectors: rule.expr.selectors, source: source)
        evidenceIndices[scope] = index
        let ids = index.series(agreeingWith: alert.elementLabels)
        var count = 0
        var first: EpochMillis? = nil, last: EpochMillis? = nil
        var refs: [SeriesStore.SampleRef] = []
        for id in ids {
            let s = store.series[id]
            count += s.window.sum(at: t, range: window)
            if let span = s.window.span(at: t, range: window) {
                first = min(first ?? span.first, span.first)
                last = max(last ?? span.last, span.last)
            }
            store.sampleRefs(id, countedWithin: window, of: t, into: &refs)
        }
        refs.sort { ($0.time ?? 0, $0.input, $0.line) < ($1.time ?? 0, $1.input, $1.line) }
        let kept = refs.suffix(SeriesStore.samplesKept).map { ref -> SeriesStore.Sample in
            var r = store.sample(ref)
            r.text = redacted(r)
            return r
        }
        return Evidence(count: count, firstSeen: first, lastSeen: last, samples: Array(kept))
    }

    /// Alerts firing now, as transitions to send again (Alertmanager forgets an alert whose
    /// `endsAt` passes without news).
    public func firingAlerts(at now: EpochMillis) -> [AlertTransition] {
        groups.flatMap { group in
            group.alerts.compactMap { $0 }.flatMap { rule in
                rule.activeAlerts.filter { $0.state == .firing }.map { a -> AlertTransition in
                    var shown = a
                    shown.annotations = rule.annotations(for: a)
                    return AlertTransition(kind: .firing, alert: shown, rule: rule.definition.name, group: group.definition.name,
                                           evalTime: now, evidence: .none)
                }
            }
        }
    }

    /// `ALERTS` and `ALERTS_FOR_STATE`, as Prometheus writes them, plus the engine's own counters.
    /// `timings` adds how long evaluations took: live only, since a scan's textfile must be
    /// the same for the same logs.
    public func families(timings: Bool = false) -> [MetricFamily] {
        var alerts = MetricFamily(name: "ALERTS", help: "Alerts that are pending or firing.", kind: .gauge)
        var forState = MetricFamily(name: "ALERTS_FOR_STATE", help: "When each pending or firing alert became active (Unix seconds).", kind: .gauge)
        for group in groups {
            for rule in group.alerts.compactMap({ $0 }) {
                for a in rule.activeAlerts {
                    alerts.samples.append(.init(labels: rule.seriesLabels(a, "ALERTS").withoutName.pairs, value: 1))
                    forState.samples.append(.init(labels: rule.seriesLabels(a, "ALERTS_FOR_STATE").withoutName.pairs,
                                                  value: AlertRule.unixSeconds(a.activeAt)))
                }
            }
        }
        // Recording rules' outputs as a rule would read them after the last evaluation.
        let now = groups.compactMap(\.lastEvaluation).max() ?? 0
        let recorded = Set(groups.flatMap { $0.definition.rules.filter { $0.kind == .record }.map(\.name) }).sorted().compactMap { name in
            let samples = source.written(matching: VectorSelector(name: name, matchers: []), at: now)
            return samples.isEmpty ? nil : MetricFamily(name: name, help: "Recording rule \(name).", kind: .gauge,
                                                        samples: samples.map { .init(labels: $0.labels.withoutName.pairs, value: $0.value) })
        }
        let evals = MetricFamily(name: "logwarden_rule_evaluations_total", help: "Rule group evaluations.", kind: .counter,
                                 samples: [.init(labels: [], value: Double(evaluations))])
        var failed = MetricFamily(name: "logwarden_rule_evaluation_failures_total", help: "Rule evaluations that failed, per rule.", kind: .counter)
        for group in groups {
            for rule in group.definition.rules {
                failed.samples.append(.init(labels: [("rule_group", group.definition.name), ("rule", rule.name)], value: Double(failures[rule.name] ?? 0)))
            }
        }
        var duration = MetricFamily(name: "logwarden_rule_group_last_duration_seconds", help: "How long the last evaluation of each rule group took.", kind: .gauge)
        for group in groups {
            duration.samples.append(.init(labels: [("rule_group", group.definition.name)], value: group.lastDuration))
        }
        let cells = MetricFamily(name: "logwarden_window_buckets", help: "Time buckets held for exact windows (series × buckets).",
                                 kind: .gauge, samples: [.init(labels: [], value: Double(store.windowCells))])
        let width = MetricFamily(name: "logwarden_window_bucket_seconds", help: "Width of one window bucket.", kind: .gauge,
                                 samples: [.init(labels: [], value: Double(store.bucketWidth) / 1000)])
        return [alerts, forState] + recorded + [evals, failed] + (timings ? [duration] : []) + [cells, width]
    }
}
