/// The lines of a multi-line record that name its exceptions: the unindented line that ends
/// each Python traceback, Java's `Caused by:` lines, and the line just above a Java
/// `\tat ...` frame. Among patterns of equal priority they are offered before the whole
/// record, last first (`Classifier`), so the final exception decides the class and not a log
/// message above it ("failed to load oauth token scopes"); when no pattern knows the final
/// one (an application's own wrapper), its cause decides. A higher priority always wins.
public enum ExceptionLines {
    static let traceback = Array("Traceback (most recent call last):".utf8)
    static let causedBy = Array("Caused by:".utf8)

    /// The byte ranges of the exception lines of `text`, in order; false if none.
    public static func extract(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Range<Int>]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var inFrames = false
        var previous: Range<Int>? = nil
        var previousTaken = false
        var start = 0
        let n = text.count
        while start < n {
            var end = start
            while end < n, text[end] != 10 { end += 1 }
            let line = start..<end
            if !line.isEmpty {
                let indented = text[start] == 32 || text[start] == 9
                if hasPrefix(text, line, traceback) {
                    inFrames = true
                } else if inFrames, !indented {
                    take(text, line, &out)
                    inFrames = false
                } else if hasPrefix(text, line, causedBy) {
                    take(text, line, &out)
                } else if indented, isJavaFrame(text, line), let prev = previous, !previousTaken,
                          text[prev.lowerBound] != 32, text[prev.lowerBound] != 9 {
                    take(text, prev, &out)
                    previousTaken = true
                }
                if !isJavaFrame(text, line) { previousTaken = hasPrefix(text, line, causedBy) }
                previous = line
            }
            start = end + 1
        }
        return !out.isEmpty
    }

    private static func take(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ out: inout [Range<Int>]) {
        out.append(line)
    }

    private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ prefix: [UInt8]) -> Bool {
        guard line.count >= prefix.count else { return false }
        for i in 0..<prefix.count where text[line.lowerBound + i] != prefix[i] { return false }
        return true
    }

    /// `\tat com.example.Foo.bar(Foo.java:12)` or `    at ...`.
    private static func isJavaFrame(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        var i = line.lowerBound
        while i < line.upperBound, text[i] == 32 || text[i] == 9 { i += 1 }
        return i > line.lowerBound && i + 3 <= line.upperBound
            && text[i] == UInt8(ascii: "a") && text[i + 1] == UInt8(ascii: "t") && text[i + 2] == 32
    }
}
