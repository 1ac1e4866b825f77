import Foundation
import Testing

/// Issue 23: logs without a recognised timestamp never alerted. Each form of
/// Tests/Fixtures/timestamps must reach the alert rules, so `--fail-on critical` exits 1.
@Suite struct TimestampTests {
    static let fixtures = "Tests/Fixtures/timestamps/"
    static let firing = ["FIRING   CalendarSyncOAuthTokenScopeError", "FIRING   DatabaseUndefinedColumn"]

    /// A copy of a fixture whose modification time is `modified`, in a fresh directory.
    func copy(_ name: String, modified: Date) throws -> (dir: String, path: String) {
        let dir = CLI.tempDir()
        let path = dir + "/" + name
        try FileManager.default.copyItem(atPath: CLI.root + "/" + Self.fixtures + name, toPath: path)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        return (dir, path)
    }

    /// stderr without the line that says which rules were loaded: what is left is about timestamps.
    func notes(_ r: CLI.Result) -> String { r.problems }

    func expectFires(_ r: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for line in Self.firing { #expect(r.stdout.contains(line), "\(r.stdout)", sourceLocation: sourceLocation) }
        #expect(r.stdout.contains("Exit 1: at or above --fail-on critical."), sourceLocation: sourceLocation)
    }

    @Test func errorLinesWithoutATimestampFireAtTheFilesModificationTime() throws {
        let modified = Date(timeIntervalSince1970: 1_762_304_400)  // 2025-11-05T01:00:00Z
        let (dir, path) = try copy("untimed.log", modified: modified)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["scan", "--rules", "rules", "--fail-on", "critical", path])
        expectFires(r)
        #expect(r.stdout.hasPrefix("2025-11-05T01:00:00Z  PENDING  CalendarSyncOAuthTokenScopeError"), "\(r.stdout)")
        #expect(r.stdout.contains("5 records in 1 input: 3 matched (60.0%), 2 unmatched, from 2025-11-05T01:00:00Z to 2025-11-05T01:00:00Z."))
        #expect(notes(r) == """
            logwarden: no timestamp recognised in \(path); records are timed at its modification time; use --timestamp-format or --timestamp-field

            """)
        // classify and discover read the same way, and say so once too.
        for command in ["classify", "discover"] {
            let c = try CLI.run([command, "--rules", "rules", path])
            #expect(c.status == 0)
            #expect(c.stderr.components(separatedBy: "no timestamp recognised in \(path);").count == 2, "\(command): \(c.stderr)")
        }
        let tsv = try CLI.run(["classify", "--rules", "rules", "--output", "tsv", path])
        #expect(tsv.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.contains("\t2025-11-05T01:00:00Z\t") }, "\(tsv.stdout)")
    }

    @Test func theSameThroughStdinIsTimedWhenRead() throws {
        let log = try String(contentsOfFile: CLI.root + "/" + Self.fixtures + "untimed.log", encoding: .utf8)
        let r = try CLI.run(["scan", "--rules", "rules", "--fail-on", "critical", "-"], stdin: log)
        expectFires(r)
        #expect(notes(r) == """
            logwarden: no timestamp recognised in stdin; records are timed at the time they were read; use --timestamp-format or --timestamp-field

            """)
        // watch on event time counts them as they arrive, and says so once in its own log.
        let w = try CLI.run(["watch", "--time", "event", "--rules", "rules", "--output", "json", "-"], stdin: log)
        #expect(w.status == 0, "\(w.stderr)")
        #expect(w.stdout.contains(#""state":"firing","alertname":"CalendarSyncOAuthTokenScopeError""#))
        #expect(w.stderr.components(separatedBy: "no timestamp recognised in stdin; records are timed at the time they were read").count == 2,
                "\(w.stderr)")
    }

    @Test(arguments: [
        ("asctime.jsonl", "2025-10-27T10:00:01.250Z"),
        ("logfmt.log", "2025-10-27T10:00:01.250Z"),
        ("us-dates.log", "2025-11-05T01:00:01Z"),
    ])
    func detectedFormsFireOnTheirOwnTime(_ name: String, _ firstError: String) throws {
        let r = try CLI.run(["scan", "--rules", "rules", "--fail-on", "critical", Self.fixtures + name])
        expectFires(r)
        #expect(notes(r) == "")
        let tsv = try CLI.run(["classify", "--rules", "rules", "--output", "tsv", Self.fixtures + name])
        let rows = tsv.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 5)
        #expect(rows.count > 2 && rows[2][2] == "oauth_token_scope" && rows[2][5] == firstError, "\(tsv.stdout)")
    }

    @Test func forcedFormatAndFieldTakeTheTimeFromTheLines() throws {
        // Dotted European dates: without a format, the records take the file's time.
        let modified = Date(timeIntervalSince1970: 1_790_000_000)
        let (dir, dotted) = try copy("dotted.log", modified: modified)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unforced = try CLI.run(["classify", "--rules", "rules", "--output", "tsv", dotted])
        #expect(unforced.stderr.contains("no timestamp recognised in \(dotted)"))
        let forced = try CLI.run(["scan", "--rules", "rules", "--fail-on", "critical", "--timestamp-format", "%Y-%m-%dT%H:%M:%S",
                                  "--timestamp-format", "%d.%m.%Y %H:%M:%S", dotted])
        expectFires(forced)
        #expect(notes(forced) == "")
        #expect(forced.stdout.contains("from 2025-11-05T01:00:00Z to 2025-11-05T01:00:03Z."), "\(forced.stdout)")

        let json = Self.fixtures + "logged-at.jsonl"
        let field = try CLI.run(["classify", "--rules", "rules", "--output", "tsv", "--timestamp-field", "logged_at",
                                 "--timestamp-format", "%d.%m.%Y %H:%M:%S", json])
        #expect(notes(field) == "")
        #expect(field.stdout.contains("\t2025-11-05T01:00:02Z\t"), "\(field.stdout)")
    }

    @Test func aPatternFilesTimestampsKeyForcesThemToo() throws {
        for name in ["dotted.log", "logged-at.jsonl"] {
            let r = try CLI.run(["scan", "--rules", "rules", "--rules", Self.fixtures + "rules", "--fail-on", "critical", Self.fixtures + name])
            expectFires(r)
            #expect(notes(r) == "", "\(name): \(r.stderr)")
            #expect(r.stdout.contains("from 2025-11-05T01:00:00Z to 2025-11-05T01:00:03Z."), "\(name): \(r.stdout)")
        }
        // Rule tests read their input the same way: untimed lines, and a format from `timestamps:`.
        let t = try CLI.run(["test", Self.fixtures + "untimed_test.yaml"])
        #expect(t.status == 0, "\(t.stdout)\(t.stderr)")
        #expect(t.stdout.hasSuffix("2 passed, 0 failed\n"))
    }

    @Test func badFormatsAreNamedAtTheirFlagOrFileLineAndColumn() throws {
        let check = try CLI.run(["check", Self.fixtures + "bad-timestamps.yaml"])
        #expect(check.status == 1)
        let file = Self.fixtures + "bad-timestamps.yaml"
        #expect(check.stderr == """
            \(file):4:26: timestamp format '%d.%m.%Y %H:%M:%S %Q': unsupported conversion %Q; supported: %Y %y %m %d %e %j %H %I %M %S %f %p %b %B %h %a %A %z %Z %s %T %F %D %R %n %t %%
            \(file):5:8: timestamp format '%H:%M:%S': the format has no date; it needs %d or %e with %m or %b (or %F, %j with %Y, or %s)
            \(file):6:23: a timestamp field must name a JSON key, e.g. asctime
            logwarden check: 3 problems found

            """)
        let flag = try CLI.run(["scan", "--timestamp-format", "%d.%m.%Y %Q", Self.fixtures + "dotted.log"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("--timestamp-format '%d.%m.%Y %Q': unsupported conversion %Q"), "\(flag.stderr)")
        #expect(flag.stderr.contains("(at character 10)"))
    }
}
