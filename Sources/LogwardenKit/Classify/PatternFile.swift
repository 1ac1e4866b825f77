import Yams

/// Parses pattern files (`patterns:` and optional `classes:`) into definitions, with every
/// problem located at `FILE:LINE:COL`.
public enum PatternFile {
    static let patternKeys = ["name", "class", "match", "fields", "severity", "priority", "labels", "metric",
                              "max_series", "examples", "counterexamples", "description"]
    public static let reservedLabels: Set<String> = ["pattern", "class", "severity", "input", "alertname", "alertstate"]

    /// Definitions, declared extra classes and forced timestamps of one parsed document;
    /// problems go to `diags`.
    public static func parse(_ document: YAMLDocument, root: YAMLMapping,
                             diags: inout [Diagnostic]) -> (patterns: [PatternDefinition], classes: [String], timestamps: TimestampSettings) {
        diags += root.unknownKeys(["patterns", "classes", "timestamps"], what: "a pattern file")
        let classes = root.stringList("classes", &diags).map(\.0)
        let timestamps = root["timestamps"].map { timestampSettings($0, document, &diags) } ?? TimestampSettings()
        guard let list = root["patterns"] else {
            // A file may carry only the timestamps of the logs the other files classify.
            if root["timestamps"] != nil { return ([], classes, timestamps) }
            diags.append(Diagnostic(document.location(root.node), "a pattern file needs a top-level 'patterns:' list"))
            return ([], classes, timestamps)
        }
        guard case let .sequence(items) = list else {
            diags.append(Diagnostic(document.location(list), "'patterns' must be a list of pattern mappings"))
            return ([], classes, timestamps)
        }
        var out: [PatternDefinition] = []
        for item in items {
            guard let m = YAMLMapping(item, in: document) else {
                diags.append(Diagnostic(document.location(item), "each pattern must be a mapping with name, class, match, severity"))
                continue
            }
            if let def = definition(m, document, &diags) { out.append(def) }
        }
        return (out, classes, timestamps)
    }

    /// `timestamps: {formats: ['%m/%d/%Y, %I:%M:%S %p'], fields: [asctime]}`: strftime formats
    /// tried before detection, and JSON fields read before the usual ones. A bad format is
    /// reported at the `%` that is wrong.
    static func timestampSettings(_ node: Node, _ doc: YAMLDocument, _ diags: inout [Diagnostic]) -> TimestampSettings {
        guard let m = YAMLMapping(node, in: doc) else {
            diags.append(Diagnostic(doc.location(node), "'timestamps' must be a mapping with 'formats' (strftime formats) and/or 'fields' (JSON keys)"))
            return TimestampSettings()
        }
        diags += m.unknownKeys(["formats", "fields"], what: "'timestamps'")
        var formats: [TimestampFormat] = []
        for (text, item) in m.stringList("formats", &diags) {
            do { formats.append(try TimestampFormat(text)) } catch {
                diags.append(Diagnostic(doc.location(item, valueOffset: error.offset), "timestamp format '\(text)': \(error.message)"))
            }
        }
        var fields: [String] = []
        for (name, item) in m.stringList("fields", &diags) {
            if name.isEmpty { diags.append(Diagnostic(doc.location(item), "a timestamp field must name a JSON key, e.g. asctime")) } else { fields.append(name) }
        }
        return TimestampSettings(formats: formats, fields: fields)
    }

