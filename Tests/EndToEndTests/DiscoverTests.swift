import Foundation
import Testing

/// `discover` on real logs nobody here wrote: Loghub's OpenSSH and Apache samples
/// (https://github.com/logpai/loghub; Zhu et al., "Loghub: A Large Collection of System Log
/// Datasets for AI-driven Log Analytics", ISSRE 2023), copied to Tests/Fixtures/loghub.
@Suite(.serialized) struct DiscoverTests {
    /// The YAML passes `check` unchanged, and with it added to the rules nothing of those
    /// records is left for `discover`.
    @Test(arguments: ["OpenSSH", "Apache"])
    func candidatePatternsCoverTheirRecords(_ system: String) throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = CLI.root + "/Tests/Fixtures/loghub/\(system)_2k.log"
        let rules = dir + "/rules"
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)

        let before = try CLI.run(["discover", "--rules", rules, "--output", "json", log])
        #expect(before.status == 0, "\(before.stderr)")
        let summary = try #require(before.stdout.split(separator: "\n").last)
        #expect(summary.contains("\"records\":2000"))
        #expect(!summary.contains("\"templates\":0,"))

        let yaml = try CLI.run(["discover", "--rules", rules, "--output", "yaml", log])
        #expect(yaml.status == 0, "\(yaml.stderr)")
        #expect(yaml.stdout.contains("match: '"))
        try yaml.stdout.write(toFile: rules + "/discovered.yaml", atomically: true, encoding: .utf8)

        let check = try CLI.run(["check", rules])
        #expect(check.status == 0, "check failed:\n\(check.stderr)")
        #expect(check.stdout.hasPrefix("OK: 1 pattern file, "))

        let after = try CLI.run(["discover", "--rules", rules, "--output", "json", log])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == "{\"type\":\"summary\",\"records\":2000,\"unmatched\":0,\"templates\":0,\"evictions\":0}\n")
    }

    @Test func assignmentsGiveEveryRecordARow() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "classes: [session_end]\npatterns:\n  - {name: bye, class: session_end, severity: low, match: 'Bye Bye'}\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let input = """
            Dec 10 06:55:46 LabSZ sshd[1]: Invalid user alice from 1.2.3.4
            Dec 10 06:55:47 LabSZ sshd[2]: Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]
            Dec 10 06:55:48 LabSZ sshd[3]: Invalid user bob from 1.2.3.5
            Dec 10 06:55:49 LabSZ sshd[4]: Invalid user carol from 1.2.3.6

            """
        let r = try CLI.run(["discover", "--rules", dir + "/p.yaml", "--assignments", dir + "/a.tsv", "-"], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: dir + "/a.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t") }
        #expect(rows.map { $0[0] } == ["1", "2", "3", "4"])
        #expect(rows[1][1] == "-", "a classified record has no template")
        #expect(rows[0][1] == rows[2][1] && rows[2][1] == rows[3][1], "three users, one template")
        #expect(r.stdout.contains("Invalid user <*> from <*>"))
    }

    @Test func errorsOnlyKeepsErrorLevelsAndExceptions() throws {
        let input = """
            2025-10-27 10:00:00,001 INFO [api] request served in 12 ms
            2025-10-27 10:00:01,001 ERROR [api] upstream reset by peer
            2025-10-27 10:00:02,001 WARNING [api] retrying ValueError: bad token

            """
        let r = try CLI.run(["discover", "--rules", CLI.tempDir(), "--errors-only", "--output", "json", "-"], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("upstream reset by peer"))
        #expect(r.stdout.contains("retrying ValueError: bad token"))
        #expect(!r.stdout.contains("request served"))
    }
}
