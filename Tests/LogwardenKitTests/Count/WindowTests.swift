import Testing
@testable import LogwardenKit

struct WindowTests {
    @Test func windowsAreExactOnAlignedInstants() {
        var w = Window(width: 15_000, capacity: 40)
        // Records at 0s (edge), 1ms, 14.999s, 15s (edge), 15.001s, 5m.
        for t: EpochMillis in [0, 1, 14_999, 15_000, 15_001, 300_000] { w.add(t) }
        #expect(w.sum(at: 15_000, range: 15_000) == 3)   // (0, 15s]
        #expect(w.sum(at: 30_000, range: 30_000) == 4)   // (0, 30s]
        #expect(w.sum(at: 30_000, range: 15_000) == 1)   // (15s, 30s]
        #expect(w.sum(at: 300_000, range: 300_000) == 5) // (0, 5m]: the record at 0 is out
        #expect(w.span(at: 30_000, range: 30_000)! == (1, 15_001))
    }

    @Test func oldBucketsAreForgottenAndLateOnesKept() {
        var w = Window(width: 1000, capacity: 10)
        w.add(1000)
        w.add(20_000)   // moves 19 buckets on: the first is gone
        #expect(w.sum(at: 20_000, range: 10_000) == 1)
        w.add(15_500)   // late but inside the ring: its own bucket
        #expect(w.sum(at: 16_000, range: 1000) == 1)
        #expect(w.sum(at: 20_000, range: 10_000) == 2)
    }

    @Test func storeCountsLateRecordsAtTheNewestTime() {
        let set = try! patternSet("patterns:\n  - {name: a, class: timeout, severity: low, match: x}\n")
        let store = SeriesStore(patterns: set, bucketWidth: 1000, largestRange: 60_000, allowedLateness: 5000)
        #expect(store.admit(100_000) == 100_000)
        #expect(store.admit(96_000) == 96_000)    // within the allowed lateness
        #expect(store.admit(90_000) == 100_000)   // too late: counted now
        #expect(store.lateRecords == 1)
    }
}
