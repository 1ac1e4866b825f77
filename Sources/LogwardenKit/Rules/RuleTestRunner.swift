/// Runs the cases of a test file through the real pipeline and reports readable failures.
public enum RuleTestRunner {
    public struct Outcome {
        public var name: String
        public var failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public static func run(_ file: RuleTestFile, options: ReadOptions) throws(Diagnostics) -> [Outcome] {
        let files = try RuleFiles.load(file.rulePaths)
        let patterns = try PatternSet.load(files)
        let (groups, problems) = RuleFile.load(files)
        if !problems.isEmpty { throw Diagnostics(problems) }
        var options = options
        options.timestamps = options.timestamps.then(patterns.timestamps)
        return file.cases.map { run($0, patterns: patterns, groups: groups, options: options) }
    }

    static func run(_ test: RuleTestFile.Case, patterns: PatternSet, groups: [RuleGroupDefinition], options: ReadOptions) -> Outcome {
        var failures: [String] = []
        guard let input = test.input else { return Outcome(name: test.name, failures: ["no input"]) }
        // The first record's time anchors eval_time offsets: the input's first timestamp,
        // which the records before it take, or without one the time they all take.
        let first = (try? InputOpener.open(input, now: options.now)).map { options.firstTime(of: input) ?? $0.modified }
        func instant(_ when: RuleTestFile.AlertCheck.When) -> EpochMillis? {
            switch when {
            case let .offset(ms): return first.map { $0 + ms }
            case let .instant(t): return t
            }
        }
        let latest = test.alerts.compactMap { instant($0.when) }.max()
        let engine: RuleEngine? = groups.isEmpty ? nil : {
            let (width, largest) = RuleEngine.bucketWidth(groups)
            return RuleEngine(groups: groups, store: SeriesStore(patterns: patterns, bucketWidth: width, largestRange: largest))
        }()
        // After every evaluation: the alerts firing then, per alert name.
        var snapshots: [(time: EpochMillis, firing: [String: [Alert]])] = []
        engine?.afterEvaluation = { t, engine in
            var firing: [String: [Alert]] = [:]
            for group in engine.groups {
                for rule in group.alerts.compactMap({ $0 }) {
                    for var a in rule.activeAlerts where a.state == .firing {
                        a.annotations = rule.annotations(for: a)
                        firing[rule.definition.name, default: []].append(a)
                    }
                }
            }
            snapshots.append((t, firing))
        }
        var rows: [Int: (pattern: String?, labels: [String: String])] = [:]
        let result = ScanPipeline(patterns: patterns, options: options, engine: engine).run([input], evaluateThrough: latest) { record, match, _ in
            guard let match else {
                rows[record.firstLine] = (nil, [:])
                return
            }
            let p = patterns.patterns[match.pattern]
            let labels = Dictionary(p.labels(captures: match.captures).map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
            rows[record.firstLine] = (p.name, labels)
        }
        for error in result.errors { failures.append("input: \(error)") }
        // As promtool: a rule that fails at evaluation fails the test, whatever it expects.
        for problem in engine?.problems ?? [] { failures.append("rule: \(problem)") }

        for exp in test.classes {
            guard let got = rows[exp.line] else {
                failures.append("exp_classes line \(exp.line): no record starts at this line")
                continue
            }
            if got.pattern != exp.pattern {
                failures.append("exp_classes line \(exp.line): expected pattern \(exp.pattern ?? "none"), got \(got.pattern ?? "none")")
                continue
            }
            for (k, v) in exp.labels where got.labels[k] != v {
                failures.append("exp_classes line \(exp.line): expected label \(k)=\"\(v)\", got \(got.labels[k].map { "\"\($0)\"" } ?? "none")")
            }
        }

        for check in test.alerts {
            guard let t = instant(check.when) else {
                failures.append("alert_rule_test at \(check.whenText): the input has no timestamp to count from")
                continue
            }
            let firing = snapshots.last { $0.time <= t }?.firing[check.alertname] ?? []
            var unmatched = firing
            var missing: [RuleTestFile.ExpectedAlert] = []
            for exp in check.expected {
                if let i = unmatched.firstIndex(where: { matches(exp, $0) }) { unmatched.remove(at: i) } else { missing.append(exp) }
            }
            if !missing.isEmpty || !unmatched.isEmpty {
                var text = "alert_rule_test \(check.alertname) at eval_time \(check.whenText) (\(t.rfc3339)):"
                text += "\n    expected: " + (check.expected.isEmpty ? "nothing firing" : check.expected.map(describe).joined(separator: "\n              "))
                text += "\n    got:      " + (firing.isEmpty ? "nothing firing" : firing.map(describe).joined(separator: "\n              "))
                failures.append(text)
            }
        }

        if !test.metrics.isEmpty {
            let text = Exposition.render(ScanMetrics.families(result.counts) + (engine?.families() ?? []))
            let lines = Set(text.split(separator: "\n").map(String.init))
            for line in test.metrics where !lines.contains(line) {
                let name = line.prefix { $0 != "{" && $0 != " " }
                let near = lines.filter { $0.hasPrefix(name) }.sorted().prefix(5)
                failures.append("exp_metrics: missing \(line)" + (near.isEmpty ? "" : "\n    found:  " + near.joined(separator: "\n            ")))
            }
        }
        return Outcome(name: test.name, failures: failures)
    }

    /// Expected labels are a subset (log-derived alerts carry many labels); given
    /// annotations must be equal.
    static func matches(_ exp: RuleTestFile.ExpectedAlert, _ alert: Alert) -> Bool {
        for (k, v) in exp.labels where alert.labels[k] != v { return false }
        for (k, v) in exp.annotations where alert.annotations.first(where: { $0.name == k })?.value != v { return false }
        return true
    }

    static func describe(_ exp: RuleTestFile.ExpectedAlert) -> String {
        "{" + exp.labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ", ") + "}"
            + (exp.annotations.isEmpty ? "" : " annotations {" + exp.annotations.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ", ") + "}")
    }

    static func describe(_ a: Alert) -> String {
        "{" + a.labels.items.filter { $0.name != "alertname" }.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
            + (a.annotations.isEmpty ? "" : " annotations {" + a.annotations.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}")
    }
}
