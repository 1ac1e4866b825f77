import Foundation
import Testing
@testable import LogwardenKit

struct BuiltinPackTests {
    /// The pack compiled into the binary is rules/patterns; `make pack` regenerates it.
    @Test func builtinPackIsRulesPatterns() throws {
        let folder = packageRoot + "/rules/patterns"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        #expect(BuiltinPack.files.map(\.0) == names, "run 'make pack'")
        for (name, text) in BuiltinPack.files {
            let disk = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            #expect(text == disk, "\(name) differs from the built-in copy: run 'make pack'")
        }
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
