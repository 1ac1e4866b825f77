import Foundation
import Testing
@testable import LogwardenKit

struct PrefilterTests {
    @Test(arguments: [
        ("UndefinedColumn: column (?<t>x)\\.(?<c>scope) does not exist", ["undefinedcolumn: column x.scope does not exist"]),
        ("column (?<c>[\\w.]+) does not exist", [" does not exist"]),
        // Small alternations multiply out; a string containing another is dropped.
        ("(?:Read|Connect)Timeout(?:Error)?\\b", ["connecttimeout", "readtimeout"]),
        ("\\b(?:level|lvl)=\"?(?:error|fatal)\\b", ["level=\"error", "level=\"fatal", "level=error", "level=fatal",
                                                 "lvl=\"error", "lvl=\"fatal", "lvl=error", "lvl=fatal"]),
        ("\\[(?:[\\w-]{1,32}:)?(?:error|crit)\\]", ["crit]", "error]"]),
        // 8 × 8 × 2 is over the limit: the product is cut, and its best factor kept.
        ("(?:a|b|c|d|e|f|g|h)(?:a|b|c|d|e|f|g|h)(?:i|j)xyz", ["ixyz", "jxyz"]),
        ("\\b(?i:connection refused)\\b|\\bECONNREFUSED\\b", ["connection refused", "econnrefused"]),
        ("HTTP/\\d\\.\\d\" 5\\d\\d", ["http/"]),
        // A literal run continues into a group's first bytes: `" ` + `5`.
        ("(?:HTTP/[0-9.]{1,3}|-)\" (?<status>5\\d\\d) (?:\\d+|-)", ["\" 5"]),
        // Inline flags: literals are case-folded anyway; extended mode is not read at all.
        ("^(?i)error job stuck on (?<host>\\w+)", ["error job stuck on "]),
        ("(?i:ERROR)(?-i) Timeout", ["error timeout"]),
        ("(?xi)error   timeout", nil),
        ("a+b", nil),
        ("\\d+", nil),
        ("foo(?x) bar", nil),
        ("(abc)\\1", nil),
        ("[xyz]{3}", nil),
        ("ab?c", nil),
    ] as [(String, [String]?)])
    func requiredLiterals(_ pattern: String, _ expected: [String]?) {
        let got = RequiredLiterals.of(pattern).map { $0.map { String(decoding: $0, as: UTF8.self) }.sorted() }
        #expect(got == expected)
    }

    @Test func literalMatcherFindsOverlappingLiteralsCaseFolded() {
        let m = LiteralMatcher([(Array("he".utf8), 0), (Array("she".utf8), 1), (Array("hers".utf8), 2), (Array("xyz".utf8), 3)])
        var found = [Bool](repeating: false, count: 4)
        var text = Array("uSHErs".utf8)
        text.withUnsafeMutableBufferPointer { m.scan(UnsafeBufferPointer($0), into: &found) }
        #expect(found == [true, true, true, false])
    }

