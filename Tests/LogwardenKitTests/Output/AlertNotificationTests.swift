import Testing
@testable import LogwardenKit

/// Alerts as Alertmanager takes them (API v2) and as it posts them to webhooks.
struct AlertNotificationTests {
    func transition(_ kind: AlertTransition.Kind) -> AlertTransition {
        let labels = Labels([("alertname", "X"), ("severity", "critical")])
        var alert = Alert(labels: labels, elementLabels: Labels(), annotations: [("summary", "s")], state: .firing, value: 1,
                          activeAt: 1_000, firedAt: 61_000, resolvedAt: nil, keepFiringSince: nil)
        if kind == .resolved { alert.resolvedAt = 300_000 }
        return AlertTransition(kind: kind, alert: alert, rule: "X", group: "g", evalTime: kind == .resolved ? 300_000 : 61_000,
                               evidence: .none)
    }

    @Test func fingerprintIsAlertmanagers() {
        // GET /api/v2/alerts of Alertmanager 0.25 gave 55e8170d4620d9f0 for these labels.
        let n = AlertNotification(transition(.firing), externalLabels: [("instance", "h1")], validFor: 240_000)
        #expect(n.fingerprint == "55e8170d4620d9f0")
    }

    @Test func firingStaysOpenUntilTheNextResendAndResolvedEnds() {
        let firing = AlertNotification(transition(.firing), externalLabels: [("instance", "h1"), ("severity", "ignored")], validFor: 240_000)
        #expect(firing.json.rendered == #"{"labels":{"alertname":"X","instance":"h1","severity":"critical"},"annotations":{"summary":"s"},"startsAt":"1970-01-01T00:01:01Z","endsAt":"1970-01-01T00:05:01Z","generatorURL":""}"#)
        let resolved = AlertNotification(transition(.resolved), externalLabels: [], validFor: 240_000)
        #expect(resolved.resolved)
        #expect(resolved.endsAt == 300_000)
    }

    @Test func webhookBodyHasAlertmanagersShape() {
        let a = AlertNotification(transition(.firing), externalLabels: [], validFor: 240_000)
        let body = AlertNotification.webhookBody([a], receiver: "logwarden", externalURL: "http://host:9433")
        #expect(body.contains(#""version":"4""#))
        #expect(body.contains(#""status":"firing""#))
        #expect(body.contains(#""groupKey":"{}:{alertname=\"X\"}""#))
        #expect(body.contains(#""groupLabels":{"alertname":"X"}"#))
        #expect(body.contains(#""commonLabels":{"alertname":"X","severity":"critical"}"#))
        #expect(body.contains(#""endsAt":"0001-01-01T00:00:00Z""#))
        #expect(body.contains(#""fingerprint":"\#(a.fingerprint)""#))
    }
}
