import Testing
@testable import LogwardenKit

struct JSONFieldsTests {
    func decode(_ line: String, _ key: String) -> String? {
        var fields = JSONFields()
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { raw -> String? in
            let buf = UnsafeBufferPointer(raw)
            guard fields.scan(buf), let m = fields.member(buf, keys: [Array(key.utf8)]) else { return nil }
            var out: [UInt8] = []
            JSONFields.decode(m, in: buf, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    @Test func stringsNumbersAndEscapes() {
        let line = #"{"ts": 1761559200, "MESSAGE":"a \"q\"\nb \u00e9 \ud83d\ude00","nested":{"x":[1,"}"]},"status":503}"#
        #expect(decode(line, "MESSAGE") == "a \"q\"\nb é 😀")
        #expect(decode(line, "status") == "503")
        #expect(decode(line, "ts") == "1761559200")
        #expect(decode(line, "nested") == #"{"x":[1,"}"]}"#)
    }

    @Test func journaldByteArrayMessage() {
        #expect(decode(#"{"MESSAGE":[104,105,255]}"#, "MESSAGE")?.utf8.prefix(2).elementsEqual("hi".utf8) == true)
    }

    @Test(arguments: ["{", "{\"a\":}", "[1,2]", "{\"a\":1,}", "not json", "{\"a\" 1}"])
    func rejectsMalformed(_ line: String) {
        var fields = JSONFields()
        var bytes = Array(line.utf8)
        let ok = bytes.withUnsafeMutableBufferPointer { fields.scan(UnsafeBufferPointer($0)) }
        #expect(!ok)
    }
}
