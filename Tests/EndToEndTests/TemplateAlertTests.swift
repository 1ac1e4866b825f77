import Foundation
import Testing

/// `--templates` and `--new-template-alert` in `scan` and `watch`: records no specific
/// pattern explains (unmatched, or only caught by a catch-all of class other_error) are
/// mined; an error template not seen before fires NewLogTemplate once, with examples.
@Suite struct TemplateAlertTests {
    static let first = """
        2026-11-23 10:00:00,001 INFO [billing] invoice 100 rendered in 12 ms
        2026-11-23 10:00:01,001 ERROR [billing] invoice 101 could not be rendered: font cache locked by pid 4411
        2026-11-23 10:00:02,001 ERROR [billing] invoice 102 could not be rendered: font cache locked by pid 4412
        2026-11-23 10:00:03,001 INFO [billing] invoice 103 rendered in 15 ms
        2026-11-23 10:00:04,001 ERROR [billing] invoice 104 could not be rendered: font cache locked by pid 4413
        2026-11-23 10:00:05,001 ERROR [ledger] balance mismatch for account 77 expected 10 got 12

        """
    static let second = """
        2026-11-23 10:05:01,001 ERROR [billing] invoice 201 could not be rendered: font cache locked by pid 5001
        2026-11-23 10:05:02,001 ERROR [mailer] smtp relay mx1 refused message 9 with code 554

        """

    func alerts(_ jsonl: String) -> [[String: Any]] {
        jsonl.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.filter { $0["type"] as? String == "alert" }
    }

    /// With --state a file written in the last minute keeps its last record for the next
    /// run; an older one is read to its end.
    func settle(_ path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: path)
    }

    func templateOf(_ alert: [String: Any]) -> String {
        ((alert["annotations"] as? [String: String])?["summary"]) ?? ""
    }

    @Test func eachNewErrorTemplateFiresOnceAndStateRemembersThem() throws {
        let dir = CLI.tempDir()
        let log = dir + "/app.log"
        try Self.first.write(toFile: log, atomically: true, encoding: .utf8)
        try settle(log)
        let run1 = try CLI.run(["scan", "--new-template-alert", "warning", "--state", dir + "/s.db", "--output", "json",
                                "--textfile", dir + "/m.prom", log])
        #expect(run1.status == 0, "\(run1.stderr)")
        let fired1 = alerts(run1.stdout)
        // Three look-alike invoice errors are one template, one alert; the INFO lines none.
        #expect(fired1.count == 2, "\(run1.stdout)")
        #expect(fired1.allSatisfy { $0["state"] as? String == "firing" && $0["alertname"] as? String == "NewLogTemplate" })
        #expect(fired1.contains { templateOf($0).hasSuffix("invoice <*> could not be rendered: font cache locked by pid <*>") })
        #expect(fired1.contains { templateOf($0).contains("balance mismatch for account <*>") })
        let invoice = try #require(fired1.first { templateOf($0).contains("invoice") })
        let evidence = try #require(invoice["evidence"] as? [String: Any])
        #expect(evidence["count"] as? Int == 3)
        #expect(((evidence["samples"] as? [[String: Any]])?.first?["text"] as? String)?.contains("pid 4411") == true)
        let metrics = try String(contentsOfFile: dir + "/m.prom", encoding: .utf8)
        #expect(metrics.contains("logwarden_unmatched_templates_total{template_id=\""))

        // The next run: the known invoice template stays quiet, only the new mailer one fires.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        handle.write(Data(Self.second.utf8))
        try handle.close()
        try settle(log)
        let run2 = try CLI.run(["scan", "--new-template-alert", "warning", "--state", dir + "/s.db", "--output", "json", log])
        let fired2 = alerts(run2.stdout)
        #expect(fired2.count == 1, "\(run2.stdout)")
        #expect(fired2.first.map(templateOf)?.contains("smtp relay") == true)
    }

    @Test func watchAnnouncesNewTemplatesFromStdin() throws {
        let r = try CLI.run(["watch", "--new-template-alert", "critical", "--output", "json", "-"], stdin: Self.first)
        #expect(r.status == 0, "\(r.stderr)")
        let fired = alerts(r.stdout)
        #expect(fired.count == 2, "\(r.stdout)")
        #expect(fired.allSatisfy { ($0["labels"] as? [String: String])?["severity"] == "critical" })
    }

    @Test func withoutTheFlagNothingIsMined() throws {
        let dir = CLI.tempDir()
        try Self.first.write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan", "--output", "json", "--textfile", dir + "/m.prom", dir + "/app.log"])
        #expect(alerts(r.stdout).isEmpty)
        #expect(try !String(contentsOfFile: dir + "/m.prom", encoding: .utf8).contains("unmatched_templates"))
    }
}
