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
        message.reserveCapacity(4096)
    }

    deinit {
        marks.deallocate()
        candidates.deallocate()
    }

    public func classify(_ record: Record) -> Classification? {
        if let json = record.json {
            return classifyJSON(record, json)
        }
        if record.lineCount > 1, ExceptionLines.extract(record.text, into: &exceptions) {
            for line in exceptions.reversed() {
                let subject = UnsafeBufferPointer(rebasing: record.text[line])
                if var hit = firstMatch(subject, json: nil, line: record.text, textOnly: true) {
                    hit.decidingLine = line
                    return hit
                }
            }
        }
        return firstMatch(record.text, json: nil, line: record.text, textOnly: false)
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
        let patterns = set.patterns
        if let prefilter = set.prefilter {
            stamp &+= 1
            if stamp == 0 {  // wrapped: old marks could collide
                marks.update(repeating: 0, count: patterns.count)
                stamp = 1
            }
            // The patterns whose literals occur, merged in order with the always-tried ones: a
            // record is offered to a handful of patterns, not all of them.
            var found = 0
            prefilter.matcher.scan(subject, stamp: stamp, into: marks, found: candidates, count: &found)
            if found > 1 { sortSmall(candidates, found) }
            let always = json == nil || textOnly ? prefilter.alwaysTextIndices : prefilter.alwaysIndices
            return always.withUnsafeBufferPointer { always -> Classification? in
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
                    if let hit = tryPattern(index, patterns[index], subject, json, line, textOnly) { return hit }
                }
                return nil
            }
        }
        for index in patterns.indices {
            if let hit = tryPattern(index, patterns[index], subject, json, line, textOnly) { return hit }
        }
        return nil
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
    private func tryPattern(_ index: Int, _ pattern: Pattern, _ subject: UnsafeBufferPointer<UInt8>, _ json: JSONFields?,
                            _ line: UnsafeBufferPointer<UInt8>, _ textOnly: Bool) -> Classification? {
        if !pattern.fieldRegexes.isEmpty {
            if textOnly { return nil }
            guard let json, fieldsMatch(pattern, json, line, index) else { return nil }
        }
        guard let regex = pattern.regex else {
            return Classification(pattern: index, captures: [])
        }
        do {
            if try regex.matches(subject, scratch: scratch) {
                return Classification(pattern: index, captures: captures(pattern, subject))
            }
        } catch {
            matchErrors[index] += 1
        }
        return nil
    }

    private func fieldsMatch(_ pattern: Pattern, _ json: JSONFields, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        for field in pattern.fieldRegexes {
            guard let m = json.member(line, key: field.key) else { return false }
            JSONFields.decode(m, in: line, into: &fieldValue)
            let ok: Bool
            do { ok = try fieldValue.withUnsafeBufferPointer { buf throws(RegexMatchFailure) in try field.regex.matches(buf, scratch: scratch) } } catch {
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
