import Testing
@testable import LogwardenKit

struct ClassifierTests {
    static let yaml = """
    patterns:
      - name: generic_error
        class: other_error
        match: '\\bERROR\\b'
        severity: low
        priority: 0
      - name: oauth_token_scope
        class: undefined_column
        match: 'UndefinedColumn\\)?:? column (?<table>user_oauth_tokens)\\.(?<column>scope) does not exist'
        severity: critical
        priority: 200
        labels: {team: calendar}
      - name: undefined_column
        class: undefined_column
        match: 'column (?<column>[\\w.]+) does not exist'
        severity: critical
        priority: 100
      - name: json_5xx
        class: http_5xx
        fields: {status: '^5\\d\\d$'}
        severity: high
        priority: 50
    """

    @Test func higherPriorityWinsAndCapturesBecomeLabels() throws {
        let set = try patternSet(Self.yaml)
        let log = """
        2025-10-27 10:00:00,000 ERROR [api] psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist
        2025-10-27 10:00:01,000 ERROR [api] column events.recurrence_id does not exist
        2025-10-27 10:00:02,000 ERROR [api] something else
        2025-10-27 10:00:03,000 INFO [api] fine
        """
        let got = classify(log, with: set)
        #expect(got.map(\.1) == ["oauth_token_scope", "undefined_column", "generic_error", nil])
        #expect(got[0].2 == ["user_oauth_tokens", "scope"])
        #expect(got[1].2 == ["events.recurrence_id"])
    }

    static let scopeTraceback = """
        2025-10-27 10:00:00,000 ERROR [sync] failed to load oauth token scopes for user_id=4242
        Traceback (most recent call last):
          File "/app/db.py", line 10, in load
        psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist
        """

    /// Priority decides, across the lines of a record too: a header pattern above the
    /// exception line's pattern wins (and captures from the header); at equal priority the
    /// exception line is offered first; below it, the exception line wins outright.
    @Test(arguments: [(300, "oauth_words"), (200, "oauth_token_scope"), (150, "oauth_token_scope")])
    func priorityDecidesAndTheExceptionLineBreaksTies(_ priority: Int, _ expected: String) throws {
        let set = try patternSet(Self.yaml + """

          - name: oauth_words
            class: oauth_scope
            match: 'oauth token scopes for user_id=(?<user_id>\\d+)'
            severity: high
            priority: \(priority)
        """)
        let got = classify(Self.scopeTraceback, with: set)
        #expect(got.map(\.1) == [expected])
        #expect(got[0].2 == (expected == "oauth_words" ? ["4242"] : ["user_oauth_tokens", "scope"]))
        // Without an exception any pattern knows, the whole record is matched.
        let unknown = Self.scopeTraceback.replacingAll("psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist", with: "AppError: boom")
        #expect(classify(unknown, with: set).map(\.1) == ["oauth_words"])
    }

