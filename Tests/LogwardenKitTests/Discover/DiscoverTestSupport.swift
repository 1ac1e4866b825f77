@testable import LogwardenKit

extension TemplateMiner {
    @discardableResult
    func observe(_ line: String, time: EpochMillis? = nil) -> TemplateID {
        Array(line.utf8).withUnsafeBufferPointer { observe($0, time: time, record: $0) }
    }

    /// The text of the template `line` ends up in.
    func templateText(of line: String) -> String? {
        let id = observe(line)
        return templates.first { $0.id == id }?.text
    }
}

/// The template text of one message on its own.
func shapeOf(_ line: String) -> String {
    TemplateMiner().templateText(of: line) ?? "<none>"
}
