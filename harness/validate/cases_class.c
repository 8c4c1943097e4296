/* SPDX-License-Identifier: MIT */
/*
 * cases_class.c - area `class`: CryptoStatus for frames built to fail. An
 * ICV that does not verify (its first or last byte, a payload byte, the
 * sequence number) gives the auth-failed code of the protocol and portion
 * that failed, with nothing decrypted; transport over tunnel fails in the
 * portion that failed; lengths that cannot be ESP or AH, a Pad Length
 * beyond the payload behind a valid ICV, an AH length that lies are
 * CRYPTO_INVALID_PACKET_SYNTAX; an AH frame on an ESP SA's SPI is
 * CRYPTO_INVALID_PROTOCOL; frames malformed in every other way are
 * indicated once, unharmed. CRYPTO_GENERIC_ERROR (the engine's own failure)
 * has no frame that provokes it.
 */
#include <string.h>

#include "session.h"
#include "vflow.h"
#include "vforge.h"

/* The engine receives w (len bytes) on inst: it must come back with status
 * want (CryptoDone set), NextCryptoDone as next, slot 12 as want12 (no
 * header information, but for a tunnel that decrypted around a failed
 * transport packet: PROFILE.md 5), and, for an ICV that failed, the bytes
 * as they arrived (nothing decrypted: RFC 4303 s3.4.4.1). alt, if not -1,
 * is another acceptable status (allowed names the point). */
static bool expect_fail12(struct vctx *x, uint32_t inst, const uint8_t *w, uint32_t len,
			  uint16_t want, int alt, const char *allowed, bool next, uintptr_t want12)
{
	const struct eh_io_out *o = vx_recv(x, inst, w, len, NULL, IPOC_NBL_GUARD_TAIL);
	uintptr_t s1;
	uint16_t st;
	char a[160], b[160];

	if (!o)
		return false;
	s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	st = (uint16_t)IPSEC_RX_CRYPTO_STATUS(s1);
	if (!(s1 & IPSEC_RX_CRYPTO_DONE) || (st != want && (alt < 0 || st != alt)) ||
	    !!(s1 & IPSEC_RX_NEXT_CRYPTO_DONE) != next)
		return vx_fail(x, "received as %s, want %s", vx_slot1_text(s1, a, sizeof(a)),
			       vx_slot1_text(vx_want_slot1(1, want) | (next ? IPSEC_RX_NEXT_CRYPTO_DONE
									 : 0), b, sizeof(b)));
	if (st != want)
		vx_allowed(x, allowed);
	if (o->nbls[0].slots[IPsecOffloadV2HeaderNetBufferListInfo] != want12)
		return vx_fail(x, "header information 0x%lx on a frame that failed, want 0x%lx",
			       (unsigned long)o->nbls[0].slots[12], (unsigned long)want12);
	if (!o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].len != len)
		return vx_fail(x, "the indicated frame has %u bytes, %u arrived", o->nbls[0].nbs[0].len,
			       len);
	if (st == CRYPTO_INVALID_PACKET_SYNTAX || st == CRYPTO_INVALID_PROTOCOL)
		return true;   /* what a packet that lies decrypts to is not specified */
	return vx_same(x, "a frame whose ICV failed (nothing may be decrypted)",
		       o->nbls[0].nbs[0].bytes, w, len, NULL, 0);
}

static bool expect_fail(struct vctx *x, uint32_t inst, const uint8_t *w, uint32_t len,
			uint16_t want, int alt, const char *allowed, bool next)
{
	return expect_fail12(x, inst, w, len, want, alt, allowed, next, 0);
}

static bool ah_first(const struct valg *a)
{
	return a->m[a->n - 1].op == IPsecOffloadV2Ah;
}

static uint16_t auth_code(bool ah, bool tunnel)
{
	if (ah)
		return tunnel ? CRYPTO_TUNNEL_AH_AUTH_FAILED : CRYPTO_TRANSPORT_AH_AUTH_FAILED;
	return tunnel ? CRYPTO_TUNNEL_ESP_AUTH_FAILED : CRYPTO_TRANSPORT_ESP_AUTH_FAILED;
}

/* A changed byte the outermost ICV covers. variant 0: the ICV's last
 * byte; 1: its first; 2: a payload byte; 3: the sequence number. The code
 * is the outermost protocol's, of the portion's kind (PROFILE.md 11). */
