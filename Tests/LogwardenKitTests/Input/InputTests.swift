import Foundation
import Testing
@testable import LogwardenKit

struct InputTests {
    func readAll(_ spec: InputSpec) throws -> String {
        let opened = try InputOpener.open(spec, now: 0)
        var source = opened.source
        var out: [UInt8] = []
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 7, alignment: 1)  // tiny, to cross boundaries
        defer { buf.deallocate() }
        while true {
            let n = try source.read(into: buf)
            if n == 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func gzipIsDetectedByContentIncludingConcatenatedMembers() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        write("first member\n", to: dir + "/a")
        write("second member\n", to: dir + "/b")
        shell("gzip -c \(dir)/a > \(dir)/rotated.1; gzip -c \(dir)/b >> \(dir)/rotated.1")
        #expect(try readAll(.file(dir + "/rotated.1")) == "first member\nsecond member\n")
        #expect(try readAll(.file(dir + "/a")) == "first member\n")
    }

    @Test func truncatedGzipKeepsWhatWasReadAndSaysSo() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = (1...2000).map { "line \($0) with some text to compress" }.joined(separator: "\n") + "\n"
        write(text, to: dir + "/big")
        shell("gzip -c \(dir)/big | head -c 3000 > \(dir)/cut.gz")
        #expect(throws: InputError.self) { try readAll(.file(dir + "/cut.gz")) }
    }

    @Test func missingAndDirectoryInputsAreClearErrors() {
        #expect(throws: InputError.cannotOpen(path: "/nonexistent/app.log", errno: ENOENT)) {
            try InputOpener.open(.file("/nonexistent/app.log"), now: 0)
        }
        let e = InputError.cannotOpen(path: "/x.log", errno: ENOENT).description
        #expect(e == "/x.log: cannot open: No such file or directory; check the path")
    }

    @Test func globsDirectoriesAndStdinExpandInNameOrder() {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["b.log", "a.log", "a.log.1", "c.log.2.gz", "notes.md", ".hidden.log"] { write("x\n", to: "\(dir)/\(name)") }
        try! FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        write("x\n", to: dir + "/sub/z.log")
        let glob = InputSpec.expand(["\(dir)/*.log", "-"])
        #expect(glob.inputs == [.file("\(dir)/a.log"), .file("\(dir)/b.log"), .stdin])
        let folder = InputSpec.expand([dir])
        #expect(folder.inputs == ["a.log", "a.log.1", "b.log", "c.log.2.gz", "sub/z.log"].map { .file("\(dir)/\($0)") })
        let none = InputSpec.expand(["\(dir)/*.nothing"])
        #expect(none.inputs.isEmpty && none.errors == [.noMatch(pattern: "\(dir)/*.nothing")])
    }
}
