import CPCRE2

/// Hides secrets in the sample records that alerts carry as evidence. The key stays, so the
/// sample stays readable: `password=hunter2` → `password=[REDACTED]`.
///
/// Default rules, all case-insensitive, applied in this order:
/// - URL credentials: `scheme://user:password@host` → `scheme://[REDACTED]@host` (user and
///   password both). A URL with a user and no password (`ssh://git@host`) is left alone.
/// - `Authorization` and `Proxy-Authorization` headers, as `key: value`, `key=value` or JSON:
///   the scheme stays, the credential goes (`Authorization: Bearer [REDACTED]`).
/// - A bare `Bearer <token>` anywhere (so also "bearer tokenXYZ" in prose).
/// - Secret-named keys in query strings, form bodies, logfmt, `key: value` and JSON:
///   a key that *ends* in `password`, `passwd`, `pwd`, `secret`, `token` or `api_key`/`apikey`/
///   `api-key`, optionally after a prefix joined by `_`, `-` or `.` (`access_token`,
///   `refresh_token`, `client_secret`, `db_password`, `x-api-key`, `github.token`).
///   Values end at `&`, whitespace, a quote, `,`, `;`, `}` or the end; a quoted value
///   (`"..."`, `'...'`) is redacted whole, spaces included. Empty values stay empty.
///   Keys that merely *start* with a secret word are not secrets: `token_count=5`,
///   `password_reset_sent=true`, `secret_name=db` stay as they are.
///
/// Extra patterns (PCRE2, byte mode, as written: add `(?i)` for caseless) replace capture
/// group 1 when the pattern has one and it took part in the match, else the whole match.
/// If a pattern hits the PCRE2 match limit, the whole text is withheld rather than risk a leak.
public struct Redactor: Sendable {
    public static let marker = "[REDACTED]"

    // Force-unwrap is safe: the default patterns are constants covered by the tests.
    public static let `default`: Redactor = try! Redactor(extraPatterns: [])

    static let defaultPatterns: [String] = [
        // URL userinfo with a password.
        #"[a-z][a-z0-9+.\-]*://([^\s/?#@:"'<>]*:[^\s/?#@"'<>]*)@"#,
        // Authorization headers: optional scheme word, then the credential (unless already redacted).
        #"(?<![a-z0-9])(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?!(?:[a-z][a-z0-9_\-]*\s+)?\[REDACTED\])(?:[a-z][a-z0-9_\-]*\s+(?=[^\s"',]))?([^\s"',&;]+)"#,
        // A bare bearer token.
        #"(?<![a-z0-9])bearer\s+(?!\[REDACTED\])([a-z0-9._~+/=\-]+)"#,
        // Secret-named keys. (?| ...) numbers every alternative's value as group 1.
        #"(?<![a-z0-9])(?:[a-z0-9]+[_.\-])*(?:password|passwd|pwd|secret|token|api[_\-]?key)["']?\s*[:=]\s*(?!\[REDACTED\])(?|"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'&,;}]+))"#,
    ]

    private let rules: [CompiledRegex]

    /// The default rules plus `extraPatterns`, applied after them.
    public init(extraPatterns: [String]) throws(RegexCompileError) {
        var rules: [CompiledRegex] = []
        for pattern in Self.defaultPatterns { rules.append(try CompiledRegex(pattern, caseless: true)) }
        for pattern in extraPatterns { rules.append(try CompiledRegex(pattern, caseless: false)) }
        self.rules = rules
    }

    public func redact(_ text: String) -> String { redact(text, scratch: MatchScratch()) }

    /// With the caller's match scratch: one per caller, not one (and a JIT stack mapped and
    /// unmapped) per sample.
    public func redact(_ text: String, scratch: MatchScratch) -> String {
        var bytes = Array(text.utf8)
        for rule in rules {
            guard let next = Self.apply(rule, to: bytes, scratch: scratch) else {
                return Self.marker + " (redaction failed: pattern too costly)"
            }
            bytes = next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces every match of `rule` in `bytes`; nil when matching failed (limits).
    private static func apply(_ rule: CompiledRegex, to bytes: [UInt8], scratch: MatchScratch) -> [UInt8]? {
        let useGroup = rule.captureCount > 0
        let marker = Array(Self.marker.utf8)
        var out: [UInt8] = []
        var copied = 0          // bytes[..<copied] are in `out` (or replaced)
        var start = 0
        let ok: Bool = bytes.withUnsafeBufferPointer { subject in
            while start <= subject.count {
                let found: Bool
                do { found = try rule.matches(subject, from: start, scratch: scratch) } catch { return false }
                guard found, let whole = scratch.range(ofGroup: 0) else { break }
                let secret = (useGroup ? scratch.range(ofGroup: 1) : nil) ?? whole
                if !secret.isEmpty, secret.lowerBound >= copied {
                    out.append(contentsOf: subject[copied..<secret.lowerBound])
                    out.append(contentsOf: marker)
                    copied = secret.upperBound
                }
                start = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
            }
            return true
        }
        guard ok else { return nil }
        out.append(contentsOf: bytes[copied...])
        return out
    }
}

extension CompiledRegex {
    /// Like `matches(_:scratch:)`, but the search starts at byte `start` of `subject`
    /// (lookbehinds still see the bytes before it).
    func matches(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, scratch: MatchScratch) throws(RegexMatchFailure) -> Bool {
        let base = subject.baseAddress ?? UnsafePointer(scratch.emptySubject)
        let rc = pcre2_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.context)
        if rc >= 0 { return true }
        if rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL { return false }
        if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT
            || rc == PCRE2_ERROR_JIT_STACKLIMIT {
            throw .limitExceeded
        }
        throw .other(code: rc)
    }
}
