#ifndef FATHOM_CXXHASH_SHIM_H
#define FATHOM_CXXHASH_SHIM_H
#include <xxhash.h>
#endif
