#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A small HTTP/1.1 server for `/metrics` and the status API: one thread, one request per
/// connection, bodies rendered by the watch loop ahead of time. Enough for Prometheus
/// scrapes and people with curl, without an event-loop framework in a log agent.
public final class HTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
    }

    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String

        public init(status: Int = 200, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        static func reason(_ status: Int) -> String {
            switch status {
            case 200: return "OK"
            case 400: return "Bad Request"
            case 404: return "Not Found"
            case 405: return "Method Not Allowed"
            case 503: return "Service Unavailable"
            default: return "Error"
            }
        }
    }

    public struct BindError: Error, CustomStringConvertible, Sendable {
        public var address: String
        public var reason: String
        public var description: String { "--listen \(address): \(reason)" }
    }

    private let fd: Int32
    /// The address actually bound (port 0 becomes the port the kernel chose).
    public let host: String
    public let port: Int
    private let handler: @Sendable (Request) -> Response

    /// Binds `address` (`HOST:PORT`, `:PORT` for 127.0.0.1, port 0 for any free port).
    public init(listen address: String, handler: @escaping @Sendable (Request) -> Response) throws(BindError) {
        guard let colon = address.lastIndex(of: ":"), let wanted = UInt16(address[address.index(after: colon)...]) else {
            throw BindError(address: address, reason: "write it as HOST:PORT, e.g. 127.0.0.1:9433 or :9433")
        }
        var host = String(address[..<colon])
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        if host.hasPrefix("[") { throw BindError(address: address, reason: "IPv6 addresses are not supported yet; use an IPv4 address") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = wanted.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw BindError(address: address, reason: "'\(host)' is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BindError(address: address, reason: InputError.reason(errno)) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = InputError.reason(errno)
            close(fd)
            throw BindError(address: address, reason: "\(reason); choose another port or stop what holds it")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.host = host
        port = Int(UInt16(bigEndian: actual.sin_port))
        self.handler = handler
    }

    /// Serves on a thread of its own until `stop`.
    public func start() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "logwarden-http"
        thread.start()
    }

    public func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // stopped
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            // A client that sends nothing must not hold the only thread.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Headers only: no endpoint takes a body.
        while data.count < 16 * 1024 {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            data.append(contentsOf: buffer[0..<n])
            if data.count >= 4, containsHeaderEnd(data) { break }
        }
        let text = String(decoding: data, as: UTF8.self)
        let first = text.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = first.split(separator: " ")
        let response: Response
        if parts.count >= 2 {
            var path = String(parts[1])
            if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
            response = handler(Request(method: String(parts[0]), path: path))
        } else {
            response = Response(status: 400, body: "bad request\n")
        }
        let body = Array(response.body.utf8)
        let head = "HTTP/1.1 \(response.status) \(Response.reason(response.status))\r\nContent-Type: \(response.contentType)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        send(client, Array(head.utf8) + body)
    }

    private func containsHeaderEnd(_ data: [UInt8]) -> Bool {
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 { return true }
        return false
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if n < 0, errno == EINTR { continue }
                return
            }
            done += n
        }
    }
}
