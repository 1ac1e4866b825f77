import Foundation
import Testing

@Suite(.serialized) struct ScanTests {
    @Test func incidentSampleSummaryTable() throws {
        let r = try CLI.run(["scan", "samples/calendar-sync-incident.log"])
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("logwarden: loaded ") && r.stderr.hasSuffix(" patterns, 11 alert rules from ./rules\n")
                && r.stderr.filter { $0 == "\n" }.count == 1, "\(r.stderr)")
        CLI.expectGolden(r.stdout, "scan-incident.txt")
    }

    @Test func healthySampleRaisesNoErrorClass() throws {
        let r = try CLI.run(["scan", "--output", "json", "samples/healthy.log"])
        #expect(r.status == 0)
        CLI.expectGolden(r.stdout, "scan-healthy.json")
        // Only the success pattern matches; no error class, no alert.
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let classes = Set((summary["patterns"] as! [[String: Any]]).map { $0["class"] as! String })
        #expect(classes == ["success"])
        #expect((summary["alerts"] as! [Any]).isEmpty)
    }

    @Test func wholeSamplesFolderAsJSON() throws {
        let r = try CLI.run(["scan", "--output", "json", "samples/"])
        #expect(r.status == 0)
        CLI.expectGolden(r.stdout, "scan-samples.json")
    }

    @Test func missingInputIsNamedAndTheOthersAreStillRead() throws {
        let r = try CLI.run(["scan", "--output", "json", "samples/missing.log", "samples/healthy.log", "samples/*.nothing"])
        #expect(r.status == 2)
        #expect(r.stderr.replacing(/^logwarden: loaded [^\n]* from \.\/rules\n/, with: "") == """
        logwarden: samples/*.nothing: no file matches this pattern; check the path or quote it differently
        logwarden: samples/missing.log: cannot open: No such file or directory; check the path

        """)
        #expect(r.stdout.contains(#""inputs":[{"name":"samples/healthy.log","records":"#))
        #expect(r.stdout.contains(#""exitStatus":2"#))
    }

    @Test func gzipAndStdinJournaldJSON() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let incident = try String(contentsOfFile: CLI.root + "/samples/calendar-sync-incident.log", encoding: .utf8)
        try incident.write(toFile: dir + "/app.log.1", atomically: true, encoding: .utf8)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-n", dir + "/app.log.1"]
        try gz.run()
        gz.waitUntilExit()
        let plain = try CLI.run(["scan", "--output", "json", "samples/calendar-sync-incident.log"])
        let zipped = try CLI.run(["scan", "--output", "json", dir + "/app.log.1.gz"])
        #expect(zipped.status == 0)
        #expect(zipped.stdout.replacingOccurrences(of: dir + "/app.log.1.gz", with: "samples/calendar-sync-incident.log") == plain.stdout)

        let journal = """
        {"__REALTIME_TIMESTAMP":"1761559200000000","_HOSTNAME":"app-01","SYSLOG_IDENTIFIER":"sshd","PRIORITY":"6","MESSAGE":"Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2"}
        {"__REALTIME_TIMESTAMP":"1761559201000000","_HOSTNAME":"app-01","SYSLOG_IDENTIFIER":"calsync","PRIORITY":"3","MESSAGE":"psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist"}
        {"__REALTIME_TIMESTAMP":"1761559202000000","_HOSTNAME":"app-01","SYSLOG_IDENTIFIER":"calsync","PRIORITY":"6","MESSAGE":"synced 12 events"}

        """
        let r = try CLI.run(["classify", "-"], stdin: journal)
        #expect(r.status == 0)
        CLI.expectGolden(r.stdout, "classify-journald.jsonl")
    }

    @Test func textfilePassesPromtool() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["scan", "--textfile", dir + "/out.prom", "samples/"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: dir + "/out.prom", encoding: .utf8)
        CLI.expectGolden(text, "samples.prom")
        let (status, out) = try CLI.sh("promtool check metrics < \(dir)/out.prom")
        #expect(status == 0 && out.isEmpty, "promtool check metrics: \(out)")
    }

    @Test func binaryAndTruncatedInputsNeverCrash() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes: [UInt8] = Array("2025-10-27T10:00:00Z ERROR start\r\n".utf8)
        for i in 0..<20000 { bytes.append(UInt8(truncatingIfNeeded: i &* 31 &+ 7)) }
        bytes += Array("\n2025-10-27T10:00:01Z connect() failed (111: Connection refused) while connecting to upstream".utf8)
        _ = FileManager.default.createFile(atPath: dir + "/binary.log", contents: Data(bytes))
        let r = try CLI.run(["scan", "--output", "json", dir + "/binary.log"])
        #expect(r.status == 0)
        #expect(r.stdout.contains(#""name":"nginx_upstream_refused""#))
    }

    @Test func unknownRulesPathIsAConfigurationError() throws {
        let r = try CLI.run(["scan", "--rules", "nope/", "samples/healthy.log"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("nope/:1:1: cannot read rules: No such file or directory; check the --rules path\n"))
    }
}
