/* SPDX-License-Identifier: MIT */
/*
 * ref_esp.c - ESP (RFC 4303) for one SA member over linear frame bytes:
 * sealing on send, verifying and decrypting in place on receive.
 *
 * Implementation notes. The caller says where the ESP header starts (hdr)
 * and where the ESP packet ends (end: the end of its IP packet); everything
 * between is SPI, sequence number, IV, payload, padding, pad length, next
 * header and ICV. ICV input per algorithm:
 *   HMAC:  ESP header .. next header, then the ESN high 32 bits when ESN is
 *          on (RFC 4303 §2.2.1: "appended ... after the Next Header field").
 *   GCM:   AAD = SPI || seq (8 bytes) or SPI || ESN high || seq (12 bytes),
 *          nonce = salt || IV (RFC 4106 §5, §7.1); the payload is encrypted.
 *   GMAC:  nothing is encrypted; AAD = SPI || [ESN high] || seq || IV ||
 *          payload .. next header (RFC 4543 §3.3, figures 2 and 3).
 * On receive the ICV is verified before anything is decrypted in place; a
 * GCM tag that fails leaves the ciphertext as it arrived (ref_gcm_run). On
 * send the engine writes the IV (injected by the test hook, else random for
 * CBC and a per-SA counter for GCM/GMAC) and the ICV; TCP/IP framed the rest.
 */
#include <string.h>

#include "ref_crypto.h"
#include "ref_esp.h"
#include "wire.h"

/* Where the parts of one ESP packet are. */
struct esp_view {
	uint32_t hdr, iv, payload, icv, end;
};

static int esp_view(const struct ref_sa_member *m, uint32_t hdr, uint32_t end,
		    struct esp_view *v)
{
	uint32_t need = ESP_HDR_LEN + m->iv_len + ESP_TRAILER_LEN + m->icv_len;

	if (hdr > end || need > end - hdr)
		return -1;
	v->hdr = hdr;
	v->iv = hdr + ESP_HDR_LEN;
	v->payload = v->iv + m->iv_len;
	v->end = end;
	v->icv = end - m->icv_len;
	return 0;
}

static bool is_cbc(const struct ref_sa_member *m)
{
	return m->kind == REF_KIND_CBC;
}

static bool is_gcm(const struct ref_sa_member *m)
{
	return m->kind == REF_KIND_GCM;
}

static bool is_gmac(const struct ref_sa_member *m)
{
	return m->kind == REF_KIND_GMAC;
}

/* SPI || [ESN high] || seq into aad (12 bytes room); returns its length. */
static size_t esp_aad(const struct ref_sa_member *m, const uint8_t *p, const struct esp_view *v,
		      uint32_t esn_hi, uint8_t aad[12])
{
	memcpy(aad, p + v->hdr, 4);
	if (!m->esn) {
		memcpy(aad + 4, p + v->hdr + 4, 4);
		return 8;
	}
	wr32(aad + 4, esn_hi);
	memcpy(aad + 8, p + v->hdr + 4, 4);
	return 12;
}

/* Compute the ICV (send) or check it (receive, *ok set) for HMAC and GMAC;
 * GCM's tag comes with the cipher. */
