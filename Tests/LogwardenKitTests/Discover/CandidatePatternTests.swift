import Testing
@testable import LogwardenKit

struct DiscoverCandidatePatternTests {
    /// The generated regex must match every record of its template (`check` runs the
    /// examples too, but here any record is tried, through the project's PCRE2 wrapper).
    @Test func regexMatchesTheRecordsOfItsTemplate() throws {
        let lines = [
            "Dec 10 07:13:43 LabSZ sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2",
            "Dec 10 07:13:50 LabSZ sshd[24229]: Failed password for ftp from 5.36.59.77 port 42395 ssh2",
            "Dec 10 07:14:01 LabSZ sshd[24231]: Failed password for admin from 5.36.59.78 port 1 ssh2",
            "Dec 10 07:15:01 LabSZ sshd[24231]: Failed password for test9 from 5.36.59.79 port 2 ssh2",
        ]
        let miner = TemplateMiner()
        for line in lines {
            let header = Array(line.utf8).withUnsafeBufferPointer { MessageExtractor.header($0) }
            _ = Array(line.utf8).withUnsafeBufferPointer {
                miner.observe(UnsafeBufferPointer(rebasing: $0[header.messageStart...]), time: nil, record: $0)
            }
        }
        #expect(miner.templates.count == 1)
        let candidate = CandidatePattern(miner.templates[0])
        #expect(candidate.errorClass == "auth_failure")
        let regex = try CompiledRegex(candidate.match)
        #expect(regex.namedGroups.map(\.name) == ["for", "from", "port", "v4"])
        let scratch = MatchScratch()
        for line in lines + candidate.examples {
            let hit = try Array(line.utf8).withUnsafeBufferPointer { try regex.matches($0, scratch: scratch) }
            #expect(hit, "\(candidate.match) does not match \(line)")
        }
        let other = try Array("Failed password for invalid user x from 1.2.3.4 port 5 ssh2".utf8)
            .withUnsafeBufferPointer { try regex.matches($0, scratch: scratch) }
        #expect(!other)
    }

    @Test func literalsAreEscapedAndInnerVariablesCaptured() throws {
        let miner = TemplateMiner()
        miner.observe("acquire lock=233570404, flags=0x1 (pid 12) [ok] a.b+c?")
        let candidate = CandidatePattern(miner.templates[0])
        #expect(candidate.match == #"acquire\s+lock=(?<lock>\S*?),\s+flags=(?<flags>\S*)\s+\((?<v3>\S+)\s+(?<v4>\S+)\s+\[ok\]\s+a\.b\+c\?\s*$"#
            || candidate.match.contains(#"\[ok\]\s+a\.b\+c\?"#))
        let regex = try CompiledRegex(candidate.match)
        let hit = try Array("acquire lock=1, flags=0x2 (pid 99) [ok] a.b+c?".utf8).withUnsafeBufferPointer {
            try regex.matches($0, scratch: MatchScratch())
        }
        #expect(hit)
    }

    @Test func yamlIsAValidPatternFile() throws {
        let miner = TemplateMiner()
        for u in ["ann", "bob", "cy"] { miner.observe("it's user \(u) again, said \"x\"") }
        let yaml = DiscoverReport.render(miner.templates, format: .yaml, records: 3, mined: 3, evictions: 0)
        let set = try patternSet(yaml)
        #expect(set.count == 1)
        #expect(PatternCheck.run(set).isEmpty)
    }
}
