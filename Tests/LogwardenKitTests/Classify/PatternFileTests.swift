import Testing
@testable import LogwardenKit

struct PatternFileTests {
    func diagnostics(_ yaml: String) -> [String] {
        do {
            let set = try patternSet(yaml, file: "p.yaml")
            return PatternCheck.run(set).map(\.description)
        } catch let error as Diagnostics {
            return error.items.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func yamlSyntaxErrorHasLineAndColumn() {
        let d = diagnostics("patterns:\n  - name: a\n    match: 'unclosed\n")
        #expect(d.count == 1)
        #expect(d[0].hasPrefix("p.yaml:4:1: invalid YAML"))
    }

    @Test func pcre2ErrorPointsAtTheColumnInTheFile() {
        let d = diagnostics("patterns:\n  - name: bad\n    class: timeout\n    severity: low\n    match: 'ab(cd'\n")
        #expect(d == ["p.yaml:5:18: pattern 'bad': invalid PCRE2 regex at offset 5: missing closing parenthesis"])
    }

    @Test func duplicateNamesUnknownClassesAndKeys() {
        let d = diagnostics("""
        patterns:
          - name: a
            class: timeout
            severity: low
            match: x
          - name: a
            class: timeout
            severity: low
            match: y
          - name: b
            class: timeouts
            severity: low
            match: z
          - name: c
            class: timeout
            sevrity: low
            match: z
        """)
        #expect(d.contains("p.yaml:6:5: duplicate pattern name 'a' (first defined at p.yaml:2:5); names must be unique"))
        #expect(d.contains { $0.hasPrefix("p.yaml:10:5: pattern 'b': unknown class 'timeouts'; use one of undefined_column,") })
        #expect(d.contains { $0.hasPrefix("p.yaml:16:5: unknown key 'sevrity' in a pattern; expected one of: name, class,") })
    }

    @Test func examplesAndCounterexamplesAreChecked() {
        let d = diagnostics("""
        patterns:
          - name: high
            class: timeout
            severity: low
            priority: 10
            match: 'timed out'
          - name: low
            class: timeout
            severity: low
            match: 'out'
            examples: ['it timed out', 'way out']
            counterexamples: ['checked out']
        """)
        #expect(d == [
            "p.yaml:11:16: pattern 'low': example is classified by pattern 'high' (priority 10), not by this pattern; raise this pattern's priority or narrow the other",
            "p.yaml:12:23: pattern 'low': counterexample matches this pattern",
        ])
    }

    @Test func declaredClassesExtendTheVocabulary() {
        #expect(diagnostics("classes: [billing]\npatterns:\n  - {name: a, class: billing, severity: low, match: x}\n").isEmpty)
    }

    @Test func reservedCaptureNamesAreRejected() {
        let d = diagnostics("patterns:\n  - {name: a, class: timeout, severity: low, match: '(?<pattern>x)'}\n")
        #expect(d.count == 1 && d[0].contains("capture 'pattern' cannot be a label"))
    }
}
