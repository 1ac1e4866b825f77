#ifndef LOGWARDEN_CCURL_SHIM_H
#define LOGWARDEN_CCURL_SHIM_H
#include <curl/curl.h>
#include <string.h>

// curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls one typed function per kind.
static inline CURLcode lw_curl_set_long(CURL *h, CURLoption option, long value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode lw_curl_set_pointer(CURL *h, CURLoption option, const void *value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode lw_curl_set_blob(CURL *h, CURLoption option, void *data, size_t length) {
    struct curl_blob blob = { data, length, CURL_BLOB_COPY };
    return curl_easy_setopt(h, option, &blob);
}
static inline size_t lw_curl_discard(char *data, size_t size, size_t count, void *user) {
    (void)data; (void)user;
    return size * count;
}
// The reply's body is not needed: Alertmanager and webhooks answer with a status.
static inline CURLcode lw_curl_discard_body(CURL *h) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, lw_curl_discard);
}
static inline long lw_curl_status(CURL *h) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}
static inline const char *lw_curl_default_cainfo(CURL *h) {
    char *path = NULL;
    curl_easy_getinfo(h, CURLINFO_CAINFO, &path);
    return path;
}
#endif
