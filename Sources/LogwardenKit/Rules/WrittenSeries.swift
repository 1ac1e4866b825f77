/// What rules write, as Prometheus's rule manager appends it to its storage: each recording
/// rule's output, and each alerting rule's `ALERTS` and `ALERTS_FOR_STATE`, with the instant
/// of the rule's last successful evaluation. A selector reads them as it reads stored series:
/// a write is seen at `t` when it is at most the lookback delta (5m) old; a series missing
/// from a rule's newer write is gone (Prometheus writes a stale marker); a failed
/// evaluation writes nothing, so the last write fades after 5m. Several rules may write
/// series of one name (two recording rules called `x`): all of them are read.
final class WrittenSeries {
    /// Prometheus's default `--query.lookback-delta`; the boundary is included (2.x).
    static let lookback: Int64 = 5 * 60_000

    struct Write {
        var time: EpochMillis
        var samples: [VectorSample]
        /// False after a failed evaluation: the write stays, but is no longer renewed.
        var current = true
    }

    /// Per writer (a rule), its last write; writers are numbered in evaluation order.
    private var writes: [Write?] = []
    private var writerOf: [EvaluationScope: Int] = [:]
    /// The writers that may write series of a name.
    private var writersOfName: [String: [Int]] = [:]

    /// Declares a rule and the metric names it writes: call in evaluation order.
    func declare(_ scope: EvaluationScope, names: [String]) {
        let w = writes.count
        writes.append(nil)
        writerOf[scope] = w
        for name in names { writersOfName[name, default: []].append(w) }
    }

    /// Nothing written yet: most rule sets never write, and read that at every instant.
    private(set) var isEmpty = true

    func write(_ scope: EvaluationScope, at t: EpochMillis, _ samples: [VectorSample]) {
        guard let w = writerOf[scope] else { return }
        writes[w] = Write(time: t, samples: samples)
        isEmpty = false
    }

    func failed(_ scope: EvaluationScope) {
        guard let w = writerOf[scope] else { return }
        writes[w]?.current = false
    }

    /// A stretch of instants was skipped because nothing changed: a rule that was writing
    /// would have written the same at each, up to `t`.
    func renew(_ scopes: some Sequence<EvaluationScope>, through t: EpochMillis) {
        for scope in scopes {
            guard let w = writerOf[scope], let write = writes[w], write.current, write.time < t else { continue }
            writes[w]!.time = t
        }
    }

    /// The written series `selector` selects at `t`. A series written by several rules is
    /// read from the latest write (on a tie, the rule evaluated first).
    func matching(_ selector: VectorSelector, at t: EpochMillis, _ matches: (VectorSelector, Labels) -> Bool) -> [VectorSample] {
        let candidates: [Int]
        if let name = selector.name {
            guard let list = writersOfName[name] else { return [] }
            candidates = list
        } else {
            candidates = Array(writes.indices)
        }
        var out: [VectorSample] = []
        var from: [Int] = []
        for w in candidates {
            guard let write = writes[w], write.time <= t, t - write.time <= Self.lookback else { continue }
            for s in write.samples where matches(selector, s.labels) {
                out.append(s)
                from.append(w)
            }
        }
        return Set(from).count > 1 ? latest(out, from) : out
    }

    /// One sample per label set: the latest write's, then the first writer's.
    private func latest(_ samples: [VectorSample], _ from: [Int]) -> [VectorSample] {
        var keep: [Labels: Int] = [:]
        for (i, s) in samples.enumerated() {
            guard let j = keep[s.labels] else {
                keep[s.labels] = i
                continue
            }
            if writes[from[i]]!.time > writes[from[j]]!.time { keep[s.labels] = i }
        }
        return samples.indices.filter { keep[samples[$0].labels] == $0 }.map { samples[$0] }
    }
}
