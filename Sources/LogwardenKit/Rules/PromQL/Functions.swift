/// The PromQL functions logwarden evaluates, with their argument types.
public enum Functions {
    static let signatures: [String: [ValueType]] = [
        "increase": [.matrix], "rate": [.matrix], "delta": [.matrix],
        "time": [], "absent": [.vector], "abs": [.vector], "ceil": [.vector], "floor": [.vector],
        "clamp_min": [.vector, .scalar], "clamp_max": [.vector, .scalar], "clamp": [.vector, .scalar, .scalar],
        "vector": [.scalar], "scalar": [.vector],
    ]

    /// Known PromQL functions outside the subset: named in the error instead of "unknown".
    static let unsupported: Set<String> = [
        "irate", "idelta", "resets", "changes", "deriv", "predict_linear", "holt_winters", "histogram_quantile",
        "label_replace", "label_join", "sort", "sort_desc", "timestamp", "round", "exp", "ln", "log2", "log10", "sqrt",
        "sgn", "absent_over_time", "present_over_time", "avg_over_time", "min_over_time", "max_over_time",
        "sum_over_time", "count_over_time", "last_over_time", "quantile_over_time", "stddev_over_time",
        "stdvar_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month",
        "year", "minute", "pi", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "deg", "rad",
        "info", "double_exponential_smoothing", "sort_by_label", "sort_by_label_desc",
    ]

    static func check(_ name: String, _ args: [Expr], _ at: Int) throws(ExprError) {
        guard let signature = signatures[name] else {
            if unsupported.contains(name) { throw ExprError(at, "not supported: function '\(name)'") }
            throw ExprError(at, "unknown function '\(name)'")
        }
        guard args.count == signature.count else {
            throw ExprError(at, "\(name)() takes \(signature.count) argument\(signature.count == 1 ? "" : "s"), got \(args.count)")
        }
        for (i, (arg, want)) in zip(args, signature).enumerated() where arg.type != want {
            let hint = want == .matrix ? " such as x[5m]" : ""
            throw ExprError(at, "argument \(i + 1) of \(name)() must be a \(want.rawValue)\(hint), not a \(arg.type.rawValue)")
        }
    }

    static func returnType(_ name: String, _ args: [Expr]) -> ValueType {
        name == "time" || name == "scalar" ? .scalar : .vector
    }
}
