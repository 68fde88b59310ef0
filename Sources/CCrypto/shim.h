#ifndef FATHOM_CCRYPTO_SHIM_H
#define FATHOM_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