static void bad_icv(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	const struct fb_where *w;
	const struct fb_sa *sa;
	bool ah = ah_first(c->p.alg);
	NDIS_HANDLE h[2];
	uint32_t inst, at;

	if (!vf_prepare(x, &c->p, 40, 1, &e))
		return;
	w = &e.f.w[0];
	sa = &e.fs.lv[0].sa;
	switch (c->p.variant) {
	case 0: at = ah ? w->ah_icv + sa->ah_icv - 1 : w->icv + sa->esp_icv - 1; break;
	case 1: at = ah ? w->ah_icv : w->icv; break;
	case 2: at = (ah ? w->ah + w->ah_len : w->payload) + 3; break;
	default: at = (ah ? w->ah + 8 : w->esp + 4) + 3; break;
	}
	e.wire[at] ^= 0x01;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		expect_fail(x, inst, e.wire, e.f.len, auth_code(ah, c->p.mode != VM_TRANSPORT), -1,
			    NULL, false);
}

/* Transport over tunnel, one portion failing (PROFILE.md 6): variant 0,
 * the tunnel's ICV: CRYPTO_TUNNEL_ESP_AUTH_FAILED, NextCryptoDone 0; 1,
 * the transport packet's ICV, the tunnel's valid: CRYPTO_TRANSPORT_
 * ESP_AUTH_FAILED with NextCryptoDone 1 (both portions were checked). The
 * tunnel uses NULL encryption + HMAC, so the harness can change the inner
 * packet and sign the tunnel again (vforge.c). */
static void tot_fail(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	const struct fb_where *o, *in;
	NDIS_HANDLE h[2];
	uint32_t inst;
	uint8_t key[32];

	if (!vf_prepare(x, &c->p, 41, 1, &e))
		return;
	o = &e.f.w[0];
	in = &e.f.w[1];
	if (c->p.variant == 0) {
		e.wire[o->icv] ^= 0x80;
	} else {
		e.wire[in->icv + e.fs.lv[1].sa.esp_icv - 1] ^= 0x80;
		vx_key(x, e.key, 0, 2, key, e.sp[0].m[0].auth.key_len);
		if (!vforge_esp_hmac(e.sp[0].m[0].auth.id, key, e.sp[0].m[0].auth.key_len, e.wire,
				     o->esp, o->icv, e.fs.lv[0].sa.esp_icv))
			return (void)vx_fail(x, "harness: cannot sign the tunnel again");
	}
	inst = vx_open(x, NULL);
	/* The tunnel decrypted when the transport packet failed: its trailer
	 * is the innermost that decrypted (PROFILE.md 5). */
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		expect_fail12(x, inst, e.wire, e.f.len, c->p.variant ? CRYPTO_TRANSPORT_ESP_AUTH_FAILED
			      : CRYPTO_TUNNEL_ESP_AUTH_FAILED, -1, NULL, c->p.variant == 1,
			      c->p.variant ? IPSEC_HDR_RX_HEADER_INFO_SET | (uint32_t)o->pad_length << 8 |
			      o->next_header : 0);
}

/* Shorten the level-0 IP packet of w by cut bytes, taken out just before
 * its last `keep` bytes (the ICV stays at the end), lengths mended. */
static uint32_t shorten(struct vx_exchange *e, uint32_t cut, uint32_t keep)
{
	const struct fb_where *w = &e->f.w[0];
	uint32_t end = w->end, ip = w->ip, len = e->f.len - cut;
	uint8_t *b = e->wire;

	memmove(b + end - keep - cut, b + end - keep, keep + (e->f.len - end));
	if ((b[ip] >> 4) == 4) {
		uint32_t t = ((uint32_t)b[ip + 2] << 8 | b[ip + 3]) - cut;

		b[ip + 2] = (uint8_t)(t >> 8);
		b[ip + 3] = (uint8_t)t;
		fb_fix_ipv4(b, ip);
	} else {
		uint32_t t = ((uint32_t)b[ip + 4] << 8 | b[ip + 5]) - cut;

		b[ip + 4] = (uint8_t)(t >> 8);
		b[ip + 5] = (uint8_t)t;
	}
	if (w->udp) {
		uint32_t u = ((uint32_t)b[w->udp + 4] << 8 | b[w->udp + 5]) - cut;

		b[w->udp + 4] = (uint8_t)(u >> 8);
		b[w->udp + 5] = (uint8_t)u;
	}
	return len;
}

