import Foundation
import Testing
@testable import LogwardenKit

struct BuiltinPackTests {
    /// The pack compiled into the binary is rules/patterns and rules/alerts; `make pack`
    /// regenerates it.
    @Test(arguments: ["patterns", "alerts"])
    func builtinPackIsRulesFolder(_ folder: String) throws {
        let path = packageRoot + "/rules/" + folder
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        let builtin = BuiltinPack.files.filter { $0.0.hasPrefix(folder + "/") }
        #expect(builtin.map { String($0.0.dropFirst(folder.count + 1)) } == names, "rules/\(folder) differs from the built-in pack: run 'make pack'")
        for (name, text) in builtin {
            let disk = try String(contentsOfFile: packageRoot + "/rules/" + name, encoding: .utf8)
            #expect(text == disk, "rules/\(name) differs from the built-in copy: run 'make pack'")
        }
        #expect(BuiltinPack.files.allSatisfy { $0.0.hasPrefix("patterns/") || $0.0.hasPrefix("alerts/") })
    }

    /// The built-in alert rules load next to the built-in patterns, as from ./rules.
    @Test func builtinPackCarriesTheAlertRules() throws {
        let builtin = RuleFiles.builtin()
        let disk = try RuleFiles.load([packageRoot + "/rules/alerts"])
        #expect(builtin.alertFiles.count == disk.alertFiles.count && !disk.alertFiles.isEmpty)
        let (groups, problems) = RuleFile.load(builtin)
        #expect(problems.map(\.description) == [])
        #expect(groups.flatMap(\.rules).map(\.name) == RuleFile.load(disk).0.flatMap(\.rules).map(\.name))
        #expect(groups.flatMap(\.rules).contains { $0.name == "CalendarSyncOAuthTokenScopeError" })
    }

    @Test func builtinPackPassesItsOwnExamples() throws {
        let set = try PatternSet.load(RuleFiles.builtin())
        #expect(set.count >= 60)
        #expect(PatternCheck.run(set).map(\.description) == [])
        let scope = try #require(set.patterns.first { $0.name == "oauth_token_scope" })
        #expect(scope.definition.errorClass == "undefined_column" && scope.definition.severity == .critical)
        #expect(scope.captureLabels.map(\.name).sorted() == ["column", "table"])
    }
}
