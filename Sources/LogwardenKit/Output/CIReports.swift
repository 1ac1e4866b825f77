/// What CI systems show: a JUnit XML file (one test case per alert rule, a failure per
/// alert that fired, an error where the rule failed at evaluation) and GitHub Actions
/// annotations at the first evidence record, or at the rule that failed.
public enum CIReports {
    public struct RuleOutcome {
        public var group: String
        public var rule: String
        public var fired: [AlertTransition]
        public var problem: RuleProblem?

        public init(group: String, rule: String, fired: [AlertTransition], problem: RuleProblem? = nil) {
            self.group = group
            self.rule = rule
            self.fired = fired
            self.problem = problem
        }
    }

    /// One outcome per alerting rule of `groups`, with the alerts of it that fired and its
    /// problem at evaluation; a recording rule has one only when it failed.
    public static func junit(groups: [RuleGroupDefinition], fired: [AlertTransition], problems: [RuleProblem] = []) -> String {
        junit(groups.enumerated().flatMap { gi, g in
            g.rules.enumerated().compactMap { ri, r in
                let problem = problems.first { $0.groupIndex == gi && $0.ruleIndex == ri }
                guard r.kind == .alert || problem != nil else { return nil }
                return RuleOutcome(group: g.name, rule: r.name, fired: fired.filter { $0.rule == r.name && $0.group == g.name }, problem: problem)
            }
        })
    }

    public static func junit(_ outcomes: [RuleOutcome], name: String = "logwarden") -> String {
        let failures = outcomes.filter { !$0.fired.isEmpty }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(xml(name))\" tests=\"\(outcomes.count)\" failures=\"\(failures)\"\(errors(outcomes))>\n"
        var byGroup: [String: [RuleOutcome]] = [:]
        var order: [String] = []
        for o in outcomes {
            if byGroup[o.group] == nil { order.append(o.group) }
            byGroup[o.group, default: []].append(o)
        }
        for group in order {
            let items = byGroup[group]!
            out += "  <testsuite name=\"\(xml(group))\" tests=\"\(items.count)\" failures=\"\(items.filter { !$0.fired.isEmpty }.count)\"\(errors(items))>\n"
            for o in items {
                out += "    <testcase classname=\"\(xml(group))\" name=\"\(xml(o.rule))\""
                if o.fired.isEmpty && o.problem == nil { out += "/>\n"; continue }
                out += ">\n"
                if let p = o.problem {
                    out += "      <error type=\"\(p.failed ? "evaluation" : "severity")\" message=\"\(xml(p.message))\">\(xml(p.description))</error>\n"
                }
                for t in o.fired {
                    let labels = t.alert.labels.items.filter { $0.name != "alertname" }.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
                    let summary = t.alert.annotations.first { $0.name == "summary" }?.value ?? t.rule
                    out += "      <failure type=\"\(xml(t.severity ?? "alert"))\" message=\"\(xml(summary))\">"
                    var body = "\(t.rule){\(labels)} fired at \(t.evalTime.rfc3339), value \(JSON.double(t.alert.value).rendered), \(t.evidence.count) records"
                    for s in t.evidence.samples { body += "\n\(s.input):\(s.line): \(s.text)" }
                    out += xml(body) + "</failure>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// ` errors="N"` when some outcome has a problem (absent, JUnit reads 0).
    private static func errors(_ outcomes: [RuleOutcome]) -> String {
        let n = outcomes.filter { $0.problem != nil }.count
        return n == 0 ? "" : " errors=\"\(n)\""
    }

    /// `::error file=F,line=L,title=T::message` (critical and high) or `::warning` lines; an
    /// `::error` at the rule for each problem, first.
    public static func github(_ fired: [AlertTransition], problems: [RuleProblem] = []) -> String {
        var out = ""
        for p in problems {
            let props = ["file=\(escapeProperty(p.location.file))", "line=\(p.location.line)", "col=\(p.location.column)",
                         "title=\(escapeProperty("rule '\(p.rule)' \(p.failed ? "failed at evaluation" : "has an unknown severity")"))"]
            out += "::error \(props.joined(separator: ","))::\(escapeData(p.description))\n"
        }
        for t in fired {
            let level = ["critical", "high"].contains(t.severity ?? "") ? "error" : "warning"
            var props: [String] = []
            if let s = t.evidence.samples.first, s.input != "-" {
                props.append("file=\(escapeProperty(s.input))")
                props.append("line=\(s.line)")
            }
            props.append("title=\(escapeProperty("\(t.rule) (\(t.severity ?? "alert"))"))")
            let summary = t.alert.annotations.first { $0.name == "summary" }?.value ?? t.rule
            let message = "\(summary) — fired at \(t.evalTime.rfc3339), \(t.evidence.count) records"
            out += "::\(level) \(props.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    static func xml(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r": out += " "
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}
