/// A state file that cannot be used. Every message names the file and says what to do;
/// nothing is ever written over a file logwarden did not create.
public enum StateError: Error, Sendable, CustomStringConvertible {
    case locked(path: String, pid: Int32?)
    case notADatabase(path: String, detail: String)
    case foreign(path: String)
    case newerVersion(path: String)
    case cannotOpen(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .locked(path, pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(path): the state file is in use by \(holder); wait for it with --wait, or stop it"
        case let .notADatabase(path, detail):
            return "\(path): not a logwarden state file (\(detail)); it was left untouched: move it away or name another --state file"
        case let .foreign(path):
            return "\(path): an SQLite database of another program; it was left untouched: name another --state file"
        case let .newerVersion(path):
            return "\(path): written by a newer logwarden; upgrade logwarden or name another --state file"
        case let .cannotOpen(path, reason):
            return "\(path): cannot open the state file: \(reason); check the folder exists and is writable"
        case let .writeFailed(path, reason):
            return "\(path): cannot write the state file: \(reason); what was not committed will be read again next run"
        }
    }
}