/* Lengths that cannot be ESP: variant 0, too short for header, IV,
 * trailer and ICV; 1, a ciphertext one byte off the cipher block. Both
 * CRYPTO_INVALID_PACKET_SYNTAX (PROFILE.md P-8); for the second an engine
 * that verifies the ICV first fails it (allowed). */
static void esp_length(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	const struct fb_where *w;
	const struct fb_sa *sa;
	NDIS_HANDLE h[2];
	uint32_t inst, len;

	if (!vf_prepare(x, &c->p, 42, 1, &e))
		return;
	w = &e.f.w[0];
	sa = &e.fs.lv[0].sa;
	if (c->p.variant == 0) {
		/* Keep ESP header, IV and ICV, less one byte. */
		uint32_t keep = 8 + sa->esp_iv + sa->esp_icv + 1;

		len = shorten(&e, (w->end - w->esp) - keep + 2, sa->esp_icv);
	} else {
		len = shorten(&e, 1, sa->esp_icv);
	}
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		expect_fail(x, inst, e.wire, len, CRYPTO_INVALID_PACKET_SYNTAX,
			    c->p.variant ? auth_code(false, c->p.mode != VM_TRANSPORT) : -1,
			    "PROFILE.md P-8 (the ICV checked before the length)", false);
}

/* A Pad Length beyond the payload behind a valid ICV (or no ICV):
 * CRYPTO_INVALID_PACKET_SYNTAX, not a success (RFC 4303 s2.4; PROFILE.md
 * P-8). variant 0: NULL encryption + HMAC, the ICV signed again; 1: CBC
 * without integrity, the pad-length byte changed through the block before;
 * 2: as 0, but the Pad Length is the ciphertext's length less one: the
 * padding and the Pad Length byte fill the ciphertext, Next Header one byte
 * too many (the bound's boundary: an engine that counts the Pad Length
 * byte but not Next Header takes it). */
static void pad_beyond(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	const struct fb_where *w;
	const struct fb_sa *sa;
	NDIS_HANDLE h[2];
	uint32_t inst;
	uint8_t key[32];

	if (!vf_prepare(x, &c->p, 43, 1, &e))
		return;
	w = &e.f.w[0];
	sa = &e.fs.lv[0].sa;
	if (c->p.variant != 1) {
		uint32_t pad = c->p.variant == 2 ? w->icv - w->payload - 1 : 0xFE;

		if (pad > 0xFF)
			return (void)vx_fail(x, "harness: a %u-byte ciphertext is too long for a Pad "
					     "Length one short of it", pad + 1);
		e.wire[w->trailer] = (uint8_t)pad;
		vx_key(x, e.key, 0, 2, key, e.sp[0].m[0].auth.key_len);
		if (!vforge_esp_hmac(e.sp[0].m[0].auth.id, key, e.sp[0].m[0].auth.key_len, e.wire,
				     w->esp, w->icv, sa->esp_icv))
			return (void)vx_fail(x, "harness: cannot sign the packet again");
	} else {
		/* CBC: P[n] = D(C[n]) ^ C[n-1]: the pad length (second to last
		 * byte of the last block) follows C[n-1]'s byte there. */
		uint32_t prev = w->icv - 2 * sa->esp_block;

		if (prev < w->iv)
			prev = w->iv;
		e.wire[prev + sa->esp_block - 2] ^= (uint8_t)(w->pad_length ^ 0xFE);
	}
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		expect_fail(x, inst, e.wire, e.f.len, CRYPTO_INVALID_PACKET_SYNTAX, -1, NULL, false);
}

/* AH whose Payload Len lies: variant 0, past the packet; 1, too short for
 * the ICV. CRYPTO_INVALID_PACKET_SYNTAX (RFC 4302 s2.2; PROFILE.md P-8). */
static void ah_length(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	NDIS_HANDLE h[2];
	uint32_t inst, at;

	if (!vf_prepare(x, &c->p, 44, 1, &e))
		return;
	at = e.f.w[0].ah + 1;
	e.wire[at] = c->p.variant ? 1 : 0xF0;
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		expect_fail(x, inst, e.wire, e.f.len, CRYPTO_INVALID_PACKET_SYNTAX,
			    auth_code(true, c->p.mode != VM_TRANSPORT),
			    "PROFILE.md P-8 (a lying length found by the ICV)", false);
}

