/// The pattern a record matched, with the values of its capture labels.
public struct Classification: Sendable, Equatable {
    /// Index into `PatternSet.patterns`.
    public var pattern: Int
    /// Values for `Pattern.captureLabels`, in that order.
    public var captures: [String]
    /// The exception line that decided a multi-line record, as a byte range of its text.
    public var decidingLine: Range<Int>? = nil
}

/// Classifies records with a shared `PatternSet`. Holds per-thread match state, so use one
/// classifier per thread. Allocates only for records that match.
public final class Classifier {
    public let set: PatternSet
    private let scratch: MatchScratch
    private var message: [UInt8] = []
    private var exceptions: [Range<Int>] = []
    private var fieldValue: [UInt8] = []
    /// Per pattern: the stamp of the last subject whose literals included the pattern's.
    private let marks: UnsafeMutablePointer<UInt32>
    private var stamp: UInt32 = 0
    /// The patterns worth trying for the current subject, in priority order.
    private let candidates: UnsafeMutablePointer<Int32>
    /// The JSON keys that `fields:` patterns read, and per pattern its (key, regex) checks:
    /// a record's members are looked up once for all of them.
    private let fieldKeys: JSONFields.KeySet
    private let fieldChecks: [[(key: Int, regex: CompiledRegex)]]
    /// Per field key: its member's position in the current record, valid when `fieldsStamp == stamp`.
    private let fieldPositions: UnsafeMutablePointer<Int32>
    private var fieldsStamp: UInt32 = 0
    private let extraFieldKeys: [[UInt8]]
    /// Per pattern: a bit per field key it needs (of the first 64); and the keys the
    /// current record has. Most `fields:` patterns are turned down on this alone.
    private let fieldMasks: [UInt64]
    private var presentFields: UInt64 = 0
    /// Per pattern, read for every record: its regex (nil: fields only), unretained (the set
    /// holds it), and whether it has `fields:`. Reference counting per try cost more than the
    /// failed match of an anchored pattern.
    private let regexes: UnsafeMutablePointer<Unmanaged<CompiledRegex>?>
    private let hasFields: UnsafeMutablePointer<Bool>
    /// The prefilter's always-tried patterns: for JSON records, and for text (no `fields:`).
    private let alwaysJSON: UnsafeMutableBufferPointer<Int32>
    private let alwaysText: UnsafeMutableBufferPointer<Int32>
    /// Per pattern: the index after the last pattern of its priority (patterns are sorted by
    /// priority, so a tier is a run of indices).
    private let tierEnds: UnsafeMutablePointer<Int32>
    /// For records with exception lines: per subject (exception lines last first, then the
    /// whole record) its candidates (`set.count` slots each) and how far it has been offered.
    private struct Offer {
        var found: Int32
        var next: Int32
        var always: Int32
    }
    private var offers: UnsafeMutablePointer<Offer>
    private var offerCandidates: UnsafeMutablePointer<Int32>
    private var offerCapacity = 4
    /// Always offered to those subjects: the prefilter's text patterns, or every pattern
    /// without a prefilter.
    private let offerAlways: UnsafeMutableBufferPointer<Int32>
    /// Match attempts that hit the PCRE2 limits, per pattern index.
    public private(set) var matchErrors: [Int]

    static let messageKeys: [[UInt8]] = ["MESSAGE", "message", "msg"].map { Array($0.utf8) }

    public init(_ set: PatternSet, matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000) {
        self.set = set
        let maxCaptures = set.patterns.map { $0.regex?.captureCount ?? 0 }.max() ?? 0
        scratch = MatchScratch(maxCaptures: maxCaptures, matchLimit: matchLimit, depthLimit: depthLimit)
        matchErrors = Array(repeating: 0, count: set.count)
        marks = .allocate(capacity: max(1, set.count))
        marks.initialize(repeating: 0, count: max(1, set.count))
        candidates = .allocate(capacity: 2 * max(1, set.count))
        var keys: [[UInt8]] = []
        fieldChecks = set.patterns.map { pattern in
            pattern.fieldRegexes.map { field in
                if let k = keys.firstIndex(of: field.key) { return (k, field.regex) }
                keys.append(field.key)
                return (keys.count - 1, field.regex)
            }
        }
        // Past 64 keys (unheard of), the rest are looked up one by one.
        fieldKeys = JSONFields.KeySet(Array(keys.prefix(64)))
        extraFieldKeys = Array(keys.dropFirst(64))
        fieldMasks = fieldChecks.map { checks in checks.reduce(0) { $0 | ($1.key < 64 ? 1 << UInt64($1.key) : 0) } }
        fieldPositions = .allocate(capacity: max(1, keys.count))
        message.reserveCapacity(4096)
        regexes = .allocate(capacity: max(1, set.count))
        hasFields = .allocate(capacity: max(1, set.count))
        for (i, p) in set.patterns.enumerated() {
            (regexes + i).initialize(to: p.regex.map { Unmanaged.passUnretained($0) })
            (hasFields + i).initialize(to: !p.fieldRegexes.isEmpty)
        }
        func buffer(_ a: [Int32]) -> UnsafeMutableBufferPointer<Int32> {
            let b = UnsafeMutableBufferPointer<Int32>.allocate(capacity: a.count)
            _ = b.initialize(from: a)
            return b
        }
        alwaysJSON = buffer(set.prefilter?.alwaysIndices ?? [])
        alwaysText = buffer(set.prefilter?.alwaysTextIndices ?? [])
        offerAlways = buffer(set.prefilter?.alwaysTextIndices ?? (0..<set.count).map(Int32.init))
        tierEnds = .allocate(capacity: max(1, set.count))
        var end = set.count
        for i in set.patterns.indices.reversed() {
            if i + 1 < set.count, set.patterns[i + 1].definition.priority != set.patterns[i].definition.priority { end = i + 1 }
            (tierEnds + i).initialize(to: Int32(end))
        }
        offers = .allocate(capacity: offerCapacity)
        offerCandidates = .allocate(capacity: offerCapacity * max(1, set.count))
    }

