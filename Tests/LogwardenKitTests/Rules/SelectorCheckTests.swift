import Testing
@testable import LogwardenKit

/// Selectors that can never match what the loaded patterns and rules produce are warned
/// about at their column, with the closest existing name.
struct SelectorCheckTests {
    static let patterns = """
    patterns:
      - {name: scope_error, class: undefined_column, severity: critical, labels: {category: oauth},
         match: 'column (?<table>\\w+)\\.(?<column>\\w+) does not exist'}
      - {name: job_failed, class: other_error, severity: low, metric: job_failures_total, match: 'job failed on (?<host>\\w+)'}
      - {name: timed_out, class: timeout, severity: warning, match: 'timed out'}
    """

    /// The warnings for one alert expression (and any rules before it), as `check` prints them.
    func warnings(_ expr: String, before: String = "") throws -> [String] {
        let (groups, diags) = loadRules("groups:\n  - name: g\n    rules:\n\(before)      - alert: A\n        expr: '\(expr)'\n")
        #expect(diags == [])
        // Only the alert's, with the column within the expression (its quote is at column 15).
        return SelectorCheck.run(groups, patterns: try patternSet(Self.patterns)).compactMap { d in
            d.message.hasPrefix("alert 'A': ") ? "\(d.location.column - 15): \(d.message.dropFirst(11))" : nil
        }
    }

    @Test func whatTheLoadedPatternsProduceRaisesNothing() throws {
        #expect(try warnings(#"sum by (table, column) (increase(logwarden_matches_total{pattern="scope_error", category="oauth"}[5m])) > 0"#) == [])
        #expect(try warnings(#"increase(logwarden_matches_total{class=~"time.*|other_error", severity!="info", host!=""}[5m]) > 0"#) == [])
        #expect(try warnings(#"job_failures_total{host="alpha"} / on(host) logwarden_matches_total{pattern="job_failed"} > 0"#) == [])
        #expect(try warnings(#"sum(logwarden_records_total{input=~".*app.*"}) - sum(logwarden_unmatched_records_total) > 0"#) == [])
        #expect(try warnings(#"absent(logwarden_matches_total{pattern="timed_out"}) or vector(time()) > 0"#) == [])
    }

