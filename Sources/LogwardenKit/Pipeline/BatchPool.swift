import Foundation

/// Reads and classifies batches of every open input on worker threads while the calling
/// thread counts them. Two kinds of work go through one queue: filling the next batch of
/// an input (one at a time per input, so it is read in order) and classifying a filled
/// batch (any number at once). The calling thread takes queued work too while its next
/// batch is not ready, so a worker per core besides it keeps every core busy without
/// more threads than cores. Each input keeps at most `depth` batches ahead of the
/// counting, which bounds memory. With no workers, `next` does both on the calling
/// thread: one code path, and output that cannot depend on the thread count.
final class BatchPool: @unchecked Sendable {
    /// Records per batch, at least (a batch ends between two reads of its input).
    static let batchSize = 1024

    private enum Job {
        case fill(Feed)
        case classify(Batch)
    }

    /// An input's batches as the pool hands them out, oldest first.
    final class Feed: @unchecked Sendable {
        let input: InputFeed
        fileprivate var ready: [Batch] = []
        fileprivate var filling = false
        fileprivate var ended = false

        fileprivate init(_ input: InputFeed) { self.input = input }
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var free: [Batch] = []
    private var stopping = false
    private var busy = 0
    private let workers: Int
    private let classifiers: [Classifier]
    let depth = 3

    init(patterns: PatternSet, workers: Int) {
        self.workers = workers
        // One more for the calling thread, which works while it waits.
        classifiers = (0...workers).map { _ in Classifier(patterns) }
        for i in 0..<workers {
            let thread = Thread { [self] in work(classifiers[i]) }
            thread.name = "logwarden-scan-\(i)"
            thread.start()
        }
    }

    /// Workers for this machine: one per core besides the calling thread's, up to 4 (on
    /// one core, none: the calling thread reads and classifies itself).
    static func workers() -> Int {
        min(ProcessInfo.processInfo.activeProcessorCount - 1, 4)
    }

    /// Starts reading an input ahead.
    func open(_ input: InputFeed) -> Feed {
        let feed = Feed(input)
        condition.lock()
        schedule(feed)
        condition.unlock()
        return feed
    }

    /// The feed's oldest batch, classified; its last one has `final` set. While it is not
    /// ready, the calling thread does queued work itself rather than wait.
    func next(_ feed: Feed) -> Batch {
        guard workers > 0 else {
            let batch = take()
            feed.input.fill(batch, minimum: Self.batchSize)
            batch.classify(with: classifiers[0])
            return batch
        }
        condition.lock()
        defer { condition.unlock() }
        while feed.ready.first?.classified != true {
            if jobs.isEmpty {
                condition.wait()
            } else {
                run(jobs.removeFirst(), classifier: classifiers[workers])
            }
        }
        let batch = feed.ready.removeFirst()
        schedule(feed)
        return batch
    }

    /// Gives a counted batch back for reuse.
    func recycle(_ batch: Batch) {
        batch.reset()
        condition.lock()
        free.append(batch)
        condition.unlock()
    }

    /// Ends the workers: work not yet started is dropped, and it returns once none is busy
    /// (a worker reading a pipe finishes that read first).
    func stop() {
        condition.lock()
        stopping = true
        jobs.removeAll()
        condition.broadcast()
        while busy > 0 { condition.wait() }
        condition.unlock()
    }

    // MARK: under the lock

    /// Queues the feed's next fill if it is not being filled, has not ended, and is not
    /// `depth` batches ahead.
    private func schedule(_ feed: Feed) {
        guard workers > 0, !feed.filling, !feed.ended, feed.ready.count < depth, !stopping else { return }
        feed.filling = true
        jobs.append(.fill(feed))
        condition.broadcast()
    }

    private func take() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        return free.popLast() ?? Batch(capacity: Self.batchSize)
    }

    private func work(_ classifier: Classifier) {
        condition.lock()
        while true {
            while jobs.isEmpty && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            run(jobs.removeFirst(), classifier: classifier)
        }
    }

    /// Does one job, called and returning with the lock held (it is let go meanwhile).
    private func run(_ job: Job, classifier: Classifier) {
        busy += 1
        switch job {
        case .fill(let feed):
            let batch = free.popLast() ?? Batch(capacity: Self.batchSize)
            condition.unlock()
            feed.input.fill(batch, minimum: Self.batchSize)
            condition.lock()
            feed.ready.append(batch)
            feed.filling = false
            feed.ended = batch.final
            if !stopping { jobs.append(.classify(batch)) }
            schedule(feed)
        case .classify(let batch):
            condition.unlock()
            batch.classify(with: classifier)
            condition.lock()
            batch.classified = true
        }
        busy -= 1
        condition.broadcast()
    }
}
