#ifndef LOGWARDEN_CCURL_SHIM_H
#define LOGWARDEN_CCURL_SHIM_H
// libcurl is opened with dlopen when a notification is first sent, not linked: it pulls in
// some thirty libraries (TLS, Kerberos, LDAP, ...) that a run without --alertmanager or
// --webhook should neither load nor keep resident. Only its header is used at build time.
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

typedef struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} lw_curl_api;

// Fills `api` from libcurl.so.4; 0 on success, else -1 (dlerror() says why).
static inline int lw_curl_load(lw_curl_api *api) {
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) return -1;
    api->global_init = (CURLcode (*)(long))dlsym(h, "curl_global_init");
    api->easy_init = (CURL *(*)(void))dlsym(h, "curl_easy_init");
    api->easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(h, "curl_easy_setopt");
    api->easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))dlsym(h, "curl_easy_getinfo");
    api->easy_perform = (CURLcode (*)(CURL *))dlsym(h, "curl_easy_perform");
    api->easy_cleanup = (void (*)(CURL *))dlsym(h, "curl_easy_cleanup");
    api->easy_strerror = (const char *(*)(CURLcode))dlsym(h, "curl_easy_strerror");
    api->slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))dlsym(h, "curl_slist_append");
    api->slist_free_all = (void (*)(struct curl_slist *))dlsym(h, "curl_slist_free_all");
    if (!api->global_init || !api->easy_init || !api->easy_setopt || !api->easy_getinfo || !api->easy_perform
        || !api->easy_cleanup || !api->easy_strerror || !api->slist_append || !api->slist_free_all) return -1;
    return 0;
}

static inline const char *lw_dlerror(void) { return dlerror(); }

// curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls one typed function per kind.
static inline CURLcode lw_curl_set_long(const lw_curl_api *api, CURL *h, CURLoption option, long value) {
    return api->easy_setopt(h, option, value);
}
static inline CURLcode lw_curl_set_pointer(const lw_curl_api *api, CURL *h, CURLoption option, const void *value) {
    return api->easy_setopt(h, option, value);
}
static inline CURLcode lw_curl_set_blob(const lw_curl_api *api, CURL *h, CURLoption option, void *data, size_t length) {
    struct curl_blob blob = { data, length, CURL_BLOB_COPY };
    return api->easy_setopt(h, option, &blob);
}
static inline size_t lw_curl_discard(char *data, size_t size, size_t count, void *user) {
    (void)data; (void)user;
    return size * count;
}
// The reply's body is not needed: Alertmanager and webhooks answer with a status.
static inline CURLcode lw_curl_discard_body(const lw_curl_api *api, CURL *h) {
    return api->easy_setopt(h, CURLOPT_WRITEFUNCTION, lw_curl_discard);
}
static inline long lw_curl_status(const lw_curl_api *api, CURL *h) {
    long status = 0;
    api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}
static inline const char *lw_curl_default_cainfo(const lw_curl_api *api, CURL *h) {
    char *path = NULL;
    api->easy_getinfo(h, CURLINFO_CAINFO, &path);
    return path;
}
#endif
