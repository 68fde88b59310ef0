#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;
static char failure[512];

static void *symbol(void *library, const char *name, const char *file) {
    void *f = dlsym(library, name);
    if (!f && !failure[0]) snprintf(failure, sizeof failure, "%s has no %s (libcurl 7.85 or later is needed)", file, name);
    return f;
}

static void load(void) {
    const char *chosen = getenv("FATHOM_LIBCURL");
    const char *names[] = { chosen && chosen[0] ? chosen : "libcurl.so.4", "libcurl-gnutls.so.4" };
    int tries = chosen && chosen[0] ? 1 : 2;
    void *library = NULL;
    const char *file = names[0];
    for (int i = 0; i < tries && !library; i++) {
        file = names[i];
        library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) {
        snprintf(failure, sizeof failure, "libcurl is not installed (%s); on Debian or Ubuntu: apt install libcurl4", dlerror());
        return;
    }
    api.global_init = (CURLcode (*)(long))symbol(library, "curl_global_init", file);
    api.easy_init = (CURL *(*)(void))symbol(library, "curl_easy_init", file);
    api.easy_cleanup = (void (*)(CURL *))symbol(library, "curl_easy_cleanup", file);
    api.easy_reset = (void (*)(CURL *))symbol(library, "curl_easy_reset", file);
    api.easy_perform = (CURLcode (*)(CURL *))symbol(library, "curl_easy_perform", file);
    api.easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))symbol(library, "curl_easy_setopt", file);
    api.easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))symbol(library, "curl_easy_getinfo", file);
    api.slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))symbol(library, "curl_slist_append", file);
    api.slist_free_all = (void (*)(struct curl_slist *))symbol(library, "curl_slist_free_all", file);
    /* CURLOPT_PROTOCOLS_STR (7.85) is the newest option fathom sets */
    const curl_version_info_data *(*version_info)(CURLversion) =
        (const curl_version_info_data *(*)(CURLversion))symbol(library, "curl_version_info", file);
    if (failure[0]) return;
    const curl_version_info_data *v = version_info(CURLVERSION_NOW);
    if (!v || v->version_num < 0x075500) {
        snprintf(failure, sizeof failure, "%s is libcurl %s; fathom needs 7.85 or later", file, v ? v->version : "(unknown)");
        return;
    }
    ready = 1;
}

int fathom_curl_load(void) {
    pthread_once(&once, load);
    return ready;
}

const char *fathom_curl_error(void) { return failure; }

CURLcode fathom_curl_global_init(long flags) { return api.global_init(flags); }
CURL *fathom_curl_easy_init(void) { return api.easy_init(); }
void fathom_curl_easy_cleanup(CURL *h) { api.easy_cleanup(h); }
void fathom_curl_easy_reset(CURL *h) { api.easy_reset(h); }
CURLcode fathom_curl_easy_perform(CURL *h) { return api.easy_perform(h); }
struct curl_slist *fathom_curl_slist_append(struct curl_slist *list, const char *line) { return api.slist_append(list, line); }
void fathom_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode fathom_curl_set_long(CURL *h, CURLoption o, long v) { return api.easy_setopt(h, o, v); }
CURLcode fathom_curl_set_string(CURL *h, CURLoption o, const char *v) { return api.easy_setopt(h, o, v); }
CURLcode fathom_curl_set_pointer(CURL *h, CURLoption o, void *v) { return api.easy_setopt(h, o, v); }
CURLcode fathom_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return api.easy_setopt(h, o, v); }
CURLcode fathom_curl_set_write(CURL *h, CURLoption o, curl_write_callback v) { return api.easy_setopt(h, o, v); }
CURLcode fathom_curl_set_xferinfo(CURL *h, curl_xferinfo_callback v) { return api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }

long fathom_curl_response_code(CURL *h) {
    long code = 0;
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

CURLcode fathom_curl_os_errno(CURL *h, long *v) { return api.easy_getinfo(h, CURLINFO_OS_ERRNO, v); }
