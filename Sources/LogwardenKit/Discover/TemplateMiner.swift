/// A streaming template miner for records that no pattern classified.
///
/// Each message is tokenized and masked (`Tokenizer`, `Masker`); its token sequence is a
/// signature, and a signature seen before goes straight to its template (the hot path: one
/// hash, one lookup). A new signature takes the most specific template of the same length
/// that accepts it, or starts a new one. Templates converge: when `mergeAfter` templates
/// differ only in one word (`Failed password for root|ftp|admin from <*>`), that word is a
/// variable and they become one. Few distinct values stay apart (`startup`/`shutdown`), which
/// is what tells a constant from a variable without per-log settings.
///
/// Memory is bounded: at most `maxClusters` templates, the least recently seen evicted
/// (`evictions` counts them), and the lookup tables are pruned to a multiple of that.
public final class TemplateMiner {
    public struct Options: Sendable {
        public var maxClusters = 10_000
        /// Distinct values in one position before it becomes a variable.
        public var mergeAfter = 3
        /// Constants that must remain around a merged position, as a count and a share of
        /// the words: short messages (`cupsd startup succeeded`) are not merged on one word.
        public var minConstants = 2
        public var minConstantShare = 0.4
        public init(maxClusters: Int = 10_000, mergeAfter: Int = 3) {
            self.maxClusters = maxClusters
            self.mergeAfter = mergeAfter
        }
    }

    static let merged: UInt64 = 2

    struct Cluster {
        var tokens: [UInt64] = []
        var texts: [[UInt8]] = []
        var open = false
        var count = 0
        var first: EpochMillis? = nil
        var last: EpochMillis? = nil
        var examples: [[UInt8]] = []
        var id = TemplateID(value: 0)
        var constants = 0
        var generation: UInt32 = 0
        var alive = false
    }

    public let options: Options
    var slots: [Cluster] = []
    var freeSlots: [Int32] = []
    // Least recently seen order: a doubly linked list over slots, most recent at `head`.
    var prev: [Int32] = []
    var next: [Int32] = []
    var head: Int32 = -1
    var tail: Int32 = -1
    var buckets: [Int: [Int32]] = [:]
    /// Signature -> slot and generation (a stale generation is a miss).
    var cache: [UInt64: UInt64] = [:]
    /// A template with one word blanked -> the templates that share it.
    var siblings: [UInt64: [UInt64]] = [:]
    var tokenizer = Tokenizer()

    public private(set) var evictions = 0
    public private(set) var merges = 0
    public private(set) var liveCount = 0
    public private(set) var records = 0
    /// When not nil, every id that a merge replaced, with its replacement (for `--assignments`).
    public var renamed: [TemplateID: TemplateID]? = nil

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Assigns `message` to a template and returns its id. `record` (the whole record) is
    /// kept as an example while the template has fewer than two.
    @discardableResult
    public func observe(_ message: UnsafeBufferPointer<UInt8>, time: EpochMillis?,
                        record: UnsafeBufferPointer<UInt8>? = nil) -> TemplateID {
        records += 1
        let signature = tokenizer.tokenize(message)
        var slot: Int32 = -1
        if let ref = cache[signature], isLive(ref) { slot = Int32(truncatingIfNeeded: ref >> 32) } else {
            slot = bestTemplate()
            if slot < 0 {
                slot = create(from: message)
                slot = register(slot)
            }
            cache[signature] = reference(slot)
            if cache.count > 8 * options.maxClusters + 4096 { pruneCache() }
        }
        touch(slot, time, record)
        return slots[Int(slot)].id
    }

