import Foundation
import Testing

/// Where the rules come from, run from a directory without ./rules (a temporary one as the
/// working directory), as an agent installed on a host is.
@Suite(.serialized) struct RulePackTests {
    static let incident = CLI.root + "/samples/calendar-sync-incident.log"

    /// The binary carries the default alert rules with the default patterns: the incident's
    /// critical alerts fail the run, and every transition is the one ./rules gives.
    @Test func builtinPackAlertsWithoutRulesDirectory() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let builtin = try CLI.run(["scan", "--fail-on", "critical", "--output", "json", Self.incident], cwd: dir)
        #expect(builtin.status == 1, "\(builtin.stderr)")
        #expect(builtin.stdout.contains(#""alertname":"CalendarSyncOAuthTokenScopeError""#))
        let local = try CLI.run(["scan", "--fail-on", "critical", "--output", "json", Self.incident])
        #expect(local.status == 1)
        #expect(builtin.stdout == local.stdout)
    }

    /// `scan` and `watch` say on stderr what they loaded from where: the built-in pack
    /// carries what ./rules holds.
    @Test func stderrLineNamesTheSources() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let local = try CLI.run(["scan", Self.incident])
        let counts = try #require(local.stderr.firstMatch(of: /^logwarden: loaded (\d+ patterns, \d+ alert rules) from \.\/rules\n$/)?.1)
        #expect(counts.hasSuffix(" 11 alert rules"))
        let builtin = try CLI.run(["scan", Self.incident], cwd: dir)
        #expect(builtin.stderr == "logwarden: loaded \(counts) from the built-in pack\n")
        let log = try String(contentsOfFile: Self.incident, encoding: .utf8)
        let watch = try CLI.run(["watch", "-"], stdin: log, cwd: dir)
        #expect(watch.status == 0)
        let loaded = watch.stderr.split(separator: "\n").filter { $0.contains("msg=\"loaded ") }
        #expect(loaded.count == 1 && loaded[0].hasSuffix(" level=info msg=\"loaded \(counts) from the built-in pack\""), "\(watch.stderr)")
    }

    /// A file the user adds (a priority-300 pattern for the incident's failed sync passes).
    static let extra = """
        patterns:
          - name: sync_pass_failed
            class: other_error
            severity: high
            priority: 300
            match: 'sync pass finished users=\\d+ failed=(?<failed>\\d+)'

        """

    static func lines(_ jsonl: String) -> [Int: String] {
        var out: [Int: String] = [:]
        for row in jsonl.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                  let line = object["line"] as? Int, let pattern = object["pattern"] as? String else { continue }
            out[line] = pattern
        }
        return out
    }

    @Test func rulesAddAddsToTheDefaultPack() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.extra.write(toFile: dir + "/extra.yaml", atomically: true, encoding: .utf8)
        let classify = try CLI.run(["classify", "--rules-add", "extra.yaml", Self.incident], cwd: dir)
        #expect(classify.status == 0, "\(classify.stderr)")
        let got = Self.lines(classify.stdout)
        #expect(got[411] == "sync_pass_failed")
        #expect(got[96] == "oauth_token_scope")
        let scan = try CLI.run(["scan", "--fail-on", "critical", "--rules-add", "extra.yaml", Self.incident], cwd: dir)
        #expect(scan.status == 1)
        #expect(scan.stderr.hasPrefix("logwarden: loaded "))
        #expect(scan.stderr.hasSuffix(" 11 alert rules from the built-in pack; 1 pattern, 0 alert rules from extra.yaml\n"), "\(scan.stderr)")
        #expect(scan.stdout.contains("sync_pass_failed{failed=31}"))
    }

    @Test func rulesAloneReplacesTheDefaultPack() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.extra.write(toFile: dir + "/extra.yaml", atomically: true, encoding: .utf8)
        let classify = try CLI.run(["classify", "--rules", "extra.yaml", Self.incident], cwd: dir)
        #expect(classify.status == 0, "\(classify.stderr)")
        #expect(Self.lines(classify.stdout) == [411: "sync_pass_failed"])
        let scan = try CLI.run(["scan", "--fail-on", "critical", "--rules", "extra.yaml", Self.incident], cwd: dir)
        #expect(scan.status == 0)
        #expect(scan.stderr == "logwarden: loaded 1 pattern, 0 alert rules from extra.yaml (--rules replaces the default pack)\n")
    }

    /// `check` without a path checks what `scan` loads; `--rules-add` checks a file against
    /// the whole pack (its examples must not be taken by a pack pattern).
    @Test func checkWithoutPathChecksWhatScanLoads() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let local = try CLI.run(["check", "rules/"])
        let check = try CLI.run(["check"], cwd: dir)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == local.stdout)
        #expect(check.stderr.hasPrefix("logwarden: checking ") && check.stderr.hasSuffix(" 11 alert rules from the built-in pack\n"), "\(check.stderr)")
        try (Self.extra + "    examples: ['2025-10-27 10:25:00,419 ERROR [calsync.sync] sync pass finished users=83 failed=31 errors=31']\n")
            .write(toFile: dir + "/extra.yaml", atomically: true, encoding: .utf8)
        let added = try CLI.run(["check", "--rules-add", "extra.yaml"], cwd: dir)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("OK: 9 pattern files, "))
        // At priority 0 the pack's error_level (earlier in file order) takes the example.
        try (Self.extra.replacingOccurrences(of: "priority: 300", with: "priority: 0")
             + "    examples: ['2025-10-27 10:25:00,419 ERROR [calsync.sync] sync pass finished users=83 failed=31 errors=31']\n")
            .write(toFile: dir + "/extra.yaml", atomically: true, encoding: .utf8)
        let taken = try CLI.run(["check", "--rules-add", "extra.yaml"], cwd: dir)
        #expect(taken.status == 1)
        #expect(taken.stderr.contains("extra.yaml:"), "\(taken.stderr)")
    }
}
