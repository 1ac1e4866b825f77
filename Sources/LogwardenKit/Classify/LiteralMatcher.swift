/// Aho–Corasick over ASCII-case-folded bytes: one pass over a record tells which literals
/// occur, and so which patterns are worth running. The automaton is a dense table over byte
/// classes (bytes that appear in no literal share one class), so a step is one load. Table
/// entries hold the next state's row offset, with the low bit set when literals end there:
/// the common step needs no multiply and no look at the owner lists.
///
/// A step waits for the load of the step before, so one walk runs at the latency of the
/// cache, not the speed of the core. A long text is walked as four overlapping stretches at
/// once, which the core runs side by side; literals are cut to `maxLiteralLength` (a prefix
/// of a required literal is required too) so the stretches overlap by little.
public struct LiteralMatcher: Sendable {
    /// Longer literals are cut to this many bytes: still selective, and a short overlap.
    public static let maxLiteralLength = 12
    /// The longest literal kept, so stretches overlap by `longest - 1` bytes.
    private let longest: Int
    /// Byte (case-folded) to class.
    private let classOf: [UInt8]
    private let classCount: Int
    /// For (state row, class): the next state's row offset (state × classes) × 2, plus 1 when
    /// literals end in it.
    private let next: [Int32]
    /// For each state, the owners (pattern indices) of the literals that end here:
    /// `owners[ownerStart[s] ..< ownerStart[s + 1]]`, flat so a step touches no nested array.
    private let owners: [Int32]
    private let ownerStart: [Int32]

    /// `literals`: each with the index of the pattern that requires it.
    public init(_ literals: [(bytes: [UInt8], owner: Int)]) {
        let literals = literals.map { ($0.bytes.prefix(Self.maxLiteralLength).map(RequiredLiterals.fold), $0.owner) }
        longest = max(1, literals.map(\.0.count).max() ?? 1)
        var classes = [UInt8](repeating: 0, count: 256)
        var count = 1
        for (bytes, _) in literals {
            for b in bytes where classes[Int(b)] == 0 {
                classes[Int(b)] = UInt8(count)
                count += 1
            }
        }
        for c in 65...90 { classes[c] = classes[c + 32] }  // A-Z read as a-z
        // Trie
        var children: [[Int: Int]] = [[:]]
        var out: [[Int32]] = [[]]
        for (bytes, owner) in literals {
            var s = 0
            for b in bytes {
                let cls = Int(classes[Int(b)])
                if let t = children[s][cls] { s = t } else {
                    children.append([:])
                    out.append([])
                    children[s][cls] = children.count - 1
                    s = children.count - 1
                }
            }
            if !out[s].contains(Int32(owner)) { out[s].append(Int32(owner)) }
        }
        // Breadth-first failure links, folded into a dense table.
        let states = children.count
        var table = [Int32](repeating: 0, count: states * count)
        var fail = [Int](repeating: 0, count: states)
        var queue: [Int] = []
        for cls in 0..<count {
            if let t = children[0][cls] {
                table[cls] = Int32(t)
                queue.append(t)
            }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            out[s] += out[fail[s]].filter { !out[s].contains($0) }
            for cls in 0..<count {
                if let t = children[s][cls] {
                    fail[t] = Int(table[fail[s] * count + cls])
                    table[s * count + cls] = Int32(t)
                    queue.append(t)
                } else {
                    table[s * count + cls] = table[fail[s] * count + cls]
                }
            }
        }
        classOf = classes
        classCount = count
        next = table.map { t in Int32(Int(t) * count * 2 + (out[Int(t)].isEmpty ? 0 : 1)) }
        var flat: [Int32] = []
        var starts: [Int32] = []
        for list in out {
            starts.append(Int32(flat.count))
            flat += list
        }
        starts.append(Int32(flat.count))
        owners = flat
        ownerStart = starts
    }

    /// Sets `found[owner] = true` for every literal that occurs in `text`.
    public func scan(_ text: UnsafeBufferPointer<UInt8>, into found: inout [Bool]) {
        var stamps = [UInt32](repeating: 0, count: found.count)
        var count = 0
        stamps.withUnsafeMutableBufferPointer { scan(text, stamp: 1, into: $0.baseAddress!, count: &count) }
        for i in found.indices where stamps[i] == 1 { found[i] = true }
    }

    /// Writes `stamp` at `marks[owner]` for every literal that occurs in `text`; callers
    /// compare with the stamp instead of clearing marks for every record. Each owner marked
    /// for the first time is also appended at `found[count]` (count grows), when given.
    @inline(__always)
    public func scan(_ text: UnsafeBufferPointer<UInt8>, stamp: UInt32, into marks: UnsafeMutablePointer<UInt32>,
                     found: UnsafeMutablePointer<Int32>? = nil, count: inout Int) {
        guard let p = text.baseAddress else { return }
        let k = classCount
        let n = text.count
        let overlap = longest - 1
        classOf.withUnsafeBufferPointer { classes in
            next.withUnsafeBufferPointer { table in
                ownerStart.withUnsafeBufferPointer { starts in
                    owners.withUnsafeBufferPointer { owners in
                        let cls = classes.baseAddress!, tab = table.baseAddress!
                        @inline(__always) func report(_ row: Int) {
                            let s = row / k
                            var o = Int(starts[s])
                            let end = Int(starts[s &+ 1])
                            while o < end {
                                let owner = Int(owners[o])
                                if marks[owner] != stamp {
                                    marks[owner] = stamp
                                    found?[count] = Int32(owner)
                                    count &+= 1
                                }
                                o &+= 1
                            }
                        }
                        guard n >= 4 * overlap + 64 else {
                            var row = 0
                            for i in 0..<n {
                                let entry = Int(tab[row &+ Int(cls[Int(p[i])])])
                                row = entry >> 1
                                if entry & 1 != 0 { report(row) }
                            }
                            return
                        }
                        // Four stretches of `seg` bytes, the last ending at n, each starting at most
                        // `seg - overlap` after the one before: every literal lies whole in the
                        // stretch it starts in (4·seg ≥ n + 3·overlap).
                        let seg = (n + 3 * overlap + 3) / 4
                        let q0 = p, q1 = p + (n - seg) / 3, q2 = p + 2 * (n - seg) / 3, q3 = p + (n - seg)
                        var r0 = 0, r1 = 0, r2 = 0, r3 = 0
                        for t in 0..<seg {
                            let e0 = Int(tab[r0 &+ Int(cls[Int(q0[t])])])
                            let e1 = Int(tab[r1 &+ Int(cls[Int(q1[t])])])
                            let e2 = Int(tab[r2 &+ Int(cls[Int(q2[t])])])
                            let e3 = Int(tab[r3 &+ Int(cls[Int(q3[t])])])
                            r0 = e0 >> 1
                            r1 = e1 >> 1
                            r2 = e2 >> 1
                            r3 = e3 >> 1
                            if (e0 | e1 | e2 | e3) & 1 != 0 {
                                if e0 & 1 != 0 { report(r0) }
                                if e1 & 1 != 0 { report(r1) }
                                if e2 & 1 != 0 { report(r2) }
                                if e3 & 1 != 0 { report(r3) }
                            }
                        }
                    }
                }
            }
        }
    }
}