    /// The live templates, most frequent first (ties by id, so the order is stable).
    public var templates: [LogTemplate] {
        slots.filter { $0.alive && $0.count > 0 }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.id < $1.id }
            .map { LogTemplate(tokens: $0.texts, open: $0.open, count: $0.count, firstSeen: $0.first, lastSeen: $0.last,
                               examples: $0.examples) }
    }

    /// Seeds templates known from an earlier run (a state file): their records get the same
    /// ids again, and they count from `count`.
    public func restore(_ known: [LogTemplate]) {
        for t in known {
            var c = Cluster()
            c.tokens = t.tokens.map(Self.hash(ofShape:))
            c.texts = t.tokens
            c.open = t.open
            c.count = t.count
            c.first = t.firstSeen
            c.last = t.lastSeen
            c.examples = t.examples
            _ = register(insert(c))
        }
    }

    // MARK: - Finding and making templates

    /// The template of the tokenized message's length with the most constants that accepts it.
    private func bestTemplate() -> Int32 {
        guard let bucket = buckets[bucketKey(tokenizer.count, tokenizer.truncated)] else { return -1 }
        var best: Int32 = -1
        var bestConstants = -1
        tokenizer.hashes.withUnsafeBufferPointer { line in
            for s in bucket {
                let c = slots[Int(s)]
                if c.constants > bestConstants, Self.accepts(c.tokens, line) {
                    best = s
                    bestConstants = c.constants
                }
            }
        }
        return best
    }

    @inline(__always) static func accepts(_ template: [UInt64], _ tokens: UnsafeBufferPointer<UInt64>) -> Bool {
        for i in 0..<template.count where template[i] != merged && template[i] != tokens[i] { return false }
        return true
    }

    private func create(from message: UnsafeBufferPointer<UInt8>) -> Int32 {
        var c = Cluster()
        c.tokens = tokenizer.hashes
        c.texts = (0..<tokenizer.count).map { tokenizer.shapeText(message, $0) }
        c.open = tokenizer.truncated
        return insert(c)
    }

    /// Stores a new cluster, evicting the least recently seen one when full.
    private func insert(_ cluster: Cluster) -> Int32 {
        while liveCount >= options.maxClusters, tail >= 0 {
            evictions += 1
            remove(tail)
        }
        var c = cluster
        c.alive = true
        c.constants = c.tokens.reduce(0) { $0 + ($1 == Tokenizer.variable || $1 == Self.merged ? 0 : 1) }
        c.id = TemplateID(text: LogTemplate(tokens: c.texts, open: c.open).text)
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            c.generation = slots[Int(slot)].generation &+ 1
            slots[Int(slot)] = c
        } else {
            slot = Int32(slots.count)
            slots.append(c)
            prev.append(-1)
            next.append(-1)
        }
        liveCount += 1
        buckets[bucketKey(c.tokens.count, c.open), default: []].append(slot)
        linkFront(slot)
        return slot
    }

    private func remove(_ slot: Int32) {
        let c = slots[Int(slot)]
        let key = bucketKey(c.tokens.count, c.open)
        buckets[key]?.removeAll { $0 == slot }
        if buckets[key]?.isEmpty == true { buckets[key] = nil }
        unlink(slot)
        slots[Int(slot)] = Cluster(generation: c.generation)
        freeSlots.append(slot)
        liveCount -= 1
    }

    private func touch(_ slot: Int32, _ time: EpochMillis?, _ record: UnsafeBufferPointer<UInt8>?) {
        let i = Int(slot)
        slots[i].count += 1
        if let time {
            if slots[i].first.map({ time < $0 }) ?? true { slots[i].first = time }
            if slots[i].last.map({ time > $0 }) ?? true { slots[i].last = time }
        }
        if slots[i].examples.count < 2, let record, record.count <= 4096,
           slots[i].examples.first.map({ !$0.elementsEqual(record) }) ?? true {
            slots[i].examples.append(Array(record))
        }
        if head != slot {
            unlink(slot)
            linkFront(slot)
        }
    }

    // MARK: - Converging templates

    /// Files the template under each of its words blanked; when enough templates share one
    /// blanked form, merges them. Returns where `slot`'s records now belong.
    private func register(_ slot: Int32) -> Int32 {
        let c = slots[Int(slot)]
        let n = c.tokens.count
        let rest = c.constants - 1
        guard rest >= options.minConstants, Double(rest) >= options.minConstantShare * Double(n) else { return slot }
        for p in 0..<n where c.tokens[p] != Tokenizer.variable && c.tokens[p] != Self.merged {
            var key = FNV.addWord(FNV.offset, UInt64(n) << 1 | (c.open ? 1 : 0))
            key = FNV.addWord(key, UInt64(p))
            for (q, t) in c.tokens.enumerated() where q != p { key = FNV.addWord(key, t) }
            var refs = siblings[key, default: []]
            refs.removeAll { !isLive($0) }
            refs.append(reference(slot))
            siblings[key] = refs
            if siblings.count > 16 * options.maxClusters + 4096 { pruneSiblings() }
            if refs.count >= options.mergeAfter {
                return merge(refs.map { Int32(truncatingIfNeeded: $0 >> 32) })
            }
        }
        return slot
    }

    /// One template for `group`: equal words stay, the others become variables. Every
    /// template of that length it accepts joins it.
    private func merge(_ group: [Int32]) -> Int32 {
        merges += 1
        let first = slots[Int(group[0])]
        var tokens = first.tokens
        var texts = first.texts
        for s in group.dropFirst() {
            let c = slots[Int(s)]
            for i in tokens.indices where tokens[i] != c.tokens[i] {
                tokens[i] = Self.merged
                texts[i] = Masker.wildcard
            }
        }
        let key = bucketKey(tokens.count, first.open)
        var absorbed = group
        for s in buckets[key] ?? [] where !group.contains(s) {
            let accepted = slots[Int(s)].tokens.withUnsafeBufferPointer { Self.accepts(tokens, $0) }
            if accepted { absorbed.append(s) }
        }
        var c = Cluster()
        c.tokens = tokens
        c.texts = texts
        c.open = first.open
        var oldIDs: [TemplateID] = []
        for s in absorbed.sorted(by: { slots[Int($0)].count > slots[Int($1)].count }) {
            let old = slots[Int(s)]
            oldIDs.append(old.id)
            c.count += old.count
            if let f = old.first, c.first.map({ f < $0 }) ?? true { c.first = f }
            if let l = old.last, c.last.map({ l > $0 }) ?? true { c.last = l }
            for e in old.examples where c.examples.count < 2 && !c.examples.contains(e) { c.examples.append(e) }
            remove(s)
        }
        let slot = insert(c)
        if renamed != nil {
            let id = slots[Int(slot)].id
            for old in oldIDs where old != id { renamed![old] = id }
        }
        return register(slot)
    }

    // MARK: - Bookkeeping

    @inline(__always) private func bucketKey(_ count: Int, _ open: Bool) -> Int { count << 1 | (open ? 1 : 0) }

    @inline(__always) private func reference(_ slot: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: slot)) << 32 | UInt64(slots[Int(slot)].generation)
    }

    @inline(__always) private func isLive(_ ref: UInt64) -> Bool {
        let slot = Int(ref >> 32)
        return slot < slots.count && slots[slot].alive && slots[slot].generation == UInt32(truncatingIfNeeded: ref)
    }

    private func linkFront(_ slot: Int32) {
        prev[Int(slot)] = -1
        next[Int(slot)] = head
        if head >= 0 { prev[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private func unlink(_ slot: Int32) {
        let p = prev[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else if head == slot { head = n }
        if n >= 0 { prev[Int(n)] = p } else if tail == slot { tail = p }
        prev[Int(slot)] = -1
        next[Int(slot)] = -1
    }

    private func pruneCache() {
        cache = cache.filter { isLive($0.value) }
        if cache.count > 4 * options.maxClusters + 4096 { cache.removeAll(keepingCapacity: true) }
    }

    private func pruneSiblings() {
        siblings = siblings.compactMapValues { refs in
            let live = refs.filter(isLive)
            return live.isEmpty ? nil : live
        }
    }

    /// The hash a template token's text stands for (the inverse of `Masker.shape`'s text).
    static func hash(ofShape text: [UInt8]) -> UInt64 {
        if text == Masker.wildcard { return merged }
        var h = FNV.offset
        var i = 0
        while i < text.count {
            if i + 2 < text.count, text[i] == 60, text[i + 1] == 42, text[i + 2] == 62 {
                h = FNV.add(h, UInt8(0))
                i += 3
            } else {
                h = FNV.add(h, text[i])
                i += 1
            }
        }
        return Tokenizer.constantHash(h)
    }
}
