import ArgumentParser
import LogwardenKit
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by the commands that read logs.
struct ReadingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Exactly these pattern and alert rule files or directories (repeatable), instead of the default pack: ./rules if it exists, else the one built into the binary.", valueName: "path"))
    var rules: [String] = []

    @Option(name: .long, help: ArgumentHelp("Add this pattern or alert rule file or directory to the default pack, or to --rules (repeatable).", valueName: "path"))
    var rulesAdd: [String] = []

    @Option(name: .long, help: "A record holds at most this many lines.")
    var maxLines: Int = FramingOptions().maxLines

    @Option(name: .long, help: "A record holds at most this many bytes; the rest is cut and counted.")
    var maxBytes: Int = FramingOptions().maxBytes

    @Flag(name: .long, help: "Every line is its own record (no tracebacks or continuation lines).")
    var noMultiline = false

    @Option(name: .long, help: ArgumentHelp("Zone of timestamps that carry none: UTC, local, or an offset like +02:00.", valueName: "zone"))
    var timezone: String = "UTC"

    @Option(name: .long, help: ArgumentHelp("A strftime format of the logs' timestamps, tried before detection at the line's start, after a '[', and in time fields (repeatable, in order), e.g. '%m/%d/%Y, %I:%M:%S %p'.", valueName: "strftime"))
    var timestampFormat: [String] = []

    @Option(name: .long, help: ArgumentHelp("A JSON field holding the record's time, read before timestamp, time, ts, @timestamp and asctime (repeatable), e.g. logged_at.", valueName: "name"))
    var timestampField: [String] = []

    func validate() throws {
        if maxLines < 1 { throw ValidationError("--max-lines must be at least 1") }
        if maxBytes < 64 { throw ValidationError("--max-bytes must be at least 64") }
        if ZoneOption.parse(timezone) == nil {
            throw ValidationError("--timezone '\(timezone)' is not understood; use UTC, local, or an offset like +02:00")
        }
        _ = try timestampSettings()
    }

    /// The forced formats and fields, or a usage error naming the format and the `%` at fault.
    func timestampSettings() throws -> TimestampSettings {
        var formats: [TimestampFormat] = []
        for text in timestampFormat {
            do { formats.append(try TimestampFormat(text)) } catch {
                throw ValidationError("--timestamp-format '\(text)': \(error.message) (at character \(error.offset + 1))")
            }
        }
        if timestampField.contains("") { throw ValidationError("--timestamp-field needs a JSON key, e.g. --timestamp-field asctime") }
        return TimestampSettings(formats: formats, fields: timestampField)
    }

    var readOptions: ReadOptions {
        let now = Clock.nowMillis()
        return ReadOptions(framing: FramingOptions(maxLines: maxLines, maxBytes: maxBytes, multiline: !noMultiline),
                           defaultOffsetSeconds: ZoneOption.parse(timezone) ?? 0, timestamps: (try? timestampSettings()) ?? TimestampSettings(),
                           now: now)
    }

    /// The files of `--rules`, else ./rules, else the built-in pack, plus `--rules-add`; exit 2
    /// if unreadable.
    func loadRuleFiles() throws -> RuleFiles {
        do { return try ruleFiles() } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }

    func ruleFiles() throws(Diagnostics) -> RuleFiles {
        try RuleFiles.select(exactly: rules, adding: rulesAdd)
    }

    /// The pattern set, or exit 2 with every problem printed as FILE:LINE:COL.
    func loadPatterns(_ files: RuleFiles? = nil) throws -> PatternSet {
        let files = try files ?? loadRuleFiles()
        do {
            return try PatternSet.load(files)
        } catch {
            Console.error(error.description)
            Console.error("logwarden: the rules above are invalid; fix them (see 'logwarden check') and run again")
            throw ExitCode(2)
        }
    }
}

enum ZoneOption {
    static func parse(_ s: String) -> Int? {
        switch s {
        case "UTC", "utc", "Z", "z": return 0
        case "local":
            var t = time(nil)
            var tmv = tm()
            localtime_r(&t, &tmv)
            return tmv.tm_gmtoff
        default:
            let chars = Array(s.utf8)
            guard chars.count == 6, chars[0] == UInt8(ascii: "+") || chars[0] == UInt8(ascii: "-"), chars[3] == UInt8(ascii: ":"),
                  let h = Int(String(decoding: chars[1...2], as: UTF8.self)), let m = Int(String(decoding: chars[4...5], as: UTF8.self)),
                  h < 24, m < 60
            else { return nil }
            return (chars[0] == UInt8(ascii: "-") ? -1 : 1) * (h * 3600 + m * 60)
        }
    }
}

enum Clock {
    /// The wall clock, or LOGWARDEN_NOW (RFC 3339 or Unix milliseconds): tests that replay
    /// cron runs need "now" to be the time of their logs.
    static func nowMillis() -> EpochMillis {
        if let fixed = getenv("LOGWARDEN_NOW").map({ String(cString: $0) }) {
            if let ms = EpochMillis(fixed) { return ms }
            var bytes = Array(fixed.utf8)
            var parser = TimestampParser(referenceTime: 0)
            if let t = bytes.withUnsafeMutableBufferPointer({ parser.parseValue(UnsafeBufferPointer($0)) }) {
                return t
            }
        }
        return SystemClock.wallMillis()
    }
}

/// Writes to file descriptors 1 and 2 (the C globals stdout/stderr are off limits in Swift 6).
enum Console {
    /// Once per input whose records took their fallback time: which, and how to do better.
    static func untimed(_ result: ScanResult) {
        for input in result.untimedInputs { error("logwarden: " + UntimedRecords.note(input: input, readTime: false)) }
    }

    static func out(_ s: String) { write(1, s) }
    static var outIsTerminal: Bool { isatty(1) == 1 }
    static func error(_ s: String) { write(2, s.hasSuffix("\n") ? s : s + "\n") }

    /// A buffered writer for large outputs such as `classify`. A write that fails (a full
    /// disk, a closed pipe) is remembered: what was lost must not count as printed.
    final class Buffered {
        private var buffer: [UInt8] = []
        /// errno of the first write that failed.
        private(set) var failure: Int32?
        init() { buffer.reserveCapacity(1 << 16) }
        func line(_ s: String) {
            buffer.append(contentsOf: s.utf8)
            buffer.append(10)
            if buffer.count >= 1 << 16 { flush() }
        }
        func text(_ s: String) {
            buffer.append(contentsOf: s.utf8)
            if buffer.count >= 1 << 16 { flush() }
        }
        /// True when everything written so far reached the descriptor.
        @discardableResult
        func flush() -> Bool {
            if let e = buffer.withUnsafeBytes({ Console.write(1, $0) }), failure == nil { failure = e }
            buffer.removeAll(keepingCapacity: true)
            return failure == nil
        }
        deinit { flush() }
    }

    static func write(_ fd: Int32, _ s: String) {
        var s = s
        _ = s.withUTF8 { write(fd, UnsafeRawBufferPointer($0)) }
    }

    /// nil, or the errno of a write that failed: a closed pipe (`| head`) is not worth a
    /// crash, but a caller that must not lose output needs to know.
    @discardableResult
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return nil
    }
}
