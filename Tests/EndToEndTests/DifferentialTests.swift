import Foundation
import Testing

/// logwarden's alert state machine and PromQL answers against the real Prometheus rule
/// engine (`promtool test rules`), and exact increase() against counts computed from the records.
/// The scenarios live in Tests/Differential (see its README).
@Suite(.serialized) struct DifferentialTests {
    func runScript(_ name: String) throws -> (Int32, String) {
        try CLI.script("Differential/" + name)
    }

    @Test func stateMachineAgreesWithPromtool() throws {
        let (status, out) = try runScript("promtool_diff.py")
        #expect(status == 0, "\(out)")
        #expect(out.contains(" passed, 0 failed"), "\(out)")
    }

    /// PromQL answers and rule outputs that used to differ from Prometheus 2.42 (issue 23).
    @Test func promqlAnswersAgreeWithPromtool() throws {
        let (status, out) = try runScript("promql_diff.py")
        #expect(status == 0, "\(out)")
        #expect(out.contains(" passed, 0 failed"), "\(out)")
    }

    @Test func increaseIsExact() throws {
        let (status, out) = try runScript("exact_increase.py")
        #expect(status == 0, "\(out)")
    }
}