    /// Within one priority the exception lines come before the whole record, even when the
    /// pattern that matches the whole record comes first in the file.
    @Test func wholeRecordMatchesOnlyAfterTheExceptionLinesOfItsPriority() throws {
        let set = try patternSet("""
        patterns:
          - {name: sync_failed, class: other_error, severity: low, priority: 100, match: 'sync failed'}
          - {name: timeout, class: timeout, severity: warning, priority: 100, match: 'ReadTimeout'}
          - {name: anything, class: other_error, severity: low, priority: 0, match: 'Traceback'}
        """)
        let log = "2025-10-27 10:00:00,000 ERROR sync failed\nTraceback (most recent call last):\n  File \"a.py\"\nrequests.exceptions.ReadTimeout: read timed out\n"
        let classifier = Classifier(set)
        var source = MemorySource(log)
        var got: [(String, String)] = []
        _ = try RecordReader.read(&source, framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0)) { record in
            guard let m = classifier.classify(record), let line = m.decidingLine else { return }
            got.append((set.patterns[m.pattern].name, String(decoding: UnsafeBufferPointer(rebasing: record.text[line]), as: UTF8.self)))
        }
        #expect(got.map(\.0) == ["timeout"])
        #expect(got.map(\.1) == ["requests.exceptions.ReadTimeout: read timed out"])
    }

    @Test func finalExceptionFirstThenItsCause() throws {
        let set = try patternSet(Self.yaml + """

          - name: undefined_table
            class: db_schema
            match: 'relation "[^"]+" does not exist'
            severity: critical
            priority: 100
        """)
        let chained = """
        2025-10-27 10:00:00,000 ERROR [db] query failed
        Traceback (most recent call last):
          File "a.py", line 1, in f
        psycopg2.errors.UndefinedColumn: column events.recurrence_id does not exist

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "a.py", line 3, in f
        psycopg2.errors.UndefinedTable: relation "oauth_token_scopes" does not exist
        """
        #expect(classify(chained, with: set).map(\.1) == ["undefined_table"])
        let wrapped = chained.replacingAll("psycopg2.errors.UndefinedTable: relation \"oauth_token_scopes\" does not exist", with: "TokenStoreError: could not read token row")
        #expect(classify(wrapped, with: set).map(\.1) == ["undefined_column"])
        // A cause of higher priority than the final exception wins: priority decides first.
        let scope = chained.replacingAll("column events.recurrence_id", with: "column user_oauth_tokens.scope")
        #expect(classify(scope, with: set).map(\.1) == ["oauth_token_scope"])
    }

    /// A Java trace with more causes than the classifier first makes room for: the last
    /// cause decides, with and without the prefilter.
    @Test func manyCausedByLines() throws {
        let set = try patternSet("""
        patterns:
          - {name: refused, class: connection_refused, severity: high, priority: 100, match: 'ConnectException'}
          - {name: io, class: other_error, severity: low, priority: 100, match: 'IOException'}
          - {name: level, class: other_error, severity: low, priority: 0, match: 'SEVERE'}
        """)
        var log = "2025-10-27 10:00:00,000 SEVERE [sync] call failed\njava.lang.RuntimeException: wrapped\n\tat a.B.c(B.java:1)\n"
        for i in 0..<9 { log += "Caused by: java.io.IOException: layer \(i)\n\tat a.B.c(B.java:\(i))\n" }
        log += "Caused by: java.net.ConnectException: Connection refused\n\tat a.B.c(B.java:99)\n"
        #expect(classify(log, with: set).map(\.1) == ["refused"])
        #expect(classify(log, with: set.withoutPrefilter()).map(\.1) == ["refused"])
        #expect(classify(log.replacingAll("java.net.ConnectException", with: "java.lang.Oops"), with: set).map(\.1) == ["io"])
    }

    @Test func jsonMessageAndFields() throws {
        let set = try patternSet(Self.yaml)
        let log = """
        {"timestamp":"2025-10-27T10:00:00Z","level":"ERROR","message":"request failed","status":503}
        {"timestamp":"2025-10-27T10:00:01Z","level":"INFO","message":"column a.b does not exist","status":200}
        {"MESSAGE":"column \\"x\\" has an ERROR","__REALTIME_TIMESTAMP":"1761559202000000"}
        """
        #expect(classify(log, with: set).map(\.1) == ["json_5xx", "undefined_column", "generic_error"])
    }

    /// Field keys are looked up once per record for all patterns, the first 64 together: a
    /// pattern on the 70th key, on two keys, or on a key that repeats still matches as written.
    @Test func manyFieldKeysAndEscapedValues() throws {
        var yaml = "patterns:\n"
        for k in 0..<70 {
            yaml += "  - {name: f\(k), class: other_error, severity: low, priority: \(100 - k), fields: {k\(k): '^x$'}}\n"
        }
        yaml += "  - {name: both, class: other_error, severity: low, priority: 200, fields: {k1: '^y$', k69: '^\"z$'}}\n"
        let set = try patternSet(yaml)
        let log = """
        {"k69":"x","message":"m"}
        {"k3":"no","k3":"x","k5":"x"}
        {"k1":"y","k69":"\\"z"}
        {"k1":"y","k69":"z"}
        {"k70":"x"}
        """
        #expect(classify(log, with: set).map(\.1) == ["f69", "f5", "both", nil, nil])
    }

    @Test func pathologicalPatternHitsTheLimitAndTheRecordMovesOn() throws {
        let set = try patternSet("""
        patterns:
          - name: catastrophic
            class: other_error
            match: '^(a+)+$'
            severity: low
            priority: 10
          - name: fallback
            class: other_error
            match: 'aaa'
            severity: low
        """)
        let classifier = Classifier(set, matchLimit: 10_000)
        var source = MemorySource(String(repeating: "a", count: 40) + "!\n")
        var got: [String?] = []
        _ = try RecordReader.read(&source, framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0)) {
            got.append(classifier.classify($0).map { set.patterns[$0.pattern].name })
        }
        #expect(got == ["fallback"])
        #expect(classifier.matchErrors[0] == 1)
    }

    @Test func maxSeriesCapsCaptureValuesUnderOther() throws {
        let set = try patternSet("""
        patterns:
          - name: user_error
            class: other_error
            match: 'failed for user (?<user>\\w+)'
            severity: low
            max_series: 2
        """)
        var counts = MatchCounts(patterns: set)
        let input = counts.beginInput("t")
        for user in ["a", "b", "c", "a", "d"] {
            counts.add(input: input, time: nil, match: Classification(pattern: 0, captures: [user])) { Example(input: "t", line: 1, text: "") }
        }
        #expect(counts.series[SeriesKey(pattern: 0, captures: ["a"])]?.count == 2)
        #expect(counts.series[SeriesKey(pattern: 0, captures: ["__other__"])]?.count == 2)
        #expect(counts.overflow[0] == 2)
        #expect(counts.series.count == 3)
    }
}
