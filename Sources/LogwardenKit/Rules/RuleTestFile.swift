import Yams

/// Rule unit tests, modelled on `promtool test rules` but written against raw log lines
/// (DESIGN.md, "Unit tests of rules").
public struct RuleTestFile {
    public struct ExpectedClass {
        var line: Int
        var pattern: String?
        var labels: [(String, String)]
        var location: SourceLocation
    }

    public struct ExpectedAlert {
        var labels: [(String, String)]
        var annotations: [(String, String)]
    }

    public struct AlertCheck {
        enum When { case offset(Int64), instant(EpochMillis) }
        var when: When
        var whenText: String
        var alertname: String
        var expected: [ExpectedAlert]
        var location: SourceLocation
    }

    public struct Case {
        public var name: String
        var input: InputSpec?
        var classes: [ExpectedClass]
        var alerts: [AlertCheck]
        var metrics: [String]
        var location: SourceLocation
    }

    public var path: String
    public var rulePaths: [String]
    public var cases: [Case]

    public static func parse(path: String, text: String) throws(Diagnostics) -> RuleTestFile {
        var diags: [Diagnostic] = []
        let doc: YAMLDocument
        do { doc = try YAMLDocument(file: path, text: text) } catch { throw Diagnostics([error]) }
        guard let root = doc.root, let top = YAMLMapping(root, in: doc) else {
            throw Diagnostics([Diagnostic(doc.location(doc.root), "a rule test file is a mapping with 'rules' and 'tests'")])
        }
        diags += top.unknownKeys(["rules", "tests", "evaluation_interval"], what: "a rule test file")
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : dir + "/" + p }
        let rulePaths = top.stringList("rules", &diags).map { resolve($0.0) }
        if rulePaths.isEmpty { diags.append(Diagnostic(doc.location(root), "'rules' must list the pattern and alert rule files or folders to load")) }
        var cases: [Case] = []
        if let list = top["tests"], case let .sequence(items) = list {
            for item in items {
                guard let m = YAMLMapping(item, in: doc) else { continue }
                diags += m.unknownKeys(["name", "input", "input_file", "exp_classes", "alert_rule_test", "exp_metrics"], what: "a test")
                let name = m.string("name", &diags) ?? "test at line \(doc.location(item).line)"
                var input: InputSpec? = nil
                if let text = m.string("input", &diags) { input = .text(name: "input", text) }
                if let file = m.string("input_file", &diags) { input = .file(resolve(file)) }
                var classes: [ExpectedClass] = []
                if let list = m["exp_classes"], case let .sequence(rows) = list {
                    for row in rows {
                        guard let r = YAMLMapping(row, in: doc) else { continue }
                        guard let line = r.int("line", &diags) else {
                            diags.append(Diagnostic(doc.location(row), "each exp_classes entry needs a 'line'"))
                            continue
                        }
                        let pattern = r["pattern"].flatMap { node -> String? in
                            if case let .scalar(s) = node, s.string != "null", s.string != "~", !s.string.isEmpty { return s.string }
                            return nil
                        }
                        classes.append(ExpectedClass(line: line, pattern: pattern, labels: r.stringMap("labels", &diags).map { ($0.key, $0.value) },
                                                     location: doc.location(row)))
                    }
                }
                var checks: [AlertCheck] = []
                if let list = m["alert_rule_test"], case let .sequence(rows) = list {
                    for row in rows {
                        guard let r = YAMLMapping(row, in: doc), let whenText = r.string("eval_time", &diags),
                              let alertname = r.string("alertname", &diags) else {
                            diags.append(Diagnostic(doc.location(row), "each alert_rule_test entry needs eval_time and alertname"))
                            continue
                        }
                        let when: AlertCheck.When
                        if let ms = Duration.parseMillis(whenText) { when = .offset(ms) } else {
                            var parser = TimestampParser(referenceTime: 0)
                            var bytes = Array(whenText.utf8)
                            guard let t = bytes.withUnsafeMutableBufferPointer({ parser.parseValue(UnsafeBufferPointer($0)) }) else {
                                diags.append(Diagnostic(doc.location(r["eval_time"]), "eval_time '\(whenText)' is neither a duration (offset from the first record) nor an RFC 3339 time"))
                                continue
                            }
                            when = .instant(t)
                        }
                        var expected: [ExpectedAlert] = []
                        if let exp = r["exp_alerts"], case let .sequence(alerts) = exp {
                            for a in alerts {
                                guard let am = YAMLMapping(a, in: doc) else { continue }
                                expected.append(ExpectedAlert(labels: am.stringMap("exp_labels", &diags).map { ($0.key, $0.value) },
                                                              annotations: am.stringMap("exp_annotations", &diags).map { ($0.key, $0.value) }))
                            }
                        }
                        checks.append(AlertCheck(when: when, whenText: whenText, alertname: alertname, expected: expected, location: doc.location(row)))
                    }
                }
                let metrics = (m.string("exp_metrics", &diags) ?? "").split(separator: "\n").map { $0.trimmingSpaces }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
                if input == nil { diags.append(Diagnostic(doc.location(item), "test '\(name)' needs 'input' or 'input_file'")) }
                cases.append(Case(name: name, input: input, classes: classes, alerts: checks, metrics: metrics, location: doc.location(item)))
            }
        } else {
            diags.append(Diagnostic(doc.location(root), "a rule test file needs a 'tests' list"))
        }
        if !diags.isEmpty { throw Diagnostics(diags) }
        return RuleTestFile(path: path, rulePaths: rulePaths, cases: cases)
    }
}