/* An AH frame whose SPI is an inbound ESP SA's: the protocol differs from
 * the SA's (PROFILE.md 27): CRYPTO_INVALID_PROTOCOL, or (R-RX-2b: no SA of
 * that protocol) no processing. Never a success. */
static void wrong_protocol(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	struct sa_spec esp;
	NDIS_HANDLE h;
	uint32_t inst;
	const struct eh_io_out *o;
	uintptr_t s1;
	char a[160];

	if (!vf_prepare(x, &c->p, 45, 1, &e))
		return;
	/* An ESP SA with the AH SA's SPI and destination. */
	esp = vx_reverse(&e.sp[0]);
	esp.m[0].op = IPsecOffloadV2Esp;
	esp.m[0].enc.id = IPSEC_OFFLOAD_V2_ENCRYPTION_NONE;
	esp.m[0].enc.key_len = 0;
	inst = vx_open(x, NULL);
	if (inst == UINT32_MAX || !vx_add_ok(x, inst, &esp, 1, &h))
		return;
	o = vx_recv(x, inst, e.wire, e.f.len, NULL, IPOC_NBL_GUARD_TAIL);
	if (!o)
		return;
	s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	if (!(s1 & IPSEC_RX_CRYPTO_DONE)) {
		vx_allowed(x, "R-RX-2b (no SA of that protocol: no processing)");
		if (!vx_same(x, "an AH frame for an ESP SA", o->nbls[0].nbs[0].bytes, e.wire,
			     e.f.len, NULL, 0))
			return;
		return;
	}
	if (IPSEC_RX_CRYPTO_STATUS(s1) != CRYPTO_INVALID_PROTOCOL)
		vx_fail(x, "an AH frame on an ESP SA's SPI came in as %s, want "
			"CRYPTO_INVALID_PROTOCOL", vx_slot1_text(s1, a, sizeof(a)));
}

/* The engine receives the malformed frame w (len bytes) on inst: it must be
 * indicated once, unharmed, either with no IPsec processing or as
 * CRYPTO_INVALID_PACKET_SYNTAX (PROFILE.md P-8). Never a crash, a hang or a
 * success. */
static void judge_malformed(struct vctx *x, uint32_t inst, const uint8_t *w, uint32_t len)
{
	const struct eh_io_out *o = vx_recv(x, inst, w, len, NULL, IPOC_NBL_GUARD_TAIL);
	uintptr_t s1;
	char a[160];

	if (!o)
		return;
	s1 = o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo];
	if ((s1 & IPSEC_RX_CRYPTO_DONE) && IPSEC_RX_CRYPTO_STATUS(s1) == CRYPTO_SUCCESS)
		return (void)vx_fail(x, "a malformed frame came in as %s",
				     vx_slot1_text(s1, a, sizeof(a)));
	if (!o->nbls[0].nbs[0].bytes || o->nbls[0].nbs[0].len != len)
		return (void)vx_fail(x, "the indicated frame has %u bytes, %u arrived",
				     o->nbls[0].nbs[0].len, len);
	if (!vx_same(x, "a malformed frame", o->nbls[0].nbs[0].bytes, w, len, NULL, 0))
		return;
	if (s1 & IPSEC_RX_CRYPTO_DONE)
		vx_allowed(x, "PROFILE.md P-8 (CRYPTO_INVALID_PACKET_SYNTAX)");
}

