#ifndef FATHOM_CISAL_SHIM_H
#define FATHOM_CISAL_SHIM_H
/* Intel's ISA-L: isal_inflate, the deflate decoder fathom uses for gzip (3-4x zlib's speed). */
#include <stddef.h>
#include <isa-l/igzip_lib.h>

/* The bytes of an inflate_state that a resumed decoder needs: everything before the output buffer
 * (bit buffer, Huffman tables, block state, CRC) and the part of that buffer in use (the history
 * window and output not yet handed out). The rest of tmp_out_buffer is scratch. */
static inline size_t fathom_isal_state_bytes(const struct inflate_state *state) {
    size_t used = state->tmp_out_valid > 0 ? (size_t)state->tmp_out_valid : 0;
    if (used > sizeof(state->tmp_out_buffer)) used = sizeof(state->tmp_out_buffer);
    return offsetof(struct inflate_state, tmp_out_buffer) + used;
}
#endif