    @Test func aMetricLogwardenNeverProducesNamesTheClosest() throws {
        #expect(try warnings("increase(logwarden_match_total[5m]) > 0") == [
            "10: logwarden never produces a metric 'logwarden_match_total', so this selector never matches; did you mean 'logwarden_matches_total'?",
        ])
        #expect(try warnings(#"up{job="x"} == 0"#) == [
            "1: logwarden never produces a metric 'up', so this selector never matches; it produces ALERTS, ALERTS_FOR_STATE, job_failures_total, logwarden_matches_total, logwarden_records_total, logwarden_unmatched_records_total",
        ])
        #expect(try warnings(#"{__name__="logwarden_record_total"} > 0"#) == [
            #"2: no series of any metric has __name__="logwarden_record_total", so this selector never matches; did you mean 'logwarden_records_total'?"#,
        ])
    }

    @Test func aLabelNoPatternCapturesOrSets() throws {
        #expect(try warnings(#"logwarden_matches_total{hots="alpha"} > 0"#) == [
            "25: no loaded pattern captures or sets label 'hots', so this selector never matches; did you mean 'host'?",
        ])
        #expect(try warnings(#"logwarden_matches_total{catgory!="x"} > 0"#) == [
            "25: no loaded pattern captures or sets label 'catgory', so this matcher keeps every series; did you mean 'category'?",
        ])
        #expect(try warnings(#"logwarden_records_total{inptu="a"} > 0"#) == [
            "25: logwarden_records_total has no label 'inptu', so this selector never matches; did you mean 'input'?",
        ])
    }

    @Test func valuesNoLoadedPatternHas() throws {
        #expect(try warnings(#"logwarden_matches_total{pattern="scope_eror"} > 0"#) == [
            "25: no loaded pattern is named 'scope_eror', so this selector never matches; did you mean 'scope_error'?",
        ])
        #expect(try warnings(#"logwarden_matches_total{class="timeouts"} > 0"#) == [
            "25: no loaded pattern has class 'timeouts', so this selector never matches; did you mean 'timeout'?",
        ])
        #expect(try warnings(#"logwarden_matches_total{severity="Critical"} > 0"#) == [
            "25: no loaded pattern has severity 'Critical', so this selector never matches; did you mean 'critical'?",
        ])
        #expect(try warnings(#"logwarden_matches_total{class=~"timeouts|auth"} > 0"#) == [
            "25: no loaded pattern has a class matching 'timeouts|auth', so this selector never matches; its values: other_error, timeout, undefined_column",
        ])
        #expect(try warnings(#"logwarden_matches_total{category="oauthh"} > 0"#) == [
            #"25: no series of logwarden_matches_total has category="oauthh", so this selector never matches; did you mean 'oauth'?"#,
        ])
        #expect(try warnings(#"logwarden_matches_total{pattern="scope_error", class="timeout"} > 0"#) == [
            #"1: no series of logwarden_matches_total has all of pattern="scope_error", class="timeout" together, so this selector never matches"#,
        ])
    }

    @Test func recordedSeriesAndAlertsHaveTheLabelsTheirRulesGive() throws {
        let record = """
              - record: host:failures:sum
                expr: sum by (host) (increase(logwarden_matches_total{pattern="job_failed"}[5m]))
                labels: {team: sync}

        """
        #expect(try warnings(#"host:failures:sum{host="alpha", team="sync"} > 0"#, before: record) == [])
        #expect(try warnings(#"host:failures:sum{hots="alpha"} > 0 or host:failures:sum{team="sinc"} > 0"#, before: record) == [
            "19: host:failures:sum has no label 'hots', so this selector never matches; did you mean 'host'?",
            #"58: no series of host:failures:sum has team="sinc", so this selector never matches; did you mean 'sync'?"#,
        ])
    }

    @Test func alertsCarryTheirRulesLabels() throws {
        let (groups, diags) = loadRules("""
        groups:
          - name: g
            labels: {team: sync}
            rules:
              - alert: Watched
                expr: sum by (host) (increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0
                labels: {severity: low}
              - record: alerts:watched
                expr: |
                  count(ALERTS{alertname="Watched", alertstate="firing", severity="low", host!="", team="sync"})
                  or count(ALERTS{alertname="Wached"}) or count(ALERTS{alertstate="fring"})
                  or count(ALERTS_FOR_STATE{alertstate="firing"}) or count(ALERTS{pattern="job_failed"})
        """)
        #expect(diags == [])
        #expect(SelectorCheck.run(groups, patterns: try patternSet(Self.patterns)).map(\.description) == [
            "a.yaml:11:27: record 'alerts:watched': no alert rule is named 'Wached', so this selector never matches; did you mean 'Watched'?",
            #"a.yaml:11:64: record 'alerts:watched': no series of ALERTS has alertstate="fring", so this selector never matches; did you mean 'firing'?"#,
            "a.yaml:12:37: record 'alerts:watched': ALERTS_FOR_STATE has no label 'alertstate', so this selector never matches",
            "a.yaml:12:75: record 'alerts:watched': ALERTS has no label 'pattern', so this selector never matches",
        ])
    }

    @Test func groupingAndMatchingLabelsNoSeriesHas() throws {
        #expect(try warnings(#"sum by (hots) (increase(logwarden_matches_total{pattern="job_failed"}[5m])) > 0"#) == [
            "1: sum by (hots): no series it applies to has label 'hots'; did you mean 'host'?",
        ])
        #expect(try warnings(#"job_failures_total / ignoring(tabel) logwarden_matches_total > 0"#) == [
            "20: ignoring(tabel): no series it applies to has label 'tabel'; did you mean 'table'?",
        ])
    }

    @Test func whatCannotBeToldIsNotWarnedAbout() throws {
        // Captured values can be anything; an unknown metric makes the recorded labels unknown.
        #expect(try warnings(#"logwarden_matches_total{host="no-such-host"} > 0"#) == [])
        let record = "      - record: x:unknown\n        expr: sum by (job) (up)\n\n"
        #expect(try warnings(#"x:unknown{anything="x"} > 0"#, before: record) == [])
    }

    @Test func theShippedRulesAreClean() throws {
        let files = try RuleFiles.load([packageRoot + "/rules"])
        let (groups, problems) = RuleFile.load(files)
        #expect(problems.isEmpty)
        #expect(SelectorCheck.run(groups, patterns: try PatternSet.load(files)).map(\.description) == [])
        #expect(SelectorCheck.run(groups, patterns: try PatternSet.load(RuleFiles.builtin())).map(\.description) == [])
    }
}
