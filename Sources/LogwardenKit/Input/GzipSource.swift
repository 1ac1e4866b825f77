import CZlib

/// Inflates gzip data from another source, member after member: `cat a.gz b.gz` is valid
/// gzip and holds both files.
public final class GzipSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    private let name: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnd = false
    private var finished = false
    private var initialized = false

    public init(_ upstream: Upstream, name: String, chunkSize: Int = 256 * 1024) throws(InputError) {
        self.upstream = upstream
        self.name = name
        input = .allocate(byteCount: chunkSize, alignment: 16)
        guard lw_inflate_init_gzip(&stream) == Z_OK else {
            input.deallocate()
            throw InputError.corruptGzip(path: name, detail: "zlib could not start")
        }
        initialized = true
    }

    /// Starts with bytes the caller already read (to sniff the magic number).
    public convenience init(_ upstream: Upstream, name: String, prefix: [UInt8]) throws(InputError) {
        try self.init(upstream, name: name)
        prefix.withUnsafeBytes { src in input.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(prefix.count)
    }

    deinit {
        if initialized { inflateEnd(&stream) }
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if finished {
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            return 0
        }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnd {
                let n = try upstream.read(into: input)
                if n == 0 { inputEnd = true } else {
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                }
            }
            if stream.avail_in == 0 && inputEnd {
                let produced = buffer.count - Int(stream.avail_out)
                if produced > 0 { return produced }
                finished = true
                if !atMemberBoundary { throw InputError.corruptGzip(path: name, detail: "unexpected end of file") }
                return 0
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                atMemberBoundary = false
            case Z_STREAM_END:
                atMemberBoundary = true
                // Another member may follow; anything that is not gzip after a member is ignored, as gzip -d does.
                inflateReset(&stream)
                if stream.avail_in == 0 && !inputEnd {
                    let n = try upstream.read(into: input)
                    if n == 0 { inputEnd = true } else {
                        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        stream.avail_in = uInt(n)
                    }
                }
                if stream.avail_in > 0, stream.next_in[0] != 0x1f {
                    stream.avail_in = 0
                    inputEnd = true
                }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                finished = true
                let produced = buffer.count - Int(stream.avail_out)
                let error = InputError.corruptGzip(path: name, detail: detail)
                if produced > 0 {
                    pendingError = error  // hand out what was inflated first
                    return produced
                }
                throw error
            }
        }
        return buffer.count
    }

    private var atMemberBoundary = false
    private var pendingError: InputError?
}
