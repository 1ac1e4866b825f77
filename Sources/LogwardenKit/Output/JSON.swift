/// A JSON value written with keys in the order given, so output is byte-for-byte stable.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// JSON rendered before (stored in the state file), written as it is.
    case raw(String)

    public static func == (a: JSON, b: JSON) -> Bool { a.rendered == b.rendered }

    public static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    public static func time(_ t: EpochMillis?) -> JSON { t.map { .string($0.rfc3339) } ?? .null }
    public static func labels(_ pairs: [(name: String, value: String)]) -> JSON {
        .object(pairs.sorted { $0.name < $1.name }.map { ($0.name, .string($0.value)) })
    }

    public var rendered: String {
        var out = ""
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d): out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)) : "null"
        case let .string(s): Self.writeString(s, to: &out)
        case let .raw(s): out += s
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Runs of bytes that need no escape are appended whole: evidence and examples are
    /// kilobytes of log text, and a character at a time was most of a state commit.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F else { continue }
                if start < i { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) }
                switch b {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                default:
                    let hex = String(b, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                start = i + 1
            }
            if start < bytes.count { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self) }
        }
        out += "\""
    }
}
