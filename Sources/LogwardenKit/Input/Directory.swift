#if canImport(Glibc)
import Glibc
#endif

/// Walking folders for inputs (`scan logs/`) and rule files (`--rules rules/`).
public enum Directory {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The files below `directory` whose names `keep` accepts, recursively, in name order;
    /// hidden files and folders are skipped.
    public static func files(in directory: String, where keep: (String) -> Bool) -> [String] {
        let names = entries(directory)
        var out: [String] = []
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for name in names.sorted() {
            let path = base + "/" + name
            if exists(path) { out += files(in: path, where: keep) } else if keep(name) { out.append(path) }
        }
        return out
    }

    /// The names in `directory`, without hidden ones, in no particular order.
    public static func entries(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