    deinit {
        marks.deallocate()
        candidates.deallocate()
        fieldPositions.deallocate()
        regexes.deallocate()
        hasFields.deallocate()
        alwaysJSON.deallocate()
        alwaysText.deallocate()
        offerAlways.deallocate()
        tierEnds.deallocate()
        offers.deallocate()
        offerCandidates.deallocate()
    }

    private func growOffers(_ subjects: Int) {
        offers.deallocate()
        offerCandidates.deallocate()
        offerCapacity = max(subjects, 2 * offerCapacity)
        offers = .allocate(capacity: offerCapacity)
        offerCandidates = .allocate(capacity: offerCapacity * max(1, set.count))
    }

    public func classify(_ record: Record) -> Classification? {
        if let json = record.json {
            return classifyJSON(record, json)
        }
        if record.lineCount > 1, ExceptionLines.extract(record.text, into: &exceptions) {
            return classifyWithExceptions(record.text)
        }
        return firstMatch(record.text, json: nil, line: record.text, textOnly: false)
    }

    /// Priority decides; within one priority, the exception lines are offered first, last one
    /// first, then the whole record. Each subject's candidates are found once, then walked
    /// one priority tier at a time.
    private func classifyWithExceptions(_ text: UnsafeBufferPointer<UInt8>) -> Classification? {
        let subjects = exceptions.count + 1
        if subjects > offerCapacity { growOffers(subjects) }
        let count = set.count
        for s in 0..<subjects {
            nextStamp()
            let found = set.prefilter.map { findCandidates(subject(s, text), $0.matcher, into: offerCandidates + s * count) } ?? 0
            offers[s] = Offer(found: Int32(found), next: 0, always: 0)
        }
        while true {
            var lowest = Int32.max
            for s in 0..<subjects {
                let i = peek(s)
                if i < lowest { lowest = i }
            }
            if lowest == Int32.max { return nil }
            let end = tierEnds[Int(lowest)]
            for s in 0..<subjects {
                let exception = s < exceptions.count
                while true {
                    let index = peek(s)
                    if index >= end { break }
                    take(s, index)
                    if var hit = tryPattern(Int(index), subject(s, text), nil, text, exception) {
                        if exception { hit.decidingLine = exceptions[exceptions.count - 1 - s] }
                        return hit
                    }
                }
            }
        }
    }

    /// Subject `s` of a record with exception lines: the last exception line first, the
    /// whole record last.
    @inline(__always)
    private func subject(_ s: Int, _ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        s < exceptions.count ? UnsafeBufferPointer(rebasing: text[exceptions[exceptions.count - 1 - s]]) : text
    }

    /// The next pattern index subject `s` is to be offered to (its candidates merged with
    /// the always-tried patterns), or Int32.max when none is left.
    @inline(__always)
    private func peek(_ s: Int) -> Int32 {
        let o = offers[s]
        let c = o.next < o.found ? offerCandidates[s * set.count + Int(o.next)] : Int32.max
        let a = Int(o.always) < offerAlways.count ? offerAlways[Int(o.always)] : Int32.max
        return min(c, a)
    }

    @inline(__always)
    private func take(_ s: Int, _ index: Int32) {
        if offers[s].next < offers[s].found && offerCandidates[s * set.count + Int(offers[s].next)] == index {
            offers[s].next += 1
        } else {
            offers[s].always += 1
        }
    }

    /// The message of a record: a JSON line's message field, else the record's text.
    public func withMessage<R>(_ record: Record, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let json = record.json, let m = json.member(record.text, keys: Self.messageKeys) else { return body(record.text) }
        if m.isString && !m.hasEscapes { return body(UnsafeBufferPointer(rebasing: record.text[m.value])) }
        JSONFields.decode(m, in: record.text, into: &message)
        return message.withUnsafeBufferPointer(body)
    }

