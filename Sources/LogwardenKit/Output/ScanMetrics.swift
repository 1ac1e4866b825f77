/// The metric families of a scan, as DESIGN.md names them.
public enum ScanMetrics {
    public static let version = "0.1.0"

    public static func families(_ counts: MatchCounts) -> [MetricFamily] {
        let patterns = counts.patterns.patterns
        var records = MetricFamily(name: "logwarden_records_total", help: "Log records read, per input.", kind: .counter)
        var perInput: [String: Int] = [:]
        for input in counts.inputs { perInput[input.name, default: 0] += input.records }
        records.samples = perInput.map { .init(labels: [("input", $0.key)], value: Double($0.value)) }

        var matches = MetricFamily(name: "logwarden_matches_total",
                                   help: "Records classified by each pattern, with its class, severity and labels.", kind: .counter)
        // `Labels` drops empty values, as Prometheus reads them: series that differ only by an
        // empty capture are one series, and their counts add up.
        var values: [Labels: (value: Int, metric: String?, own: Labels)] = [:]
        var order: [Labels] = []
        func add(_ index: Int, _ captures: [String], _ value: Int) {
            let pattern = patterns[index]
            let identity = Labels(pattern.counterLabels(captures: captures).map { ($0.name, $0.value) })
            if values[identity] == nil { order.append(identity) }
            let own = Labels(pattern.labels(captures: captures).map { ($0.name, $0.value) })
            values[identity, default: (0, pattern.definition.metric, own)].value += value
        }
        for (key, stats) in counts.series { add(key.pattern, key.captures, stats.count) }
        // Every pattern exists at 0 from start-up, so the first error is not missed by increase().
        for index in patterns.indices { add(index, [], 0) }
        var own: [String: [Labels: Int]] = [:]
        for identity in order {
            let v = values[identity]!
            matches.samples.append(.init(labels: identity.pairs, value: Double(v.value)))
            if let metric = v.metric { own[metric, default: [:]][v.own, default: 0] += v.value }
        }
        let ownFamilies = own.keys.sorted().map { metric in
            MetricFamily(name: metric, help: "Records matched by pattern(s) declaring this metric.", kind: .counter,
                         samples: own[metric]!.map { .init(labels: $0.key.pairs, value: Double($0.value)) })
        }

        // Every input has one, at 0 until a record of it comes after the evaluations of its time.
        let late = MetricFamily(name: "logwarden_late_records_total",
                                help: "Records that came after rule evaluations of their time: counted, not in those evaluations.",
                                kind: .counter, samples: perInput.keys.map { .init(labels: [("input", $0)], value: Double(counts.late[$0]?.count ?? 0)) })
        let unmatched = MetricFamily(name: "logwarden_unmatched_records_total", help: "Records that no pattern classified.",
                                     kind: .counter, samples: [.init(labels: [], value: Double(counts.unmatched))])
        let truncated = MetricFamily(name: "logwarden_truncated_records_total",
                                     help: "Records cut to the max_lines or max_bytes limit.", kind: .counter,
                                     samples: [.init(labels: [], value: Double(counts.truncatedRecords))])
        let perPattern = { (name: String, help: String, values: [Int]) -> MetricFamily in
            MetricFamily(name: name, help: help, kind: .counter,
                         samples: patterns.indices.map { .init(labels: [("pattern", patterns[$0].name)], value: Double(values[$0])) })
        }
        let errors = perPattern("logwarden_match_errors_total",
                                "Match attempts stopped by the PCRE2 match or depth limit; the record moved on.", counts.matchErrors)
        let overflow = perPattern("logwarden_series_overflow_total",
                                  "Capture values over the pattern's max_series, counted under the value __other__.", counts.overflow)
        let build = MetricFamily(name: "logwarden_build_info", help: "logwarden's version; always 1.", kind: .gauge,
                                 samples: [.init(labels: [("version", version)], value: 1)])
        return [records, late, matches, unmatched, truncated, errors, overflow] + ownFamilies + [build]
    }
}
