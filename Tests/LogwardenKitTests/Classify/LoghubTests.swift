import Foundation
import Testing
@testable import LogwardenKit

/// The default pack on real logs nobody here wrote: Loghub's OpenSSH, Apache and Linux
/// samples (https://github.com/logpai/loghub; Zhu et al., "Loghub: A Large Collection of
/// System Log Datasets for AI-driven Log Analytics", ISSRE 2023). Each line must get the
/// class its template is labelled with in Tests/Fixtures/loghub (`?` templates are skipped).
struct LoghubTests {
    static let corpus = packageRoot + "/Tests/Fixtures/loghub"

    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else {
                            quoted = false
                            if n == "," { row.append(field); field = "" } else if n == "\n" || n == "\r\n" { row.append(field); rows.append(row); row = []; field = "" } else { field.append(n) }
                        }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test(arguments: ["OpenSSH", "Apache", "Linux"])
    func templatesGetTheirLabelledClass(_ system: String) throws {
        let dir = Self.corpus
        var expected: [String: String] = [:]
        for row in try String(contentsOfFile: "\(packageRoot)/Tests/Fixtures/loghub/\(system).templates.tsv", encoding: .utf8)
            .split(separator: "\n") where !row.hasPrefix("#") {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false)
            expected[String(cols[0])] = String(cols[1])
        }
        let structured = Self.csvRows(try String(contentsOfFile: "\(dir)/\(system)_2k.log_structured.csv", encoding: .utf8))
        let header = structured[0]
        let eventColumn = try #require(header.firstIndex(of: "EventId"))
        let eventOfLine = structured.dropFirst().map { $0[eventColumn] }

        let pack = try PatternSet.load(RuleFiles.load([packageRoot + "/rules/patterns"]))
        let classifier = Classifier(pack)
        var source = try InputOpener.open(.file("\(dir)/\(system)_2k.log"), now: 1_780_272_000_000).source
        var got: [String] = []
        _ = try RecordReader.read(&source, framing: FramingOptions(multiline: false), timestamps: TimestampParser(referenceTime: 1_780_272_000_000)) {
            got.append(classifier.classify($0).map { pack.patterns[$0.pattern].definition.errorClass } ?? "none")
        }
        #expect(got.count == eventOfLine.count)
        var wrong: [String: (String, String, Int)] = [:]
        var checked = 0
        for (i, event) in eventOfLine.enumerated() where i < got.count {
            guard let want = expected[event] else {
                Issue.record("\(system): template \(event) has no label")
                continue
            }
            if want == "?" { continue }
            checked += 1
            if got[i] != want { wrong[event, default: (want, got[i], 0)].2 += 1 }
        }
        for (event, w) in wrong.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(system) \(event): expected \(w.0), got \(w.1) on \(w.2) lines")
        }
        #expect(checked > 1900)
    }
}
