/* SPDX-License-Identifier: MIT */
/*
 * vrepro.h - what a case that did not pass leaves beside its binary
 * reproducer NAME.repro (which `ipoc repro` replays request by request):
 *
 *   NAME.pcapng  the frames of the case: what the harness handed the engine
 *                and what came back ("send in" / "sent by the engine",
 *                "received" / "indicated"), each stamped with the time the
 *                harness handed it over or got it back (ns) and commented
 *                with the case id, the step, what came back with it
 *                (status, OOB slots) and why the case failed;
 *   NAME.esp_sa  the case's ESP SAs as Wireshark 4.0 esp_sa records, so the
 *                capture opens decrypted (SAs Wireshark 4.0 cannot use are
 *                named in '#' comment lines instead);
 *   NAME.case    the case as text: its id, the ipoc version and engine it
 *                ran with, what was expected and what was seen. A case is
 *                deterministic given its id and the ipoc version (keys,
 *                SPIs and frames come from the id's seed), so
 *                `ipoc validate --case NAME.case` runs exactly that case
 *                again (vrepro_case_read).
 *
 * The frames are collected as the case runs (vctx.c hands every exchange
 * with the engine under test to vr_note_in / vr_note_out; the reference
 * engine's are not recorded), and the SAs as their ADD_SA buffers are built
 * (vr_note_sa). A case that exchanges many frames (the timing probe) keeps
 * its first VR_HEAD and its last VR_TAIL, saying how many were left out.
 *
 * `ipoc vectors --repro-dir DIR` writes NAME.pcapng (the input frame, what
 * the engine produced, the expected frame) and NAME.esp_sa for each case x
 * direction x shape that did not pass (vrepro_vector, handed to the vector
 * runner as its vec_repro_fn).
 *
 * Format of NAME.case: '#' comment lines, then "ipoc-case 1", then one
 * "key value" line each: id, ipoc-version, engine, engine-name, area, rule,
 * title, expected, seen, allowed-by, reproducer, capture, keys. Values are
 * one line (line breaks in a reason are written as blanks).
 */
#ifndef IPOC_VREPRO_H
#define IPOC_VREPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h"
#include "sa_build.h"
#include "vec_run.h"

struct vctx;
struct vcase;
struct vresult;

#define VR_HEAD 256u            /* frames kept from the start of a case */
#define VR_TAIL 256u            /* and from its end */
#define VR_MAX_SA 32u           /* SAs kept per case */
#define VR_KEY_MAX 64u          /* bytes of one key (36 at most in the profile) */

/* ---- the record of one validate case ---- */

struct vr_log;

/* A fresh record (NULL when out of memory); free with vr_log_free. */
struct vr_log *vr_log_new(void);
void vr_log_free(struct vr_log *l);

/* The harness is about to hand the engine in (a send, or a receive): its
 * frames are recorded as "send in" / "received". */
void vr_note_in(struct vr_log *l, bool receive, const struct eh_io_in *in);
/* What came back of the exchange noted last: rc how the call went, o its
 * results when rc is EH_OK. Transmitted frames become "sent by the
 * engine", indicated ones "indicated"; statuses and slots are added to the
 * comments. */
void vr_note_out(struct vr_log *l, bool receive, enum eh_rc rc, const struct eh_io_out *o);
/* An SA of the case (an ADD_SA buffer built of sp with keys number key). */
void vr_note_sa(struct vr_log *l, const struct sa_spec *sp, uint32_t key);
/* The case got its verdict now: the exchange noted last is the one to
 * point at. */
void vr_note_verdict(struct vr_log *l);

/* Where the case's files go: stem is NAME (NAME.repro without ".repro"). */
struct vr_where {
	const char *stem;
	const char *repro;          /* the .repro written, or NULL */
	const char *version;        /* this ipoc's version */
	const struct eh_info *engine;
};

/* Write NAME.pcapng, NAME.esp_sa and NAME.case of the case x ran (its
 * verdict in res). 0, or -1 with err naming the file that failed. */
int vrepro_write(const struct vctx *x, const struct vr_log *l, const struct vcase *c,
		 const struct vresult *res, const struct vr_where *w, char *err, size_t errlen);

/* ---- NAME.case read back ---- */

struct vr_case_file {
	char id[128];
	char version[64];
	char engine[4096];          /* "" when the file names none */
};

/* Read a case file. 0, or -1 with err ("FILE: why" or "FILE:LINE: why"):
 * unreadable, not a case file, or no id / ipoc-version in it. */
int vrepro_case_read(const char *path, struct vr_case_file *out, char *err, size_t errlen);

/* ---- Wireshark's esp_sa records ---- */

/* Keys of one SA, per member: [member][0] encryption, [1] authentication
 * (as many bytes as the member's key_len says). */
struct vr_sa_keys {
	uint8_t k[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS][2][VR_KEY_MAX];
};

/* The Wireshark 4.0 esp_sa record of ESP member i of sp with keys (eight
 * double-quoted fields, no line end) into line. 0; 1 when it is written
 * with authentication "[no checking]" (note says why); -1 when Wireshark
 * 4.0 cannot decrypt the member (note says why: AH, AES-GMAC, an unknown
 * algorithm). */
int vr_esp_sa_record(const struct sa_spec *sp, unsigned i, const struct vr_sa_keys *keys,
		     char *line, size_t len, char *note, size_t nlen);

/* Write an esp_sa file of the ESP members of n SAs: one record per
 * selector (addresses and SPI: Wireshark uses the first that matches), '#'
 * lines for what is left out and why. 0, or -1 (errno set). */
int vr_esp_sa_write(const char *path, const struct sa_spec *sp, const struct vr_sa_keys *keys,
		    unsigned n);

/* ---- ipoc vectors ---- */

/* vec_repro_fn's argument: where the files go and where to say so. */
struct vrepro_vec {
	const char *dir;
	FILE *out;
	unsigned written, errors;
};

/* Write DIR/NAME.pcapng and DIR/NAME.esp_sa for a vector failure, NAME
 * from the file, case, direction and shape; a line on out names them (or
 * says what could not be written). arg is a struct vrepro_vec. */
void vrepro_vector(void *arg, const struct vec_failure *f);

#endif /* IPOC_VREPRO_H */
