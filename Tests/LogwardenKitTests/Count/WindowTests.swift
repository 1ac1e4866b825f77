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

    /// Times are kept as offsets into their bucket: the first and last of every bucket come
    /// back exact, at both edges, before 1970, and through cells and replay.
    @Test func firstAndLastTimesComeBackExact() {
        var w = Window(width: 15_000, capacity: 64)
        let times: [EpochMillis] = [-29_999, -15_000, -14_999, -1, 0, 1, 7_777, 15_000, 15_001, 29_999, 30_000, 1_795_305_600_001]
        for t in times.dropLast() { w.add(t) }
        #expect(w.span(at: 0, range: 15_000)! == (-14_999, 0))
        #expect(w.span(at: 30_000, range: 60_000)! == (-29_999, 30_000))
        #expect(w.span(at: 15_000, range: 15_000)! == (1, 15_000))
        var copy = Window(width: 15_000, capacity: 64)
        for cell in w.cells() { copy.replay(cell) }
        #expect(copy.cells() == w.cells())
        #expect(w.cells().first == Window.Cell(bucket: -1, first: -29_999, last: -15_000, count: 2))
        var late = Window(width: 60_000, capacity: 8)
        late.add(times.last!)
        late.add(times.last! + 59_999)
        #expect(late.span(at: times.last! + 59_999, range: 60_000)! == (times.last!, times.last! + 59_999))
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
