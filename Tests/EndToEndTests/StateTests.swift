import Foundation
import Testing

/// `scan --state` end to end: exactly-once counting across kill -9 (crash_test.py) and
/// cron-style runs over rotated files compared with one single pass (cron_test.py).
/// The scripts live in Tests/State (see its README).
@Suite(.serialized) struct StateScriptTests {
    /// The issue asks for a 1M-record input; a debug build reads it in ~15 s, so the 20
    /// trials take several minutes of `make test`.
    static let crashLines = "1000000"

    @Test func killNineThenRerunCountsExactlyOnce() throws {
        let (status, out) = try CLI.script("State/crash_test.py",
                                           ["--trials", "20", "--lines", StateScriptTests.crashLines])
        #expect(status == 0, "\(out)")
        #expect(out.contains("20 passed, 0 failed"), "\(out)")
    }

    @Test func cronRunsOverRotatedFilesEqualOneSinglePass() throws {
        let (status, out) = try CLI.script("State/cron_test.py")
        #expect(status == 0, "\(out)")
        #expect(out.contains("2 passed, 0 failed"), "\(out)")
    }
}
