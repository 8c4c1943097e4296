/* SPDX-License-Identifier: MIT */
/*
 * vcase.h - the conformance suite's cases: data, in numbered tables per
 * area (cases_<area>.c), each with a stable id, what it needs of the
 * engine's capability report, its inputs, the check it runs, and the rule
 * it checks (a rule id of the spec digest, an RFC section, or a point of
 * engine/PROFILE.md, the project's reading where the docs are silent).
 *
 * A table row is either one case or a matrix: a row whose params leave a
 * dimension open (algorithm, mode, family, encapsulation) expands into one
 * case per value, the id growing a suffix per dimension, e.g.
 * "send-001/aes-gcm-128.icv16/tunnel/ipv6/udp". Ids are stable: they come
 * from the row number and the values, never from positions in a list.
 */
#ifndef IPOC_VCASE_H
#define IPOC_VCASE_H

#include <stdbool.h>
#include <stdint.h>

#include "ipoc/ndis.h"
#include "ipoc_alg.h"

struct vctx;
struct vcase;

/* What a case needs of the capability report (besides its algorithms). */
enum vneed {
	VN_ESP = 1u << 0,
	VN_AH = 1u << 1,
	VN_AH_ESP = 1u << 2,        /* an [ESP, AH] bundle */
	VN_TRANSPORT = 1u << 3,
	VN_TUNNEL = 1u << 4,
	VN_TOT = 1u << 5,           /* transport over tunnel */
	VN_IPV6 = 1u << 6,
	VN_V4_OPTIONS = 1u << 7,
	VN_V6_EXT = 1u << 8,
	VN_LSO = 1u << 9,
	VN_ESN = 1u << 10,
	VN_UDP_TRANSPORT = 1u << 11,        /* UdpEsp bit 1 */
	VN_UDP_TUNNEL = 1u << 12,           /* bit 2 */
	VN_UDP_TOT_OUTER = 1u << 13,        /* bit 4: transport over a UDP tunnel */
	VN_UDP_TOT_INNER = 1u << 14,        /* bit 8: UDP transport over a tunnel */
	VN_V1 = 1u << 15,                   /* IPsecOV1: any V1 ESP or AH */
	VN_V1_ESP = 1u << 16,
	VN_V1_AH = 1u << 17,
	VN_V1_DES = 1u << 18,               /* IPv4ESP.Des */
	VN_V1_3DES = 1u << 19,              /* IPv4ESP.TripleDes */
	VN_V1_MD5 = 1u << 20,               /* IPv4AH.Md5 (integrity in ESP too) */
	VN_V1_SHA1 = 1u << 21,              /* IPv4AH.Sha_1 */
	VN_V1_BUNDLE = 1u << 22,            /* Supported.AhEspCombined */
};

/* One SA member as a case describes it (algorithms by their
 * IPSEC_OFFLOAD_V2_* identifiers; 0: none). */
struct vmember {
	uint32_t op;                /* IPsecOffloadV2Esp / IPsecOffloadV2Ah */
	uint32_t enc, auth;
	uint32_t icv;               /* AES-GCM ICV bytes (AdditionalInfo) */
};

/* An algorithm configuration of a matrix: an ESP member, an AH member, or
 * an [ESP, AH] bundle. */
struct valg {
	const char *name;           /* id part: "aes-cbc-128+hmac-sha1-96" */
	uint32_t n;                 /* members: 1 or 2 */
	struct vmember m[2];
};

enum vmode { VM_TRANSPORT = 0, VM_TUNNEL, VM_TOT, VM_COUNT };

/* UDP-ESP encapsulation of a case (the IPSEC_OFFLOAD_V2_* values). */
enum vudp { VU_NONE = 0, VU_TRANSPORT = 1, VU_TUNNEL = 2, VU_TOT_OUTER = 4, VU_TOT_INNER = 8 };

/* The inputs of a case; what a matrix row leaves open is filled per case. */
struct vparams {
	const struct valg *alg;     /* level-0 SA (the tunnel SA of transport over tunnel) */
	const struct valg *alg2;    /* the inner transport SA of transport over tunnel */
	enum vmode mode;
	int family;                 /* 4 or 6 */
	int inner_family;           /* tunnel: the inner packet's (0: as family) */
	enum vudp udp;
	bool opts;                  /* IPv4 options / IPv6 extension headers */
	bool esn;
	uint32_t payload;           /* upper-layer data bytes */
	int variant;                /* what a body does differently per row */
	int arg;                    /* a body's number (a count, an offset, a status) */
};

/* A check: runs the case on x and leaves its verdict there. */
typedef void (*vbody)(struct vctx *x, const struct vcase *c);

/* Matrix dimensions a row leaves open. */
enum vopen {
	VO_ALG = 1u << 0,           /* every ESP and AH algorithm configuration */
	VO_ALG_ESP = 1u << 1,       /* every ESP configuration */
	VO_MODE = 1u << 2,          /* transport and tunnel */
	VO_FAMILY = 1u << 3,        /* IPv4 and IPv6 */
	VO_UDP = 1u << 4,           /* none, and the UDP-ESP type of the mode */
	VO_ALG_CORE = 1u << 5,      /* one configuration per cipher kind */
	VO_ALG_IV = 1u << 6,        /* every ESP configuration with an IV */
	VO_ALG_ICV = 1u << 7,       /* every configuration with an ICV */
};

struct vcase {
	char id[96];
	const char *area;
	const char *title;
	const char *rule;
	uint32_t needs;             /* enum vneed bits, beyond what params imply */
	vbody body;
	struct vparams p;
	uint32_t open;              /* rows only: enum vopen */
};

/* A table of an area. */
struct vtable {
	const char *area;
	const char *what;           /* one line for --list and the report */
	const struct vcase *rows;
	unsigned n;
};

/* The areas, in order (cases_*.c). */
extern const struct vtable vt_caps, vt_sa, vt_send, vt_receive, vt_class, vt_udp, vt_esn,
	vt_lso, vt_v1, vt_shapes, vt_own, vt_timing;

/* Every algorithm configuration of the matrices, and the few "core" ones
 * (one per cipher kind) rows use where all would only repeat. Filled from
 * their names before main (valg.c), from the algorithm table: read them,
 * never write them. */
extern struct valg valg_all[];
extern unsigned valg_all_n;
extern struct valg valg_core[];
extern unsigned valg_core_n;
/* A configuration from its name ("esp.3des-cbc+hmac-sha1-96"; valg.c
 * says the form), through the algorithm table; aborts on a name that is
 * not one (a programming error). out->name is name. */
void valg_parse(const char *name, struct valg *out);
/* A configuration by name, or NULL. */
const struct valg *valg_find(const char *name);

/* The cases of every table, matrices expanded, into *out (malloc'd). */
int vcases_expand(struct vcase **out, unsigned *n);

/* What the case needs, from its params and needs. */
uint32_t vcase_needs(const struct vcase *c);
/* Why the capability report excludes the case (a short phrase), or NULL. */
const char *vcase_excluded(const struct vcase *c, const NDIS_OFFLOAD *caps, char *buf,
			   size_t len);

#endif /* IPOC_VCASE_H */
