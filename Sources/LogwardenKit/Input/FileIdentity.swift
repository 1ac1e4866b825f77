/// What identifies a file between runs, besides its first bytes.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Modification time in nanoseconds.
    public var modified: Int64
}

/// The first bytes of an input (up to 1 KiB, decompressed for gzip), hashed with FNV-1a:
/// stable across runs, so a file renamed, rotated or compressed is still recognised.
public struct Fingerprint: Sendable, Equatable {
    public static let maxLength = 1024
    public var length: Int
    public var hash: Int64

    public init(_ head: ArraySlice<UInt8>) {
        length = head.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in head {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        hash = Int64(bitPattern: h)
    }

    init(length: Int, hash: Int64) {
        self.length = length
        self.hash = hash
    }

    /// True when `head` starts with the bytes this fingerprint was taken of.
    public func matches(_ head: [UInt8]) -> Bool {
        length > 0 && head.count >= length && Fingerprint(head[0..<length]) == self
    }
}
