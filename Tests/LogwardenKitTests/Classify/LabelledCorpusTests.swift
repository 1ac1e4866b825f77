import Foundation
import Testing
@testable import LogwardenKit

/// The default pack against logs written by real programs (Tests/Fixtures/real, see its
/// README) and the shipped samples: each record gets exactly the labelled error class, and
/// unlabelled records get none. Classes a pack declares beyond the error vocabulary (the
/// `success` of calendar_sync_succeeded) are not errors and are not part of this check.
struct LabelledCorpusTests {
    static let pack: PatternSet = try! PatternSet.load(RuleFiles.load([packageRoot + "/rules/patterns"]))

    static var logs: [String] {
        var out: [String] = []
        for dir in ["Tests/Fixtures/real", "samples"] {
            let path = packageRoot + "/" + dir
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() where name.hasSuffix(".log") { out.append(dir + "/" + name) }
        }
        return out
    }

    /// line -> class, from `X.labels.tsv` next to `X.log`.
    static func labels(_ log: String) -> [Int: String] {
        let path = packageRoot + "/" + log.dropLast(4) + ".labels.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [Int: String] = [:]
        for row in text.split(separator: "\n") where !row.hasPrefix("#") {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false)
            if cols.count >= 2, let line = Int(cols[0]) { out[line] = String(cols[1]) }
        }
        return out
    }

    @Test(arguments: logs)
    func classesMatchLabels(_ log: String) throws {
        let expected = Self.labels(log)
        #expect(FileManager.default.fileExists(atPath: packageRoot + "/" + log.dropLast(4) + ".labels.tsv"), "\(log) has no labels file")
        let text = try String(contentsOfFile: packageRoot + "/" + log, encoding: .utf8)
        var got: [Int: String] = [:]
        var starts = Set<Int>()
        for (line, pattern, _) in classify(text, with: Self.pack) {
            starts.insert(line)
            if let pattern {
                let cls = Self.pack.patterns.first { $0.name == pattern }!.definition.errorClass
                if ErrorClassVocabulary.standard.contains(cls) { got[line] = cls }
            }
        }
        for (line, cls) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(starts.contains(line), "\(log):\(line) is labelled \(cls) but does not start a record")
            #expect(got[line] == cls, "\(log):\(line) expected \(cls), got \(got[line] ?? "no class")")
        }
        for (line, cls) in got.sorted(by: { $0.key < $1.key }) where expected[line] == nil {
            Issue.record("\(log):\(line) is unlabelled but classified \(cls)")
        }
    }
}
