import Foundation
import Testing
@testable import LogwardenKit

/// Which rule files a command loads, and the line that says so.
struct RuleSelectionTests {
    static let patterns = """
        patterns:
          - {name: a, class: timeout, severity: low, match: 'a'}
          - {name: b, class: timeout, severity: low, match: 'b'}

        """
    static let rules = """
        groups:
          - name: g
            rules:
              - record: job:a:rate5m
                expr: rate(logwarden_matches_total{pattern="a"}[5m])
              - alert: A
                expr: job:a:rate5m > 0

        """

    func summary(_ files: RuleFiles) throws -> String {
        let (groups, problems) = RuleFile.load(files)
        #expect(problems.isEmpty)
        return LoadSummary.line(files, patterns: try PatternSet.load(files), groups: groups)
    }

    @Test func defaultPackThenAdded() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        write(Self.patterns, to: dir + "/rules/p.yaml")
        write(Self.rules, to: dir + "/extra.yaml")
        let local = try RuleFiles.select(exactly: [], adding: [dir + "/extra.yaml"], directory: dir + "/rules")
        #expect(local.origins.map(\.kind) == [.directory, .added])
        #expect(try summary(local) == "2 patterns, 0 alert rules from \(dir)/rules; 0 patterns, 1 alert rule, 1 recording rule from \(dir)/extra.yaml")

        let builtin = try RuleFiles.select(exactly: [], adding: [dir + "/rules/p.yaml"], directory: dir + "/none")
        #expect(builtin.origins.map(\.kind) == [.builtin, .added])
        #expect(builtin.patternFiles.count == RuleFiles.builtin().patternFiles.count + 1)
        #expect(try summary(builtin).hasSuffix(" alert rules from the built-in pack; 2 patterns, 0 alert rules from \(dir)/rules/p.yaml"))
    }

    @Test func exactPathsReplaceTheDefaultPack() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        write(Self.patterns, to: dir + "/p.yaml")
        write(Self.rules, to: dir + "/r.yaml")
        let files = try RuleFiles.select(exactly: [dir + "/p.yaml", dir + "/r.yaml"], adding: [], directory: packageRoot + "/rules")
        #expect(files.origins.map(\.kind) == [.exact, .exact])
        #expect(try summary(files) == "2 patterns, 0 alert rules from \(dir)/p.yaml; 0 patterns, 1 alert rule, 1 recording rule from \(dir)/r.yaml (--rules replaces the default pack)")
    }

    @Test func unreadablePathsAreAllReported() throws {
        #expect(throws: Diagnostics.self) { try RuleFiles.select(exactly: [], adding: ["/nonexistent/a.yaml"], directory: "/nonexistent/rules") }
        do {
            _ = try RuleFiles.select(exactly: ["/nonexistent/x"], adding: ["/nonexistent/a.yaml"])
        } catch {
            #expect(error.items.map(\.message) == ["cannot read rules: No such file or directory; check the --rules path",
                                                   "cannot read rules: No such file or directory; check the --rules-add path"])
        }
    }
}
