#if canImport(Glibc)
import Glibc
#endif
import GRDB

/// The SQLite state database (WAL), opened only after it is known to be ours: a new file is
/// created with mode 0600, an existing one must carry logwarden's application id. Schema
/// changes are versioned migrations.
public final class StateFile {
    public let path: String
    let queue: DatabaseQueue
    private let lock: StateLock?

    /// "LWD1" in SQLite's header: how a state file is told from any other database.
    static let applicationID: Int32 = 0x4C57_4431

    /// Opens for a run (locked, created if missing) or, `readOnly`, for `history` while a
    /// run may be writing (no lock; WAL lets readers in).
    public init(path: String, wait: Bool = false, readOnly: Bool = false) throws(StateError) {
        self.path = path
        if readOnly {
            guard access(path, R_OK) == 0 else { throw .cannotOpen(path: path, reason: InputError.reason(errno)) }
            var config = Configuration()
            config.readonly = true
            do { queue = try DatabaseQueue(path: path, configuration: config) } catch { throw Self.mapOpen(error, path) }
            lock = nil
            try checkOwnership()
            return
        }
        lock = try StateLock(path: path, wait: wait)
        if access(path, F_OK) != 0 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .cannotOpen(path: path, reason: InputError.reason(errno)) }
            close(fd)
        }
        var config = Configuration()
        config.label = "logwarden-state"
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.mapOpen(error, path)
        }
        try checkOwnership()
        do {
            try queue.writeWithoutTransaction { db in
                // Only now that the file is known to be ours is anything written to it.
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            var migrator = DatabaseMigrator()
            StateSchema.register(&migrator)
            if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) { throw StateError.newerVersion(path: path) }
            try migrator.migrate(queue)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)") }
        } catch let error as StateError {
            throw error
        } catch {
            throw Self.mapWrite(error, path)
        }
    }

    /// Ours, or new and empty; anything else is left untouched.
    private func checkOwnership() throws(StateError) {
        let path = self.path
        do {
            try queue.inDatabase { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if id != Self.applicationID && (id != 0 || objects > 0) { throw StateError.foreign(path: path) }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw Self.mapOpen(error, path)
        }
    }

    /// Runs `body` in one transaction: all of it is committed, or none.
    func transaction<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.write(body) } catch { throw Self.mapWrite(error, path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.read(body) } catch { throw Self.mapOpen(error, path) }
    }

    static func mapOpen(_ error: any Error, _ path: String) -> StateError {
        if let e = error as? StateError { return e }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path, detail: db.message ?? "\(db.resultCode)")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return .cannotOpen(path: path, reason: db.message ?? "\(db.resultCode)")
            default: return mapWrite(error, path)
            }
        }
        return .cannotOpen(path: path, reason: "\(error)")
    }

    static func mapWrite(_ error: any Error, _ path: String) -> StateError {
        if let e = error as? StateError { return e }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_FULL: return .writeFailed(path: path, reason: "the disk is full")
            case .SQLITE_READONLY: return .writeFailed(path: path, reason: "the file or its folder is read-only")
            case .SQLITE_IOERR: return .writeFailed(path: path, reason: "I/O error (\(db.message ?? "disk full or removed?"))")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path, detail: db.message ?? "\(db.resultCode)")
            default: return .writeFailed(path: path, reason: db.message ?? "\(db.resultCode)")
            }
        }
        return .writeFailed(path: path, reason: "\(error)")
    }
}
