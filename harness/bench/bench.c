/* SPDX-License-Identifier: MIT */
/*
 * bench.c - see bench.h: SAs, frames, the check and the timing of one cell.
 *
 * Frames are Ethernet II + IPv4 (10.0.0.1 -> 10.0.0.2, protocol 50) + ESP
 * in transport mode, framed as TCP/IP hands them to an IPsecOV2 miniport:
 * ESP header (SPI, sequence number), an IV field of zeros, the payload (a
 * byte pattern, next header UDP), padding 1, 2, .., pad length, next header
 * and a zeroed ICV. NBL slot 1 carries the outbound OffloadHandle, slot 12
 * NextHeader | PadLength << 8 | EspHeaderOffset/4 << 24.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "ipoc_nbl.h"

enum {
	ETH = 14, IP4 = 20, ESP_HDR = 8, TRAILER = 2,
	NEXT_HEADER_UDP = 17, PAD_LEN = 2,
};

static const uint8_t spi_bytes[4] = { 0x00, 0x00, 0x10, 0x01 };
static const uint8_t addr_src[4] = { 10, 0, 0, 1 }, addr_dst[4] = { 10, 0, 0, 2 };

/* ---- SAs ---- */

/* One IPSEC_OFFLOAD_V2_ADD_SA with its keys, in pointer-aligned room. */
union add_sa_buf {
	IPSEC_OFFLOAD_V2_ADD_SA a;
	uint64_t w[64];
};

static void put_alg(IPSEC_OFFLOAD_V2_ALGORITHM_INFO *ai, ULONG id, uint32_t len, ULONG off,
		    ULONG add_info)
{
	ai->Identifier = id;
	ai->KeyLength = len;
	ai->KeyOffsetBytes = len ? off : 0;
	ai->AdditionalInfo = add_info;
}

static uint32_t build_add_sa(union add_sa_buf *u, const struct bench_sa *b, bool inbound)
{
	const struct bench_alg *al = b->alg;
	IPSEC_OFFLOAD_V2_ADD_SA *a = &u->a;
	IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION *sa = &a->SecAssoc[0];
	uint32_t len;

	memset(u, 0, sizeof(*u));
	a->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	a->Header.Revision = NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1;
	a->Header.Size = (USHORT)sizeof(*a);
	a->NumExtHdrs = 1;
	a->Flags = inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0;
	memcpy(&a->IPv4Endpoints.SrcAddr, addr_src, 4);
	memcpy(&a->IPv4Endpoints.DestAddr, addr_dst, 4);
	sa->Operation = IPsecOffloadV2Esp;
	memcpy(&sa->Spi, spi_bytes, 4);
	put_alg(&sa->EncryptionAlgorithm, al->enc_id, al->enc_key_len, 0,
		al->kind == BENCH_GCM ? al->icv_len : 0);
	put_alg(&sa->AuthenticationAlgorithm, al->auth_id, al->auth_key_len, al->enc_key_len, 0);
	memcpy(a->KeyData, b->enc_key, al->enc_key_len);
	memcpy(a->KeyData + al->enc_key_len, b->auth_key, al->auth_key_len);
	a->KeyLength = al->enc_key_len + al->auth_key_len;
	len = (uint32_t)offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData) + a->KeyLength;
	return len < NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1
		       ? (uint32_t)NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1 : len;
}

/* Does the engine's capability report claim ESP with b's algorithms? A
 * refusal of what it claims is a failure, not "unsupported". */
static bool claimed(const struct bench_sa *b)
{
	NDIS_OFFLOAD caps;
	const NDIS_IPSEC_OFFLOAD_V2 *v;

	memset(&caps, 0, sizeof(caps));
	if (session_oid(b->s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, &caps,
			sizeof(caps), NULL) != NDIS_STATUS_SUCCESS)
		return false;
	v = &caps.IPsecV2;
	return v->Esp && (!b->alg->enc_id || (v->EncryptionAlgorithms & b->alg->enc_id)) &&
	       (!b->alg->auth_id || (v->AuthenticationAlgorithms & b->alg->auth_id));
}

