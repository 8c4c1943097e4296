/* SPDX-License-Identifier: MIT */
/*
 * ipoc_nbl.h - building NET_BUFFER_LISTs from flat frames with any MDL
 * chain shape, guard bytes around every MDL buffer, flattening back.
 *
 * Each MDL's buffer is its own allocation laid out as
 *     [guard IPOC_NBL_GUARD_LEN][ByteCount bytes][guard IPOC_NBL_GUARD_LEN]
 * with the guards filled with a known pattern. ipoc_nbl_check_guards()
 * finds writes outside a buffer; in an AddressSanitizer build the guards are
 * also poisoned, so that reads outside a buffer abort at once.
 *
 * Head- and tailroom bytes are filled with 0xEE, so that code which wrongly
 * treats them as frame data does not see plausible zero padding.
 *
 * Ownership: everything ipoc_nbl_build() allocates is freed by
 * ipoc_nbl_free(). The builder's bookkeeping hangs off
 * nbl->ProtocolReserved[0] (the harness is the protocol side; the
 * MiniportReserved areas stay zero for the engine under test). Engines
 * under test may change bytes in place and the NBL's Status and
 * NetBufferListInfo[]; they must not free, re-link or resize MDLs. Guard
 * checks and freeing do not follow the links, so they still work if one
 * does.
 */
#ifndef IPOC_NBL_H
#define IPOC_NBL_H

#include <stddef.h>
#include <stdint.h>

#include "ipoc/ndis.h"
#include "ipoc_cursor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IPOC_NBL_GUARD_LEN 16u
#define IPOC_NBL_ERRBUF_SIZE 256u

/* How one frame is laid out over MDLs. */
struct ipoc_mdl_shape {
	const uint32_t *cuts;  /* frame offsets where a new MDL begins: strictly
	                          increasing, each in (0, len); NULL if n_cuts 0 */
	uint32_t n_cuts;
	uint32_t headroom;     /* unused data space before the frame, in the
	                          first MDL (becomes DataOffset/CurrentMdlOffset) */
	uint32_t tailroom;     /* spare bytes after the frame in the last MDL */
};

/* One frame to place in a NET_BUFFER. */
struct ipoc_frame {
	const uint8_t *data;
	uint32_t len;
	struct ipoc_mdl_shape shape;   /* all zero = one MDL, no head/tail room */
};

/* Build one NBL holding n NET_BUFFERs (n >= 1), frame i in NB i. Each NB
 * gets n_cuts + 1 MDLs; MdlChain == CurrentMdl == the first one,
 * DataOffset == CurrentMdlOffset == headroom, DataLength == len. A
 * zero-length frame takes no cuts (its single MDL may have ByteCount 0 and
 * still has a real, guarded address). Returns 0 and sets *out, or -1 with
 * *out set to NULL and a message in err (errlen bytes, may be 0) that names
 * the frame and the bad field, frames and cuts counted from 0 (e.g. "frame
 * 2: cut 3 (=40) is not greater than cut 2 (=40)"). Nothing is leaked on
 * failure. */
int ipoc_nbl_build(NET_BUFFER_LIST **out, const struct ipoc_frame *frames, size_t n,
		   char *err, size_t errlen);

/* Free an NBL built by ipoc_nbl_build (NULL is fine). Only this NBL, not
 * nbl->Next. */
void ipoc_nbl_free(NET_BUFFER_LIST *nbl);
/* Free a chain of them linked through Next. */
void ipoc_nbl_free_chain(NET_BUFFER_LIST *chain);

/* Check every guard of every MDL of every NB of nbl. Returns 0 when all are
 * intact; otherwise -1 and err names the NB, the MDL (both from 0), the side
 * (before / after) and the first corrupted byte, as an offset from the
 * start of the MDL's buffer (-1 is the byte just before it, ByteCount the
 * byte just after). Also -1 when nbl was not built by ipoc_nbl_build. */
int ipoc_nbl_check_guards(const NET_BUFFER_LIST *nbl, char *err, size_t errlen);

/* Copy nb's used data space into out (cap bytes). Returns 0 and sets *len,
 * or -1 when cap is too small or nb is invalid. */
int ipoc_nb_flatten(const NET_BUFFER *nb, uint8_t *out, size_t cap, uint32_t *len);

/* Number of NET_BUFFERs / MDLs (in nb's chain). */
size_t ipoc_nbl_nb_count(const NET_BUFFER_LIST *nbl);
size_t ipoc_nb_mdl_count(const NET_BUFFER *nb);

/* Shape generators: each writes cut offsets into cuts (capacity cap) and
 * returns the number written, or -1 when cap is too small or the request
 * makes no sense for len. */
/* The 2-way split at offset at (0 < at < len). */
int ipoc_shape_split2(uint32_t len, uint32_t at, uint32_t *cuts, size_t cap);
/* k MDLs (k >= 1, k <= len): k - 1 distinct, increasing cut points drawn
 * from *seed (xorshift64, deterministic; *seed 0 stands for a fixed
 * non-zero constant; *seed is advanced, except on failure and for k == 1,
 * which need no draw). */
int ipoc_shape_random(uint32_t len, uint32_t k, uint64_t *seed, uint32_t *cuts, size_t cap);
/* One MDL per byte (len - 1 cuts; len >= 1). */
int ipoc_shape_bytes(uint32_t len, uint32_t *cuts, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* IPOC_NBL_H */
