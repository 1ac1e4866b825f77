/// `discover --errors-only`: a record is kept when its header shows a level of error or
/// worse, or when it carries an exception (a traceback or stack trace, or a word such as
/// `ValueError:` / `java.io.IOException:`). Records whose format shows no level are judged
/// by the exception test alone.
public enum ErrorFilter {

    public static func keeps(_ record: Record, _ header: MessageExtractor.Header) -> Bool {
        if header.errorLevel { return true }
        if !header.hasLevel, leadingLevel(record.text) { return true }
        return carriesException(record)
    }

    /// A level word among the first words of a line with no recognised header
    /// (`ERROR [api] ...`).
    static func leadingLevel(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = text.baseAddress else { return false }
        var i = 0, words = 0
        while i < text.count, words < 4 {
            while i < text.count, text[i] == 32 || text[i] == 9 { i += 1 }
            let s = i
            while i < text.count, text[i] != 32, text[i] != 9, text[i] != 10 { i += 1 }
            if i > s, MessageExtractor.level(p, s, i) == true, i - s > 1 { return true }
            if i < text.count, text[i] == 10 { break }
            words += 1
        }
        return false
    }

    public static func carriesException(_ record: Record) -> Bool {
        let text = record.text
        if record.lineCount > 1 {
            var lines: [Range<Int>] = []
            if ExceptionLines.extract(text, into: &lines) { return true }
        }
        // A word ending in `Error:` or `Exception:` (Python, Java, Go's `panic:`).
        guard let p = text.baseAddress else { return false }
        let suffixes: [[UInt8]] = ["Error:", "Exception:", "Exception", "panic:"].map { Array($0.utf8) }
        var i = 0
        while i < text.count {
            while i < text.count, Masker.isSpace(p[i]) { i += 1 }
            let s = i
            while i < text.count, !Masker.isSpace(p[i]) { i += 1 }
            for suffix in suffixes where i - s >= suffix.count {
                var same = true
                for k in 0..<suffix.count where p[i - suffix.count + k] != suffix[k] { same = false; break }
                if same { return true }
            }
        }
        return false
    }

    /// A JSON level value: `error`, `ERROR`, `fatal`, or a syslog PRIORITY of 0–3.
    public static func isErrorLevelValue(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if value.count == 1, let c = value.first, Masker.isDigit(c) { return c <= UInt8(ascii: "3") }
        guard let p = value.baseAddress else { return false }
        return MessageExtractor.level(p, 0, value.count) == true
    }
}
