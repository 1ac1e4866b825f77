import Testing
@testable import LogwardenKit

struct LineSplitterTests {
    func split(_ chunks: [String], max: Int = 1000) -> [(String, Int, Bool)] {
        var splitter = LineSplitter(maxLineBytes: max)
        var out: [(String, Int, Bool)] = []
        for chunk in chunks {
            var bytes = Array(chunk.utf8)
            bytes.withUnsafeMutableBytes { raw in
                splitter.feed(UnsafeRawBufferPointer(raw)) { line, n, cut, _ in out.append((String(decoding: line, as: UTF8.self), n, cut)) }
            }
        }
        splitter.finish { line, n, cut, _ in out.append((String(decoding: line, as: UTF8.self), n, cut)) }
        return out
    }

    @Test func linesAcrossChunkBoundaries() {
        let lines = split(["ab", "c\nde", "f\r\n", "gh"])
        #expect(lines.map(\.0) == ["abc", "def", "gh"])
        #expect(lines.map(\.1) == [1, 2, 3])
    }

    @Test func longLineIsCutWithoutKeepingTheRest() {
        let lines = split([String(repeating: "x", count: 50), String(repeating: "y", count: 50) + "\nz\n"], max: 10)
        #expect(lines.map(\.0) == ["xxxxxxxxxx", "z"])
        #expect(lines.map(\.2) == [true, false])
    }

    @Test func emptyLinesAreCounted() {
        #expect(split(["\n\na\n"]).map(\.1) == [1, 2, 3])
    }
}
