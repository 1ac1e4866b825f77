import Foundation
import Testing

/// Records classified on several threads are counted in the order they were read, so any
/// `--threads` gives the same output as one thread: per-record classes, alerts, summary,
/// metrics, and with `--state` the same state. The mix spans many batches (1,024 records
/// each) and mixes every framing case (tracebacks, JSON, journald, nginx, postgres).
@Suite(.serialized) struct ParallelScanTests {
    static let mix: String = {
        let path = CLI.tempDir() + "/mix.log"
        let (status, out) = try! CLI.tool("/usr/bin/env", ["python3", CLI.root + "/bench/gen_logs.py", "60000",
                                                             "--seed", "7", "-o", path])
        precondition(status == 0, out)
        // Settled: with --state, a file written within the allowed lateness keeps its last
        // record for the next run, and runs on either side of that minute would differ.
        try! FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        return path
    }()

    func inputs() -> [String] {
        [Self.mix, "samples/", "Tests/Fixtures/real/"]
    }

    @Test func classifyGivesTheSameRowsOnAnyNumberOfThreads() throws {
        let one = try CLI.run(["classify", "--threads", "1", "--output", "tsv"] + inputs())
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.split(separator: "\n").count > 50_000)  // tracebacks join lines into records
        for n in ["2", "3"] {
            let many = try CLI.run(["classify", "--threads", n, "--output", "tsv"] + inputs())
            #expect(many.stdout == one.stdout, "--threads \(n) classified differently")
        }
    }

    @Test func scanGivesTheSameAlertsSummaryAndMetrics() throws {
        let dir = CLI.tempDir()
        let one = try CLI.run(["scan", "--threads", "1", "--output", "json", "--textfile", dir + "/one.prom"] + inputs())
        let many = try CLI.run(["scan", "--threads", "2", "--output", "json", "--textfile", dir + "/many.prom"] + inputs())
        #expect(one.status == many.status)
        #expect(one.stdout.contains("\"type\":\"alert\""), "the mix should fire alerts")
        #expect(many.stdout == one.stdout)
        #expect(try String(contentsOfFile: dir + "/many.prom", encoding: .utf8) == String(contentsOfFile: dir + "/one.prom", encoding: .utf8))
    }

    @Test func stateRunsCommitTheSameCounts() throws {
        let dir = CLI.tempDir()
        var outputs: [String] = []
        for n in ["1", "2"] {
            // A commit after every 1 MiB read: the workers are drained at each checkpoint.
            let r = try CLI.run(["scan", "--threads", n, "--state", dir + "/s\(n).db", "--commit-interval", "1ms",
                                 "--output", "json", "--textfile", dir + "/s\(n).prom", Self.mix])
            #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
            outputs.append(r.stdout)
        }
        #expect(outputs[0] == outputs[1])
        #expect(try String(contentsOfFile: dir + "/s2.prom", encoding: .utf8) == String(contentsOfFile: dir + "/s1.prom", encoding: .utf8))
    }
}
