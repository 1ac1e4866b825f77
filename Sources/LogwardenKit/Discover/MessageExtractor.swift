/// Finds the message in a raw log line by skipping its header: timestamps, host, level,
/// `component[pid]:`, bracketed thread or request ids. Headers vary by program, so this
/// reads word shapes, not formats: a header must start with a time or date within its first
/// three words (a message that merely starts with a number keeps it), and it ends at the first
/// word that looks like neither a header field nor a `component:` tag.
public enum MessageExtractor {
    public struct Header: Equatable, Sendable {
        /// Where the message starts in the line.
        public var messageStart: Int
        /// A level word in the header was error or worse (`ERROR`, `[error]`, `E`, `FATAL`).
        public var errorLevel: Bool
        /// A level word was found at all.
        public var hasLevel: Bool
    }

    static let maxHeaderWords = 14

    public static func header(_ line: UnsafeBufferPointer<UInt8>) -> Header {
        // On the stack: this runs for every record that `discover` mines.
        withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: maxHeaderWords) { words in
            header(line, words: words)
        }
    }

    static func header(_ line: UnsafeBufferPointer<UInt8>, words: UnsafeMutableBufferPointer<(Int, Int)>) -> Header {
        var out = Header(messageStart: 0, errorLevel: false, hasLevel: false)
        guard let p = line.baseAddress else { return out }
        let n = line.count
        var count = 0
        var i = 0
        while i < n, count < maxHeaderWords {
            while i < n, isSeparator(p[i]) { i += 1 }
            if i >= n || p[i] == 10 { break }
            let start = i
            i = p[i] == 91 ? bracketEnd(p, i, n) : plainEnd(p, i, n)
            words[count] = (start, i)
            count += 1
        }
        let words = UnsafeMutableBufferPointer(rebasing: words[0..<count])
        let dated = words[0..<min(3, count)].contains { hasTime(p, $0.0, $0.1) }
            || (words.count >= 2 && isDigits(p, words[0], 6) && isDigits(p, words[1], 6))  // HDFS `081109 203615`
        guard dated else { return out }
        var afterTime = false, afterLevel = false
        for (k, (s, e)) in words.enumerated() {
            let wasAfterTime = afterTime, wasLevel = afterLevel
            afterTime = false
            afterLevel = false
            var stop = false
            if k > 0, p[e - 1] == 58, !hasDigit(p, s, baseEnd(p, s, e)) {
                stop = true  // `sshd[24200]:`, `org.apache.Foo:`
            } else if hasDigit(p, s, e) || (e - s == 1 && (p[s] == 45 || p[s] == 124)) || isCalendar(p, s, e) {
                // time, date, pid, host with digits, `-`
            } else if let error = level(p, s, e) {
                afterLevel = true
                out.hasLevel = true
                out.errorLevel = out.errorLevel || error
            } else if wasAfterTime || (p[s] == 91 && p[e - 1] == 93) {
                // the host after a syslog time; `[main]`
            } else if wasLevel, contains(p, s, e, 46) || contains(p, s, e, 36) {
                afterLevel = true  // a dotted component after the level: `nova.compute.manager`
            } else {
                break
            }
            if isClock(p, s, e), k >= 2 { afterTime = true }
            out.messageStart = e
            if stop { break }
        }
        while out.messageStart < n, isSeparator(p[out.messageStart]) { out.messageStart += 1 }
        return out
    }

    @inline(__always) static func isSeparator(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 124 }

    static func plainEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n, !isSeparator(p[i]), p[i] != 10 { i += 1 }
        return i
    }

    /// `[Sun Dec 04 04:47:44 2005]` is one word; an unclosed bracket is a plain word.
    static func bracketEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var depth = 0, i = start
        while i < n, p[i] != 10 {
            if p[i] == 91 { depth += 1 } else if p[i] == 93 {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            i += 1
        }
        return plainEnd(p, start, n)
    }

    /// The part of `sshd[24200]:` before `[`, `(` or the final `:`.
    static func baseEnd(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int {
        var i = s
        while i < e - 1, p[i] != 91, p[i] != 40 { i += 1 }
        return i
    }

    static func hasDigit(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for i in s..<e where Masker.isDigit(p[i]) { return true }
        return false
    }

    static func contains(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ c: UInt8) -> Bool {
        for i in s..<e where p[i] == c { return true }
        return false
    }

    /// Trims brackets and punctuation around a word: `[notice]` -> `notice`.
    static func trimmed(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> (Int, Int) {
        var s = s, e = e
        let edge: (UInt8) -> Bool = { $0 == 91 || $0 == 93 || $0 == 40 || $0 == 41 || $0 == 60 || $0 == 62 || $0 == 44 || $0 == 58 }
        while s < e, edge(p[s]) { s += 1 }
        while e > s, edge(p[e - 1]) { e -= 1 }
        return (s, e)
    }

    static func isCalendar(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let (s, e) = trimmed(p, s, e)
        return Masker.isCalendarWord(p, s, e)
    }

    /// Level words, lower case, packed into an integer (one byte each) -> error or worse.
    static let levels: [UInt64: Bool] = {
        var t: [UInt64: Bool] = [:]
        for (w, error) in [("trace", false), ("debug", false), ("info", false), ("notice", false), ("warn", false),
                           ("warning", false), ("fine", false), ("verbose", false), ("d", false), ("i", false),
                           ("w", false), ("v", false), ("error", true), ("err", true), ("fatal", true),
                           ("critical", true), ("crit", true), ("alert", true), ("emerg", true), ("severe", true),
                           ("e", true), ("f", true)] {
            t[w.utf8.reduce(0) { $0 << 8 | UInt64($1) }] = error
        }
        return t
    }()

    /// Whether the word is a level, and if so whether it is error or worse. One-letter levels
    /// (Android's `D`/`E`) count only in upper case.
    static func level(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool? {
        let (s, e) = trimmed(p, s, e)
        guard e - s >= 1, e - s <= 8 else { return nil }
        if e - s == 1, !(p[s] >= 65 && p[s] <= 90) { return nil }
        var packed: UInt64 = 0
        for i in s..<e {
            guard Masker.isLetter(p[i]) else { return nil }
            packed = packed << 8 | UInt64(p[i] | 0x20)
        }
        return levels[packed]
    }

    /// `hh:mm:ss`, exactly (a syslog or ctime clock, after which comes a host).
    static func isClock(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        e - s == 8 && p[s + 2] == 58 && p[s + 5] == 58
            && [0, 1, 3, 4, 6, 7].allSatisfy { Masker.isDigit(p[s + $0]) }
    }

    static func isDigits(_ p: UnsafePointer<UInt8>, _ word: (Int, Int), _ count: Int) -> Bool {
        guard word.1 - word.0 == count else { return false }
        for k in word.0..<word.1 where !Masker.isDigit(p[k]) { return false }
        return true
    }

    /// A time or date somewhere in the word: `hh:mm:ss`, `yyyy-mm-dd`, `yy/mm/dd`,
    /// `yyyy.mm.dd`, a month name, or epoch seconds or milliseconds.
    static func hasTime(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            // Words inside a bracket group: `[Sun Dec 04 ...]`.
            var j = i
            while j < e, p[j] != 32 { j += 1 }
            let (ws, we) = trimmed(p, i, j)
            if we > ws {
                if Masker.isCalendarWord(p, ws, we) { return true }
                if isDigits(p, (ws, we), 10) || isDigits(p, (ws, we), 13) { return true }  // epoch s or ms
                // Not inside a quoted value or a path: `"GET /openstack/2013-10-17 ..."`.
                if p[i] != 34, p[i] != 39, p[i] != 47, containsDateOrClock(p, ws, we) { return true }
            }
            i = j + 1
        }
        return false
    }

    static func containsDateOrClock(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        func digits(_ at: Int, _ count: Int) -> Bool {
            guard at >= s, at + count <= e else { return false }
            for k in at..<(at + count) where !Masker.isDigit(p[k]) { return false }
            return true
        }
        // `h:m:s` with one or two digits each (`22:16:0:119` is a clock too).
        func clock(at start: Int) -> Bool {
            var i = start
            for part in 0..<3 {
                let from = i
                while i < e, i - from < 3, Masker.isDigit(p[i]) { i += 1 }
                guard i - from >= 1, i - from <= 2 else { return false }
                if part < 2 {
                    guard i < e, p[i] == 58 else { return false }
                    i += 1
                }
            }
            return i == e || !Masker.isDigit(p[i])
        }
        var i = s
        while i < e {
            if Masker.isDigit(p[i]), i == s || !Masker.isDigit(p[i - 1]), clock(at: i) { return true }
            if digits(i, 4), i + 10 <= e, p[i + 4] == 45 || p[i + 4] == 46, p[i + 7] == p[i + 4], digits(i + 5, 2), digits(i + 8, 2) { return true }
            if digits(i, 2), i + 8 <= e, p[i + 2] == 47, p[i + 5] == 47, digits(i + 3, 2), digits(i + 6, 2) { return true }
            i += 1
        }
        return false
    }
}
