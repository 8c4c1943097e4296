/* SPDX-License-Identifier: MIT */
/*
 * ref_ah.c - AH (RFC 4302) for one SA member over linear frame bytes.
 *
 * Implementation notes. The ICV covers (RFC 4302 §3.3.3): the IP header and
 * the extension headers before AH with their mutable fields zeroed, the AH
 * header with its ICV field zeroed, everything after AH to the end of the IP
 * packet, and, with ESN, the high 32 bits of the sequence number appended
 * (§3.3.3.3.1). The header part is copied into a local buffer and zeroed
 * there, so the packet itself is never changed except for the ICV (and IV).
 * Mutable fields: IPv4 TOS, flags and fragment offset, TTL, checksum, and
 * every option (whole: type, length and data) other than EOL, NOP, Security,
 * Extended Security, Commercial Security, Router Alert and SDB (RFC 4302
 * §3.3.3.1.1.2 and appendix A.1); source-route
 * options are zeroed, not predicted. IPv6 traffic class, flow label, hop
 * limit, and the data of options whose type has the "may change en route"
 * bit (RFC 8200 §4.2); a routing header with segments left is not offloaded.
 * AES-GMAC in AH (RFC 4543 §4): an 8-byte IV follows the sequence number,
 * nonce = salt || IV, and all of the above is the AAD.
 */
#include <string.h>

#include "ref_ah.h"
#include "ref_crypto.h"
#include "wire.h"

/* IP header and extension headers before AH, copied for zeroing. */
#define AH_MAX_PRE_LEN 2048u
/* AH header incl. IV, ICV and padding (Payload Len is 8 bits: 1028 max). */
#define AH_MAX_LEN 1028u

uint32_t ref_ah_len(const uint8_t *p, uint32_t ah, uint32_t end)
{
	uint32_t len;

	if (ah > end || AH_FIXED_LEN > end - ah)
		return 0;
	len = ((uint32_t)p[ah + 1] + 2) * 4;
	if (len < AH_FIXED_LEN || len > end - ah)
		return 0;
	return len;
}

static bool v4_option_immutable(uint8_t type)
{
	return type == 0 || type == 1 || type == 130 || type == 133 || type == 134 ||
	       type == 148 || type == 149;
}

/* Zero the mutable parts of an IPv4 header of hlen bytes in h. */
static int zero_v4(uint8_t *h, uint32_t hlen)
{
	h[1] = 0;                       /* TOS */
	h[6] = h[7] = 0;                /* flags, fragment offset */
	h[8] = 0;                       /* TTL */
	h[10] = h[11] = 0;              /* header checksum */
	for (uint32_t o = IPV4_HDR_MIN_LEN; o < hlen;) {
		uint8_t type = h[o];
		uint32_t olen;

		if (type == 0)
			break;
		if (type == 1) {
			o++;
			continue;
		}
		if (2 > hlen - o || h[o + 1] < 2 || h[o + 1] > hlen - o)
			return -1;      /* the option length lies */
		olen = h[o + 1];
		/* RFC 4302 §3.3.3.1.1.2: a mutable option is zeroed whole, type
		 * and length included ("the entire option is viewed as a unit"). */
		if (!v4_option_immutable(type))
			memset(h + o, 0, olen);
		o += olen;
	}
	return 0;
}

/* Zero option data of the Hop-by-Hop / Destination Options header at h
 * (len bytes) whose type has the change-en-route bit 0x20. */
static int zero_v6_opts(uint8_t *h, uint32_t len)
{
	for (uint32_t o = 2; o < len;) {
		uint8_t type = h[o];

		if (type == 0) {          /* Pad1 */
			o++;
			continue;
		}
		if (2 > len - o || h[o + 1] > len - o - 2)
			return -1;
		if (type & 0x20)
			memset(h + o + 2, 0, h[o + 1]);
		o += 2u + h[o + 1];
	}
	return 0;
}

/* Zero the mutable parts of the IPv6 header and extension headers in h
 * (pre bytes, ending where AH starts). */
