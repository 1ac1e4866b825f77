/// The bodies of Prometheus's `/api/v1/alerts` and `/api/v1/rules`, so dashboards and
/// scripts written for Prometheus read logwarden's alerts unchanged.
public enum StatusAPI {
    public static func alerts(_ engine: RuleEngine?) -> String {
        let alerts = (engine?.groups ?? []).flatMap { group in
            group.alerts.compactMap { $0 }.flatMap { rule in rule.activeAlerts.map { alertJSON($0, rule) } }
        }
        return JSON.object([("status", .string("success")), ("data", .object([("alerts", .array(alerts))]))]).rendered
    }

    public static func rules(_ engine: RuleEngine?) -> String {
        let groups: [JSON] = (engine?.groups ?? []).map { group in
            let d = group.definition
            let rules: [JSON] = d.rules.indices.map { i in
                let rule = d.rules[i]
                let error = group.lastErrors[i]
                var members: [(String, JSON)] = [("name", .string(rule.name)), ("query", .string(rule.exprSource))]
                if let alerting = group.alerts[i] {
                    let active = alerting.activeAlerts
                    let state = active.map(\.state).max() ?? .inactive
                    members = [("state", .string(state.rawValue))] + members + [
                        ("duration", .double(Double(rule.forDuration) / 1000)),
                        ("keepFiringFor", .double(Double(rule.keepFiringFor) / 1000)),
                        ("labels", .object(rule.labels.map { ($0.name, .string($0.template.source)) })),
                        ("annotations", .object(rule.annotations.map { ($0.name, .string($0.template.source)) })),
                        ("alerts", .array(active.map { alertJSON($0, alerting) })),
                    ]
                } else {
                    members.append(("labels", .object(rule.recordLabels.map { ($0.name, .string($0.value)) })))
                }
                members += [
                    ("health", .string(group.lastEvaluation == nil ? "unknown" : error == nil ? "ok" : "err")),
                    ("lastError", .string(error ?? "")),
                    ("lastEvaluation", .time(group.lastEvaluation)),
                    ("type", .string(rule.kind == .alert ? "alerting" : "recording")),
                ]
                return .object(members)
            }
            return .object([
                ("name", .string(d.name)), ("file", .string(d.file)), ("interval", .double(Double(d.interval) / 1000)),
                ("limit", .int(d.limit)), ("rules", .array(rules)),
                ("evaluationTime", .double(group.lastDuration)), ("lastEvaluation", .time(group.lastEvaluation)),
            ])
        }
        return JSON.object([("status", .string("success")), ("data", .object([("groups", .array(groups))]))]).rendered
    }

    static func alertJSON(_ a: Alert, _ rule: AlertRule) -> JSON {
        .object([
            ("labels", .labels(a.labels.pairs)),
            ("annotations", .object(rule.annotations(for: a).map { ($0.name, .string($0.value)) })),
            ("state", .string(a.state.rawValue)),
            ("activeAt", .time(a.activeAt)),
            // Prometheus gives the value as a string, in Go's %e form.
            ("value", .string(goExponent(a.value))),
        ])
    }

    /// Go's strconv.FormatFloat(v, 'e', -1, 64): 1e+00, 2.5e+01, 1.234e-03.
    static func goExponent(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "+Inf" : "-Inf" }
        if v == 0 { return "0e+00" }
        var exponent = Int((abs(v)).log10Floor)
        var mantissa = v / pow10(exponent)
        if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
        if abs(mantissa) < 1 { mantissa *= 10; exponent -= 1 }
        var m = "\(mantissa)"
        if m.hasSuffix(".0") { m.removeLast(2) }
        let sign = exponent < 0 ? "-" : "+"
        let digits = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
        return "\(m)e\(sign)\(digits)"
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }

    /// Routes a request to the loop's latest snapshot.
    public static func respond(_ request: HTTPServer.Request, _ control: LiveControl) -> HTTPServer.Response {
        let snapshot = control.snapshot
        switch (request.method, request.path) {
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            return .init(contentType: "text/plain; version=0.0.4; charset=utf-8", body: snapshot.metrics)
        case ("GET", "/-/healthy"):
            return .init(body: "logwarden is Healthy.\n")
        case ("GET", "/-/ready"):
            return snapshot.ready ? .init(body: "logwarden is Ready.\n") : .init(status: 503, body: "logwarden is not ready.\n")
        case ("GET", "/api/v1/alerts"):
            return .init(contentType: "application/json", body: snapshot.alerts)
        case ("GET", "/api/v1/rules"):
            return .init(contentType: "application/json", body: snapshot.rules)
        case ("POST", "/-/reload"), ("PUT", "/-/reload"):
            guard let result = control.reload() else { return .init(status: 503, body: "reload did not finish in time\n") }
            return result.ok ? .init(body: "configuration reloaded\n") : .init(status: 500, body: "failed to reload config: \(result.message)\n")
        case (_, "/metrics"), (_, "/-/healthy"), (_, "/-/ready"), (_, "/api/v1/alerts"), (_, "/api/v1/rules"), (_, "/-/reload"):
            return .init(status: 405, body: "method not allowed\n")
        default:
            return .init(status: 404, body: "not found; try /metrics, /-/healthy, /-/ready, /api/v1/alerts, /api/v1/rules\n")
        }
    }
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0
        var x = self
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}
