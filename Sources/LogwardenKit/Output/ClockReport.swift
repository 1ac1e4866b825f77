/// What stderr says when the logs' time and the rules' clock disagree: records that came
/// after the evaluations of their time, and records ahead of this machine's clock.
public enum ClockReport {
    /// Once per input and run: how many, how late, and what to do.
    public static func late(_ input: String, _ late: LateRecords, withState: Bool) -> String {
        var text = "\(late.count) record\(late.count == 1 ? "" : "s") of \(input) came after rule evaluations of their time"
        if let oldest = late.oldest {
            text += late.behind == 0 ? " (stamped at instants already evaluated; the oldest at \(oldest.rfc3339))"
                : " (the oldest at \(oldest.rfc3339); up to \(rounded(late.behind)) behind)"
        }
        text += "; they are counted in the totals and in later windows, not in the evaluations they missed. "
        if withState {
            text += "If the state file had evaluated past them before this run, replay older logs with a fresh --state file."
        } else if late.behind == 0 {
            text += "Whole-second timestamps among finer ones do this: a record stamped at an instant comes after records from later in that second."
        } else {
            text += "The input is out of time order by up to \(rounded(late.behind))."
        }
        return text
    }

    /// With --state, records well ahead of now mean their zone is misread, and a run never
    /// evaluates the silence after them on the wall clock.
    public static func ahead(_ newest: EpochMillis?, now: EpochMillis, tolerance: Int64 = 300_000) -> String? {
        guard let newest, newest - now > tolerance else { return nil }
        return "the newest record (\(newest.rfc3339)) is \(rounded(newest - now)) ahead of this machine's clock; "
            + "if its timestamps carry no zone, say which with --timezone (they are read as UTC)"
    }

    /// To the second: `2h0m13s`, not milliseconds.
    static func rounded(_ ms: Int64) -> String {
        Duration.format(ms >= 1000 ? ms / 1000 * 1000 : ms)
    }
}