static int zero_v6(uint8_t *h, uint32_t pre)
{
	uint32_t off = IPV6_HDR_LEN;
	uint8_t nh = h[6];

	h[0] &= 0xF0;                   /* traffic class, flow label */
	h[1] = h[2] = h[3] = 0;
	h[7] = 0;                       /* hop limit */
	while (off < pre) {
		uint32_t hlen;

		if (2 > pre - off)
			return -1;
		hlen = nh == IPPROTO_V6_FRAGMENT ? IPV6_FRAG_HDR_LEN : ((uint32_t)h[off + 1] + 1) * 8;
		if (hlen > pre - off)
			return -1;
		if ((nh == IPPROTO_V6_HOPOPTS || nh == IPPROTO_V6_DSTOPTS) &&
		    zero_v6_opts(h + off, hlen) != 0)
			return -1;
		if (nh == IPPROTO_V6_ROUTING && (4 > hlen || h[off + 3] != 0))
			return 1;           /* segments left: not offloaded */
		nh = h[off];
		off += hlen;
	}
	return 0;
}

/* Compute the ICV into out; 0, 1 (unsupported), -1 (malformed), -2 (crypto). */
static int ah_icv(struct ref_sa_member *m, const uint8_t *p, const struct ref_ip *ip,
		  uint32_t ah, uint32_t ah_len, uint32_t esn_hi, uint8_t *out, bool verify)
{
	uint8_t pre[AH_MAX_PRE_LEN], hdr[AH_MAX_LEN], hi[ESN_HIGH_LEN];
	uint32_t pre_len = ah - ip->off, icv_at = AH_FIXED_LEN + m->iv_len;
	int rc;

	if (pre_len > sizeof(pre) || icv_at + m->icv_len > ah_len)
		return -1;
	memcpy(pre, p + ip->off, pre_len);
	rc = ip->ver == 4 ? zero_v4(pre, pre_len) : zero_v6(pre, pre_len);
	if (rc != 0)
		return rc;
	memcpy(hdr, p + ah, ah_len);
	memset(hdr + icv_at, 0, m->icv_len);
	wr32(hi, esn_hi);
	{
		struct ref_iov msg[4] = {
			{ pre, pre_len }, { hdr, ah_len }, { p + ah + ah_len, ip->end - ah - ah_len },
			{ hi, m->esn ? ESN_HIGH_LEN : 0 },
		};

		if (m->iv_len) {   /* GMAC: out holds the received ICV when verifying */
			rc = ref_gcm_run(m->x, p + ah + AH_FIXED_LEN, msg, 4, NULL, 0, out,
					 m->icv_len);
			rc = rc == REF_CRYPTO_ERROR ? -2 : (rc == REF_CRYPTO_BAD_TAG && verify ? 2 : 0);
		} else {
			rc = ref_hmac_run(m->x, msg, 4, out, m->icv_len) == REF_CRYPTO_OK ? 0 : -2;
		}
	}
	ref_wipe(pre, pre_len);
	return rc;
}

/* Zero the headers before AH in a copy: 0, 1 (unsupported), -1 (malformed). */
static int pre_ok(const uint8_t *p, const struct ref_ip *ip, uint32_t ah)
{
	uint8_t pre[AH_MAX_PRE_LEN];
	uint32_t pre_len = ah - ip->off;
	int rc;

	if (pre_len > sizeof(pre))
		return -1;
	memcpy(pre, p + ip->off, pre_len);
	rc = ip->ver == 4 ? zero_v4(pre, pre_len) : zero_v6(pre, pre_len);
	ref_wipe(pre, pre_len);
	return rc;
}