static int esp_auth(struct ref_sa_member *m, uint8_t *p, const struct esp_view *v,
		    uint32_t esn_hi, bool verify, bool *ok)
{
	uint8_t hi[ESN_HIGH_LEN], aad[12], icv[MAX_ICV_LEN];
	int rc;

	if (m->icv_len == 0) {
		*ok = true;
		return 0;
	}
	if (is_gmac(m)) {
		/* Without ESN the AAD is the packet from SPI to Next Header, in
		 * one piece (each piece costs a cipher update). */
		struct ref_iov a[2] = { { p + v->hdr, v->icv - v->hdr }, { NULL, 0 } };

		if (m->esn) {
			a[0] = (struct ref_iov){ aad, esp_aad(m, p, v, esn_hi, aad) };
			a[1] = (struct ref_iov){ p + v->iv, v->icv - v->iv };
		}
		memcpy(icv, p + v->icv, m->icv_len);
		rc = ref_gcm_run(m->x, p + v->iv, a, m->esn ? 2 : 1, NULL, 0,
				 verify ? icv : p + v->icv, m->icv_len);
		*ok = rc == REF_CRYPTO_OK;
		return rc == REF_CRYPTO_ERROR ? -1 : 0;
	}
	wr32(hi, esn_hi);
	{
		struct ref_iov msg[2] = { { p + v->hdr, v->icv - v->hdr }, { hi, m->esn ? 4 : 0 } };

		if (ref_hmac_run(m->x, msg, 2, icv, m->icv_len) != REF_CRYPTO_OK)
			return -1;
	}
	if (verify) {
		*ok = ref_ct_equal(icv, p + v->icv, m->icv_len);
	} else {
		memcpy(p + v->icv, icv, m->icv_len);
		*ok = true;
	}
	ref_wipe(icv, sizeof(icv));
	return 0;
}

/* The IV of an outbound packet. */
static int esp_iv(struct ref_sa_member *m, uint8_t *iv)
{
	if (m->iv_len == 0)
		return 0;
	if (m->tx_iv_len == m->iv_len) {
		memcpy(iv, m->tx_iv, m->iv_len);
		return 0;
	}
	if (is_cbc(m))
		return ref_random_iv(iv, m->iv_len);
	/* RFC 4106 §3.1: a counter is the simple way to never repeat an IV. */
	for (int i = 7; i >= 0; i--)
		iv[7 - i] = (uint8_t)(m->iv_counter >> (8 * i));
	m->iv_counter++;
	return 0;
}

int ref_esp_check(const struct ref_sa_member *m, const uint8_t *p, uint32_t hdr, uint32_t end,
		  const char **why)
{
	struct esp_view v;
	uint32_t clen;

	if (esp_view(m, hdr, end, &v) != 0) {
		*why = "ESP packet shorter than header, IV, trailer and ICV";
		return -1;
	}
	clen = v.icv - v.payload;
	if (clen % m->block != 0) {
		*why = "payload and trailer not a multiple of the cipher block";
		return -1;
	}
	if ((uint32_t)p[v.icv - 2] + ESP_TRAILER_LEN > clen) {
		*why = "pad length beyond the payload";
		return -1;
	}
	return 0;
}

int ref_esp_seal(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		 uint32_t esn_hi, const char **why)
{
	struct esp_view v;
	uint32_t clen;
	bool ok;

	if (ref_esp_check(m, p, hdr, end, why) != 0 || esp_view(m, hdr, end, &v) != 0)
		return -1;
	clen = v.icv - v.payload;
	if (esp_iv(m, p + v.iv) != 0) {
		*why = "IV generation failed";
		return -1;
	}
	if (is_gcm(m)) {
		uint8_t aad[12];
		struct ref_iov a = { aad, esp_aad(m, p, &v, esn_hi, aad) };

		if (ref_gcm_run(m->x, p + v.iv, &a, 1, p + v.payload, clen, p + v.icv,
				m->icv_len) != REF_CRYPTO_OK) {
			*why = "AES-GCM failed";
			return -1;
		}
		return 0;
	}
	if (is_cbc(m) && ref_cbc_run(m->x, p + v.iv, p + v.payload, clen) != REF_CRYPTO_OK) {
		*why = "CBC encryption failed";
		return -1;
	}
	if (esp_auth(m, p, &v, esn_hi, false, &ok) != 0) {
		*why = "ICV computation failed";
		return -1;
	}
	return 0;
}

