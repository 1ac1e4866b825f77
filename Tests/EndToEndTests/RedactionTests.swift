import Foundation
import Testing

@Suite(.serialized) struct RedactionTests {
    @Test func evidenceIsRedactedAndRedactionExtends() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "patterns:\n  - {name: login_failed, class: auth_failure, severity: high, match: 'login failed'}\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        try "groups:\n  - name: g\n    interval: 15s\n    rules:\n      - {alert: LoginFailed, expr: 'increase(logwarden_matches_total{pattern=\"login_failed\"}[1m]) > 0', labels: {severity: high}}\n"
            .write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try "2025-10-27T10:00:00Z login failed for https://bob:hunter2@db.example.com/x password=hunter2 Authorization: Bearer eyJabc.def session=s3cr3t-cookie\n"
            .write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan", "--output", "json", "--rules", dir + "/p.yaml", "--rules", dir + "/a.yaml",
                             "--redact", "session=(\\S+)", dir + "/app.log"])
        #expect(r.status == 0, "\(r.stderr)")
        let firing = try #require(r.stdout.split(separator: "\n").first { $0.contains(#""state":"firing""#) })
        #expect(firing.contains(#""text":"2025-10-27T10:00:00Z login failed for https://[REDACTED]@db.example.com/x password=[REDACTED] Authorization: Bearer [REDACTED] session=[REDACTED]""#), "\(firing)")
        #expect(!firing.contains("hunter2") && !firing.contains("eyJabc") && !firing.contains("s3cr3t"))
        let bad = try CLI.run(["scan", "--redact", "a((", "samples/healthy.log"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--redact 'a((': invalid PCRE2 regex at offset 3"), "\(bad.stderr)")
    }
}
