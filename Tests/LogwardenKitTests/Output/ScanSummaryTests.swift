import Testing
@testable import LogwardenKit

struct ScanSummaryTests {
    /// The table's example column: the first line, control characters as spaces, cut at a
    /// number of characters. The byte-wise way for ASCII must agree with the character-wise one.
    @Test func exampleColumnAgreesWithCharacterWiseCut() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", " ", "\n", "\r", "\r\n", "\t", "\u{7F}", "é", "e\u{301}", "日", "🙂", "x"]
        for _ in 0..<2000 {
            let s = (0..<Int.random(in: 0...90, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let max = Int.random(in: 2...80, using: &rng)
            #expect(ScanSummary.oneLine(s, max: max) == characterWise(s, max: max), "\(s.debugDescription) max \(max)")
            #expect(Example.firstLine(s) == String(s.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""))
        }
    }

    private func characterWise(_ s: String, max: Int) -> String {
        let first = s.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let clean = String(first.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return clean.count > max ? String(clean.prefix(max - 1)) + "…" : clean
    }
}
