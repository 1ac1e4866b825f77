import Foundation

/// A window's non-empty buckets as a blob: per bucket its index, first and last record
/// times (8 bytes each) and count (4), little-endian. One column per series instead of a
/// row per bucket.
enum WindowCells {
    static let size = 28

    static func encode(_ cells: [Window.Cell]) -> Data {
        var data = Data(capacity: cells.count * size)
        for c in cells {
            withUnsafeBytes(of: c.bucket.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: c.first.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: c.last.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: c.count.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [Window.Cell] {
        let bytes = [UInt8](data)
        var out: [Window.Cell] = []
        var i = 0
        func int64(_ at: Int) -> Int64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            return Int64(bitPattern: v)
        }
        while i + size <= bytes.count {
            var count: UInt32 = 0
            for k in 0..<4 { count |= UInt32(bytes[i + 24 + k]) << (8 * UInt32(k)) }
            out.append(Window.Cell(bucket: int64(i), first: int64(i + 8), last: int64(i + 16), count: Int32(bitPattern: count)))
            i += size
        }
        return out
    }
}
