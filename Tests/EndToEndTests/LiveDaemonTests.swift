import Foundation
import Testing

/// `logwarden watch` run as a daemon: HTTP endpoints (checked with promtool), the textfile
/// read by node_exporter, SIGHUP / POST /-/reload with a broken rule file, SIGTERM/SIGINT,
/// stdin EOF, and journalctl output formats. The cases live in Tests/Live/daemon_test.py
/// (Python 3, standard library only); each runs in its own temporary directory.
@Suite(.serialized) struct LiveDaemonTests {
    func runCase(_ name: String) throws -> (Int32, String) {
        try CLI.script("Live/daemon_test.py", ["--case", name])
    }

    @Test func metricsEndpoints() throws {
        let (status, out) = try runCase("metrics")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func nodeExporterTextfile() throws {
        let (status, out) = try runCase("node_exporter")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func sighupWithBrokenRulesKeepsOldRules() throws {
        let (status, out) = try runCase("sighup-broken")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func sigtermWritesFinalTextfile() throws {
        let (status, out) = try runCase("sigterm-textfile")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func stdinAlertThenEOF() throws {
        let (status, out) = try runCase("stdin-alert")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func journaldFormats() throws {
        let (status, out) = try runCase("journald")
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }
}
