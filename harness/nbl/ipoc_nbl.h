/* SPDX-License-Identifier: MIT */
/*
 * ipoc_nbl.h - building NET_BUFFER_LISTs from flat frames with any MDL
 * chain shape, guards around every MDL buffer, flattening back, and the
 * checks that an engine touched only what it owns.
 *
 * Each MDL's buffer is its own allocation. With ipoc_nbl_build() it is laid
 * out as
 *     [guard IPOC_NBL_GUARD_LEN][ByteCount bytes][guard IPOC_NBL_GUARD_LEN]
 * with the guards filled with a known pattern; ipoc_nbl_check_guards()
 * finds writes outside a buffer, and in an AddressSanitizer build the
 * guards are also poisoned, so that reads outside a buffer abort at once.
 * With ipoc_nbl_build_ex() and a guard-page side (ipoc_gpage.h), each
 * buffer lies against a PROT_NONE page, so the first byte read or written
 * past its end (IPOC_NBL_GUARD_TAIL) or before its start
 * (IPOC_NBL_GUARD_HEAD) faults; guard bytes stay on the other side.
 *
 * Head- and tailroom bytes, and a leading MDL of unused space (shape.lead),
 * are filled with 0xEE, so that code which wrongly treats them as frame
 * data does not see plausible zero padding; they are unused data space,
 * which ipoc_nbl_check_guards() also checks was not written.
 *
 * Every MDL describes its buffer as the memory manager does: StartVa is
 * page aligned, ByteOffset the buffer's offset in that page, MappedSystemVa
 * the buffer (= StartVa + ByteOffset).
 *
 * Ownership: everything ipoc_nbl_build() allocates is freed by
 * ipoc_nbl_free(). The builder's bookkeeping hangs off
 * nbl->ProtocolReserved[0] (the harness is the protocol side; the
 * MiniportReserved areas stay zero for the engine under test). Engines
 * under test may change bytes of the used data space in place, the NBL's
 * Status, Scratch and MiniportReserved, the NBs' MiniportReserved, the
 * NBL's Next (to chain completions) and the OOB slots their direction
 * allows; nothing else (ipoc_nbl_check_meta()). Guard checks and freeing do
 * not follow the links, so they still work if an engine broke them.
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
	uint32_t lead;         /* > 0: one more MDL first, of lead bytes of unused
	                          space, so that CurrentMdl is not MdlChain and
	                          DataOffset = lead + headroom */
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

/* Where guards go (ipoc_nbl_build_ex). */
enum ipoc_nbl_guard {
	IPOC_NBL_GUARD_BYTES = 0,   /* malloc'd buffers, guard bytes both sides */
	IPOC_NBL_GUARD_TAIL = 1,    /* a PROT_NONE page right after each buffer */
	IPOC_NBL_GUARD_HEAD = 2,    /* a PROT_NONE page right before each buffer */
};

struct ipoc_nbl_opts {
	enum ipoc_nbl_guard guard;
};

/* ipoc_nbl_build with options (NULL: as ipoc_nbl_build). */
int ipoc_nbl_build_ex(NET_BUFFER_LIST **out, const struct ipoc_frame *frames, size_t n,
		      const struct ipoc_nbl_opts *opts, char *err, size_t errlen);

/* Free an NBL built by ipoc_nbl_build (NULL is fine). Only this NBL, not
 * nbl->Next. */
void ipoc_nbl_free(NET_BUFFER_LIST *nbl);
/* Free a chain of them linked through Next. */
void ipoc_nbl_free_chain(NET_BUFFER_LIST *chain);

/* Done with nbl (as ipoc_nbl_free): an NBL of one NB in one MDL with its
 * buffer in a guard-page cell is kept, with its cell, and built again by a
 * later ipoc_nbl_build_ex of one frame in one MDL that fits that cell (as
 * a fresh NBL in every field, ipoc_gpage.h's cell memory not cleared, as
 * ever); any other NBL is freed. The kept ones are the process's (at most
 * a few hundred); ipoc_nbl_pool_drain frees them. Not thread-safe. */
void ipoc_nbl_recycle(NET_BUFFER_LIST *nbl);
void ipoc_nbl_pool_drain(void);

/* Check every guard of every MDL of every NB of nbl, and that no byte of
 * unused data space (headroom, tailroom, the lead MDL) changed. Returns 0
 * when all are intact; otherwise -1 and err names the NB, the MDL (both
 * from 0), the side (before / after) and the first corrupted byte, as an
 * offset from the start of the MDL's buffer (-1 is the byte just before it,
 * ByteCount the byte just after), or the unused byte written. Also -1 when
 * nbl was not built by ipoc_nbl_build. */
int ipoc_nbl_check_guards(const NET_BUFFER_LIST *nbl, char *err, size_t errlen);

/* Bit i of a slot mask stands for NetBufferListInfo[i]. */
#define IPOC_SLOT_BIT(i) (1u << (i))

/*
 * Check that the NBL, its NBs and their MDLs are as built, but for what an
 * engine owns (see Ownership above) and the OOB slots in writable_slots.
 * Returns 0, or -1 with err naming the structure and field, e.g.
 * "NB 0 MDL 2: ByteCount 7, built 9" or "NBL: OOB slot 4 changed". Also -1
 * when nbl was not built by ipoc_nbl_build.
 */
int ipoc_nbl_check_meta(const NET_BUFFER_LIST *nbl, uint32_t writable_slots, char *err,
			size_t errlen);

/* Take nbl as it is now (after the caller set its OOB slots, say) as what
 * ipoc_nbl_check_meta compares with. */
void ipoc_nbl_meta_snapshot(NET_BUFFER_LIST *nbl);

/* The NB (from 0) whose address is nb, or -1 when nb is none of nbl's. */
long ipoc_nbl_nb_index(const NET_BUFFER_LIST *nbl, const NET_BUFFER *nb);
/* NB i of nbl as built, whatever its links say now; NULL when out of range
 * or nbl was not built by ipoc_nbl_build. */
const NET_BUFFER *ipoc_nbl_nb_built(const NET_BUFFER_LIST *nbl, size_t i);

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
