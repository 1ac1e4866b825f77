import Yams

/// One rule as written: an alerting rule (`alert:`) or a recording rule (`record:`).
public struct RuleDefinition: Sendable {
    public enum Kind: Sendable, Equatable { case alert, record }

    public var kind: Kind
    public var name: String
    public var expr: Expr
    public var exprSource: String
    public var forDuration: Int64 = 0
    public var keepFiringFor: Int64 = 0
    /// Label values are templates for alerts, as in Prometheus.
    public var labels: [(name: String, template: Template)] = []
    /// A recording rule's labels: plain values (Prometheus does not expand them).
    public var recordLabels: [(name: String, value: String)] = []
    public var annotations: [(name: String, template: Template)] = []
    public var location: SourceLocation
    /// Where `expr` is in its file: errors found later name the column of their sub-expression.
    public var exprPosition: ScalarPosition? = nil
    /// A stable identity: a rule with another expression, `for` or labels starts over.
    public var fingerprint: String {
        "\(kind)|\(name)|\(exprSource)|\(forDuration)|\(keepFiringFor)|" + labels.map { "\($0.name)=\($0.template.source)" }.joined(separator: ",")
            + recordLabels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    /// "alert 'X'" or "record 'x'", as messages name a rule.
    var what: String { kind == .alert ? "alert '\(name)'" : "record '\(name)'" }

    /// The file position of byte `offset` of the expression (the rule's own without one).
    public func location(ofExpr offset: Int) -> SourceLocation {
        exprPosition?.location(ofOffset: offset) ?? location
    }
}

/// A rule group: rules evaluated in order, every `interval` of event time.
public struct RuleGroupDefinition: Sendable {
    public var name: String
    public var interval: Int64
    public var limit: Int
    public var labels: [(name: String, value: String)]
    public var rules: [RuleDefinition]
    public var file: String
    public var location: SourceLocation
}

/// Parses Prometheus rule files (`groups:`), so rules written for Prometheus drop in.
public enum RuleFile {
    public static let defaultInterval: Int64 = 60_000
    static let groupKeys = ["name", "interval", "limit", "labels", "rules", "query_offset"]
    static let ruleKeys = ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"]

    public static func load(_ files: RuleFiles) -> (groups: [RuleGroupDefinition], diagnostics: [Diagnostic]) {
        var diags: [Diagnostic] = []
        var groups: [RuleGroupDefinition] = []
        for file in files.alertFiles {
            let doc: YAMLDocument
            do { doc = try YAMLDocument(file: file.path, text: file.text) } catch {
                diags.append(error)
                continue
            }
            guard let root = doc.root, let top = YAMLMapping(root, in: doc), let list = top["groups"], case let .sequence(items) = list else {
                diags.append(Diagnostic(doc.location(doc.root), "a rule file needs a top-level 'groups:' list"))
                continue
            }
            diags += top.unknownKeys(["groups"], what: "a rule file")
            var names = Set<String>()
            for item in items {
                guard let m = YAMLMapping(item, in: doc) else {
                    diags.append(Diagnostic(doc.location(item), "each group must be a mapping with name, interval and rules"))
                    continue
                }
                if let g = group(m, doc, &diags) {
                    if !names.insert(g.name).inserted {
                        diags.append(Diagnostic(g.location, "group name '\(g.name)' is repeated in this file; Prometheus requires unique group names per file"))
                    }
                    groups.append(g)
                }
            }
        }
        diags += RuleCheck.run(groups)
        return (groups, Diagnostics.sorted(diags))
    }

    private static func duration(_ m: YAMLMapping, _ key: String, _ doc: YAMLDocument, _ diags: inout [Diagnostic]) -> Int64? {
        guard let text = m.string(key, &diags) else { return nil }
        guard let ms = Duration.parseMillis(text) else {
            diags.append(Diagnostic(doc.location(m[key]), "'\(key)': bad duration '\(text)'; write it as in Prometheus, e.g. 30s, 5m, 1h30m"))
            return nil
        }
        return ms
    }

