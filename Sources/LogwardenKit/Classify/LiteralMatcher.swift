/// Aho–Corasick over ASCII-case-folded bytes: one pass over a record tells which literals
/// occur, and so which patterns are worth running. The automaton is a dense table over byte
/// classes (bytes that appear in no literal share one class), so a step is one load. Table
/// entries hold the next state's row offset, with the low bit set when literals end there:
/// the common step needs no multiply and no look at the owner lists.
public struct LiteralMatcher: Sendable {
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
        classOf.withUnsafeBufferPointer { classes in
            next.withUnsafeBufferPointer { table in
                ownerStart.withUnsafeBufferPointer { starts in
                    owners.withUnsafeBufferPointer { owners in
                        let cls = classes.baseAddress!, tab = table.baseAddress!
                        var row = 0
                        for i in 0..<text.count {
                            let entry = Int(tab[row &+ Int(cls[Int(p[i])])])
                            row = entry >> 1
                            if entry & 1 != 0 {
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
                        }
                    }
                }
            }
        }
    }
}
