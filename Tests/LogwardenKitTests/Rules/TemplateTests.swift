import Testing
@testable import LogwardenKit

/// Expected outputs were produced by Go 1.19 text/template with Prometheus's function map and
/// `missingkey=zero`, i.e. exactly what Prometheus renders.
struct TemplateTests {
    static let data = TemplateData(
        labels: ["instance": "db-1:9100", "job": "node", "column": "scope", "severity": "critical", "empty": ""],
        externalLabels: ["cluster": "eu1"], externalURL: "http://prom.example:9090/prefix", value: 5)

    static func render(_ text: String, value: Double = 5) throws -> String {
        var d = data
        d.value = value
        return try Template(text).render(d)
    }

    static let renderCases: [(String, String)] = [
        ("text only", "text only"),
        ("", ""),
        ("a}}b", "a}}b"),
        (#"{{ "}}" }}"#, "}}"),
        ("{{ $labels.instance }} on {{ .Labels.job }}", "db-1:9100 on node"),
        // missingkey=zero: a missing label is the empty string, not "<no value>".
        ("[{{ $labels.missing }}|{{ .Labels.missing }}]", "[|]"),
        ("{{ $externalLabels.cluster }} {{ $externalURL }} {{ .ExternalURL }}",
         "eu1 http://prom.example:9090/prefix http://prom.example:9090/prefix"),
        ("{{ $.Labels.job }}", "node"),
        ("{{ .Labels }}", "map[column:scope empty: instance:db-1:9100 job:node severity:critical]"),
        ("{{ . }}", "{map[column:scope empty: instance:db-1:9100 job:node severity:critical] map[cluster:eu1] http://prom.example:9090/prefix 5}"),
        // Trimming and comments.
        ("a  {{- $labels.job -}}  b", "anodeb"),
        ("a {{- /* c */ -}} b", "ab"),
        ("a {{/* c */}} b", "a  b"),
        ("{{-3}}|{{- 3 }}", "-3|3"),
        ("{{ 3 -}} x", "3x"),
        // Literals: ints unless the text has . or e.
        ("{{ 1e3 }}|{{ 5 }}|{{ 1.5 }}|{{ 0x1F }}|{{ -7 }}|{{ 'a' }}|{{ 017 }}|{{ 1_000 }}", "1000|5|1.5|31|-7|97|15|1000"),
        ("{{ `raw\\n` }}|{{ \"esc\\tx\\u00e9\" }}", "raw\\n|esc\txé"),
        // Control structures.
        (#"{{ if eq $labels.severity "critical" }}CRIT{{ else if eq $labels.severity "warning" }}WARN{{ else }}other{{ end }}"#, "CRIT"),
        ("{{ if gt $value 1.0 }}big{{ else }}small{{ end }}", "big"),
        ("{{ if and $labels.job $labels.empty }}y{{ else }}n{{ end }}", "n"),
        (#"{{ or $labels.empty "fallback" }}|{{ and $labels.job "x" }}|{{ not $labels.empty }}|{{ and 1 0 2 }}"#, "fallback|x|true|0"),
        ("{{ with $labels.instance }}inst={{ . }}{{ end }}", "inst=db-1:9100"),
        ("{{ with $labels.empty }}x{{ else }}none{{ end }}", "none"),
        ("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", "column=scope;empty=;instance=db-1:9100;job=node;severity=critical;"),
        ("{{ range $labels }}{{ . }},{{ end }}", "scope,,db-1:9100,node,critical,"),
        ("{{ range .ExternalLabels }}{{ . }}{{ else }}empty{{ end }}", "eu1"),
        (#"{{ $x := 5 }}{{ $x }}{{ $x = "y" }}{{ $x }}"#, "5y"),
        // Pipelines and functions.
        ("{{ $value | humanize }}", "5"),
        (#"{{ $value | printf "%.1f" }}"#, "5.0"),
        (#"{{ $labels.job | toUpper | printf "%s!" }}"#, "NODE!"),
        (#"{{ (humanize 1234) | printf "[%s]" }}"#, "[1.234k]"),
        (#"{{ humanize 1234 }} {{ humanize "1234.5" }} {{ humanize 1e3 }} {{ humanizePercentage 0.1234 }}"#, "1.234k 1.234k 1k 12.34%"),
        (#"{{ toLower "ÀBC" }} {{ title "hello wor-ld foo_bar" }} {{ toUpper "straße" }}"#, "àbc Hello Wor-Ld Foo_bar STRAßE"),
        (#"{{ len $labels }} {{ len "héllo" }} {{ index $labels "job" }}|{{ index $labels "nope" }}"#, "5 6 node|"),
        (#"{{ print 1 2 "a" 3 "b" "c" }}|{{ println 1 "a" }}"#, "1 2a3bc|1 a\n"),
        (#"{{ stripPort $labels.instance }} {{ stripPort "[::1]:80" }} {{ stripPort "noport" }}"#, "db-1 ::1 noport"),
        (#"{{ eq $labels.job "a" "node" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }}"#, "true true true true true false"),
        // printf, with Go's complaints for bad verbs and argument counts.
        (#"{{ printf "%d %s %q %v %x %%" 42 "str" "q\"t" true "hi" }}"#, #"42 str "q\"t" true 6869 %"#),
        (#"{{ printf "%5s|%-5s|%05d|%x|%X|%o|%b|%c|%q" "a" "b" 42 255 255 8 5 65 66 }}"#, "    a|b    |00042|ff|FF|10|101|A|'B'"),
        (#"{{ printf "%d" $value }}|{{ printf "%s" 5 }}|{{ printf "%d %d" 1 }}|{{ printf "%d" 1 2 }}"#, "%!d(float64=5)|%!s(int=5)|1 %!d(MISSING)|1%!(EXTRA int=2)"),
        (#"{{ printf "%6.2f%%" 12.3456 }}|{{ printf "%8.3e|%-10v|" 1234.5 2.5 }}|{{ printf "%v %v" 1e21 1e20 }}"#, " 12.35%|1.234e+03|2.5       ||1e+21 1e+20"),
        (#"{{ printf "%v" $labels }}"#, "map[column:scope empty: instance:db-1:9100 job:node severity:critical]"),
    ]

    @Test(arguments: renderCases)
    func renders(_ template: String, _ expected: String) throws {
        #expect(try Self.render(template) == expected)
    }

    /// `{{ $value }}` is Go's %v of a float64: the shortest digits that round-trip, in exponent
    /// form when the decimal exponent is < -4 or >= 6 (strconv's shortest 'g'), not at 1e21.
    static let valueCases: [(Double, String)] = [
        (5, "5"), (0.5, "0.5"), (1e21, "1e+21"), (1e20, "1e+20"), (123_456_789, "1.23456789e+08"),
        (100_000, "100000"), (1e6, "1e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (0.1 + 0.2, "0.30000000000000004"),
        (-2.5, "-2.5"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"), (0, "0"),
    ]

    @Test(arguments: valueCases)
    func printsValueLikeGo(_ value: Double, _ expected: String) throws {
        #expect(try Self.render("{{ $value }}", value: value) == expected)
        #expect(try Self.render("{{ .Value }}", value: value) == expected)
    }

    /// value → humanize | humanize1024 | humanizeDuration | humanizePercentage | humanizeTimestamp
    static let humanizeCases: [(Double, String)] = [
        (1234, "1.234k|1.205ki|20m 34s|1.234e+05%|1970-01-01 00:20:34 +0000 UTC"),
        (0.001234, "1.234m|0.001234|1.234ms|0.1234%|1970-01-01 00:00:00.001 +0000 UTC"),
        (-1234, "-1.234k|-1.205ki|-20m 34s|-1.234e+05%|1969-12-31 23:39:26 +0000 UTC"),
        (-0.001234, "-1.234m|-0.001234|-1.234ms|-0.1234%|1969-12-31 23:59:59.999 +0000 UTC"),
        (999.95, "1000|1000|16m 39s|1e+05%|1970-01-01 00:16:39.95 +0000 UTC"),
        (1e-30, "1e-06y|1e-30|1e-06ys|1e-28%|1970-01-01 00:00:00 +0000 UTC"),
        (1024, "1.024k|1ki|17m 4s|1.024e+05%|1970-01-01 00:17:04 +0000 UTC"),
        (1_048_576, "1.049M|1Mi|12d 3h 16m 16s|1.049e+08%|1970-01-13 03:16:16 +0000 UTC"),
        (3723, "3.723k|3.636ki|1h 2m 3s|3.723e+05%|1970-01-01 01:02:03 +0000 UTC"),
        (90061, "90.06k|87.95ki|1d 1h 1m 1s|9.006e+06%|1970-01-02 01:01:01 +0000 UTC"),
        (59.9999, "60|60|60s|6000%|1970-01-01 00:00:59.999 +0000 UTC"),
        (0.0005, "500u|0.0005|500us|0.05%|1970-01-01 00:00:00 +0000 UTC"),
        (-0.25, "-250m|-0.25|-250ms|-25%|1969-12-31 23:59:59.75 +0000 UTC"),
        (86400, "86.4k|84.38ki|1d 0h 0m 0s|8.64e+06%|1970-01-02 00:00:00 +0000 UTC"),
        (2.5e-12, "2.5p|2.5e-12|2.5ps|2.5e-10%|1970-01-01 00:00:00 +0000 UTC"),
        (1_700_000_000.123456, "1.7G|1.583Gi|19675d 22h 13m 20s|1.7e+11%|2023-11-14 22:13:20.123 +0000 UTC"),
        (-1.5, "-1.5|-1.5|-1.5s|-150%|1969-12-31 23:59:58.5 +0000 UTC"),
        (0, "0|0|0s|0%|1970-01-01 00:00:00 +0000 UTC"),
        (.infinity, "+Inf|+Inf|+Inf|+Inf%|+Inf"),
        (.nan, "NaN|NaN|NaN|NaN%|NaN"),
    ]

    @Test(arguments: humanizeCases)
    func humanizesLikePrometheus(_ value: Double, _ expected: String) throws {
        let text = "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ humanizePercentage $value }}|{{ humanizeTimestamp $value }}"
        #expect(try Self.render(text, value: value) == expected)
    }

    @Test func timestampOverflowIsAnError() {
        #expect(throws: TemplateError(offset: 0, message: "error calling humanizeTimestamp: 1e+19 cannot be represented as a nanoseconds timestamp since it overflows int64")) {
            try Self.render("{{ humanizeTimestamp $value }}", value: 1e19)
        }
    }

    /// Parse errors: (template, offset of the failing action, message).
    static let parseErrors: [(String, Int, String)] = [
        ("{{ $value", 0, "unclosed action"),
        ("ok {{ humanise $value }}", 3, "function \"humanise\" not defined"),
        ("{{ if false }}{{ humanise 1 }}{{ end }}", 14, "function \"humanise\" not defined"),
        ("a {{ $nope }}", 2, "undefined variable \"$nope\""),
        ("x {{ if $value }}x", 2, "unexpected EOF: {{if}} without {{end}}"),
        ("ab{{ end }}", 2, "unexpected {{end}}"),
        ("{{ else }}", 0, "unexpected {{else}}"),
        ("{{ if true }}a{{ else }}b{{ else }}c{{ end }}", 25, "expected end; found {{else}}"),
        ("{{ }}", 0, "missing value for command"),
        ("{{ if }}{{ end }}", 0, "missing value for if"),
        ("{{ 1 | 2 }}", 0, "non executable command in pipeline stage 2"),
        ("{{ | humanize }}", 0, "unexpected \"|\" in command"),
        ("{{ \"abc }}", 0, "unterminated quoted string"),
        ("{{ (humanize $value }}", 0, "unclosed left paren"),
        ("{{ humanize $value) }}", 0, "unexpected \")\" in command"),
        ("--{{ 3x }}", 2, "bad number syntax: \"3x\""),
        ("x {{/* unclosed", 2, "unclosed comment"),
        ("{{/* c */x}}", 0, "comment ends before closing delimiter"),
        ("{{ template \"x\" }}", 0, "{{template}} is not supported"),
    ]

    @Test(arguments: parseErrors)
    func reportsParseErrors(_ template: String, _ offset: Int, _ message: String) {
        #expect(throws: TemplateError(offset: offset, message: message)) { try Template(template) }
    }

    /// Runtime errors carry the offset of the action that failed.
    static let renderErrors: [(String, Int, String)] = [
        ("v={{ if gt $value 1 }}big{{ end }}", 2, "error calling gt: incompatible types for comparison"),
        ("{{ eq 1 \"a\" }}", 0, "error calling eq: incompatible types for comparison"),
        ("{{ lt true false }}", 0, "error calling lt: invalid type for comparison"),
        ("{{ humanize \"abc\" }}", 0, "error calling humanize: strconv.ParseFloat: parsing \"abc\": invalid syntax"),
        ("{{ humanize true }}", 0, "error calling humanize: can't convert bool to float"),
        ("{{ humanize 1 2 }}", 0, "wrong number of args for humanize: want 1 got 2"),
        ("{{ toUpper 5 }}", 0, "wrong type for value; expected string; got int"),
        ("a {{ $labels.job.foo }}", 2, "can't evaluate field foo in type string"),
        ("{{ .Value.X }}", 0, "can't evaluate field X in type float64"),
        ("{{ $value 1 }}", 0, "can't give argument to non-function $value"),
        ("{{ nil }}", 0, "nil is not a command"),
        ("{{ len 5 }}", 0, "error calling len: len of type int"),
        ("{{ range $value }}{{ end }}", 0, "range can't iterate over 5"),
        ("{{ query \"up\" }}", 0, "function \"query\" is not supported by logwarden"),
    ]

    @Test(arguments: renderErrors)
    func reportsRenderErrors(_ template: String, _ offset: Int, _ message: String) throws {
        let t = try Template(template)
        #expect(throws: TemplateError(offset: offset, message: message)) { try t.render(Self.data) }
    }

    @Test func parsesOnceRendersMany() throws {
        let t = try Template("{{ $labels.column }}: {{ $value }} errors")
        #expect(t.source == "{{ $labels.column }}: {{ $value }} errors")
        #expect(try t.render(TemplateData(labels: ["column": "scope"], value: 3)) == "scope: 3 errors")
        #expect(try t.render(TemplateData(labels: [:], value: 0.5)) == ": 0.5 errors")
    }
}
