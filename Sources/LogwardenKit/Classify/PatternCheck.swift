/// Runs each pattern's `examples` and `counterexamples` through the real framing and the
/// whole pattern set: an example must classify as its own pattern (not be taken by a
/// higher-priority one), a counterexample must not.
public enum PatternCheck {
    public static func run(_ set: PatternSet, framing: FramingOptions = FramingOptions()) -> [Diagnostic] {
        let classifier = Classifier(set)
        var diags: [Diagnostic] = []
        for (index, pattern) in set.patterns.enumerated() {
            let def = pattern.definition
            for example in def.examples {
                let got = classifyFirstRecord(example.text, classifier, framing)
                if got.records != 1 {
                    diags.append(Diagnostic(example.location, "pattern '\(def.name)': example frames as \(got.records) records; an example must be exactly one record"))
                } else if let other = got.match, other.pattern != index {
                    let winner = set.patterns[other.pattern]
                    diags.append(Diagnostic(example.location, "pattern '\(def.name)': example is classified by pattern '\(winner.name)' (priority \(winner.definition.priority)), not by this pattern; raise this pattern's priority or narrow the other"))
                } else if got.match == nil {
                    diags.append(Diagnostic(example.location, "pattern '\(def.name)': example does not match; fix the regex or the example"))
                }
            }
            for counter in def.counterexamples {
                let got = classifyFirstRecord(counter.text, classifier, framing)
                if got.match?.pattern == index {
                    diags.append(Diagnostic(counter.location, "pattern '\(def.name)': counterexample matches this pattern"))
                }
            }
        }
        return diags
    }

    /// Frames `text` (a day's worth of reference time makes syslog dates stable) and
    /// classifies its first record.
    public static func classifyFirstRecord(_ text: String, _ classifier: Classifier,
                                           _ framing: FramingOptions) -> (match: Classification?, records: Int) {
        var source = MemorySource(text)
        var first: Classification? = nil
        var records = 0
        let parser = TimestampParser(referenceTime: 4_000_000_000_000)
        _ = try? RecordReader.read(&source, framing: framing, timestamps: parser) { record in
            if records == 0 { first = classifier.classify(record) }
            records += 1
        }
        return (first, records)
    }
}
