import Testing
@testable import LogwardenKit

/// Header shapes from the Loghub samples (https://github.com/logpai/loghub; Zhu et al.,
/// "Loghub: A Large Collection of System Log Datasets for AI-driven Log Analytics", ISSRE 2023).
struct DiscoverMessageExtractorTests {
    static func message(_ line: String) -> (String, Bool) {
        let bytes = Array(line.utf8)
        let h = bytes.withUnsafeBufferPointer { MessageExtractor.header($0) }
        return (String(decoding: bytes[h.messageStart...], as: UTF8.self), h.errorLevel)
    }

    @Test(arguments: [
        ("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186", "Invalid user webmaster from 173.234.31.186", false),
        ("[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6", "mod_jk child workerEnv in error state 6", true),
        ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3 terminating", "PacketResponder 1 for block blk_3 terminating", false),
        ("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.MRAppMaster: Created MRAppMaster", "Created MRAppMaster", false),
        ("03-17 16:13:38.811  1702  2395 E WindowManager: printFreezing", "printFreezing", true),
        ("2015-07-29 17:41:44,747 - ERROR [QuorumPeer[myid=1]/0:2181:FastLeaderElection@774] - Notification time out: 3200", "Notification time out: 3200", true),
        ("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root", "session closed for user root", false),
        ("63543 double-hummer alignment exceptions", "63543 double-hummer alignment exceptions", false),
        ("Invalid user webmaster from 173.234.31.186", "Invalid user webmaster from 173.234.31.186", false),
        ("10.11.10.1 \"GET /openstack/2013-10-17 HTTP/1.1\" status: 200", "10.11.10.1 \"GET /openstack/2013-10-17 HTTP/1.1\" status: 200", false),
    ])
    func findsTheMessage(_ line: String, _ expected: String, _ error: Bool) {
        let (m, e) = Self.message(line)
        #expect(m == expected)
        #expect(e == error)
    }
}
