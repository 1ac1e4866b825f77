import Foundation
import Testing

/// `--state` when things go wrong: a second process, a file that is not ours, a full disk,
/// and rotation between runs. (Crash and cron simulations: StateTests, Tests/State.)
@Suite(.serialized) struct StateFaultTests {
    let sample = CLI.root + "/samples/calendar-sync-incident.log"

    func counters(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { $0.hasPrefix("logwarden_matches_total") || $0.hasPrefix("logwarden_unmatched") }.map(String.init)
    }

    @Test func aSecondProcessExitsTwoNamingTheHolder() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Hold the lock the way a running scan does.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [dir + "/s.db.lock", "sleep", "5"]
        try holder.run()
        defer { holder.terminate() }
        usleep(300_000)
        let r = try CLI.run(["scan", "--state", dir + "/s.db", sample])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the state file is in use by"), "\(r.stderr)")
        #expect(r.stderr.contains("--wait"), "\(r.stderr)")
    }

    @Test func fileIsCreatedPrivateAndAStaleLockNeverBlocks() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "12345\n".write(toFile: dir + "/s.db.lock", atomically: true, encoding: .utf8)  // left by a killed run
        let r = try CLI.run(["scan", "--state", dir + "/s.db", sample])
        #expect(r.status == 0, "\(r.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/s.db")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func foreignAndCorruptFilesAreRefusedAndLeftUntouched() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "just some notes\n".write(toFile: dir + "/notes.db", atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/notes.db"))
        let r = try CLI.run(["scan", "--state", dir + "/notes.db", sample])
        #expect(r.status == 2)
        #expect(r.stderr.contains("not a logwarden state file"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/notes.db")) == before)

        _ = try CLI.sh("sqlite3 \(dir)/other.db 'CREATE TABLE t(x); INSERT INTO t VALUES (1);' || python3 -c \"import sqlite3; c=sqlite3.connect('\(dir)/other.db'); c.execute('CREATE TABLE t(x)'); c.commit()\"")
        let other = try Data(contentsOf: URL(fileURLWithPath: dir + "/other.db"))
        let f = try CLI.run(["scan", "--state", dir + "/other.db", sample])
        #expect(f.status == 2)
        #expect(f.stderr.contains("an SQLite database of another program"), "\(f.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/other.db")) == other)
    }

    @Test func aFullDiskIsAClearErrorAndNothingIsLost() throws {
        let dir = CLI.tempDir()
        defer {
            _ = try? CLI.sh("umount \(dir)/full")
            try? FileManager.default.removeItem(atPath: dir)
        }
        try FileManager.default.createDirectory(atPath: dir + "/full", withIntermediateDirectories: true)
        // A tiny tmpfs needs root; elsewhere this test has nothing to fill.
        guard try CLI.sh("mount -t tmpfs -o size=200k tmpfs \(dir)/full").status == 0 else { return }
        let big = dir + "/big.log"
        let line = "2025-10-27 10:00:00,000 ERROR [calsync.google] events.list timed out for user=1071 after 30.0s\n"
        try String(repeating: line, count: 20000).write(toFile: big, atomically: true, encoding: .utf8)
        // Written a while ago: its last record is complete (a live file's waits for the next run).
        _ = try CLI.sh("touch -d '2 minutes ago' \(big)")
        let full = try CLI.run(["scan", "--state", dir + "/full/s.db", big])
        #expect(full.status == 2)
        #expect(full.stderr.contains("the disk is full"), "\(full.stderr)")
        // With room again, the next run counts every record exactly once.
        _ = try CLI.sh("umount \(dir)/full")
        let again = try CLI.run(["scan", "--state", dir + "/s.db", "--textfile", dir + "/a.prom", big])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(counters(dir + "/a.prom").contains("logwarden_unmatched_records_total 0"))
        #expect(counters(dir + "/a.prom").contains { $0.contains("pattern=\"timed_out\"") && $0.hasSuffix(" 20000") })
    }

    @Test func renamedAndCompressedFilesAreNotCountedAgain() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let half = lines.count / 2
        // Cut between records: a line that starts with the timestamp.
        let cut = (half..<lines.count).first { lines[$0].hasPrefix("2025-") }!
        try (lines[..<cut].joined(separator: "\n") + "\n").write(toFile: dir + "/app.log", atomically: false, encoding: .utf8)
        let env = "LOGWARDEN_NOW=2025-10-28T00:00:00Z"
        let run = { () throws -> Int32 in
            try CLI.sh("cd \(dir) && \(env) \(CLI.binary) scan --rules \(CLI.root)/rules --state s.db --textfile a.prom 'app.log*' > /dev/null").status
        }
        #expect(try run() == 0)
        // Rotate: app.log -> app.log.1 (then gzipped), the rest goes to a new app.log.
        _ = try CLI.sh("cd \(dir) && mv app.log app.log.1 && gzip app.log.1")
        try (lines[cut...].joined(separator: "\n")).write(toFile: dir + "/app.log", atomically: false, encoding: .utf8)
        // No longer written to (before "now"): its last record is complete.
        _ = try CLI.sh("touch -d '2025-10-27 12:00:00Z' \(dir)/app.log")
        #expect(try run() == 0)
        #expect(try run() == 0)  // nothing new: nothing counted
        let single = try CLI.run(["scan", "--rules", CLI.root + "/rules", "--textfile", dir + "/single.prom", sample])
        #expect(single.status == 0)
        #expect(!counters(dir + "/a.prom").isEmpty)
        #expect(counters(dir + "/a.prom") == counters(dir + "/single.prom"))
    }
}
