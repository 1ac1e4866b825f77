import CCurl
import Foundation

/// A blocking HTTP POST through libcurl, for the delivery thread. libcurl rather than
/// URLSession because on Linux URLSession cannot trust an extra CA, and Alertmanagers
/// behind a private CA are common.
public struct HTTPClient: Sendable {
    /// The PEM bundle that https requests trust: the system's CAs plus `--alertmanager-ca-file`.
    /// nil trusts the system's CAs alone.
    public let trustedCAs: [UInt8]?

    /// curl_global_init is not thread-safe; a static let runs it once, before any request.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

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
        if initialized, let h = curl_easy_init() {
            if let system = lw_curl_default_cainfo(h), let data = FileManager.default.contents(atPath: String(cString: system)) {
                bundle = Array(data) + [UInt8(ascii: "\n")]
            }
            curl_easy_cleanup(h)
        }
        return HTTPClient(trustedCAs: bundle + Array(extra))
    }

    /// POSTs `body` as JSON and returns the status code, or why there is none.
    public func post(url: String, body: String, headers: [String], timeout: Double) -> Result<Int, Delivery.DeliveryFailure> {
        guard Self.initialized, let h = curl_easy_init() else {
            return .failure(.init(description: "libcurl could not start"))
        }
        defer { curl_easy_cleanup(h) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in ["Content-Type: application/json", "Expect:"] + headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var payload = Array(body.utf8)
        var ca = trustedCAs ?? []
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            payload.withUnsafeMutableBytes { bytes in
                ca.withUnsafeMutableBytes { caBytes in
                    _ = lw_curl_set_pointer(h, CURLOPT_URL, url)
                    _ = lw_curl_set_pointer(h, CURLOPT_HTTPHEADER, list)
                    _ = lw_curl_set_pointer(h, CURLOPT_USERAGENT, "logwarden/\(ScanMetrics.version)")
                    _ = lw_curl_set_long(h, CURLOPT_POST, 1)
                    _ = lw_curl_set_long(h, CURLOPT_POSTFIELDSIZE, bytes.count)
                    _ = lw_curl_set_pointer(h, CURLOPT_POSTFIELDS, bytes.baseAddress)
                    _ = lw_curl_set_long(h, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
                    _ = lw_curl_set_long(h, CURLOPT_NOSIGNAL, 1)  // no SIGALRM in a threaded process
                    _ = lw_curl_set_long(h, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
                    _ = lw_curl_set_pointer(h, CURLOPT_ERRORBUFFER, errors.baseAddress)
                    _ = lw_curl_discard_body(h)
                    if trustedCAs != nil {
                        _ = lw_curl_set_blob(h, CURLOPT_CAINFO_BLOB, caBytes.baseAddress, caBytes.count)
                    }
                    return curl_easy_perform(h)
                }
            }
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(.init(description: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        return .success(lw_curl_status(h))
    }
}
