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

    @Test func aReadOnlyFolderIsAClearError() throws {
        let dir = CLI.tempDir()
        defer {
            _ = try? CLI.sh("umount \(dir)/ro")
            try? FileManager.default.removeItem(atPath: dir)
        }
        try FileManager.default.createDirectory(atPath: dir + "/rw", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/ro", withIntermediateDirectories: true)
        // chmod does not stop root: a read-only bind mount does (root only; elsewhere skipped).
        guard try CLI.sh("mount --bind \(dir)/rw \(dir)/ro && mount -o remount,ro,bind \(dir)/ro").status == 0 else { return }
        let r = try CLI.run(["scan", "--state", dir + "/ro/s.db", sample])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--state \(dir)/ro/s.db"), "\(r.stderr)")
        #expect(r.stderr.contains("read-only") || r.stderr.contains("cannot open"), "\(r.stderr)")
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

/// Alert state across runs follows the rules: unchanged ones go on, changed ones start
/// over, removed ones are dropped.
@Suite struct StateRuleChangeTests {
    func rules(_ dir: String, forDuration: String, second: Bool) throws {
        var text = """
            groups:
              - name: g
                interval: 1m
                rules:
                  - alert: Timeouts
                    expr: sum(increase(logwarden_matches_total{class="timeout"}[10m])) > 0
                    for: \(forDuration)

            """
        if second {
            text += """
                      - alert: AnyTimeout
                        expr: sum(logwarden_matches_total{class="timeout"}) > 0

                """
        }
        try text.write(toFile: dir + "/rules/a.yaml", atomically: true, encoding: .utf8)
    }

    func scan(_ dir: String, now: String) throws -> [String] {
        let r = try CLI.sh("cd \(dir) && LOGWARDEN_NOW=\(now) \(CLI.binary) scan --rules rules --state s.db --output json app.log")
        return r.output.split(separator: "\n").filter { $0.contains(#""type":"alert""#) }.map { line in
            let state = line.range(of: #""state":"[a-z]+""#, options: .regularExpression).map { String(line[$0]) } ?? "?"
            let name = line.range(of: #""alertname":"[A-Za-z]+""#, options: .regularExpression).map { String(line[$0]) } ?? "?"
            return name + " " + state
        }
    }

    @Test func unchangedGoOnChangedStartOverRemovedAreDropped() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        _ = try CLI.sh("cp \(CLI.root)/rules/patterns/*.yaml \(dir)/rules/")
        // One timeout a minute, appended up to each run's "now", as a live log would be.
        func append(through minute: Int, from first: Int) throws {
            var text = ""
            for m in first...minute { text += "2025-10-27 10:0\(m):00,000 WARNING [calsync.google] events.list timed out for user=1 after 30.0s\n" }
            let h = FileHandle(forWritingAtPath: dir + "/app.log")!
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            h.closeFile()
            _ = try CLI.sh("touch -d '2025-10-27 10:0\(minute):00Z' \(dir)/app.log")
        }
        _ = FileManager.default.createFile(atPath: dir + "/app.log", contents: nil)

        try rules(dir, forDuration: "5m", second: true)
        try append(through: 3, from: 0)
        // Timeouts pending since 10:01 (AnyTimeout fires at once).
        let first = try scan(dir, now: "2025-10-27T10:04:00Z")
        #expect(first.contains(#""alertname":"Timeouts" "state":"pending""#), "\(first)")
        // Unchanged: Timeouts goes on and fires at 10:06, without a second pending.
        try append(through: 6, from: 4)
        let second = try scan(dir, now: "2025-10-27T10:07:30Z")
        #expect(second == [#""alertname":"Timeouts" "state":"firing""#], "\(second)")
        // Changed `for`: it starts over (pending again); the removed rule leaves the state.
        try rules(dir, forDuration: "10m", second: false)
        try append(through: 8, from: 7)
        let third = try scan(dir, now: "2025-10-27T10:09:30Z")
        #expect(third == [#""alertname":"Timeouts" "state":"pending""#], "\(third)")
        let left = try CLI.sh("python3 -c \"import sqlite3; print(sqlite3.connect('\(dir)/s.db').execute('select count(*) from alerts').fetchone()[0])\"")
        #expect(left.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(left.output)")
    }
}