/* Frames malformed in other ways (judge_malformed). */
static void malformed(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t w[FB_MAX_FRAME];
	const struct fb_where *wh;
	NDIS_HANDLE h[2];
	uint32_t inst, len, ip;

	if (!vf_prepare(x, &c->p, 46, 1, &e))
		return;
	wh = &e.f.w[0];
	ip = wh->ip;
	memcpy(w, e.wire, e.f.len);
	len = e.f.len;
	switch (c->p.variant) {
	case 0:     /* the frame ends inside the ESP header */
		len = wh->esp + 5;
		break;
	case 1:     /* IPv4 total length claims more than arrived */
		w[ip + 2] = 0xFF;
		fb_fix_ipv4(w, ip);
		break;
	case 2:     /* IPv4 total length shorter than its header */
		w[ip + 2] = 0;
		w[ip + 3] = 8;
		fb_fix_ipv4(w, ip);
		break;
	case 3:     /* IHL of 15 words, over the ESP header */
		w[ip] = 0x4F;
		fb_fix_ipv4(w, ip);
		break;
	case 4:     /* IPv6 payload length past the frame */
		w[ip + 4] = 0xFF;
		break;
	case 5:     /* an IPv6 extension header whose length runs past the packet */
		w[ip + 40 + 1] = 0xFF;
		break;
	case 6:     /* only the Ethernet header */
		len = 14;
		break;
	default:    /* every byte after the IP header 0xFF */
		memset(w + wh->esp, 0xFF, len - wh->esp);
		break;
	}
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		judge_malformed(x, inst, w, len);
}

/* AH over IPv4 whose options lie (the frame from fb_level_std: NOP, Record
 * Route of 7 bytes, Router Alert). The receiver walks the options to zero
 * the mutable ones for the ICV (RFC 4302 s3.3.3.1.1.2), so their lengths
 * are read: variant 0, Record Route's length 0 (RFC 791: the length counts
 * the type and length octets, at least 2; a walk that trusts it does not
 * advance); 1, a length past the end of the IP header. */
static void ah_option(struct vctx *x, const struct vcase *c)
{
	static struct vx_exchange e;
	static uint8_t w[FB_MAX_FRAME];
	NDIS_HANDLE h[2];
	uint32_t inst, ip;

	if (!vf_prepare(x, &c->p, 47, 1, &e))
		return;
	ip = e.f.w[0].ip;
	memcpy(w, e.wire, e.f.len);
	if (e.f.w[0].ip_len != 32 || w[ip + 21] != 7)
		return (void)vx_fail(x, "harness: want NOP and Record Route first in the options");
	w[ip + 22] = c->p.variant ? 0x30 : 0;
	fb_fix_ipv4(w, ip);
	inst = vx_open(x, NULL);
	if (inst != UINT32_MAX && vf_add(x, inst, &e, true, h))
		judge_malformed(x, inst, w, e.f.len);
}

#define ROW(i, t, r, b) .id = "class-" i, .area = "class", .title = t, .rule = r, .body = b
#define ICV_ROW(i, v, t) { ROW(i, t, "R-RX-3, R-RX-5; RFC 4303 s3.4.4, RFC 4302 s3.4.3; PROFILE.md " \
	"11", bad_icv), .p = { .family = 4, .variant = v }, .open = VO_ALG_ICV | VO_MODE }
#define BAD(i, v, f, t) { ROW(i, "a malformed frame: " t, "PROFILE.md P-8", malformed), \
	.p = { .alg = &valg_core[1], .family = f, .variant = v } }

