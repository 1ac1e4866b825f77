import Testing
@testable import LogwardenKit

struct DiscoverMaskerTests {
    @Test(arguments: [
        ("took 1234 ms", "took <*> ms"),
        ("addr 0x7fed806eb5d done", "addr <*> done"),
        ("id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 ok", "id <*> ok"),
        ("from 173.234.31.186 port 22", "from <*> port <*>"),
        ("proxy www.baidu.com:80 open", "proxy <*> open"),
        ("open /var/lib/app/data.db failed", "open <*> failed"),
        ("get https://example.com/x?y=1 ok", "get <*> ok"),
        ("at Fri Jun 17 07:07:00 2005", "at <*> <*> <*> <*> <*>"),
        ("lock=233570404, flags=0x1, done", "lock=<*>, flags=<*>, done"),
        ("synchronized to LOCAL(0), stratum 10", "synchronized to LOCAL(<*>), stratum <*>"),
        ("connection from 1.2.3.4 () at x", "connection from <*> <*> at x"),
        ("close, 0 bytes (0 KB) sent", "close, <*> bytes <*> KB) sent"),
        ("name=\"\" ok", "name=\"<*>\" ok"),
        ("tag=\"View Lock\", ws=null", "tag=\"View Lock\", ws=null"),
        ("onExtend:1514038530000 14", "onExtend:<*> <*>"),
    ])
    func masksVariables(_ line: String, _ expected: String) {
        #expect(shapeOf(line) == expected)
    }

    @Test func constantsStayAndSpacingDoesNotMatter() {
        #expect(shapeOf("Connection   closed\tby peer") == "Connection closed by peer")
    }

    @Test func wordsPastTheCapLeaveAnOpenTemplate() {
        let long = (0..<100).map { "w\(Character(UnicodeScalar(97 + $0 % 26)!))x" }.joined(separator: " ")
        let miner = TemplateMiner()
        miner.observe(long)
        let t = miner.templates[0]
        #expect(t.tokens.count == Tokenizer.maxTokens)
        #expect(t.open)
    }
}
