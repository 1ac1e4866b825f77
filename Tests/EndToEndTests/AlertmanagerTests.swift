import Foundation
import Testing

/// Alert delivery against Debian's real Alertmanager (`make deps` installs it): firing and
/// resolved read back from its API, routing to a webhook receiver, re-sends, https with a
/// CA file and basic auth, a receiver down or hanging for 30 s, and the outbox across a
/// `kill -9` and across cron scans. The scenarios live in Tests/Delivery/alertmanager_test.py
/// (Python 3, standard library only); each starts its own Alertmanager on a free port.
@Suite(.serialized) struct AlertmanagerTests {
    func runScenario(_ name: String) throws {
        let (status, out) = try CLI.script("Delivery/alertmanager_test.py", ["--scenario", name])
        #expect(status == 0, "\(out)")
        // A skip (no --alertmanager, no Alertmanager) must not pass as a success.
        #expect(out.contains("1 passed, 0 failed, 0 skipped"), "\(out)")
    }

    @Test func firingThenResolvedInAlertmanager() throws { try runScenario("firing-resolved") }
    @Test func routedToAlertmanagersWebhook() throws { try runScenario("webhook-routing") }
    @Test func firingAlertsAreResent() throws { try runScenario("resend") }
    @Test func webhooksGetAlertmanagersBody() throws { try runScenario("webhook-direct") }
    @Test func bearerTokenAndRetryBackoff() throws { try runScenario("fake-am") }
    @Test func httpsWithCAFileAndBasicAuth() throws { try runScenario("auth-tls") }
    @Test func receiverDownFor30Seconds() throws { try runScenario("outage") }
    @Test func receiverHangingFor30Seconds() throws { try runScenario("outage-freeze") }
    @Test func outboxSurvivesKillDuringOutage() throws { try runScenario("outbox-watch") }
    @Test func outboxAcrossCronScans() throws { try runScenario("outbox-scan") }
}
