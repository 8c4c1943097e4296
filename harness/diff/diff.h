/* SPDX-License-Identifier: MIT */
/*
 * diff.h - two engines side by side. The same inputs go to both: the
 * conformance suite (each case's verdict compared), and generated traffic,
 * seeded and reproducible: every algorithm configuration, mode, IP family,
 * UDP-ESP encapsulation, ESN and MDL shape both engines claim, sent and
 * received, well-formed and with one fault put in (an ICV, payload or
 * sequence-number byte changed; with lengths, a frame cut short or an IP
 * length that lies).
 *
 * Send side: the transmitted bytes are compared exactly when both engines
 * take injected IVs; otherwise each engine receives the other's frame and
 * both must get the packet back. Receive side: the OOB slots (CryptoDone,
 * NextCryptoDone, CryptoStatus, SaDeleteReq, the header information) and
 * the bytes indicated are compared.
 *
 * Divergences are grouped by a signature that names the domain and the
 * difference: direction, protocol and mode (with UDP-ESP and ESN), and
 * the outcome pair or the first field that differs, e.g. "receive
 * esp/tunnel: CryptoStatus CRYPTO_SUCCESS | CRYPTO_TUNNEL_ESP_AUTH_FAILED".
 * Signatures hold no offsets, keys, values or counts, so one fault gives
 * one signature, the same in every run; each keeps its count, the
 * algorithm configurations and faults put in that it was seen with, and
 * its smallest example.
 */
#ifndef IPOC_DIFF_H
#define IPOC_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host.h"
#include "rpt.h"

struct dopts {
	uint64_t seed;
	unsigned count;             /* generated traffic items */
	bool lengths;               /* faults whose outcome the docs leave open */
	int item;                   /* >= 0: only this item, told in detail */
	bool verbose;
	unsigned jobs;              /* processes sharing the items (0, 1: this one) */
	/* With jobs > 1, a side (0 A, 1 B) in the engine host process is
	 * loaded again for each job: 0, or -1. */
	int (*reload)(void *arg, int side, struct eh **out);
	void *reload_arg;
};

/* One engine of the pair. */
struct dside {
	struct eh *eh;
	NDIS_OFFLOAD caps;
	const char *label;          /* "A" or "B" in reports */
};

/* How often a name (an algorithm configuration, a fault) came with a
 * signature. */
struct dtally {
	char name[72];
	unsigned n;
};

#define DSIG_TALLY 48

/* A divergence class. */
struct dsig {
	char sig[256];
	unsigned count;
	struct dtally algs[DSIG_TALLY], faults[8];
	unsigned n_algs, n_faults, more_algs;
	char example[160];          /* the smallest example: "item 17 (seed 1)", a case id */
	uint32_t example_len;       /* its frame length, to keep the smallest */
	char detail[640];           /* what each engine did, for the example */
};

struct dresult {
	struct dsig *sigs;
	unsigned n_sigs, cap_sigs;
	unsigned items, compared, excluded, faults;
	unsigned divergent;         /* items or cases with a divergence */
};

void dresult_free(struct dresult *r);
/* Count a divergence under sig, seen with algorithm configuration alg and
 * fault (either may be NULL); the example is kept when its length is the
 * smallest so far. 0, or -1 when out of memory. */
int dresult_add(struct dresult *r, const char *sig, const char *alg, const char *fault,
		const char *example, uint32_t len, const char *detail);
/* Print the signatures, most frequent first. */
void dresult_print(const struct dresult *r, FILE *out);

/* The divergences of d as failed results of group in r (id "GROUP: SIG",
 * why: the count, where it was seen and the smallest example), or one
 * passed result "GROUP" saying what agreed when there are none; what
 * names the comparison (the result's rule). 0, or -1. */
int dresult_to_rpt(const struct dresult *d, struct rpt *r, const char *group, const char *what,
		   unsigned compared);

/* Generated traffic through a and b (ref: the reference engine in this
 * process, which frames and seals). Faults of either engine are counted
 * as divergences (the host restarts it). Progress to stderr when asked.
 * With o->jobs > 1 the items are shared out among forked jobs, each with
 * engine hosts of its own, and counted in item order: the same result and
 * lines as one process.
 * Returns 0, or -1 when the harness itself could not run. */
int diff_traffic(struct dside *a, struct dside *b, struct eh *ref, const struct dopts *o,
		 struct dresult *out, FILE *log, bool progress);

/* One generated item as the decisions that make it: what the seeded
 * generator draws for item i, or what a fuzzer's bytes decode to. */
struct ditem {
	uint32_t alg, alg2;         /* configurations (valg_all, modulo its size); alg2:
				     * the inner SA of transport over tunnel */
	uint8_t mode;               /* 0 transport, 1 tunnel, 2 transport over tunnel */
	uint8_t family, inner_family;   /* 4 or 6 */
	uint8_t udp;                /* 0 none; else the mode's UDP-ESP type (transport
				     * over tunnel: 1 the outer SA's, 2 the inner's) */
	bool esn, opts, send;
	uint8_t fault;              /* receive: clean, icv-first, icv-last, payload, seq,
				     * cut, ip-length */
	uint8_t shape;              /* one MDL, one cut, some cuts, one byte per MDL */
	uint32_t payload;           /* upper-layer bytes (modulo 1200) */
	uint64_t rng;               /* keys, cuts, where a fault goes */
};

/* Decode the first 16 bytes of p (n bytes; missing ones read as 0) into an
 * item; faults whose outcome the docs leave open only with lengths.
 * Returns the bytes used. Every byte string is an item. */
size_t ditem_decode(const uint8_t *p, size_t n, bool lengths, struct ditem *d);

/* What one item came to. */
struct dverdict {
	bool run;                   /* both engines claim it and it was framed */
	unsigned faults;            /* engine crashes, hangs or exits */
	char domain[80];            /* "receive esp/tunnel/esn" */
	char sig[256];              /* the divergence's signature, "" when they agree */
	char example[160];          /* the item in words */
	char detail[640];           /* what each engine did */
};

/* Item d through a and b (ref frames and seals): 1 when the engines
 * diverge (v->sig), 0 when they agree or the item is not run (v->run). */
int diff_one(struct dside *a, struct dside *b, struct eh *ref, const struct ditem *d,
	     struct dverdict *v);

#endif /* IPOC_DIFF_H */
