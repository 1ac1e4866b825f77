import Foundation
import Testing

/// `watch` on stdin, where its output is exact. Following files, signals, HTTP and
/// node_exporter are in Tests/Live (LiveFollowTests, LiveDaemonTests).
@Suite struct WatchTests {
    func alertLines(_ stdout: String) -> [Substring] {
        stdout.split(separator: "\n").filter { $0.contains(#""type":"alert""#) }
    }

    @Test func eventTimeReplayOfAPipeGivesScansTransitions() throws {
        let log = try String(contentsOfFile: CLI.root + "/samples/calendar-sync-incident.log", encoding: .utf8)
        let scan = try CLI.run(["scan", "--output", "json", "-"], stdin: log)
        let watch = try CLI.run(["watch", "--time", "event", "--output", "json", "-"], stdin: log)
        #expect(watch.status == 0, "\(watch.stderr)")
        #expect(!alertLines(scan.stdout).isEmpty)
        #expect(alertLines(watch.stdout) == alertLines(scan.stdout))
    }

    @Test func endOfStdinWritesTheTextfileAndExitsZero() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try String(contentsOfFile: CLI.root + "/samples/sshd-auth.log", encoding: .utf8)
        let r = try CLI.run(["watch", "--textfile", dir + "/w.prom", "-"], stdin: log)
        #expect(r.status == 0, "\(r.stderr)")
        let scan = try CLI.run(["scan", "--textfile", dir + "/s.prom", "-"], stdin: log)
        #expect(scan.status == 0)
        let counts = { (path: String) -> [String] in
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.hasPrefix("logwarden_matches_total") || $0.hasPrefix("logwarden_records_total") }.map(String.init)
        }
        #expect(!counts(dir + "/w.prom").isEmpty)
        #expect(counts(dir + "/w.prom") == counts(dir + "/s.prom"))
    }

    @Test func ownLogIsLogfmtOrJSONAndNeverPerLine() throws {
        let log = try String(contentsOfFile: CLI.root + "/samples/healthy.log", encoding: .utf8)
        let text = try CLI.run(["watch", "-"], stdin: log)
        let lines = text.stderr.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") && $0.contains(" level=") && $0.contains(" msg=") }, "\(text.stderr)")
        #expect(lines.count < 10)
        let json = try CLI.run(["watch", "--log-format", "json", "-"], stdin: log)
        for line in json.stderr.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] != nil && object?["level"] != nil && object?["ts"] != nil, "\(line)")
        }
        let quiet = try CLI.run(["watch", "--log-level", "error", "-"], stdin: log)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func badFlagsAreUsageErrorsNamingTheFlag() throws {
        let interval = try CLI.run(["watch", "--textfile-interval", "soon", "-"], stdin: "")
        #expect(interval.status == 2)
        #expect(interval.stderr.contains("--textfile-interval 'soon' is not a duration"), "\(interval.stderr)")
        let listen = try CLI.run(["watch", "--listen", "nowhere", "-"], stdin: "")
        #expect(listen.status == 2)
        #expect(listen.stderr.contains("--listen nowhere: write it as HOST:PORT"), "\(listen.stderr)")
        let time = try CLI.run(["watch", "--time", "later", "-"], stdin: "")
        #expect(time.status == 2)
    }

    @Test func brokenRulesAtStartUpExitTwoWithTheirLocation() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: rate(foo[5m]) >\n".write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["watch", "--rules", dir + "/a.yaml", "-"], stdin: "")
        #expect(r.status == 2)
        #expect(r.stderr.contains(dir + "/a.yaml:5:"), "\(r.stderr)")
    }
}
