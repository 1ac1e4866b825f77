import Testing
@testable import LogwardenKit

/// The state machine on a scripted series: value per evaluation minute.
struct AlertRuleTests {
    func run(_ expr: String, for hold: Int64, keepFiringFor: Int64 = 0, values: [Double]) throws -> [String] {
        let source = FakeSource()
        source.add("x", [("job", "a")], total: 0)
        var def = RuleDefinition(kind: .alert, name: "A", expr: try ExprParser.parse(expr), exprSource: expr,
                                 location: SourceLocation(file: "t", line: 1, column: 1))
        def.forDuration = hold
        def.keepFiringFor = keepFiringFor
        let rule = AlertRule(def, group: "g")
        var out: [String] = []
        for (minute, v) in values.enumerated() {
            source.series[0].total = v
            let t = EpochMillis(minute) * 60_000
            for tr in try rule.eval(at: t, source: source, evidence: { _ in .none }) { out.append("\(minute):\(tr.kind.rawValue)") }
        }
        return out
    }

    @Test func forZeroFiresAtOnceAndResolves() throws {
        #expect(try run("x > 0", for: 0, values: [0, 1, 1, 0]) == ["1:pending", "1:firing", "3:resolved"])
    }

    @Test func forWaitsAndAPendingAlertThatDisappearsIsDropped() throws {
        #expect(try run("x > 0", for: 120_000, values: [1, 1, 0, 1, 1, 1, 0]) == ["0:pending", "3:pending", "5:firing", "6:resolved"])
    }

    @Test func keepFiringForBridgesGapsThenResolves() throws {
        #expect(try run("x > 0", for: 0, keepFiringFor: 120_000, values: [1, 0, 1, 0, 0, 0]) == ["0:pending", "0:firing", "5:resolved"])
    }

    @Test func resolvedAlertFiresAgainAsANewAlert() throws {
        #expect(try run("x > 0", for: 0, values: [1, 0, 1]) == ["0:pending", "0:firing", "1:resolved", "2:pending", "2:firing"])
    }
}

struct AlertTransitionContentTests {
    @Test func pendingTransitionOfAForZeroAlertHasNotFired() throws {
        let source = FakeSource()
        source.add("x", [("job", "a")], total: 1)
        let def = RuleDefinition(kind: .alert, name: "A", expr: try ExprParser.parse("x > 0"), exprSource: "x > 0",
                                 location: SourceLocation(file: "t", line: 1, column: 1))
        let transitions = try AlertRule(def, group: "g").eval(at: 60_000, source: source, evidence: { _ in .none })
        #expect(transitions.map(\.kind) == [.pending, .firing])
        #expect(transitions[0].alert.state == .pending && transitions[0].alert.firedAt == nil)
        #expect(transitions[1].alert.state == .firing && transitions[1].alert.firedAt == 60_000)
    }
}
