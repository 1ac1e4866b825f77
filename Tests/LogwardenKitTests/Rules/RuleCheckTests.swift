import Testing
@testable import LogwardenKit

/// Rule files from text, loaded as `check`, `scan` and `watch` load them.
func loadRules(_ files: [(name: String, text: String)]) -> (groups: [RuleGroupDefinition], diagnostics: [String]) {
    var rules = RuleFiles()
    var diags: [Diagnostic] = []
    for f in files { rules.add(RuleFiles.File(path: f.name, text: f.text), &diags) }
    let (groups, problems) = RuleFile.load(rules)
    return (groups, (diags + problems).map(\.description))
}

func loadRules(_ text: String) -> (groups: [RuleGroupDefinition], diagnostics: [String]) { loadRules([("a.yaml", text)]) }

/// What `check` decides before any evaluation: what would fail at every evaluation is an
/// error at the column of its sub-expression.
struct RuleCheckTests {
    @Test func aRangeOverARecordedSeriesIsAnErrorAtItsColumn() {
        let (_, diags) = loadRules("""
        groups:
          - name: g
            rules:
              - record: host:failures:sum
                expr: sum by (host) (logwarden_matches_total)
              - alert: Flow
                expr: increase(host:failures:sum[5m]) > 0
              - alert: Block
                expr: |
                  sum(
                    rate(host:failures:sum{host="a"}[1m])
                  ) > 1
        """)
        #expect(diags == [
            "a.yaml:7:24: alert 'Flow': increase() over 'host:failures:sum', the output of the recording rule at a.yaml:4:9: logwarden keeps no history of recorded series, so this fails at every evaluation; apply increase() to logwarden's counters inside the recording rule and read 'host:failures:sum' without a range",
            "a.yaml:11:18: alert 'Block': rate() over 'host:failures:sum', the output of the recording rule at a.yaml:4:9: logwarden keeps no history of recorded series, so this fails at every evaluation; apply rate() to logwarden's counters inside the recording rule and read 'host:failures:sum' without a range",
        ])
    }

    @Test func aRecordingRuleOfAnotherFileIsKnownToo() {
        let (_, diags) = loadRules([
            ("alerts.yaml", "groups:\n  - name: a\n    rules:\n      - {alert: A, expr: 'delta(job:x[5m]) > 0'}\n"),
            ("records.yaml", "groups:\n  - name: r\n    rules:\n      - {record: 'job:x', expr: 'sum(logwarden_records_total)'}\n"),
        ])
        #expect(diags.count == 1)
        #expect(diags.first?.hasPrefix("alerts.yaml:4:33: alert 'A': delta() over 'job:x', the output of the recording rule at records.yaml:4:9") == true)
    }

    @Test func aRangeOverALERTSIsAnError() {
        let (_, diags) = loadRules("""
        groups:
          - name: g
            rules:
              - alert: A
                expr: vector(1)
              - alert: B
                expr: increase(ALERTS{alertname="A"}[5m]) > 0
        """)
        #expect(diags.count == 1, "\(diags)")
        #expect(diags.first?.hasPrefix("a.yaml:7:24: alert 'B': increase() over 'ALERTS': logwarden keeps no history of the series rules write") == true, "\(diags)")
    }

    /// Valid in Prometheus, which reads the previous evaluation's value there, as logwarden
    /// does: a warning, not an error.
    @Test func aRecordingRuleReadBeforeItRunsInItsGroupIsAWarning() {
        let (groups, diags) = loadRules("""
        groups:
          - name: g
            rules:
              - record: x:earlier
                expr: sum(logwarden_matches_total)
              - alert: ReadsEarlierAndLater
                expr: x:earlier > 0 and x:later > 0
              - record: x:later
                expr: sum(logwarden_records_total)
              - record: x:self
                expr: x:self + 1
          - name: other
            rules:
              - alert: ReadsAnotherGroup
                expr: x:later > 0
        """)
        #expect(diags.isEmpty)
        #expect(RuleCheck.readsBeforeWritten(groups).map(\.description) == [
            "a.yaml:7:33: alert 'ReadsEarlierAndLater': reads 'x:later' before the recording rule at a.yaml:8:9 has run: rules of a group run in order, so this sees the previous evaluation's value, and nothing at the first, as in Prometheus; move that recording rule above this rule",
            "a.yaml:11:15: record 'x:self': reads its own output: the previous evaluation's, and nothing at the first, as in Prometheus; read the counters it is computed from",
        ])
        #expect(groups.map(\.name) == ["g", "other"])
    }

    /// `severity: ""` removes the label, as in Prometheus: no severity, which counts as info.
    @Test func anEmptySeverityRemovesTheLabel() {
        let (_, diags) = loadRules("""
        groups:
          - name: g
            labels: {severity: ""}
            rules:
              - alert: Quiet
                expr: vector(1)
                labels: {severity: ""}
              - record: quiet
                expr: vector(1)
                labels: {severity: ''}
        """)
        #expect(diags.isEmpty, "\(diags)")
    }

    @Test func aSeverityMustBeOneOfTheSixExactly() {
        let (_, diags) = loadRules("""
        groups:
          - name: g
            labels: {severity: Warn}
            rules:
              - alert: Capital
                expr: vector(1)
                labels: {severity: Critical}
              - alert: Fine
                expr: vector(1)
                labels: {severity: medium}
              - alert: Templated
                expr: vector(1)
                labels: {severity: '{{ $labels.level }}'}
              - record: x:y
                expr: vector(1)
                labels: {severity: urgent}
              - alert: ConstantTemplate
                expr: vector(1)
                labels: {severity: '{{ "Critical" }}'}
              - alert: ConstantAndFine
                expr: vector(1)
                labels: {severity: '{{ if true }}high{{ end }}'}
        """)
        #expect(diags == [
            "a.yaml:3:24: group 'g': unknown severity 'Warn'; use one of critical | high | warning | medium | low | info; did you mean 'warning'?",
            "a.yaml:7:28: alert 'Capital': unknown severity 'Critical'; use one of critical | high | warning | medium | low | info; did you mean 'critical'?",
            "a.yaml:16:28: record 'x:y': unknown severity 'urgent'; use one of critical | high | warning | medium | low | info",
            "a.yaml:19:28: alert 'ConstantTemplate': its template gives unknown severity 'Critical'; use one of critical | high | warning | medium | low | info; did you mean 'critical'?",
        ])
    }

    @Test func aPatternSeverityGetsTheSameHint() {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        files.add(RuleFiles.File(path: "p.yaml", text: "patterns:\n  - {name: a, class: timeout, severity: HIGH, match: a}\n"), &diags)
        #expect(PatternSet.loadReporting(files).1.map(\.description) == [
            "p.yaml:2:41: pattern 'a': unknown severity 'HIGH'; use one of critical | high | warning | medium | low | info; did you mean 'high'?",
        ])
    }

    @Test func suggestionsAreNearNamesOnly() {
        #expect(Suggestion.closest("hots", among: ["host", "pattern"]) == "host")
        #expect(Suggestion.closest("logwarden_match_total", among: ["logwarden_matches_total", "logwarden_records_total"]) == "logwarden_matches_total")
        #expect(Suggestion.closest("up", among: ["logwarden_matches_total", "ALERTS"]) == nil)
        #expect(Suggestion.closest("crit", among: ["critical", "high"]) == "critical")
        #expect(Suggestion.closest("urgent", among: ["critical", "high", "warning"]) == nil)
        #expect(Suggestion.distance("Critical", "critical") == 0)
    }

    @Test func aParenthesizedRangeIsTheRangeItself() throws {
        let source = FakeSource()
        source.add("m", [("pattern", "a")], total: 10, window: 3)
        let e = try ExprParser.parse("increase(((m[5m])))")
        guard case let .vector(v) = try Evaluator(source: source, time: 0).eval(e) else { Issue.record("not a vector"); return }
        #expect(v.map(\.value) == [3])
        #expect(e.ranges == [300_000])
    }

    /// Every function the parser accepts is one the evaluator knows: a new signature without
    /// an implementation would pass `check` and fail at every evaluation.
    @Test(arguments: Array(Functions.signatures.keys).sorted())
    func everyFunctionThatParsesEvaluates(_ name: String) throws {
        let args = Functions.signatures[name]!.map { type -> String in
            switch type {
            case .matrix: return "m[5m]"
            case .scalar: return "1"
            default: return "m"
            }
        }
        let source = FakeSource()
        source.add("m", [("pattern", "a")], total: 10, window: 3)
        _ = try Evaluator(source: source, time: 0).eval(ExprParser.parse("\(name)(\(args.joined(separator: ", ")))"))
    }
}
