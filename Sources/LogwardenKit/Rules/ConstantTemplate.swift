extension Template {
    /// What the template renders to when nothing in it reads the alert (`$labels`, `$value`,
    /// `.` and its fields, variables): the same text for every alert, so `check` can judge
    /// it. Nil when it reads something, or fails.
    var constantOutput: String? {
        guard nodes.allSatisfy(\.isConstant) else { return nil }
        return try? render(TemplateData())
    }
}

extension TplNode {
    var isConstant: Bool {
        switch self {
        case .text: return true
        case let .action(p): return p.isConstant
        case let .ifNode(p, a, b), let .with(p, a, b), let .range(p, a, b):
            return p.isConstant && a.allSatisfy(\.isConstant) && b.allSatisfy(\.isConstant)
        }
    }
}

extension TplPipeline {
    var isConstant: Bool { decl.isEmpty && commands.allSatisfy { $0.args.allSatisfy(\.isConstant) } }
}

extension TplOperand {
    var isConstant: Bool {
        switch self {
        case .function, .null, .literal: return true
        case .dot, .field, .variable: return false
        case let .sub(p, fields): return fields.isEmpty && p.isConstant
        }
    }
}