/* Verify and decrypt with one guess of the ESN high half. */
static enum ref_esp_verdict open_with(struct ref_sa_member *m, uint8_t *p,
				      const struct esp_view *v, uint32_t esn_hi)
{
	uint32_t clen = v->icv - v->payload;
	bool ok = false;

	if (is_gcm(m)) {
		uint8_t aad[12];
		struct ref_iov a = { aad, esp_aad(m, p, v, esn_hi, aad) };
		int rc = ref_gcm_run(m->x, p + v->iv, &a, 1, p + v->payload, clen, p + v->icv,
				     m->icv_len);

		return rc == REF_CRYPTO_OK ? ESP_OPEN_OK
		       : rc == REF_CRYPTO_BAD_TAG ? ESP_OPEN_BAD_ICV : ESP_OPEN_ERROR;
	}
	if (esp_auth(m, p, v, esn_hi, true, &ok) != 0)
		return ESP_OPEN_ERROR;
	if (!ok)
		return ESP_OPEN_BAD_ICV;
	if (is_cbc(m) && ref_cbc_run(m->x, p + v->iv, p + v->payload, clen) != REF_CRYPTO_OK)
		return ESP_OPEN_ERROR;
	return ESP_OPEN_OK;
}

enum ref_esp_verdict ref_esp_open(struct ref_sa_member *m, uint8_t *p, uint32_t hdr,
				  uint32_t end, struct ref_esp_trailer *t)
{
	struct esp_view v;
	enum ref_esp_verdict r;
	uint32_t clen, seq;

	if (esp_view(m, hdr, end, &v) != 0)
		return ESP_OPEN_SYNTAX;
	clen = v.icv - v.payload;
	if (clen % m->block != 0)
		return ESP_OPEN_SYNTAX;
	r = open_with(m, p, &v, m->esn_high);
	/* PROFILE.md item 15: the low half may have wrapped before TCP/IP sent
	 * UPDATE_SA; a small sequence number is also tried one epoch ahead. */
	seq = rd32(p + hdr + 4);
	if (r == ESP_OPEN_BAD_ICV && m->esn && m->icv_len && seq < 0x80000000u)
		r = open_with(m, p, &v, m->esn_high + 1);
	if (r != ESP_OPEN_OK)
		return r;
	t->pad_length = p[v.icv - 2];
	t->next_header = p[v.icv - 1];
	t->payload = v.payload;
	t->payload_end = v.icv - ESP_TRAILER_LEN - t->pad_length;
	/* The pad length lies: it reaches before the payload. */
	if ((uint32_t)t->pad_length + ESP_TRAILER_LEN > clen)
		return ESP_OPEN_SYNTAX_DECRYPTED;
	return ESP_OPEN_OK;
}

int ref_esp_peek_next_header(struct ref_sa_member *m, const uint8_t *p, uint32_t hdr,
			     uint32_t end, uint8_t *work, uint32_t work_len)
{
	struct esp_view v;
	uint32_t clen;
	int nh = -1;

	if (esp_view(m, hdr, end, &v) != 0)
		return -1;
	clen = v.icv - v.payload;
	if (is_gcm(m)) {
		if (clen > work_len)
			return -1;
		memcpy(work, p + v.payload, clen);
		if (ref_gcm_keystream(m->x, p + v.iv, work, clen) == REF_CRYPTO_OK)
			nh = work[clen - 1];
	} else if (is_cbc(m)) {
		/* The last block decrypts with the block before it as IV. */
		const uint8_t *prev = clen >= 2 * m->block ? p + v.icv - 2 * m->block : p + v.iv;

		if (clen < m->block || clen % m->block || m->block > work_len)
			return -1;
		memcpy(work, p + v.icv - m->block, m->block);
		if (ref_cbc_run(m->x, prev, work, m->block) == REF_CRYPTO_OK)
			nh = work[m->block - 1];
	} else {
		nh = p[v.icv - 1];   /* NULL encryption: the trailer is in clear */
	}
	ref_wipe(work, clen < work_len ? clen : work_len);
	return nh;
}