    private static func definition(_ m: YAMLMapping, _ doc: YAMLDocument, _ diags: inout [Diagnostic]) -> PatternDefinition? {
        let before = diags.count
        diags += m.unknownKeys(patternKeys, what: "a pattern")
        let here = doc.location(m.node)
        let name = m.string("name", &diags) ?? ""
        if m["name"] == nil {
            diags.append(Diagnostic(here, "pattern has no 'name'; add one matching [a-z_][a-z0-9_]*"))
        } else if !isPatternName(name) {
            diags.append(Diagnostic(doc.location(m["name"]), "pattern name '\(name)' is invalid; use [a-z_][a-z0-9_]*"))
        }
        let what = name.isEmpty ? "pattern" : "pattern '\(name)'"
        let errorClass = m.string("class", &diags) ?? ""
        if m["class"] == nil { diags.append(Diagnostic(here, "\(what) has no 'class'")) }
        let match = m.string("match", &diags)
        let fields = m.stringMap("fields", &diags)
        if match == nil && fields.isEmpty {
            diags.append(Diagnostic(here, "\(what) needs a 'match' regex or 'fields'"))
        }
        var severity = Severity.warning
        if let s = m.string("severity", &diags) {
            if let v = Severity(rawValue: s) { severity = v } else if let problem = Severity.problem(s) {
                diags.append(Diagnostic(doc.location(m["severity"]), "\(what): \(problem)"))
            }
        } else if m["severity"] == nil {
            diags.append(Diagnostic(here, "\(what) has no 'severity'; use one of \(Severity.names)"))
        }
        let labels = m.stringMap("labels", &diags)
        for label in labels where !isLabelName(label.key) || reservedLabels.contains(label.key) {
            diags.append(Diagnostic(doc.location(label.node), "\(what): label name '\(label.key)' is invalid or reserved; use [a-zA-Z_][a-zA-Z0-9_]* other than \(reservedLabels.sorted().joined(separator: ", "))"))
        }
        let metric = m.string("metric", &diags)
        if let metric, !isMetricName(metric) || !metric.hasSuffix("_total") {
            diags.append(Diagnostic(doc.location(m["metric"]), "\(what): metric '\(metric)' must be a Prometheus counter name ending in _total"))
        }
        let maxSeries = m.int("max_series", &diags) ?? PatternDefinition.defaultMaxSeries
        if maxSeries < 1 { diags.append(Diagnostic(doc.location(m["max_series"]), "\(what): max_series must be at least 1")) }
        let examples = m.stringList("examples", &diags).map { ($0.0, doc.location($0.1)) }
        let counter = m.stringList("counterexamples", &diags).map { ($0.0, doc.location($0.1)) }
        guard diags.count == before else { return nil }
        return PatternDefinition(
            name: name, errorClass: errorClass, match: match,
            fields: fields.map { ($0.key, $0.value) }, severity: severity,
            priority: m.int("priority", &diags) ?? 0,
            labels: labels.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 },
            metric: metric, maxSeries: maxSeries, examples: examples, counterexamples: counter,
            location: here, matchLocation: m["match"].map { regexStart($0, doc) }, matchQuote: m["match"].flatMap(quote))
    }

    private static func quote(_ node: Node) -> Character? {
        guard case let .scalar(s) = node else { return nil }
        return s.style == .singleQuoted ? "'" : s.style == .doubleQuoted ? "\"" : nil
    }

    /// Where the regex text itself starts: after the opening quote of a quoted scalar.
    private static func regexStart(_ node: Node, _ doc: YAMLDocument) -> SourceLocation {
        var loc = doc.location(node)
        if case let .scalar(s) = node, s.style == .singleQuoted || s.style == .doubleQuoted { loc.column += 1 }
        return loc
    }

    /// The column of byte `offset` of a one-line regex written at `start` in YAML.
    public static func column(ofOffset offset: Int, in regex: String, start: SourceLocation, quoted: Character?) -> SourceLocation {
        var loc = start
        var extra = 0
        for (i, ch) in regex.utf8.enumerated() where i < offset {
            if quoted == "'" && ch == UInt8(ascii: "'") { extra += 1 }
            if quoted == "\"" && ch == UInt8(ascii: "\\") { extra += 1 }
        }
        let prefix = String(decoding: regex.utf8.prefix(offset), as: UTF8.self)
        loc.column += prefix.count + extra
        return loc
    }

    public static func isPatternName(_ s: String) -> Bool {
        guard let first = s.utf8.first, first == UInt8(ascii: "_") || (first >= 97 && first <= 122) else { return false }
        return s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    public static func isLabelName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(first >= 48 && first <= 57), !s.hasPrefix("__") else { return false }
        return s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    public static func isMetricName(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return s.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || ($0 >= 48 && $0 <= 57)
        }
    }
}