int ref_ah_check(const struct ref_sa_member *m, const uint8_t *p, const struct ref_ip *ip,
		 uint32_t ah, const char **why)
{
	uint32_t len = ref_ah_len(p, ah, ip->end);
	int rc;

	if (len == 0 || AH_FIXED_LEN + m->iv_len + m->icv_len > len ||
	    (ip->ver == 6 && len % 8 != 0)) {
		*why = "AH length field does not hold the ICV (or is not 8-aligned in IPv6)";
		return -1;
	}
	rc = pre_ok(p, ip, ah);
	if (rc != 0) {
		*why = rc == 1 ? "IPv6 routing header with segments left"
				: "IP options or extension headers before AH are malformed";
		return -1;
	}
	return 0;
}

int ref_ah_seal(struct ref_sa_member *m, uint8_t *p, const struct ref_ip *ip, uint32_t ah,
		uint32_t esn_hi, const char **why)
{
	uint32_t len = ref_ah_len(p, ah, ip->end);
	uint8_t icv[MAX_ICV_LEN];
	int rc;

	if (ref_ah_check(m, p, ip, ah, why) != 0)
		return -1;
	if (m->iv_len) {
		if (m->tx_iv_len == m->iv_len) {
			memcpy(p + ah + AH_FIXED_LEN, m->tx_iv, m->iv_len);
		} else {
			for (int i = 7; i >= 0; i--)
				p[ah + AH_FIXED_LEN + 7 - i] = (uint8_t)(m->iv_counter >> (8 * i));
			m->iv_counter++;
		}
	}
	rc = ah_icv(m, p, ip, ah, len, esn_hi, icv, false);
	if (rc != 0) {
		*why = rc == 1 ? "IPv6 routing header with segments left"
				: "IP options or extension headers before AH are malformed";
		return -1;
	}
	memcpy(p + ah + AH_FIXED_LEN + m->iv_len, icv, m->icv_len);
	return 0;
}

/* One verification with the ESN high half esn_hi: rc as ah_icv, *ok. */
static int ah_verify(struct ref_sa_member *m, const uint8_t *p, const struct ref_ip *ip,
		     uint32_t ah, uint32_t len, uint32_t esn_hi, uint8_t *icv, bool *ok)
{
	const uint8_t *got = p + ah + AH_FIXED_LEN + m->iv_len;
	int rc;

	if (m->iv_len)   /* GMAC compares inside the cipher: hand it the tag */
		memcpy(icv, got, m->icv_len);
	rc = ah_icv(m, p, ip, ah, len, esn_hi, icv, true);
	*ok = false;
	if (rc == 2)
		return 0;
	if (rc != 0)
		return rc;
	*ok = m->iv_len ? true : ref_ct_equal(icv, got, m->icv_len);
	return 0;
}

enum ref_ah_verdict ref_ah_open(struct ref_sa_member *m, const uint8_t *p,
				const struct ref_ip *ip, uint32_t ah, uint8_t *next_header)
{
	uint32_t len = ref_ah_len(p, ah, ip->end);
	uint8_t icv[MAX_ICV_LEN];
	int rc;
	bool ok;

	/* RFC 4302 §2.2: AH is a multiple of 8 bytes in IPv6, of 4 in IPv4. */
	if (len == 0 || AH_FIXED_LEN + m->iv_len + m->icv_len > len ||
	    (ip->ver == 6 && len % 8 != 0))
		return AH_OPEN_SYNTAX;
	*next_header = p[ah];
	rc = ah_verify(m, p, ip, ah, len, m->esn_high, icv, &ok);
	/* PROFILE.md item 15: the low half may have wrapped before UPDATE_SA
	 * (RFC 4302 appendix B infers the high half as RFC 4303 appendix A). */
	if (rc == 0 && !ok && m->esn && rd32(p + ah + 8) < 0x80000000u)
		rc = ah_verify(m, p, ip, ah, len, m->esn_high + 1, icv, &ok);
	ref_wipe(icv, sizeof(icv));
	if (rc == 1)
		return AH_OPEN_UNSUPPORTED;
	if (rc == -1)
		return AH_OPEN_SYNTAX;
	if (rc != 0)
		return AH_OPEN_ERROR;
	return ok ? AH_OPEN_OK : AH_OPEN_BAD_ICV;
}