static int add_sa(struct bench_sa *b, bool inbound, NDIS_HANDLE *h)
{
	union add_sa_buf u;
	uint32_t len = build_add_sa(&u, b, inbound);
	NDIS_STATUS st;
	char name[48];

	b->s->last_log[0] = '\0';
	st = session_oid(b->s, IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, &u.a, len,
			 NULL);
	*h = u.a.OffloadHandle;
	if (st == NDIS_STATUS_SUCCESS && *h)
		return 0;
	b->status = st == NDIS_STATUS_NOT_SUPPORTED && !claimed(b) ? BENCH_UNSUPPORTED
									: BENCH_ERROR;
	snprintf(b->error, sizeof(b->error), "%s%s ADD_SA: %s%s%.160s",
		 st == NDIS_STATUS_NOT_SUPPORTED && b->status == BENCH_ERROR
			 ? "capability honesty: claimed, yet " : "",
		 inbound ? "inbound" : "outbound", ndis_status_name(st, name, sizeof(name)),
		 b->s->last_log[0] ? ": " : "", b->s->last_log);
	*h = NULL;
	return -1;
}

static void delete_sa(struct session *s, NDIS_HANDLE h)
{
	IPSEC_OFFLOAD_V2_DELETE_SA d;

	if (!h)
		return;
	memset(&d, 0, sizeof(d));
	d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d.Header.Size = (USHORT)sizeof(d);
	d.OffloadHandle = h;
	(void)session_oid(s, IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, &d,
			  sizeof(d), NULL);
}

void bench_sa_open(struct bench_sa *b, struct session *s, const struct bench_alg *a)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->alg = a;
	for (size_t i = 0; i < sizeof(b->enc_key); i++) {
		b->enc_key[i] = (uint8_t)(0x11 + i);
		b->auth_key[i] = (uint8_t)(0x51 + i);
	}
	if (add_sa(b, false, &b->out) != 0 || add_sa(b, true, &b->in) != 0)
		return;
	b->evp = bench_evp_new(a, b->enc_key, b->auth_key, b->error, sizeof(b->error));
	if (!b->evp)
		b->status = BENCH_ERROR;
	else
		b->mb = bench_mb_new(a, b->enc_key, b->auth_key, b->mb_note, sizeof(b->mb_note));
}

void bench_sa_close(struct bench_sa *b)
{
	delete_sa(b->s, b->out);
	delete_sa(b->s, b->in);
	bench_evp_free(b->evp);
	bench_mb_free(b->mb);
	memset(b, 0, sizeof(*b));
}

/* ---- frames ---- */

/* Where things are in one frame (offsets from the Ethernet header). */
struct layout {
	uint32_t ip_bytes, frame_len;
	uint32_t esp, esp_len;        /* ESP header .. end of ICV */
	uint32_t payload, payload_len, pad;
	uint32_t icv;
};

static void layout(const struct bench_alg *a, uint32_t size, struct layout *l)
{
	uint32_t over = IP4 + ESP_HDR + a->iv_len + a->icv_len, clen = a->block;

	if (size > over && size - over >= a->block)
		clen = (size - over) / a->block * a->block;
	l->ip_bytes = over + clen;
	l->frame_len = ETH + l->ip_bytes;
	l->esp = ETH + IP4;
	l->esp_len = l->ip_bytes - IP4;
	l->payload = l->esp + ESP_HDR + a->iv_len;
	l->pad = PAD_LEN;             /* clen >= 4: at least the trailer and two pad bytes */
	l->payload_len = clen - TRAILER - l->pad;
	l->icv = l->frame_len - a->icv_len;
}

