#ifndef FATHOM_CISAL_SHIM_H
#define FATHOM_CISAL_SHIM_H
/* Intel's ISA-L: isal_inflate, the deflate decoder fathom uses for gzip (3-4x zlib's speed). */
#include <isa-l/igzip_lib.h>
#endif
