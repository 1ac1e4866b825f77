import Foundation
import Testing

/// Which clock a `scan --state` evaluates on, and what happens to what does not fit it:
/// records older than evaluations already made, and transitions a run could not print.
/// The wall-clock cases (nightly archives, a live log, an absence) are Tests/State/clock_test.py.
@Suite(.serialized) struct ClockTests {
    let sample = CLI.root + "/samples/calendar-sync-incident.log"

    func settle(_ paths: String...) throws {
        for path in paths {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: path)
        }
    }

    func transitions(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").filter { $0.contains(#""type":"alert""#) }.map(String.init)
    }

    @Test func clockScriptFollowsRecordsAndWallClock() throws {
        let (status, out) = try CLI.script("State/clock_test.py")
        #expect(status == 0, "\(out)")
        #expect(out.contains("4 passed, 0 failed"), "\(out)")
    }

    /// Issue 23, 5: stdout that fails loses nothing; the next run prints what was kept and
    /// counts it for --fail-on.
    @Test func transitionsAStdoutCouldNotTakeArePrintedByTheNextRun() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rules = CLI.root + "/rules"
        let one = try CLI.run(["scan", "--rules", rules, "--output", "json", sample])
        let expected = transitions(one.stdout)
        #expect(expected.count > 10)

        let full = try CLI.sh("\(CLI.binary) scan --rules \(rules) --state \(dir)/s.db --output json --fail-on critical \(sample) > /dev/full 2> \(dir)/err")
        let err = try String(contentsOfFile: dir + "/err", encoding: .utf8)
        #expect(full.status == 2, "\(err)")
        #expect(err.contains("cannot write to stdout: No space left on device"), "\(err)")
        #expect(err.contains("alert transition(s) stay in \(dir)/s.db, and the next run prints them first"), "\(err)")

        let next = try CLI.run(["scan", "--rules", rules, "--state", dir + "/s.db", "--output", "json", "--fail-on", "critical", sample])
        #expect(next.status == 1, "\(next.stderr)")
        #expect(transitions(next.stdout) == expected)
        #expect(next.stdout.contains(#""exitStatus":1"#))
        // Printed once: a third run has nothing left to say.
        let third = try CLI.run(["scan", "--rules", rules, "--state", dir + "/s.db", "--output", "json", "--fail-on", "critical", sample])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(transitions(third.stdout).isEmpty)
    }

    /// Issue 23, 1: a record older than the evaluations a state file already made is counted,
    /// exported per input, and named on stderr with what to do.
    @Test func recordsOlderThanTheStateAreCountedAndNamed() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let newer = "2025-10-28 09:00:00,000 ERROR [api] request failed: upstream timed out\n2025-10-28 09:10:00,000 INFO [api] ok\n"
        let older = "2025-10-27 09:00:00,000 ERROR [api] request failed: upstream timed out\n2025-10-27 09:00:01,000 INFO [api] ok\n"
        try newer.write(toFile: dir + "/today.log", atomically: true, encoding: .utf8)
        try older.write(toFile: dir + "/yesterday.log", atomically: true, encoding: .utf8)
        // Written long ago: a file changed within the lateness keeps its last record back.
        try settle(dir + "/today.log", dir + "/yesterday.log")
        let first = try CLI.run(["scan", "--rules", CLI.root + "/rules", "--state", dir + "/s.db", dir + "/today.log"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("came after rule evaluations"), "\(first.stderr)")
        let second = try CLI.run(["scan", "--rules", CLI.root + "/rules", "--state", dir + "/s.db", "--textfile", dir + "/t.prom",
                                  dir + "/yesterday.log"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("2 records of \(dir)/yesterday.log came after rule evaluations of their time"), "\(second.stderr)")
        #expect(second.stderr.contains("replay older logs with a fresh --state file"), "\(second.stderr)")
        let prom = try String(contentsOfFile: dir + "/t.prom", encoding: .utf8)
        #expect(prom.contains("logwarden_late_records_total{input=\"\(dir)/yesterday.log\"} 2"), "\(prom)")
        #expect(prom.contains("logwarden_late_records_total{input=\"\(dir)/today.log\"} 0"), "\(prom)")
        // Counted in the totals all the same.
        #expect(prom.contains("logwarden_records_total{input=\"\(dir)/yesterday.log\"} 2"), "\(prom)")
    }

    @Test func recordsAheadOfTheClockAreNamed() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ahead = Date().addingTimeInterval(3 * 3600)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
        try "\(f.string(from: ahead)) ERROR [api] request failed: upstream timed out\n".write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        try settle(dir + "/app.log")
        let r = try CLI.run(["scan", "--rules", CLI.root + "/rules", "--state", dir + "/s.db", dir + "/app.log"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ahead of this machine's clock"), "\(r.stderr)")
        #expect(r.stderr.contains("--timezone"), "\(r.stderr)")
    }
}
