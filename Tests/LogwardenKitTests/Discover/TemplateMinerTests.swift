import Testing
@testable import LogwardenKit

struct DiscoverMinerTests {
    @Test func idsComeFromTheTextNotTheArrivalOrder() {
        let lines = ["session opened for user root", "disk sda1 is 91% full", "session closed for user root",
                     "disk sdb2 is 97% full"]
        let a = TemplateMiner(), b = TemplateMiner()
        let idsA = lines.map { a.observe($0) }
        let idsB = lines.reversed().map { b.observe($0) }.reversed()
        #expect(idsA == Array(idsB))
        #expect(idsA[1] == idsA[3])
        #expect(idsA[0] != idsA[2])
        #expect(idsA[1] == TemplateID(text: "disk <*> is <*> full"))
        #expect(TemplateID(idsA[1].description) == idsA[1])
    }

    @Test func threeValuesInOnePlaceMakeItAVariable() {
        let miner = TemplateMiner()
        miner.observe("Failed password for root from 10.0.0.1 port 22 ssh2")
        miner.observe("Failed password for admin from 10.0.0.2 port 22 ssh2")
        #expect(miner.templates.count == 2, "two values are not yet a variable")
        miner.observe("Failed password for oracle from 10.0.0.3 port 22 ssh2")
        #expect(miner.templates.map(\.text) == ["Failed password for <*> from <*> port <*> <*>"])
        #expect(miner.templates[0].count == 3)
        #expect(miner.merges == 1)
        // A later value, and a masked one, join it.
        miner.observe("Failed password for test9 from 10.0.0.4 port 22 ssh2")
        #expect(miner.templates.count == 1)
    }

    @Test func shortMessagesDoNotMergeOnOneWord() {
        let miner = TemplateMiner()
        for d in ["chargen", "daytime", "echo", "eklogin"] { miner.observe("removing \(d)") }
        #expect(miner.templates.count == 4, "one constant left is too little context")
    }

    @Test func mergedIdsAreRenamedForAssignments() {
        let miner = TemplateMiner()
        miner.renamed = [:]
        let first = miner.observe("user alice logged in from web")
        miner.observe("user bob logged in from web")
        let last = miner.observe("user carol logged in from web")
        #expect(miner.renamed?[first] == last)
    }

    @Test func leastRecentlySeenTemplateIsEvictedAndCounted() {
        let miner = TemplateMiner(options: TemplateMiner.Options(maxClusters: 2))
        miner.observe("alpha one")
        miner.observe("beta two")
        miner.observe("alpha one")  // beta is now the least recent
        miner.observe("gamma three")
        #expect(miner.evictions == 1)
        #expect(Set(miner.templates.map(\.text)) == ["alpha one", "gamma three"])
        #expect(miner.liveCount == 2)
        for i in 0..<1000 { miner.observe("word\(String(repeating: "x", count: i % 50)) tail") }
        #expect(miner.liveCount <= 2)
        #expect(miner.evictions > 1)
    }

    @Test func countsTimesAndTwoDifferentExamples() {
        let miner = TemplateMiner()
        miner.observe("job 1 done", time: 2000)
        miner.observe("job 1 done", time: 1000)
        miner.observe("job 2 done", time: 3000)
        let t = miner.templates[0]
        #expect(t.count == 3)
        #expect(t.firstSeen == 1000 && t.lastSeen == 3000)
        #expect(t.examples.map { String(decoding: $0, as: UTF8.self) } == ["job 1 done", "job 2 done"])
    }

    @Test func restoredTemplatesKeepTheirIds() {
        let a = TemplateMiner()
        let id = a.observe("cache warmed in 12 ms")
        let b = TemplateMiner()
        b.restore(a.templates)
        #expect(b.templates.first?.id == id)
        #expect(b.observe("cache warmed in 99 ms") == id)
        #expect(b.templates.first?.count == 2)
    }
}
