#ifndef FATHOM_CASCIIMULTIBYTE_H
#define FATHOM_CASCIIMULTIBYTE_H
#include <stddef.h>
#include <wchar.h>

/// glibc's own mbrtowc, whatever this module's definition does (for tests).
size_t fathom_libc_mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps);

#endif
