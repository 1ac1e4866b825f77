/// What `discover` does per record: finds the message (a JSON line's message field, else the
/// line after its header), optionally keeps only errors, mines it, and remembers each
/// record's template for `--assignments`.
public final class DiscoverSession {
    public let miner: TemplateMiner
    public let errorsOnly: Bool
    /// Per record, in order: input, first line, and the template (nil: classified by a
    /// pattern, or left out by `errorsOnly`). Kept only when asked for.
    public private(set) var assignments: [(input: Int, line: Int, id: TemplateID?)]? = nil
    public private(set) var inputs: [String] = []
    public private(set) var records = 0
    public private(set) var mined = 0
    private var decoded: [UInt8] = []

    static let messageKeys: [[UInt8]] = ["MESSAGE", "message", "msg"].map { Array($0.utf8) }
    static let levelKeys: [[UInt8]] = ["level", "severity", "lvl", "levelname", "PRIORITY"].map { Array($0.utf8) }

    /// Whether the last mined record was at error level or carried an exception (computed
    /// when `errorsOnly` or `tracksErrors`).
    public private(set) var lastWasError = false
    public let tracksErrors: Bool

    public init(miner: TemplateMiner, errorsOnly: Bool = false, keepAssignments: Bool = false, tracksErrors: Bool = false) {
        self.miner = miner
        self.errorsOnly = errorsOnly
        self.tracksErrors = tracksErrors
        if keepAssignments {
            assignments = []
            miner.renamed = [:]
        }
    }

    /// Takes one record of `input`; `classified` says whether a pattern matched it. Returns
    /// the template it was mined into, if it was.
    @discardableResult
    public func take(_ record: Record, classified: Bool, input: String) -> TemplateID? {
        records += 1
        let id: TemplateID? = classified ? nil : mine(record)
        if assignments != nil {
            if inputs.last != input { inputs.append(input) }
            assignments!.append((inputs.count - 1, record.firstLine, id))
        }
        return id
    }

    private func mine(_ record: Record) -> TemplateID? {
        let text = record.text
        let judge = errorsOnly || tracksErrors
        if let json = record.json {
            lastWasError = judge && jsonIsError(json, text)
            if errorsOnly, !lastWasError { return nil }
            mined += 1
            guard let m = json.member(text, keys: Self.messageKeys) else { return miner.observe(text, time: record.time, record: text) }
            JSONFields.decode(m, in: text, into: &decoded)
            return decoded.withUnsafeBufferPointer { miner.observe($0, time: record.time, record: text) }
        }
        let header = MessageExtractor.header(text)
        lastWasError = judge && ErrorFilter.keeps(record, header)
        if errorsOnly, !lastWasError { return nil }
        mined += 1
        return miner.observe(UnsafeBufferPointer(rebasing: text[header.messageStart...]), time: record.time, record: text)
    }

    private func jsonIsError(_ json: JSONFields, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let m = json.member(text, keys: Self.levelKeys) else { return false }
        JSONFields.decode(m, in: text, into: &decoded)
        return decoded.withUnsafeBufferPointer { ErrorFilter.isErrorLevelValue($0) }
    }

    /// The final id of a template id handed out earlier (merges replace ids).
    public func resolve(_ id: TemplateID) -> TemplateID {
        var id = id
        var hops = 0
        while let next = miner.renamed?[id], hops < 1000 {
            id = next
            hops += 1
        }
        return id
    }
}