    private func classifyJSON(_ record: Record, _ json: JSONFields) -> Classification? {
        withMessage(record) { subject in firstMatch(subject, json: json, line: record.text, textOnly: false) }
    }

    /// The first pattern, in priority order, that matches `subject` (and the JSON fields).
    private func firstMatch(_ subject: UnsafeBufferPointer<UInt8>, json: JSONFields?, line: UnsafeBufferPointer<UInt8>,
                            textOnly: Bool) -> Classification? {
        nextStamp()
        guard let matcher = set.prefilter?.matcher else {
            for index in 0..<set.count {
                if let hit = tryPattern(index, subject, json, line, textOnly) { return hit }
            }
            return nil
        }
        // The patterns whose literals occur, merged in order with the always-tried ones: a
        // record is offered to a handful of patterns, not all of them.
        let found = findCandidates(subject, matcher, into: candidates)
        let always = json == nil || textOnly ? alwaysText : alwaysJSON
        var i = 0, j = 0
        while i < found || j < always.count {
            let index: Int
            if j == always.count || (i < found && candidates[i] < always[j]) {
                index = Int(candidates[i])
                i += 1
            } else {
                index = Int(always[j])
                j += 1
            }
            if let hit = tryPattern(index, subject, json, line, textOnly) { return hit }
        }
        return nil
    }

    /// A new subject: a stamp no mark holds yet.
    @inline(__always)
    private func nextStamp() {
        stamp &+= 1
        if stamp == 0 {  // wrapped: old marks could collide
            marks.update(repeating: 0, count: set.count)
            fieldsStamp = 0
            stamp = 1
        }
    }

    /// The patterns whose literals occur in `subject`, into `list` in priority order; their count.
    @inline(__always)
    private func findCandidates(_ subject: UnsafeBufferPointer<UInt8>, _ matcher: LiteralMatcher,
                                into list: UnsafeMutablePointer<Int32>) -> Int {
        var found = 0
        matcher.scan(subject, stamp: stamp, into: marks, found: list, count: &found)
        if found > 1 { sortSmall(list, found) }
        return found
    }

    /// Insertion sort: a subject holds a few literals' owners at most.
    private func sortSmall(_ a: UnsafeMutablePointer<Int32>, _ n: Int) {
        for i in 1..<n {
            let x = a[i]
            var j = i - 1
            while j >= 0 && a[j] > x {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = x
        }
    }

    @inline(__always)
    private func tryPattern(_ index: Int, _ subject: UnsafeBufferPointer<UInt8>, _ json: JSONFields?,
                            _ line: UnsafeBufferPointer<UInt8>, _ textOnly: Bool) -> Classification? {
        if hasFields[index] {
            if textOnly { return nil }
            guard let json else { return nil }
            if fieldsStamp != stamp {
                presentFields = json.positions(line, of: fieldKeys, into: fieldPositions)
                fieldsStamp = stamp
            }
            guard fieldMasks[index] & ~presentFields == 0, fieldsMatch(json, line, index) else { return nil }
        }
        guard let regex = regexes[index] else {
            return Classification(pattern: index, captures: [])
        }
        do {
            if try regex._withUnsafeGuaranteedRef({ r throws(RegexMatchFailure) in try r.matches(subject, scratch: scratch) }) {
                return Classification(pattern: index, captures: captures(set.patterns[index], subject))
            }
        } catch {
            matchErrors[index] += 1
        }
        return nil
    }

    private func fieldsMatch(_ json: JSONFields, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        for field in fieldChecks[index] {
            let m: JSONFields.Member
            if field.key < 64 {
                let position = Int(fieldPositions[field.key])
                guard position >= 0 else { return false }
                m = json.member(at: position)
            } else {
                guard let found = json.member(line, key: extraFieldKeys[field.key - 64]) else { return false }
                m = found
            }
            let ok: Bool
            do {
                if let raw = JSONFields.rawValue(m, in: line) {
                    ok = try field.regex.matches(raw, scratch: scratch)
                } else {
                    JSONFields.decode(m, in: line, into: &fieldValue)
                    ok = try fieldValue.withUnsafeBufferPointer { buf throws(RegexMatchFailure) in try field.regex.matches(buf, scratch: scratch) }
                }
            } catch {
                matchErrors[index] += 1
                return false
            }
            if !ok { return false }
        }
        return true
    }

    private func captures(_ pattern: Pattern, _ subject: UnsafeBufferPointer<UInt8>) -> [String] {
        pattern.captureLabels.map { group in
            guard let r = scratch.range(ofGroup: group.group) else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: subject[r]), as: UTF8.self)
        }
    }
}
