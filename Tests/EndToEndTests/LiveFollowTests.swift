import Foundation
import Testing

/// `logwarden watch` following a file that a real writer appends to while it is rotated
/// by rename, copytruncate, delete and recreate, and by the real `logrotate`.
/// The scenarios live in Tests/Live (see its README).
@Suite(.serialized) struct LiveFollowTests {
    func runScript(_ name: String, _ args: [String]) throws -> (Int32, String) {
        try CLI.script("Live/" + name, args)
    }

    static let hasLogrotate = FileManager.default.isExecutableFile(atPath: "/usr/sbin/logrotate")

    @Test func renameCopytruncateDeleteByHand() throws {
        let (status, out) = try runScript("follow_test.py", ["--scenario", "manual"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test(.enabled(if: LiveFollowTests.hasLogrotate, "needs /usr/sbin/logrotate"))
    func logrotateCreate() throws {
        let (status, out) = try runScript("follow_test.py", ["--scenario", "logrotate-create"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test(.enabled(if: LiveFollowTests.hasLogrotate, "needs /usr/sbin/logrotate"))
    func logrotateCopytruncate() throws {
        let (status, out) = try runScript("follow_test.py", ["--scenario", "logrotate-copytruncate"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 passed, 0 failed"), "\(out)")
    }

    @Test func watchStateSurvivesStopAndKill() throws {
        let (status, out) = try runScript("restart_test.py", [])
        #expect(status == 0, "\(out)")
        #expect(out.contains("2 passed, 0 failed"), "\(out)")
    }
}
