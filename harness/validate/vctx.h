/* SPDX-License-Identifier: MIT */
/*
 * vctx.h - what a conformance case works with: the engine under test (in
 * the engine host), the reference engine as oracle (in this process), the
 * capability report read up front, and helpers that turn a case's
 * description into SAs, frames and checks, and record the first thing that
 * did not hold.
 *
 * Every helper that talks to the engine returns false (or NULL) once the
 * case has its verdict: a check failed, or the engine crashed, hung or
 * exited (the runner restarts its host before the next case). Bodies are
 * written as straight lines of `if (!helper(...)) return;`.
 *
 * Keys are drawn per case from a generator seeded by the case id, so every
 * run of a case uses the same keys and no two cases share them; an inbound
 * and an outbound SA built with the same key number get the same keys.
 */
#ifndef IPOC_VCTX_H
#define IPOC_VCTX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "frame_build.h"
#include "host.h"
#include "sa_build.h"
#include "vcase.h"
#include "verdict.h"

struct vr_log;

#define VX_MAX_INST 8u

struct vopts {
	unsigned max_faults;
	const char *repro_dir;      /* where reproducers go; NULL: none */
	bool verbose;
	unsigned timing_runs;       /* --area timing: receive calls per class */
	const char *version;        /* this ipoc's version, for the case files */
};

struct vresult {
	enum verdict v;
	char why[768];
	char allowed[200];          /* a profile point that allowed what was seen */
	char repro[600];            /* the reproducer written, or "" */
	bool not_run;               /* skipped: the run had stopped (--max-faults) */
};

struct vctx {
	struct eh *eh;              /* the engine under test */
	struct eh *ref;             /* the reference engine, the oracle */
	NDIS_OFFLOAD caps;          /* the engine's capability report */
	const struct vopts *o;
	const struct vcase *c;
	struct vresult r;
	uint64_t rng;               /* the case's generator */
	uint32_t next_spi;
	uint32_t inst[VX_MAX_INST], rinst[VX_MAX_INST];
	unsigned n_inst, n_rinst;
	/* The case's exchanges with the engine and its SAs, for the files a
	 * case that does not pass leaves (vrepro.h); NULL: not kept. */
	struct vr_log *log;
};

/* ---- verdicts ---- */

