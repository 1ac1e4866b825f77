import GRDB

/// Where one input was left.
public struct InputPosition: Sendable {
    public var id: Int64?
    public var name: String
    public var file: FileIdentity
    public var fingerprint: Fingerprint
    public var resume: RecordFramer.Resume
    public var gzip: Bool
}

/// The positions of a state file, matched to the inputs of a run.
struct PositionTable {
    private(set) var rows: [InputPosition] = []
    private var dirty = Set<Int>()

    init(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM positions") {
            rows.append(InputPosition(
                id: row["id"], name: row["name"],
                file: FileIdentity(device: UInt64(bitPattern: row["device"]), inode: UInt64(bitPattern: row["inode"]),
                                   size: row["size"], modified: row["mtime"]),
                fingerprint: Fingerprint(length: row["fp_length"], hash: row["fp_hash"]),
                resume: RecordFramer.Resume(offset: row["offset"], line: row["line"], lastTime: row["last_time"],
                                            timestamped: row["timestamped"]),
                gzip: row["gzip"]))
        }
    }

    /// The stored position of the input whose first bytes are `head`: by fingerprint, the
    /// same device and inode first, then the longest fingerprint. A file with other first
    /// bytes at a known device and inode was truncated or replaced: it starts over.
    func lookup(_ file: FileIdentity, head: [UInt8]) -> Int? {
        var best: (index: Int, score: (Int, Int, Int64))? = nil
        for (i, row) in rows.enumerated() where row.fingerprint.matches(head) {
            let same = row.file.device == file.device && row.file.inode == file.inode
            let score = (same ? 1 : 0, row.fingerprint.length, row.resume.offset)
            if best == nil || score > best!.score { best = (i, score) }
        }
        return best?.index
    }

    subscript(_ index: Int) -> InputPosition { rows[index] }

    /// Records where `index` (or a new input) is now; returns its index.
    @discardableResult
    mutating func update(_ index: Int?, _ position: InputPosition) -> Int {
        if let index {
            var p = position
            p.id = rows[index].id
            rows[index] = p
            dirty.insert(index)
            return index
        }
        rows.append(position)
        dirty.insert(rows.count - 1)
        return rows.count - 1
    }

    mutating func save(_ db: Database, now: EpochMillis) throws {
        for i in dirty.sorted() {
            let p = rows[i]
            let args: StatementArguments = [
                p.name, Int64(bitPattern: p.file.device), Int64(bitPattern: p.file.inode), p.fingerprint.length, p.fingerprint.hash,
                p.resume.offset, p.resume.line, p.resume.lastTime, p.resume.timestamped, p.file.size, p.file.modified, p.gzip, now,
            ]
            if let id = p.id {
                try db.execute(sql: """
                    UPDATE positions SET name = ?, device = ?, inode = ?, fp_length = ?, fp_hash = ?, offset = ?, line = ?,
                    last_time = ?, timestamped = ?, size = ?, mtime = ?, gzip = ?, updated = ? WHERE id = \(id)
                    """, arguments: args)
            } else {
                try db.execute(sql: """
                    INSERT INTO positions(name, device, inode, fp_length, fp_hash, offset, line, last_time, timestamped,
                    size, mtime, gzip, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: args)
                rows[i].id = db.lastInsertedRowID
            }
        }
        dirty.removeAll()
    }
}
