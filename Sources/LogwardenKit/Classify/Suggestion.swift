/// "did you mean …?" for a name that is not among the known ones: the nearest by edit
/// distance, when it is near enough to be a typo. Letter case costs nothing (`Critical` is
/// `critical`), swapping two neighbours costs one edit (`hots` is `host`), and a word of
/// three letters or more that starts a name is one edit from it (`Warn`, `warning`).
enum Suggestion {
    static func closest(_ word: String, among candidates: some Sequence<String>) -> String? {
        let limit = word.count <= 3 ? 1 : max(2, word.count / 4)
        var best: (name: String, distance: Int)? = nil
        let prefix = word.count >= 3 ? word.lowercased() : nil
        for candidate in candidates where candidate != word {
            var d = distance(word, candidate)
            if let prefix, candidate.lowercased().hasPrefix(prefix) { d = min(d, 1) }
            if d <= limit, best == nil || d < best!.distance || (d == best!.distance && candidate < best!.name) {
                best = (candidate, d)
            }
        }
        return best?.name
    }

    /// Optimal string alignment distance over lowercased characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { current[j] = min(current[j], before[j - 2] + 1) }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }

    /// "; did you mean 'x'?", or nothing.
    static func hint(_ word: String, among candidates: some Sequence<String>) -> String {
        closest(word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
