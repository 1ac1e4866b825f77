import Foundation
import Testing
@testable import LogwardenKit

struct ExpositionTests {
    @Test func labelValuesAreEscapedAndOrderIsDeterministic() {
        let family = MetricFamily(name: "x_total", help: "Help with \\ and\nnewline.", kind: .counter, samples: [
            .init(labels: [("b", "2"), ("a", "q\"uote\\back\nline")], value: 3),
            .init(labels: [("a", "0")], value: 1.5),
        ])
        #expect(Exposition.render([family]) == """
        # HELP x_total Help with \\\\ and\\nnewline.
        # TYPE x_total counter
        x_total{a="0"} 1.5
        x_total{a="q\\"uote\\\\back\\nline",b="2"} 3

        """)
    }

    /// Capture labels taken from hostile log lines still give a file promtool accepts silently.
    @Test func promtoolAcceptsTheTextfileOfHostileLines() throws {
        let set = try patternSet("""
        patterns:
          - name: user_failure
            class: auth_failure
            severity: warning
            match: 'login failed for (?<user>.*)$'
            metric: app_login_failures_total
          - name: quiet
            class: timeout
            severity: low
            match: 'never matches anything here'
        """)
        let hostile = [#"a"b"#, #"back\slash"#, "\"} 1e9", "tab\there", "nul\u{0}byte", "é ünïcode", "", "{x=\"y\"}"]
        let log = hostile.map { "2025-10-27T10:00:00Z login failed for \($0)" }.joined(separator: "\n")
            + "\n2025-10-27T10:00:01Z login failed for multi\n  line continuation\n"
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        write(log, to: dir + "/hostile.log")
        let result = ScanPipeline(patterns: set, options: ReadOptions(now: 0)).run([.file(dir + "/hostile.log")])
        let text = Exposition.render(ScanMetrics.families(result.counts))
        try AtomicFile.write(text, to: dir + "/out.prom")
        #expect(text.contains(#"user="\"} 1e9""#))
        // The pattern's own counter carries the captures, without pattern/class/severity.
        // An empty capture is no label: it merges with the zero series instead of duplicating it.
        #expect(text.contains("# TYPE app_login_failures_total counter\napp_login_failures_total 1\n"))
        #expect(!text.contains("user=\"\""))
        #expect(text.contains("logwarden_matches_total{class=\"timeout\",pattern=\"quiet\",severity=\"low\"} 0"))
        let promtool = shell("command -v promtool")
        try #require(promtool.status == 0, "promtool is not installed: run 'make deps' (Debian package prometheus)")
        let check = shell("promtool check metrics < \(dir)/out.prom")
        #expect(check.status == 0 && check.output.isEmpty, "promtool: \(check.output)")
    }

    @Test func atomicWriteReportsAnUnwritableFolder() {
        #expect(throws: OutputError.self) { try AtomicFile.write("x", to: "/nonexistent-dir/out.prom") }
    }
}
