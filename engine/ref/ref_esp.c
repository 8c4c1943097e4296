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
#include <stddef.h>
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

/* The job that seals (the transform encrypts) or opens the ESP packet v
 * with ESN high half esn_hi: see ref_crypto.h for what a job does. */
static void esp_job(struct ref_sa_member *m, uint8_t *p, const struct esp_view *v,
		    uint32_t esn_hi, struct ref_job *j)
{
	memset(j, 0, offsetof(struct ref_job, priv));
	j->x = m->x;
	j->iv = p + v->iv;
	j->icv = p + v->icv;
	j->icv_len = m->icv_len;
	if (is_gcm(m)) {
		/* RFC 4106 §5: AAD = SPI || [ESN high] || seq. */
		j->auth[0] = (struct ref_iov){ j->extra, esp_aad(m, p, v, esn_hi, j->extra) };
		j->data = p + v->payload;
		j->data_len = v->icv - v->payload;
		return;
	}
	if (is_gmac(m)) {
		/* RFC 4543 §3.3: everything from SPI to Next Header is AAD; with
		 * ESN the high half goes between SPI and seq. */
		if (m->esn) {
			j->auth[0] = (struct ref_iov){ j->extra, esp_aad(m, p, v, esn_hi, j->extra) };
			j->auth[1] = (struct ref_iov){ p + v->iv, v->icv - v->iv };
		} else {
			j->auth[0] = (struct ref_iov){ p + v->hdr, v->icv - v->hdr };
		}
		return;
	}
	/* HMAC over ESP header .. Next Header, then the ESN high half (RFC 4303
	 * §2.2.1). */
	j->auth[0] = (struct ref_iov){ p + v->hdr, v->icv - v->hdr };
	if (m->esn) {
		wr32(j->extra, esn_hi);
		j->auth[1] = (struct ref_iov){ j->extra, ESN_HIGH_LEN };
	}
	if (is_cbc(m)) {
		j->data = p + v->payload;
		j->data_len = v->icv - v->payload;
	}
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

int ref_esp_seal_job(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		     uint32_t esn_hi, struct ref_job *j, const char **why)
{
	struct esp_view v;

	if (ref_esp_check(m, p, hdr, end, why) != 0 || esp_view(m, hdr, end, &v) != 0)
		return -1;
	if (esp_iv(m, p + v.iv) != 0) {
		*why = "IV generation failed";
		return -1;
	}
	esp_job(m, p, &v, esn_hi, j);
	return 0;
}

const char *ref_esp_seal_failed(const struct ref_sa_member *m)
{
	return is_gcm(m) ? "AES-GCM failed" : is_cbc(m) ? "CBC encryption or ICV failed"
		: "ICV computation failed";
}

int ref_esp_seal(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		 uint32_t esn_hi, const char **why)
{
	struct ref_job j;

	if (ref_esp_seal_job(m, p, hdr, end, esn_hi, &j, why) != 0)
		return -1;
	ref_run_jobs(&j, 1);
	if (j.result != REF_CRYPTO_OK) {
		*why = ref_esp_seal_failed(m);
		return -1;
	}
	return 0;
}

/* Verify and decrypt with one guess of the ESN high half. */
static enum ref_esp_verdict open_with(struct ref_sa_member *m, uint8_t *p,
				      const struct esp_view *v, uint32_t esn_hi)
{
	struct ref_job j;

	esp_job(m, p, v, esn_hi, &j);
	ref_run_jobs(&j, 1);
	return j.result == REF_CRYPTO_OK ? ESP_OPEN_OK
	       : j.result == REF_CRYPTO_BAD_TAG ? ESP_OPEN_BAD_ICV : ESP_OPEN_ERROR;
}

/* Lengths a received ESP packet must have before any crypto. */
static int open_view(const struct ref_sa_member *m, uint32_t hdr, uint32_t end,
		     struct esp_view *v)
{
	if (esp_view(m, hdr, end, v) != 0)
		return -1;
	return (v->icv - v->payload) % m->block == 0 ? 0 : -1;
}

int ref_esp_open_job(struct ref_sa_member *m, uint8_t *p, uint32_t hdr, uint32_t end,
		     struct ref_job *j)
{
	struct esp_view v;

	if (open_view(m, hdr, end, &v) != 0)
		return -1;
	esp_job(m, p, &v, m->esn_high, j);
	return 0;
}

enum ref_esp_verdict ref_esp_open_trailer(const struct ref_sa_member *m, const uint8_t *p,
					  uint32_t hdr, uint32_t end, struct ref_esp_trailer *t)
{
	struct esp_view v;
	uint32_t clen;

	if (open_view(m, hdr, end, &v) != 0)
		return ESP_OPEN_SYNTAX;
	clen = v.icv - v.payload;
	t->pad_length = p[v.icv - 2];
	t->next_header = p[v.icv - 1];
	t->payload = v.payload;
	t->payload_end = v.icv - ESP_TRAILER_LEN - t->pad_length;
	/* The pad length lies: it reaches before the payload. */
	if ((uint32_t)t->pad_length + ESP_TRAILER_LEN > clen)
		return ESP_OPEN_SYNTAX_DECRYPTED;
	return ESP_OPEN_OK;
}

enum ref_esp_verdict ref_esp_open(struct ref_sa_member *m, uint8_t *p, uint32_t hdr,
				  uint32_t end, struct ref_esp_trailer *t)
{
	struct esp_view v;
	enum ref_esp_verdict r;
	uint32_t seq;

	if (open_view(m, hdr, end, &v) != 0)
		return ESP_OPEN_SYNTAX;
	r = open_with(m, p, &v, m->esn_high);
	/* PROFILE.md item 15: the low half may have wrapped before TCP/IP sent
	 * UPDATE_SA; a small sequence number is also tried one epoch ahead. */
	seq = rd32(p + hdr + 4);
	if (r == ESP_OPEN_BAD_ICV && m->esn && m->icv_len && seq < 0x80000000u)
		r = open_with(m, p, &v, m->esn_high + 1);
	if (r != ESP_OPEN_OK)
		return r;
	return ref_esp_open_trailer(m, p, hdr, end, t);
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