uint32_t bench_ip_bytes(const struct bench_alg *a, uint32_t size)
{
	struct layout l;

	layout(a, size, &l);
	return l.ip_bytes;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void ip_checksum(uint8_t *ip)
{
	uint32_t sum = 0;

	for (int i = 0; i < IP4; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	be16(ip + 10, ~sum & 0xFFFF);
}

static void build_frame(uint8_t *f, const struct layout *l, uint32_t seq)
{
	static const uint8_t eth[ETH] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t *ip = f + ETH, *esp = f + l->esp, *t = f + l->payload + l->payload_len;

	memset(f, 0, l->frame_len);
	memcpy(f, eth, ETH);
	ip[0] = 0x45;
	be16(ip + 2, l->ip_bytes);
	be16(ip + 4, seq);
	ip[8] = 64;
	ip[9] = 50;
	memcpy(ip + 12, addr_src, 4);
	memcpy(ip + 16, addr_dst, 4);
	ip_checksum(ip);
	memcpy(esp, spi_bytes, 4);
	be16(esp + 6, seq);           /* sequence number, seq < 65536 */
	for (uint32_t i = 0; i < l->payload_len; i++)
		f[l->payload + i] = (uint8_t)(i * 7 + seq);
	for (uint32_t i = 0; i < l->pad; i++)
		t[i] = (uint8_t)(i + 1);
	t[l->pad] = (uint8_t)l->pad;
	t[l->pad + 1] = NEXT_HEADER_UDP;
}

/* ---- one cell ---- */

struct cell {
	struct bench_sa *b;
	struct layout l;
	NET_BUFFER_LIST *chain;
	uint8_t *frame[BENCH_BATCH];  /* the frames, in their MDL buffers */
	uint8_t *esp[BENCH_BATCH];    /* their ESP headers */
	uint8_t *plain;               /* BENCH_BATCH frames as TCP/IP framed them */
	uint8_t *cipher;              /* the same after the engine sealed them */
	uint8_t *tmp;                 /* one frame for EVP checks */
	struct bench_result *r;
};

static int fail(struct cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct cell *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->r->error, sizeof(c->r->error), fmt, ap);
	va_end(ap);
	c->r->status = BENCH_ERROR;
	return -1;
}

static uint8_t *plain_of(const struct cell *c, int i)
{
	return c->plain + (size_t)i * c->l.frame_len;
}

static uint8_t *cipher_of(const struct cell *c, int i)
{
	return c->cipher + (size_t)i * c->l.frame_len;
}

/* One NBL per frame, one MDL per NB; slot 1 and 12 as TCP/IP sets them. */
static int build_chain(struct cell *c)
{
	uint32_t hdr = NEXT_HEADER_UDP | c->l.pad << 8 | (uint32_t)(IP4 / 4) << 24;
	NET_BUFFER_LIST **link = &c->chain;
	char err[IPOC_NBL_ERRBUF_SIZE];

	for (int i = 0; i < BENCH_BATCH; i++) {
		struct ipoc_frame f = { plain_of(c, i), c->l.frame_len, { NULL, 0, 0, 0 } };
		struct ipoc_cursor cur;

		build_frame(plain_of(c, i), &c->l, (uint32_t)i + 1);
		if (ipoc_nbl_build(link, &f, 1, err, sizeof(err)) != 0)
			return fail(c, "NBL build: %s", err);
		if (ipoc_cursor_init(&cur, (*link)->FirstNetBuffer) != 0 ||
		    !(c->frame[i] = ipoc_cursor_contig(&cur, c->l.frame_len)))
			return fail(c, "NBL build: frame not in one MDL");
		c->esp[i] = c->frame[i] + c->l.esp;
		NET_BUFFER_LIST_INFO(*link, IPsecOffloadV2NetBufferListInfo) = c->b->out;
		NET_BUFFER_LIST_INFO(*link, IPsecOffloadV2HeaderNetBufferListInfo) =
			(PVOID)(uintptr_t)hdr;
		link = &(*link)->Next;
	}
	return 0;
}

static int cell_init(struct cell *c, struct bench_sa *b, uint32_t size, struct bench_result *r)
{
	memset(c, 0, sizeof(*c));
	c->b = b;
	c->r = r;
	layout(b->alg, size, &c->l);
	r->ip_bytes = c->l.ip_bytes;
	c->plain = malloc((size_t)BENCH_BATCH * c->l.frame_len);
	c->cipher = malloc((size_t)BENCH_BATCH * c->l.frame_len);
	c->tmp = malloc(c->l.frame_len);
	if (!c->plain || !c->cipher || !c->tmp)
		return fail(c, "out of memory");
	return build_chain(c);
}

static void cell_fini(struct cell *c)
{
	ipoc_nbl_free_chain(c->chain);
	free(c->plain);
	free(c->cipher);
	free(c->tmp);
}

static void restore(struct cell *c, const uint8_t *src)
{
	for (int i = 0; i < BENCH_BATCH; i++)
		memcpy(c->frame[i], src + (size_t)i * c->l.frame_len, c->l.frame_len);
}

/* ---- the four batch bodies (what is timed) and their after-checks ---- */

static int engine_send(struct cell *c)
{
	c->b->s->ops->send_net_buffer_lists(c->b->s->engine, c->chain, 0, 0);
	return 0;
}

static int engine_receive(struct cell *c)
{
	c->b->s->ops->receive_net_buffer_lists(c->b->s->engine, c->chain, 0);
	return 0;
}

static int evp_send(struct cell *c)
{
	for (int i = 0; i < BENCH_BATCH; i++)
		if (bench_evp_seal(c->b->evp, c->frame[i] + c->l.esp, c->l.esp_len, true) != 0)
			return -1;
	return 0;
}

static int evp_receive(struct cell *c)
{
	for (int i = 0; i < BENCH_BATCH; i++)
		if (bench_evp_open(c->b->evp, c->frame[i] + c->l.esp, c->l.esp_len) != 0)
			return -1;
	return 0;
}

static int mb_send(struct cell *c)
{
	return bench_mb_seal(c->b->mb, c->esp, BENCH_BATCH, c->l.esp_len, true) == 0 ? 0 : -1;
}

static int mb_receive(struct cell *c)
{
	return bench_mb_open(c->b->mb, c->esp, BENCH_BATCH, c->l.esp_len) == 0 ? 0 : -1;
}

static int sent_ok(struct cell *c)
{
	int i = 0;

	for (const NET_BUFFER_LIST *n = c->chain; n; n = n->Next, i++)
		if (n->Status != NDIS_STATUS_SUCCESS) {
			char name[48];

			return fail(c, "send: NBL %d completed with %s (%.160s)", i,
				    ndis_status_name(n->Status, name, sizeof(name)),
				    c->b->s->last_log);
		}
	return 0;
}

static int received_ok(struct cell *c)
{
	int i = 0;

	for (const NET_BUFFER_LIST *n = c->chain; n; n = n->Next, i++) {
		uint32_t w = (uint32_t)(uintptr_t)NET_BUFFER_LIST_INFO(n,
			IPsecOffloadV2NetBufferListInfo);

		if (!(w & IPSEC_RX_CRYPTO_DONE))
			return fail(c, "receive: frame %d indicated without CryptoDone", i);
		if (IPSEC_RX_CRYPTO_STATUS(w) != CRYPTO_SUCCESS)
			return fail(c, "receive: frame %d CryptoStatus %u, want CRYPTO_SUCCESS", i,
				    IPSEC_RX_CRYPTO_STATUS(w));
	}
	return 0;
}

/* ---- the check, once per cell, before anything is timed ---- */

static uint32_t first_diff(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint32_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Send the plaintext through the engine; its frames must be what EVP makes
 * of the same bytes with the engine's IV. Leaves them in c->cipher. */
static int check_send(struct cell *c)
{
	const struct layout *l = &c->l;
	unsigned tx = c->b->s->transmitted;

	restore(c, c->plain);
	engine_send(c);
	if (sent_ok(c) != 0)
		return -1;
	if (c->b->s->transmitted - tx != BENCH_BATCH)
		return fail(c, "send: %u frames transmitted, want %d", c->b->s->transmitted - tx,
			    BENCH_BATCH);
	for (int i = 0; i < BENCH_BATCH; i++) {
		uint32_t at;

		memcpy(c->tmp, plain_of(c, i), l->frame_len);
		memcpy(c->tmp + l->esp + ESP_HDR, c->frame[i] + l->esp + ESP_HDR, c->b->alg->iv_len);
		if (bench_evp_seal(c->b->evp, c->tmp + l->esp, l->esp_len, false) != 0)
			return fail(c, "EVP seal failed");
		at = first_diff(c->tmp, c->frame[i], l->frame_len);
		if (at != l->frame_len)
			return fail(c, "send: frame %d differs from EVP's ESP packet at byte %u", i, at);
		memcpy(cipher_of(c, i), c->frame[i], l->frame_len);
	}
	return 0;
}

/* Receive the engine's ciphertext: CRYPTO_SUCCESS and the plaintext back,
 * and EVP must open the same bytes. */
static int check_receive(struct cell *c)
{
	const struct layout *l = &c->l;
	uint32_t n = l->icv - l->payload;

	restore(c, c->cipher);
	engine_receive(c);
	if (received_ok(c) != 0)
		return -1;
	for (int i = 0; i < BENCH_BATCH; i++) {
		if (memcmp(c->frame[i] + l->payload, plain_of(c, i) + l->payload, n) != 0)
			return fail(c, "receive: frame %d does not decrypt to its plaintext", i);
		memcpy(c->tmp, cipher_of(c, i), l->frame_len);
		if (bench_evp_open(c->b->evp, c->tmp + l->esp, l->esp_len) != 0 ||
		    memcmp(c->tmp + l->payload, plain_of(c, i) + l->payload, n) != 0)
			return fail(c, "EVP does not open the engine's frame %d", i);
	}
	return 0;
}

/* The ipsec-mb column's bytes, checked as EVP's are: with the engine's IVs
 * its burst must make the engine's frames (which equal EVP's), with IVs of
 * its own EVP must open them, and it must open the engine's frames to the
 * plaintext. A failure takes the column out of the cell (mb_note says why);
 * the engine's and EVP's figures stand. */
static int mb_fails(struct cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int mb_fails(struct cell *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->r->mb_note, sizeof(c->r->mb_note), fmt, ap);
	va_end(ap);
	c->r->raw[BENCH_RAW_MB].state = BENCH_COL_ERROR;
	return -1;
}

static int check_mb(struct cell *c, enum bench_dir dir)
{
	const struct layout *l = &c->l;
	uint32_t n = l->icv - l->payload, iv = c->b->alg->iv_len;

	bench_mb_fast(c->b->mb, false);
	restore(c, c->plain);
	for (int i = 0; i < BENCH_BATCH; i++)
		memcpy(c->esp[i] + ESP_HDR, cipher_of(c, i) + l->esp + ESP_HDR, iv);
	if (bench_mb_seal(c->b->mb, c->esp, BENCH_BATCH, l->esp_len, false) != 0)
		return mb_fails(c, "raw ipsec-mb: the seal burst failed");
	for (int i = 0; i < BENCH_BATCH; i++) {
		uint32_t at = first_diff(c->frame[i], cipher_of(c, i), l->frame_len);

		if (at != l->frame_len)
			return mb_fails(c, "raw ipsec-mb: frame %d differs from the engine's and "
					"EVP's at byte %u", i, at);
	}
	restore(c, c->plain);
	if (bench_mb_seal(c->b->mb, c->esp, BENCH_BATCH, l->esp_len, true) != 0)
		return mb_fails(c, "raw ipsec-mb: the seal burst failed");
	for (int i = 0; i < BENCH_BATCH; i++)
		if (bench_evp_open(c->b->evp, c->esp[i], l->esp_len) != 0 ||
		    memcmp(c->frame[i] + l->payload, plain_of(c, i) + l->payload, n) != 0)
			return mb_fails(c, "raw ipsec-mb: EVP does not open its frame %d (own IV)", i);
	if (dir == BENCH_RECEIVE) {
		restore(c, c->cipher);
		if (bench_mb_open(c->b->mb, c->esp, BENCH_BATCH, l->esp_len) != 0)
			return mb_fails(c, "raw ipsec-mb: does not open the engine's frames");
		for (int i = 0; i < BENCH_BATCH; i++)
			if (memcmp(c->frame[i] + l->payload, plain_of(c, i) + l->payload, n) != 0)
				return mb_fails(c, "raw ipsec-mb: the engine's frame %d does not "
						"decrypt to its plaintext", i);
	}
	return 0;
}

/* The last timed ipsec-mb batch (submitted without the library's
 * validation) is still in the frames: sealed frames EVP must open to the
 * plaintext, or opened frames that are the plaintext. */
static int check_mb_timed(struct cell *c, enum bench_dir dir)
{
	const struct layout *l = &c->l;
	uint32_t n = l->icv - l->payload;

	for (int i = 0; i < BENCH_BATCH; i++)
		if ((dir == BENCH_SEND && bench_evp_open(c->b->evp, c->esp[i], l->esp_len) != 0) ||
		    memcmp(c->frame[i] + l->payload, plain_of(c, i) + l->payload, n) != 0)
			return mb_fails(c, "raw ipsec-mb: frame %d of its last timed batch is wrong", i);
	return 0;
}

/* ---- timing ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct side {
	const char *name;
	int (*batch)(struct cell *c);
	int (*after)(struct cell *c);   /* check outside the timed region, or NULL */
	const uint8_t *src;             /* restored before each batch */
	double spent;
	uint64_t packets;
};

/* Batches until budget seconds of timed work have passed; *rate gets the
 * slice's packets per second. */
static int run_slice(struct cell *c, struct side *s, double budget, double *rate)
{
	double spent = 0;
	uint64_t packets = 0;

	do {
		double t0;
		int rc;

		restore(c, s->src);
		t0 = now();
		rc = s->batch(c);
		spent += now() - t0;
		if (rc != 0)
			return fail(c, "%s failed while timed", s->name);
		if (s->after && s->after(c) != 0)
			return -1;
		packets += BENCH_BATCH;
	} while (spent < budget);
	s->spent += spent;
	s->packets += packets;
	*rate = (double)packets / spent;
	return 0;
}

static int time_cell(struct cell *c, enum bench_dir dir, double seconds)
{
	bool tx = dir == BENCH_SEND, mb = c->r->raw[BENCH_RAW_MB].state == BENCH_COL_OK;
	struct side side[1 + BENCH_N_RAW] = {
		{ "the engine", tx ? engine_send : engine_receive, tx ? sent_ok : received_ok,
		  tx ? c->plain : c->cipher, 0, 0 },
		{ "EVP", tx ? evp_send : evp_receive, NULL, tx ? c->plain : c->cipher, 0, 0 },
		{ "raw ipsec-mb", tx ? mb_send : mb_receive, NULL, tx ? c->plain : c->cipher, 0, 0 },
	};
	double rate[1 + BENCH_N_RAW][BENCH_ROUNDS];
	const double *raw[BENCH_N_RAW] = { rate[1], mb ? rate[2] : NULL };
	double ratio[BENCH_N_RAW];

	if (mb)
		bench_mb_fast(c->b->mb, true);
	for (int r = 0; r < BENCH_ROUNDS; r++)
		for (int k = 0; k < 1 + BENCH_N_RAW; k++)
			if ((k < 2 || mb) &&
			    run_slice(c, &side[k], seconds / BENCH_ROUNDS, &rate[k][r]) != 0)
				return -1;
	if (mb && check_mb_timed(c, dir) != 0)
		raw[BENCH_RAW_MB] = NULL;
	bench_ratios(rate[0], raw, BENCH_ROUNDS, ratio, &c->r->ratio_fastest);
	c->r->engine_pps = (double)side[0].packets / side[0].spent;
	for (int k = 0; k < BENCH_N_RAW; k++) {
		struct bench_col *col = &c->r->raw[k];

		if (col->state != BENCH_COL_OK)
			continue;
		col->pps = (double)side[1 + k].packets / side[1 + k].spent;
		col->ratio = ratio[k];
	}
	c->r->fastest = bench_fastest(c->r);
	return 0;
}

void bench_cell(struct bench_sa *b, uint32_t size, enum bench_dir dir, double seconds,
		struct bench_result *r)
{
	struct cell c;

	memset(r, 0, sizeof(*r));
	r->ip_bytes = bench_ip_bytes(b->alg, size);
	if (!b->mb) {
		r->raw[BENCH_RAW_MB].state = BENCH_COL_ABSENT;
		snprintf(r->mb_note, sizeof(r->mb_note), "%s", b->mb_note);
	}
	if (b->status != BENCH_OK) {
		r->status = b->status;
		snprintf(r->error, sizeof(r->error), "%s", b->error);
		return;
	}
	if (cell_init(&c, b, size, r) == 0 && check_send(&c) == 0 &&
	    (dir == BENCH_SEND || check_receive(&c) == 0)) {
		if (b->mb)
			(void)check_mb(&c, dir);
		(void)time_cell(&c, dir, seconds);
	}
	cell_fini(&c);
}
