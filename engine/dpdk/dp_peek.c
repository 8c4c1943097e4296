/* SPDX-License-Identifier: MIT */
/*
 * dp_peek.c - the Next Header of a packet whose ICV failed, read from a
 * decrypted copy of its last cipher block, for the TUNNEL_* / TRANSPORT_*
 * choice of its auth-failed code (PROFILE.md item 11) on an SA that has
 * verified no packet yet.
 *
 * lib/ipsec hands back nothing decrypted for a packet that fails, and has
 * no call that decrypts without verifying; this is the one place the adapter
 * asks the crypto device for something lib/ipsec does not: a cipher-only
 * decryption of one block, in a session of its own made with the SA
 * (AES-CBC / 3DES-CBC: the last block, its IV the block before it; AES-GCM:
 * the AES-CTR keystream block of the Next Header byte, counter salt || IV ||
 * 2 + block, RFC 4106 §3 / NIST SP 800-38D). The packet keeps its bytes;
 * the copy is wiped. With the NULL cipher the trailer is in the clear.
 */
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "dp_int.h"

#define PEEK_IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

enum { ESP_FIXED = 8, GCM_BLOCK = 16, GCM_FIRST_CTR = 2 };

int dp_peek_init(struct ipoc_engine *e, struct dp_sa *sa, const uint8_t *enc_key)
{
	struct rte_crypto_sym_xform x;

	if (!sa->inbound || !sa->enc || ipoc_alg_is_null(sa->enc))
		return 0;
	memset(&x, 0, sizeof(x));
	x.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	x.cipher.op = RTE_CRYPTO_CIPHER_OP_DECRYPT;
	x.cipher.key.data = enc_key;
	x.cipher.key.length = (uint16_t)ipoc_alg_raw_key_len(sa->enc);
	x.cipher.iv.offset = (uint16_t)PEEK_IV_OFFSET;
	if (sa->enc->kind == IPOC_ALG_AEAD) {
		x.cipher.algo = RTE_CRYPTO_CIPHER_AES_CTR;
		x.cipher.iv.length = GCM_BLOCK;
	} else {
		x.cipher.algo = sa->enc->block == 8 ? RTE_CRYPTO_CIPHER_3DES_CBC
						    : RTE_CRYPTO_CIPHER_AES_CBC;
		x.cipher.iv.length = (uint16_t)sa->enc->iv_len;
	}
	sa->peek_ses = rte_cryptodev_sym_session_create(e->dev->dev_id, &x, e->dev->ses_pool);
	/* A device without the transform leaves the kind unknown: the
	 * transport code then, as for an SA that saw no packet. */
	return 0;
}

void dp_peek_fini(struct ipoc_engine *e, struct dp_sa *sa)
{
	if (sa->peek_ses)
		rte_cryptodev_sym_session_free(e->dev->dev_id, sa->peek_ses);
	sa->peek_ses = NULL;
}

/* Decrypt n <= 16 bytes (in place in a fresh mbuf) with iv under the
 * SA's peek session; 0 or -1. */
static int decrypt_block(struct ipoc_engine *e, struct dp_sa *sa, uint8_t *buf, uint32_t n,
			 const uint8_t *iv, uint32_t iv_len)
{
	struct rte_mbuf *mb = rte_pktmbuf_alloc(e->dev->mbuf_pool);
	struct rte_crypto_op *op = NULL;
	uint8_t *d;
	int rc = -1;

	if (!mb || !(d = (uint8_t *)rte_pktmbuf_append(mb, (uint16_t)n)))
		goto out;
	op = rte_crypto_op_alloc(e->dev->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	if (!op)
		goto out;
	memcpy(d, buf, n);
	memcpy(rte_crypto_op_ctod_offset(op, uint8_t *, PEEK_IV_OFFSET), iv, iv_len);
	rte_crypto_op_attach_sym_session(op, sa->peek_ses);
	op->sym->m_src = mb;
	op->sym->cipher.data.offset = 0;
	op->sym->cipher.data.length = n;
	if (dp_dev_run(e->dev, &op, 1) && op->status == RTE_CRYPTO_OP_STATUS_SUCCESS) {
		memcpy(buf, d, n);
		rc = 0;
	}
	explicit_bzero(d, n);
out:
	if (op)
		rte_crypto_op_free(op);
	rte_pktmbuf_free(mb);
	return rc;
}

int dp_peek_next_header(struct ipoc_engine *e, struct dp_sa *sa, const uint8_t *esp,
			uint32_t esp_len)
{
	uint32_t c0 = ESP_FIXED + sa->iv_len, end, nh;
	uint8_t blk[GCM_BLOCK], iv[GCM_BLOCK];
	int rc, out;

	if (esp_len < c0 + 2 + sa->icv_len)
		return -1;
	end = esp_len - sa->icv_len;         /* the ciphertext ends here */
	nh = end - 1;
	if (!sa->enc || ipoc_alg_is_null(sa->enc))
		return esp[nh];
	if (!sa->peek_ses)
		return -1;
	if (sa->enc->kind == IPOC_ALG_AEAD) {
		uint32_t k = nh - c0, first = c0 + k / GCM_BLOCK * GCM_BLOCK;
		uint32_t n = end - first < GCM_BLOCK ? end - first : GCM_BLOCK;
		uint32_t ctr = rte_cpu_to_be_32(GCM_FIRST_CTR + k / GCM_BLOCK);

		memcpy(iv, &sa->prm.ipsec_xform.salt, 4);
		memcpy(iv + 4, esp + ESP_FIXED, 8);
		memcpy(iv + 12, &ctr, 4);
		memcpy(blk, esp + first, n);
		rc = decrypt_block(e, sa, blk, n, iv, GCM_BLOCK);
		out = rc == 0 ? blk[k % GCM_BLOCK] : -1;
	} else {
		uint32_t b = sa->enc->block, last = end - b;

		if (last < c0 || (end - c0) % b != 0)
			return -1;
		memcpy(iv, last == c0 ? esp + ESP_FIXED : esp + last - b, b);
		memcpy(blk, esp + last, b);
		rc = decrypt_block(e, sa, blk, b, iv, b);
		out = rc == 0 ? blk[b - 1] : -1;
	}
	explicit_bzero(blk, sizeof(blk));
	return out;
}
