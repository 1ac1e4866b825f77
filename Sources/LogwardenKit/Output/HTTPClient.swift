import CCurl
import Foundation

/// A blocking HTTP POST through libcurl, for the delivery thread. libcurl rather than
/// URLSession because on Linux URLSession cannot trust an extra CA, and Alertmanagers
/// behind a private CA are common.
public struct HTTPClient: Sendable {
    /// The PEM bundle that https requests trust: the system's CAs plus `--alertmanager-ca-file`.
    /// nil trusts the system's CAs alone.
    public let trustedCAs: [UInt8]?

    /// libcurl, opened and initialised once (a static let is thread-safe), on first use.
    final class Library: @unchecked Sendable {
        let api: lw_curl_api
        init(_ api: lw_curl_api) { self.api = api }
    }

    static let library: Result<Library, Delivery.DeliveryFailure> = {
        var api = lw_curl_api()
        guard lw_curl_load(&api) == 0 else {
            let why = lw_dlerror().map { String(cString: $0) } ?? "a function is missing"
            return .failure(.init(description: "cannot load libcurl (\(why)); install libcurl4"))
        }
        guard api.global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK else {
            return .failure(.init(description: "libcurl could not start"))
        }
        return .success(Library(api))
    }()

    public init(trustedCAs: [UInt8]? = nil) {
        self.trustedCAs = trustedCAs
    }

    /// The system's CA bundle (libcurl's default) followed by the PEM file at `path`.
    /// Throws, naming `flag`, when the file is unreadable or holds no certificate.
    public static func addingCA(file path: String, flag: String) throws(Delivery.DeliveryFailure) -> HTTPClient {
        guard let extra = FileManager.default.contents(atPath: path) else {
            throw Delivery.DeliveryFailure(description: "\(flag) \(path): cannot read it; check the path and its permissions")
        }
        guard String(decoding: extra, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw Delivery.DeliveryFailure(description: "\(flag) \(path): no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)")
        }
        var bundle: [UInt8] = []
        var api = try library.get().api
        if let h = api.easy_init() {
            if let system = lw_curl_default_cainfo(&api, h), let data = FileManager.default.contents(atPath: String(cString: system)) {
                bundle = Array(data) + [UInt8(ascii: "\n")]
            }
            api.easy_cleanup(h)
        }
        return HTTPClient(trustedCAs: bundle + Array(extra))
    }

    /// POSTs `body` as JSON and returns the status code, or why there is none.
    public func post(url: String, body: String, headers: [String], timeout: Double) -> Result<Int, Delivery.DeliveryFailure> {
        let lib: Library
        switch Self.library {
        case let .success(l): lib = l
        case let .failure(f): return .failure(f)
        }
        var api = lib.api
        guard let h = api.easy_init() else { return .failure(.init(description: "libcurl could not start")) }
        defer { api.easy_cleanup(h) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in ["Content-Type: application/json", "Expect:"] + headers { list = api.slist_append(list, header) }
        defer { api.slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var payload = Array(body.utf8)
        var ca = trustedCAs ?? []
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            payload.withUnsafeMutableBytes { bytes in
                ca.withUnsafeMutableBytes { caBytes in
                    _ = lw_curl_set_pointer(&api, h, CURLOPT_URL, url)
                    _ = lw_curl_set_pointer(&api, h, CURLOPT_HTTPHEADER, list)
                    _ = lw_curl_set_pointer(&api, h, CURLOPT_USERAGENT, "logwarden/\(ScanMetrics.version)")
                    _ = lw_curl_set_long(&api, h, CURLOPT_POST, 1)
                    _ = lw_curl_set_long(&api, h, CURLOPT_POSTFIELDSIZE, bytes.count)
                    _ = lw_curl_set_pointer(&api, h, CURLOPT_POSTFIELDS, bytes.baseAddress)
                    _ = lw_curl_set_long(&api, h, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
                    _ = lw_curl_set_long(&api, h, CURLOPT_NOSIGNAL, 1)  // no SIGALRM in a threaded process
                    _ = lw_curl_set_long(&api, h, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
                    _ = lw_curl_set_pointer(&api, h, CURLOPT_ERRORBUFFER, errors.baseAddress)
                    _ = lw_curl_discard_body(&api, h)
                    if trustedCAs != nil {
                        _ = lw_curl_set_blob(&api, h, CURLOPT_CAINFO_BLOB, caBytes.baseAddress, caBytes.count)
                    }
                    return api.easy_perform(h)
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(.init(description: detail.isEmpty ? (api.easy_strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)") : detail))
        }
        return .success(lw_curl_status(&api, h))
    }
}
