#ifndef FATHOM_CCURL_H
#define FATHOM_CCURL_H
#include <curl/curl.h>

/*
 * libcurl, loaded on first use (dlopen) rather than linked: it and the libraries it pulls in (TLS,
 * HTTP/2, IDN, Kerberos, LDAP, SSH…) cost about 6 MB of every process's memory, and only reading
 * from a registry or an engine's socket needs them.
 *
 * fathom_curl_load() loads it once (thread-safe): $FATHOM_LIBCURL when set, else libcurl.so.4 (the
 * soname of Debian's libcurl4), else libcurl-gnutls.so.4. It returns 1 when every function below is
 * ready, else 0, and fathom_curl_error() says what is missing. The other functions may be called only
 * after it returned 1. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
 * one typed function each.
 */
int fathom_curl_load(void);
const char *fathom_curl_error(void);

CURLcode fathom_curl_global_init(long flags);
CURL *fathom_curl_easy_init(void);
void fathom_curl_easy_cleanup(CURL *h);
void fathom_curl_easy_reset(CURL *h);
CURLcode fathom_curl_easy_perform(CURL *h);
struct curl_slist *fathom_curl_slist_append(struct curl_slist *list, const char *line);
void fathom_curl_slist_free_all(struct curl_slist *list);

CURLcode fathom_curl_set_long(CURL *h, CURLoption o, long v);
CURLcode fathom_curl_set_string(CURL *h, CURLoption o, const char *v);
CURLcode fathom_curl_set_pointer(CURL *h, CURLoption o, void *v);
CURLcode fathom_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v);
CURLcode fathom_curl_set_write(CURL *h, CURLoption o, curl_write_callback v);
CURLcode fathom_curl_set_xferinfo(CURL *h, curl_xferinfo_callback v);
long fathom_curl_response_code(CURL *h);
CURLcode fathom_curl_os_errno(CURL *h, long *v);
#endif