bool vx_ok(const struct vctx *x);
/* The case failed: the first reason is kept. Returns false. */
bool vx_fail(struct vctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The case cannot run, for this reason. Returns false. */
bool vx_skip(struct vctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An engine operation did not return EH_OK. Returns false. */
bool vx_fault(struct vctx *x, enum eh_rc rc);
/* Record that a profile point allowed what the engine did. */
void vx_allowed(struct vctx *x, const char *point);

/* Deterministic bytes of the case's generator. */
uint32_t vx_rand(struct vctx *x);
void vx_fill(struct vctx *x, uint8_t *p, size_t n);

/* ---- instances ---- */

/* An engine instance (closed when the case ends); UINT32_MAX after a
 * verdict. params may be NULL. */
uint32_t vx_open(struct vctx *x, const struct ipoc_open_params *p);
/* A reference-engine instance. */
uint32_t vx_ref_open(struct vctx *x);
/* Close one early (the case's end closes the rest). */
bool vx_close(struct vctx *x, uint32_t inst);

/* ---- SAs ---- */

/* The SA spec of a configuration for the IP level l: members with the
 * profile's key lengths and fresh SPIs (stored in *spi for reuse; 0: new),
 * addresses from l, the direction, UDP-ESP type and ESN. */
void vx_spec(struct vctx *x, const struct valg *a, const struct fb_level *l, bool inbound,
	     enum vudp udp, bool esn, struct sa_spec *out);
/* The same SA for the other direction (SPIs and keys kept). */
struct sa_spec vx_reverse(const struct sa_spec *sp);

/* The key bytes an ADD_SA of key number key carries for member (0, 1),
 * which 1: the encryption key, 2: the authentication key. */
void vx_key(const struct vctx *x, uint32_t key, uint32_t member, uint32_t which, uint8_t *p,
	    uint32_t n);

/* ADD_SA buffer of sp with the case's keys number key (the same key for the
 * same number), in b; *len the InformationBufferLength. */
IPSEC_OFFLOAD_V2_ADD_SA *vx_add_buf(struct vctx *x, struct sa_buf *b, const struct sa_spec *sp,
				    uint32_t key, uint32_t *len);

/* ADD_SA of sp on the engine: *st the status, *h the handle. false after a
 * fault. */
bool vx_add(struct vctx *x, uint32_t inst, const struct sa_spec *sp, uint32_t key,
	    NDIS_STATUS *st, NDIS_HANDLE *h);
/* The same, and it must succeed: an engine that claims what sp needs and
 * refuses it fails the case (capability honesty). */
bool vx_add_ok(struct vctx *x, uint32_t inst, const struct sa_spec *sp, uint32_t key,
	       NDIS_HANDLE *h);
/* On the reference engine; must succeed. */
bool vx_ref_add(struct vctx *x, uint32_t rinst, const struct sa_spec *sp, uint32_t key,
		NDIS_HANDLE *h);
/* Any OID on the engine (relocs/handles as eh_oid). */
bool vx_oid(struct vctx *x, uint32_t inst, struct eh_oid *q);
/* DELETE_SA of n handles in one list; *st the status. */
bool vx_delete(struct vctx *x, uint32_t inst, const NDIS_HANDLE *h, unsigned n, NDIS_STATUS *st);
/* UPDATE_SA of the member (op, spi) of the bundle h. */
bool vx_update(struct vctx *x, uint32_t inst, NDIS_HANDLE h, uint32_t op, ULONG spi,
	       ULONG high, NDIS_STATUS *st);

/* ---- frames ---- */

/* The frame a case sends (p's mode, families, options, UDP, payload) and
 * the SA specs of its levels: sp[0] level 0, sp[1] the inner transport SA
 * of transport over tunnel (*n_sa 1 or 2). Outbound specs. */
bool vx_frame(struct vctx *x, const struct vparams *p, uint32_t seq, struct sa_spec sp[2],
	      uint32_t *n_sa, struct fb_spec *fs, struct fb_frame *f);

/* Where the IV/ICV fields (FIELD) and the ciphertext (CIPHER) of f are. */
enum { VX_FIELD = 1, VX_CIPHER = 2 };
void vx_mask(const struct fb_spec *fs, const struct fb_frame *f, const struct sa_spec *sp,
	     uint32_t n_sa, uint8_t *mask);

/* Seal f with the reference engine through the outbound specs, into wire
 * (f->len bytes). Keys and IVs are those of key number key + i for sp[i]. */
bool vx_seal(struct vctx *x, const struct sa_spec *sp, uint32_t n_sa, uint32_t key,
	     const struct fb_frame *f, uint8_t *wire);
/* Receive wire (len bytes) on the reference engine with the inbound twins
 * of sp: *slot1, *slot12 and the bytes back in out (len bytes). */
bool vx_unseal(struct vctx *x, const struct sa_spec *sp, uint32_t n_sa, uint32_t key,
	       const uint8_t *wire, uint32_t len, uintptr_t *slot1, uintptr_t *slot12,
	       uint8_t *out);

/* ---- the data path ---- */

/* Slots of a send: OffloadHandle, TunnelHandle, header information, LSO. */
struct vx_tx {
	NDIS_HANDLE offload, tunnel;
	uint32_t hdr;
	uintptr_t lso;
};

/* Send / receive one frame (shape NULL: one MDL) on the engine. NULL after
 * a fault. The NBL's contract (came back once, guards, structures, nothing
 * transmitted after completion) is checked: a breach fails the case and
 * gives NULL too. */
const struct eh_io_out *vx_send(struct vctx *x, uint32_t inst, const uint8_t *frame,
				uint32_t len, const struct ipoc_mdl_shape *shape,
				enum ipoc_nbl_guard guard, const struct vx_tx *t);
const struct eh_io_out *vx_recv(struct vctx *x, uint32_t inst, const uint8_t *frame,
				uint32_t len, const struct ipoc_mdl_shape *shape,
				enum ipoc_nbl_guard guard);
/* Several NBLs at once, as given; the contract of each is checked. */
const struct eh_io_out *vx_io(struct vctx *x, uint32_t inst, bool receive,
			      const struct eh_io_in *in);
/* The contract of NBL i of o (direction named by back: "completed",
 * "indicated"). */
bool vx_contract(struct vctx *x, const struct eh_io_out *o, uint32_t i, const char *back);

/* The IVs of key number key, per member (as keys are: the same number,
 * the same IVs). */
void vx_ivs(const struct vctx *x, uint32_t key, uint8_t ivs[2][16]);
/* The IV hook: inject ivs[i] for member i of the SA h; a no-op when the
 * engine has no hook. */
bool vx_inject(struct vctx *x, struct eh *eh, uint32_t inst, NDIS_HANDLE h,
	       const struct sa_spec *sp, uint8_t ivs[2][16]);

/* The slot-1 and slot-12 words a receive of f must give: CryptoDone,
 * NextCryptoDone for two portions, CryptoStatus st; header information of
 * the innermost ESP trailer on success. */
uintptr_t vx_want_slot1(uint32_t n_sa, uint16_t st);
uintptr_t vx_want_slot12(const struct fb_spec *fs, const struct fb_frame *f);

/* Compare n bytes got with want outside the mask bits; fails the case with
 * the offset and what the bytes are. */
bool vx_same(struct vctx *x, const char *what, const uint8_t *got, const uint8_t *want,
	     uint32_t n, const uint8_t *mask, uint8_t bits);

/* A word as "CRYPTO_SUCCESS CryptoDone NextCryptoDone SaDeleteReq". */
const char *vx_slot1_text(uintptr_t w, char *buf, size_t len);

#endif /* IPOC_VCTX_H */
