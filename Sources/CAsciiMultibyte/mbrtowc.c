// A fast path for mbrtowc(3) on ASCII bytes, defined in the executable so that it interposes
// on glibc's for libarchive.
//
// Why: libarchive's tar reader converts every regular file's name to a wide string (it looks for
// an old-style trailing '/'), one mbrtowc call per byte, and glibc's mbrtowc goes through the
// gconv machinery on each call: on an image of a million files that was 9 % of fathom's CPU time.
// An ASCII byte in the initial shift state is that same code point in every locale glibc
// supports for the C library's multibyte functions (all are ASCII-compatible), so the fast path
// returns what glibc would; every other call goes to glibc's own function.
#define _GNU_SOURCE
#include "CAsciiMultibyte.h"
#include <dlfcn.h>
#include <stdatomic.h>

typedef size_t (*mbrtowc_fn)(wchar_t *, const char *, size_t, mbstate_t *);

static mbrtowc_fn libc_mbrtowc(void) {
    static _Atomic(mbrtowc_fn) real = NULL;
    mbrtowc_fn f = atomic_load_explicit(&real, memory_order_acquire);
    if (f == NULL) {
        f = (mbrtowc_fn)dlsym(RTLD_NEXT, "mbrtowc");
        atomic_store_explicit(&real, f, memory_order_release);
    }
    return f;
}

size_t fathom_libc_mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps) {
    return libc_mbrtowc()(pwc, s, n, ps);
}

size_t mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps) {
    if (s != NULL && n > 0 && ps != NULL && (unsigned char)*s < 0x80 && mbsinit(ps)) {
        if (pwc != NULL) *pwc = (wchar_t)(unsigned char)*s;
        return *s == '\0' ? 0 : 1;
    }
    return libc_mbrtowc()(pwc, s, n, ps);
}
