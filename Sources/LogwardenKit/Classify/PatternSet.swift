/// Every pattern compiled, in the order they are tried: higher `priority` first, ties in
/// file order. Shared read-only by all workers.
public final class PatternSet: Sendable {
    public let patterns: [Pattern]
    public let classes: [String]
    /// Skips records that no pattern can match; nil disables it (results are identical).
    public let prefilter: Prefilter?
    /// The `timestamps:` of the pattern files, in file order.
    public let timestamps: TimestampSettings

    public init(patterns: [Pattern], classes: [String], prefilter: Bool = true, timestamps: TimestampSettings = TimestampSettings()) {
        self.patterns = patterns
        self.classes = classes
        self.prefilter = prefilter ? Prefilter.build(patterns) : nil
        self.timestamps = timestamps
    }

    /// The same patterns without the prefilter, to check that it changes nothing.
    public func withoutPrefilter() -> PatternSet { PatternSet(patterns: patterns, classes: classes, prefilter: false, timestamps: timestamps) }

    public var count: Int { patterns.count }

    /// Parses and compiles the pattern files; all problems are reported together.
    public static func load(_ files: RuleFiles) throws(Diagnostics) -> PatternSet {
        let (set, diags) = loadReporting(files)
        if !diags.isEmpty { throw Diagnostics(diags) }
        return set
    }

    /// The patterns that are valid, and the problems of the others, sorted by position:
    /// `check` still tests the examples of every pattern that compiled.
    public static func loadReporting(_ files: RuleFiles) -> (PatternSet, [Diagnostic]) {
        var diags: [Diagnostic] = []
        var definitions: [PatternDefinition] = []
        var classes = ErrorClassVocabulary.standard
        var timestamps = TimestampSettings()
        for file in files.patternFiles {
            let document: YAMLDocument
            do { document = try YAMLDocument(file: file.path, text: file.text) } catch {
                diags.append(error)
                continue
            }
            guard let root = document.root, let mapping = YAMLMapping(root, in: document) else {
                diags.append(Diagnostic(document.location(document.root), "a pattern file must be a mapping with a 'patterns:' list"))
                continue
            }
            let parsed = PatternFile.parse(document, root: mapping, diags: &diags)
            definitions += parsed.patterns
            classes += parsed.classes.filter { !classes.contains($0) }
            timestamps = timestamps.then(parsed.timestamps)
        }
        let set = compile(definitions, classes: classes, timestamps: timestamps, diags: &diags)
        return (set, Diagnostics.sorted(diags))
    }

    static func compile(_ definitions: [PatternDefinition], classes: [String], timestamps: TimestampSettings = TimestampSettings(),
                        diags: inout [Diagnostic]) -> PatternSet {
        var seen: [String: SourceLocation] = [:]
        var compiled: [Pattern] = []
        for def in definitions {
            if let first = seen[def.name] {
                diags.append(Diagnostic(def.location, "duplicate pattern name '\(def.name)' (first defined at \(first)); names must be unique"))
                continue
            }
            seen[def.name] = def.location
            if !classes.contains(def.errorClass) {
                diags.append(Diagnostic(def.location, "pattern '\(def.name)': unknown class '\(def.errorClass)'; use one of \(classes.joined(separator: ", ")), or declare it under a top-level 'classes:' list"))
                continue
            }
            if let p = compileOne(def, &diags) { compiled.append(p) }
        }
        let ordered = compiled.enumerated().sorted {
            $0.element.definition.priority != $1.element.definition.priority
                ? $0.element.definition.priority > $1.element.definition.priority
                : $0.offset < $1.offset
        }.map(\.element)
        return PatternSet(patterns: ordered, classes: classes, timestamps: timestamps)
    }

    private static func compileOne(_ def: PatternDefinition, _ diags: inout [Diagnostic]) -> Pattern? {
        var regex: CompiledRegex? = nil
        if let source = def.match {
            do { regex = try CompiledRegex(source) } catch {
                let start = def.matchLocation ?? def.location
                let at = source.contains("\n") ? start
                    : PatternFile.column(ofOffset: error.offset, in: source, start: start, quoted: def.matchQuote)
                diags.append(Diagnostic(at, "pattern '\(def.name)': invalid PCRE2 regex at offset \(error.offset): \(error.message)"))
                return nil
            }
        }
        var fieldRegexes: [(key: [UInt8], regex: CompiledRegex)] = []
        for field in def.fields {
            do { fieldRegexes.append((Array(field.name.utf8), try CompiledRegex(field.regex))) } catch {
                diags.append(Diagnostic(def.location, "pattern '\(def.name)': field '\(field.name)': invalid PCRE2 regex at offset \(error.offset): \(error.message)"))
                return nil
            }
        }
        var captures: [(group: Int, name: String)] = []
        let staticNames = Set(def.labels.map(\.name))
        if fieldRegexes.contains(where: { !$0.regex.namedGroups.isEmpty }) {
            diags.append(Diagnostic(def.location, "pattern '\(def.name)': named captures are only supported in 'match', not in 'fields'"))
            return nil
        }
        for group in regex?.namedGroups ?? [] {
            if !PatternFile.isLabelName(group.name) || PatternFile.reservedLabels.contains(group.name) || staticNames.contains(group.name) {
                diags.append(Diagnostic(def.matchLocation ?? def.location, "pattern '\(def.name)': capture '\(group.name)' cannot be a label: it is reserved, invalid, or also a static label; rename it"))
                return nil
            }
            captures.append((group.number, group.name))
        }
        return Pattern(definition: def, regex: regex, fieldRegexes: fieldRegexes, captureLabels: captures)
    }
}
