import Foundation
import Testing

/// `scan --state` end to end: exactly-once counting across kill -9 (crash_test.py) and
/// cron-style runs over rotated files compared with one single pass (cron_test.py).
/// The scripts live in Tests/State (see its README).
@Suite(.serialized) struct StateScriptTests {
    /// A release binary reads 1M lines in ~2 s; a debug build is ~8x slower, so it gets
    /// a smaller input to keep the 20 trials within a few minutes.
    static var crashLines: String {
        CLI.binary.contains("/release/") ? "1000000" : "200000"
    }

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
