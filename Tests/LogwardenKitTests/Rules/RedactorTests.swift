import Testing
@testable import LogwardenKit

struct RedactorTests {
    static let redacted: [(String, String)] = [
        ("Authorization: Bearer abc", "Authorization: Bearer [REDACTED]"),
        ("authorization: Basic dXNlcjpwYXNz next", "authorization: Basic [REDACTED] next"),
        ("Authorization: abc123", "Authorization: [REDACTED]"),
        (#"{"Authorization": "Bearer eyJ.hdr.sig", "x": 1}"#, #"{"Authorization": "Bearer [REDACTED]", "x": 1}"#),
        ("Proxy-Authorization: Digest xyz", "Proxy-Authorization: Digest [REDACTED]"),
        ("sent bearer eyJhbGciOi.J9.x-y_z to upstream", "sent bearer [REDACTED] to upstream"),
        ("GET /login?user=bob&password=hunter2&next=/home", "GET /login?user=bob&password=[REDACTED]&next=/home"),
        ("passwd=x pwd=y secret=z token=t", "passwd=[REDACTED] pwd=[REDACTED] secret=[REDACTED] token=[REDACTED]"),
        ("access_token=a1&refresh_token=r2&client_secret=c3",
         "access_token=[REDACTED]&refresh_token=[REDACTED]&client_secret=[REDACTED]"),
        ("api_key=k1 apikey=k2 api-key=k3 API_KEY=k4", "api_key=[REDACTED] apikey=[REDACTED] api-key=[REDACTED] API_KEY=[REDACTED]"),
        // logfmt: a quoted value goes whole, spaces included.
        (#"level=error password="my secret pass" user=bob"#, #"level=error password="[REDACTED]" user=bob"#),
        // JSON: escaped quotes and commas inside the string value.
        (#"{"password": "p@ss, \"word\"", "user": "bob"}"#, #"{"password": "[REDACTED]", "user": "bob"}"#),
        (#"{"token":12345,"n":1}"#, #"{"token":[REDACTED],"n":1}"#),
        ("password: hunter2", "password: [REDACTED]"),
        ("PASSWORD=Hunter2;next", "PASSWORD=[REDACTED];next"),
        // A prefix joined by _ - . still names a secret.
        ("DB_PASSWORD=s3cr3t x-api-key: abc", "DB_PASSWORD=[REDACTED] x-api-key: [REDACTED]"),
        ("postgres://app:s3cret@db:5432/x", "postgres://[REDACTED]@db:5432/x"),
        ("https://user:pa:ss@host/path?token=abc", "https://[REDACTED]@host/path?token=[REDACTED]"),
        ("héllo password=naïve€ x", "héllo password=[REDACTED] x"),
    ]

    @Test(arguments: redacted)
    func redactsSecrets(_ input: String, _ expected: String) {
        #expect(Redactor.default.redact(input) == expected)
    }

    /// Keys that only start with a secret word, or embed it without a separator, are not secrets;
    /// nor is a URL user without a password, nor an empty value.
    static let keptAsIs: [String] = [
        "token_count=5 password_reset_sent=true secret_name=db",
        "no secrets here: tokens=5",
        "mytoken=abc",
        "ssh://git@github.com/repo",
        "authorization failed for user bob",
        "password=",
        #"password="""#,
        "",
        "2025-10-27T10:00:00Z ERROR [api] psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist",
    ]

    @Test(arguments: keptAsIs)
    func keepsNonSecrets(_ input: String) {
        #expect(Redactor.default.redact(input) == input)
    }

    @Test func redactingTwiceChangesNothing() {
        for (input, _) in Self.redacted {
            let once = Redactor.default.redact(input)
            #expect(Redactor.default.redact(once) == once)
        }
    }

    @Test func extraPatternsReplaceGroupOneOrTheWholeMatch() throws {
        let r = try Redactor(extraPatterns: ["session=([0-9a-f]+)", #"SSN \d{3}-\d{2}-\d{4}"#, "x*"])
        #expect(r.redact("session=deadbeef SSN 123-45-6789 ok") == "session=[REDACTED] [REDACTED] ok")
        // The defaults still apply.
        #expect(r.redact("token=abc") == "token=[REDACTED]")
    }

    @Test func badExtraPatternIsACompileError() {
        #expect(throws: RegexCompileError(message: "missing closing parenthesis", offset: 9)) {
            try Redactor(extraPatterns: ["(unclosed"])
        }
    }
}