static const struct vcase rows[] = {
	ICV_ROW("001", 0, "the ICV's last byte changed: the auth-failed code, nothing decrypted"),
	ICV_ROW("002", 1, "the ICV's first byte changed: the auth-failed code"),
	ICV_ROW("003", 2, "a protected payload byte changed: the auth-failed code"),
	ICV_ROW("004", 3, "the sequence number changed: the auth-failed code"),
	{ ROW("005", "transport over tunnel, the tunnel's ICV bad: CRYPTO_TUNNEL_ESP_AUTH_FAILED, "
	      "NextCryptoDone 0", "R-RX-3; PROFILE.md 6", tot_fail),
	  .p = { .alg = &valg_core[2], .alg2 = &valg_core[0], .mode = VM_TOT }, .open = VO_FAMILY },
	{ ROW("006", "transport over tunnel, the transport ICV bad: CRYPTO_TRANSPORT_ESP_AUTH_"
	      "FAILED, NextCryptoDone 1", "R-RX-3; PROFILE.md 6", tot_fail),
	  .p = { .alg = &valg_core[2], .alg2 = &valg_core[1], .mode = VM_TOT, .variant = 1 },
	  .open = VO_FAMILY },
	{ ROW("007", "ESP too short for header, IV, trailer and ICV: CRYPTO_INVALID_PACKET_SYNTAX",
	      "RFC 4303 s2; PROFILE.md P-8", esp_length),
	  .p = { .family = 4 }, .open = VO_ALG_IV },
	{ ROW("008", "a CBC ciphertext one byte off the block: CRYPTO_INVALID_PACKET_SYNTAX",
	      "RFC 4303 s2.4; PROFILE.md P-8", esp_length),
	  .p = { .alg = &valg_core[1], .variant = 1 }, .open = VO_MODE | VO_FAMILY },
	{ ROW("009", "a Pad Length beyond the payload behind a valid HMAC: CRYPTO_INVALID_PACKET_"
	      "SYNTAX", "RFC 4303 s2.4; PROFILE.md P-8", pad_beyond),
	  .p = { .alg = &valg_core[2] }, .open = VO_MODE | VO_FAMILY },
	{ ROW("010", "a Pad Length beyond the payload, CBC without integrity: CRYPTO_INVALID_"
	      "PACKET_SYNTAX", "RFC 4303 s2.4; PROFILE.md 8, P-8", pad_beyond),
	  .p = { .alg = &valg_all[13], .variant = 1 }, .open = VO_FAMILY },
	{ ROW("011", "an AH Payload Len past the packet: CRYPTO_INVALID_PACKET_SYNTAX",
	      "RFC 4302 s2.2; PROFILE.md P-8", ah_length),
	  .p = { .alg = &valg_core[4] }, .open = VO_FAMILY },
	{ ROW("012", "an AH Payload Len too short for the ICV: CRYPTO_INVALID_PACKET_SYNTAX",
	      "RFC 4302 s2.2; PROFILE.md P-8", ah_length),
	  .p = { .alg = &valg_core[4], .variant = 1 }, .open = VO_FAMILY },
	{ ROW("013", "an AH frame on an ESP SA's SPI: CRYPTO_INVALID_PROTOCOL, never a success",
	      "PROFILE.md 27; R-RX-2b", wrong_protocol), .needs = VN_ESP | VN_AH,
	  .p = { .alg = &valg_core[4], .family = 4 } },
	BAD("014", 0, 4, "the frame ends inside the ESP header"),
	BAD("015", 1, 4, "IPv4 total length past the frame"),
	BAD("016", 2, 4, "IPv4 total length shorter than its header"),
	BAD("017", 3, 4, "an IPv4 header length over the ESP header"),
	BAD("018", 4, 6, "IPv6 payload length past the frame"),
	{ ROW("019", "a malformed frame: an IPv6 extension header running past the packet",
	      "PROFILE.md P-8", malformed),
	  .p = { .alg = &valg_core[1], .family = 6, .opts = true, .variant = 5 } },
	BAD("020", 6, 4, "nothing but an Ethernet header"),
	BAD("021", 7, 4, "everything after the IP header 0xFF"),
	BAD("022", 7, 6, "everything after the IPv6 header 0xFF"),
	{ ROW("023", "a Pad Length one byte beyond the payload (ciphertext length less one) behind "
	      "a valid HMAC: CRYPTO_INVALID_PACKET_SYNTAX", "RFC 4303 s2.4; PROFILE.md P-8",
	      pad_beyond), .p = { .alg = &valg_core[2], .variant = 2 }, .open = VO_MODE | VO_FAMILY },
	{ ROW("024", "a malformed frame: AH behind an IPv4 option of length 0",
	      "RFC 791 s3.1; RFC 4302 s3.3.3.1.1.2; PROFILE.md P-8", ah_option),
	  .p = { .alg = &valg_core[4], .family = 4, .opts = true } },
	{ ROW("025", "a malformed frame: an [ESP, AH] bundle behind an IPv4 option of length 0",
	      "RFC 791 s3.1; RFC 4302 s3.3.3.1.1.2; PROFILE.md P-8", ah_option),
	  .p = { .alg = &valg_core[6], .family = 4, .opts = true } },
	{ ROW("026", "a malformed frame: AH behind an IPv4 option running past the header",
	      "RFC 791 s3.1; RFC 4302 s3.3.3.1.1.2; PROFILE.md P-8", ah_option),
	  .p = { .alg = &valg_core[5], .family = 4, .opts = true, .variant = 1 } },
};

const struct vtable vt_class = { "class", "CryptoStatus of frames built to fail", rows,
				 sizeof(rows) / sizeof(rows[0]) };