    private static func group(_ m: YAMLMapping, _ doc: YAMLDocument, _ diags: inout [Diagnostic]) -> RuleGroupDefinition? {
        diags += m.unknownKeys(groupKeys, what: "a rule group")
        let here = doc.location(m.node)
        guard let name = m.string("name", &diags), !name.isEmpty else {
            diags.append(Diagnostic(here, "a rule group needs a 'name'"))
            return nil
        }
        if m["query_offset"] != nil {
            diags.append(Diagnostic(doc.location(m["query_offset"]), "group '\(name)': not supported: query_offset (logwarden evaluates on the logs' own time)"))
        }
        let interval = duration(m, "interval", doc, &diags) ?? defaultInterval
        if interval <= 0 { diags.append(Diagnostic(doc.location(m["interval"]), "group '\(name)': interval must be positive")) }
        let limit = m.int("limit", &diags) ?? 0
        let labelNodes = m.stringMap("labels", &diags)
        // An empty value removes the label, as in Prometheus: no severity, which counts as info.
        for l in labelNodes where l.key == "severity" && !l.value.isEmpty {
            if let problem = Severity.problem(l.value) { diags.append(Diagnostic(doc.location(l.node), "group '\(name)': \(problem)")) }
        }
        let labels = labelNodes.map { ($0.key, $0.value) }
        var rules: [RuleDefinition] = []
        if let list = m["rules"] {
            guard case let .sequence(items) = list else {
                diags.append(Diagnostic(doc.location(list), "group '\(name)': 'rules' must be a list"))
                return nil
            }
            for item in items {
                guard let r = YAMLMapping(item, in: doc) else {
                    diags.append(Diagnostic(doc.location(item), "each rule must be a mapping with alert or record, and expr"))
                    continue
                }
                if let rule = rule(r, doc, groupLabels: labels, &diags) { rules.append(rule) }
            }
        }
        return RuleGroupDefinition(name: name, interval: max(1, interval), limit: limit, labels: labels, rules: rules,
                                   file: doc.file, location: here)
    }

    private static func rule(_ m: YAMLMapping, _ doc: YAMLDocument, groupLabels: [(name: String, value: String)],
                             _ diags: inout [Diagnostic]) -> RuleDefinition? {
        let before = diags.count
        diags += m.unknownKeys(ruleKeys, what: "a rule")
        let here = doc.location(m.node)
        let alert = m.string("alert", &diags)
        let record = m.string("record", &diags)
        guard (alert == nil) != (record == nil) else {
            diags.append(Diagnostic(here, "a rule needs exactly one of 'alert' or 'record'"))
            return nil
        }
        let kind: RuleDefinition.Kind = alert != nil ? .alert : .record
        let name = alert ?? record!
        let what = kind == .alert ? "alert '\(name)'" : "record '\(name)'"
        if kind == .record, !PatternFile.isMetricName(name) {
            diags.append(Diagnostic(doc.location(m["record"]), "\(what): a recording rule's name must be a valid metric name"))
        }
        if kind == .alert, name.isEmpty { diags.append(Diagnostic(here, "an alert needs a non-empty name")) }
        guard let exprNode = m["expr"], let source = m.string("expr", &diags) else {
            diags.append(Diagnostic(here, "\(what) has no 'expr'"))
            return nil
        }
        let position = doc.position(exprNode)
        var expr = Expr.number(0)
        do { expr = try ExprParser.parse(source) } catch {
            diags.append(Diagnostic(position.location(ofOffset: error.offset), "\(what): expr: \(error.message)"))
        }
        var def = RuleDefinition(kind: kind, name: name, expr: expr, exprSource: source, location: here, exprPosition: position)
        if kind == .record {
            for key in ["for", "keep_firing_for", "annotations"] where m[key] != nil {
                diags.append(Diagnostic(doc.location(m[key]), "\(what): '\(key)' only goes with alerting rules"))
            }
        }
        def.forDuration = duration(m, "for", doc, &diags) ?? 0
        def.keepFiringFor = duration(m, "keep_firing_for", doc, &diags) ?? 0
        let ruleLabels = m.stringMap("labels", &diags)
        var merged: [(String, String, Node?)] = groupLabels.filter { g in !ruleLabels.contains { $0.key == g.name } }.map { ($0.name, $0.value, nil) }
        merged += ruleLabels.map { ($0.key, $0.value, $0.node) }
        for (key, value, node) in merged {
            if !PatternFile.isLabelName(key) || key == "alertname" {
                diags.append(Diagnostic(node.map { doc.location($0) } ?? here, "\(what): invalid label name '\(key)'"))
                continue
            }
            // Group labels were checked with their group; one that depends on the alert is
            // checked when it is expanded.
            if key == "severity", let node, let shown = kind == .record ? value : try? Template(value).constantOutput,
               !shown.isEmpty, let problem = Severity.problem(shown) {
                diags.append(Diagnostic(doc.location(node), "\(what): " + (shown == value ? problem : "its template gives \(problem)")))
                continue
            }
            if kind == .record {
                def.recordLabels.append((key, value))
            } else if let t = template(value, node, doc, what, "label '\(key)'", &diags) {
                def.labels.append((key, t))
            }
        }
        for a in m.stringMap("annotations", &diags) {
            if let t = template(a.value, a.node, doc, what, "annotation '\(a.key)'", &diags) { def.annotations.append((a.key, t)) }
        }
        return diags.count == before ? def : nil
    }

    private static func template(_ text: String, _ node: Node?, _ doc: YAMLDocument, _ what: String, _ field: String,
                                 _ diags: inout [Diagnostic]) -> Template? {
        do { return try Template(text) } catch {
            let at = node.map { doc.location($0, valueOffset: error.offset) } ?? SourceLocation(file: doc.file, line: 1, column: 1)
            diags.append(Diagnostic(at, "\(what): \(field): template error: \(error.message)"))
            return nil
        }
    }
}
