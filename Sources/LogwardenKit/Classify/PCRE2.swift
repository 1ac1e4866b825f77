import CPCRE2

/// A PCRE2 pattern that failed to compile; `offset` is the byte offset in the pattern.
public struct RegexCompileError: Error, Sendable, Equatable {
    public let message: String
    public let offset: Int
}

/// Why a match attempt gave no answer (as opposed to "no match").
public enum RegexMatchFailure: Error, Sendable, Equatable {
    /// The match or depth limit was hit: the pattern backtracks too much on this input.
    case limitExceeded
    case other(code: Int32)
}

/// A compiled, JIT-compiled PCRE2 pattern. Immutable after init, so it may be shared across
/// threads (PCRE2 documents compiled code as thread-safe); match data may not, see `MatchScratch`.
public final class CompiledRegex: @unchecked Sendable {
    let code: OpaquePointer
    let jitted: Bool
    public let source: String
    /// Named groups in pattern order: (group number, name).
    public let namedGroups: [(number: Int, name: String)]
    /// For a pattern anchored at the subject's start: the bytes a match can begin with
    /// (from PCRE2's own analysis), so most subjects are turned down without a call.
    let firstBytes: [Bool]?

    /// Compiles in byte mode (no UTF): logs are bytes and may hold invalid UTF-8.
    /// `firstByteCheck: false` always asks PCRE2 (tests compare the two).
    public init(_ pattern: String, caseless: Bool = false, firstByteCheck: Bool = true) throws(RegexCompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options: UInt32 = caseless ? UInt32(PCRE2_CASELESS) : 0
        let compiled: OpaquePointer? = pattern.utf8CString.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: buf.count) { ptr in
                pcre2_compile_8(ptr, buf.count - 1, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw RegexCompileError(message: Self.errorMessage(errorCode), offset: errorOffset)
        }
        code = compiled
        source = pattern
        jitted = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        namedGroups = Self.readNameTable(compiled)
        firstBytes = firstByteCheck ? Self.anchoredFirstBytes(compiled) : nil
    }

    private static func anchoredFirstBytes(_ code: OpaquePointer) -> [Bool]? {
        var options: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_ALLOPTIONS), &options)
        guard options & UInt32(PCRE2_ANCHORED) != 0 else { return nil }
        var type: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODETYPE), &type)
        if type == 1 {
            var unit: UInt32 = 0
            pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODEUNIT), &unit)
            var allowed = [Bool](repeating: false, count: 256)
            allowed[Int(unit & 0xFF)] = true
            // PCRE2 does not say whether the first unit is caseless: an inline `(?i)` or a
            // class like `[eE]` makes it so without PCRE2_CASELESS. A letter may be either case
            // (PCRE2 decides); the default tables fold no byte outside ASCII.
            let c = UInt8(unit & 0xFF)
            if c >= 65 && c <= 90 { allowed[Int(c + 32)] = true }
            if c >= 97 && c <= 122 { allowed[Int(c - 32)] = true }
            return allowed
        }
        var bitmap: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTBITMAP), &bitmap)
        guard let bitmap else { return nil }
        return (0..<256).map { bitmap[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 }
    }

    deinit { pcre2_code_free_8(code) }

    public var captureCount: Int {
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        return Int(count)
    }

    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }

    private static func readNameTable(_ code: OpaquePointer) -> [(number: Int, name: String)] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        guard count > 0 else { return [] }
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table else { return [] }
        var result: [(number: Int, name: String)] = []
        for i in 0..<Int(count) {
            let entry = table + i * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            result.append((number, String(cString: entry + 2)))
        }
        return result.sorted { $0.number < $1.number }
    }

    /// Matches `subject`; returns false on no match. Captures are left in `scratch`.
    public func matches(_ subject: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) throws(RegexMatchFailure) -> Bool {
        if let firstBytes, subject.isEmpty || !firstBytes[Int(subject[0])] {
            // An anchored pattern that can match the empty string has no first-byte set.
            return false
        }
        let base = subject.baseAddress ?? UnsafePointer(scratch.emptySubject)
        let rc: Int32
        if jitted {
            rc = pcre2_jit_match_8(code, base, subject.count, 0, 0, scratch.matchData, scratch.context)
        } else {
            rc = pcre2_match_8(code, base, subject.count, 0, 0, scratch.matchData, scratch.context)
        }
        if rc >= 0 { return true }
        if rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL { return false }
        if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT
            || rc == PCRE2_ERROR_JIT_STACKLIMIT {
            throw .limitExceeded
        }
        throw .other(code: rc)
    }
}

/// Per-thread match state: match data, a match context with limits, and a JIT stack.
/// Create one per thread and reuse it for every match; never share it between threads.
public final class MatchScratch {
    /// PCRE2 wants a non-null subject even when it is empty.
    let emptySubject: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    let matchData: OpaquePointer
    let context: OpaquePointer
    let jitStack: OpaquePointer?

    /// `matchLimit` bounds backtracking steps and `depthLimit` nesting, so that a pathological
    /// pattern or line costs milliseconds, not hours.
    public init(maxCaptures: Int = 64, matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000) {
        matchData = pcre2_match_data_create_8(UInt32(max(1, maxCaptures + 1)), nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        emptySubject.deallocate()
    }

    /// The byte range of capture group `n` from the last successful match, or nil if unset.
    public func range(ofGroup n: Int) -> Range<Int>? {
        let count = Int(pcre2_get_ovector_count_8(matchData))
        guard n < count else { return nil }
        let ov = pcre2_get_ovector_pointer_8(matchData)!
        let start = ov[2 * n], end = ov[2 * n + 1]
        if start == lw_pcre2_unset() || end == lw_pcre2_unset() { return nil }
        return start..<end
    }
}