    /// Long texts are walked as four overlapping stretches: a literal anywhere, across any
    /// stretch boundary, is still found; literals over `maxLiteralLength` by their prefix.
    @Test func literalMatcherFindsLiteralsAcrossStretches() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdeABCDE xy".utf8)
        for _ in 0..<300 {
            let literals: [(bytes: [UInt8], owner: Int)] = (0..<Int.random(in: 1...8, using: &rng)).map { i in
                ((0..<Int.random(in: 3...20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, i)
            }
            let m = LiteralMatcher(literals)
            var text = (0..<Int.random(in: 0...400, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            for (bytes, _) in literals where Bool.random(using: &rng) && text.count >= bytes.count {
                let at = Int.random(in: 0...(text.count - bytes.count), using: &rng)
                text.replaceSubrange(at..<(at + bytes.count), with: bytes)
            }
            let folded = text.map(RequiredLiterals.fold)
            let expected = literals.map { lit in
                let needle = lit.bytes.prefix(LiteralMatcher.maxLiteralLength).map(RequiredLiterals.fold)
                return folded.count >= needle.count && (0...(folded.count - needle.count)).contains { Array(folded[$0..<($0 + needle.count)]) == needle }
            }
            var found = [Bool](repeating: false, count: literals.count)
            text.withUnsafeBufferPointer { m.scan($0, into: &found) }
            #expect(found == expected, "text \(String(decoding: text, as: UTF8.self)) literals \(literals.map { String(decoding: $0.bytes, as: UTF8.self) })")
            if found != expected { return }
        }
    }

    /// The prefilter may only skip patterns that could not have matched: classes per record
    /// are identical with and without it, on the bench mix and on every real log here.
    @Test func prefilterChangesNoResult() throws {
        let pack = try PatternSet.load(RuleFiles.load([packageRoot + "/rules/patterns"]))
        #expect(pack.prefilter != nil)
        var texts: [String] = []
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        shell("python3 \(packageRoot)/bench/gen_logs.py 30000 --seed 7 -o \(dir)/bench.log 2>/dev/null")
        texts.append(try String(contentsOfFile: dir + "/bench.log", encoding: .utf8))
        for folder in ["Tests/Fixtures/real", "samples"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/" + folder) where name.hasSuffix(".log") {
                texts.append(try String(contentsOfFile: "\(packageRoot)/\(folder)/\(name)", encoding: .utf8))
            }
        }
        let loghub = packageRoot + "/Tests/Fixtures/loghub"
        for name in try FileManager.default.contentsOfDirectory(atPath: loghub) where name.hasSuffix("_2k.log") {
            texts.append(try String(contentsOfFile: "\(loghub)/\(name)", encoding: .utf8))
        }
        #expect(texts.count >= 30)  // the bench mix, 16 Loghub systems, real and sample logs
        let plain = pack.withoutPrefilter()
        var compared = 0
        for text in texts {
            let a = classify(text, with: pack), b = classify(text, with: plain)
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) where x.1 != y.1 || x.2 != y.2 {
                Issue.record("line \(x.0): with prefilter \(x.1 ?? "none"), without \(y.1 ?? "none")")
            }
            compared += a.count
        }
        #expect(compared > 30000)
    }

    /// PCRE2 reports a first code unit made caseless by an inline `(?i)` or by a class like
    /// `[eE]` as one case only: the first-byte check must still let the other case through,
    /// and anchored label-matcher regexes (`^(?:...)$`) must honour `(?i)` as Prometheus does.
    @Test(arguments: [
        ("^(?i)error ", "ERROR something", true),
        ("(?i)^error ", "Error something", true),
        ("^[eE]rror", "Error", true),
        ("^(?i:e)rror", "Error", true),
        ("^(?:(?i)web1)$", "WEB1", true),
        ("^(?:(?i)w.*)$", "Web2", true),
        ("^error ", "ERROR something", false),
        ("^(?:web1)$", "WEB1", false),
    ])
    func anchoredInlineCaselessMatchesEitherCase(_ pattern: String, _ subject: String, _ expected: Bool) throws {
        let scratch = MatchScratch()
        let bytes = Array(subject.utf8)
        for check in [true, false] {
            let regex = try CompiledRegex(pattern, firstByteCheck: check)
            #expect(try bytes.withUnsafeBufferPointer { try regex.matches($0, scratch: scratch) } == expected, "\(pattern) first-byte check \(check)")
        }
        if pattern.hasPrefix("^(?:") {
            let m = try LabelMatcher(name: "host", op: .regex, value: String(pattern.dropFirst(4).dropLast(2)))
            #expect(try bytes.withUnsafeBufferPointer { try m.regex!.matches($0, scratch: scratch) } == expected)
        }
    }

    /// A whole pattern set, with and without its prefilter, classifies a record by a
    /// pattern whose case is set inline.
    @Test func inlineCaselessPatternClassifiesWithAndWithoutPrefilter() throws {
        let set = try patternSet("""
        patterns:
          - name: shout
            class: other_error
            severity: warning
            match: '^(?i)error job stuck on (?<host>\\w+)'
        """)
        let log = "ERROR JOB STUCK ON db1\nerror job stuck on db2\nwarning: job stuck on db3\n"
        for s in [set, set.withoutPrefilter()] {
            #expect(classify(log, with: s).map(\.1) == ["shout", "shout", nil])
        }
    }

    /// Anchored patterns turn down subjects by their first byte without calling PCRE2; the
    /// answer must be PCRE2's on every line of the corpus.
    @Test func anchoredFirstByteCheckAgreesWithPCRE2() throws {
        let pack = try PatternSet.load(RuleFiles.load([packageRoot + "/rules/patterns"]))
        let anchored = pack.patterns.compactMap(\.regex).filter { $0.firstBytes != nil }
        #expect(anchored.count >= 2)
        var lines: [String] = []
        for folder in ["Tests/Fixtures/real", "samples"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/" + folder) where name.hasSuffix(".log") {
                lines += try String(contentsOfFile: "\(packageRoot)/\(folder)/\(name)", encoding: .utf8).split(separator: "\n").map(String.init)
            }
        }
        lines += ["", "E", "E1027 10:00:00.123456 x ", "e1027 10:00:00.123456 x "]
        let scratch = MatchScratch(maxCaptures: 20, matchLimit: 1_000_000, depthLimit: 10_000)
        var hits = 0
        for regex in anchored {
            let plain = try CompiledRegex(regex.source, firstByteCheck: false)
            for line in lines {
                let bytes = Array(line.utf8)
                let a = try bytes.withUnsafeBufferPointer { try regex.matches($0, scratch: scratch) }
                let b = try bytes.withUnsafeBufferPointer { try plain.matches($0, scratch: scratch) }
                #expect(a == b, "\(regex.source) on \(line)")
                if a { hits += 1 }
            }
        }
        #expect(hits > 0)
    }
}
