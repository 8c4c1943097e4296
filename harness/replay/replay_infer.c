/* SPDX-License-Identifier: MIT */
/* replay_infer.c - see replay_infer.h. */
#include <stdlib.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "pcap_in.h"
#include "replay_frame.h"
#include "replay_infer.h"

const char *replay_nat_t_name(enum replay_nat_t m)
{
	return m == REPLAY_NAT_T_TUNNEL ? "tunnel" : m == REPLAY_NAT_T_OFF ? "off" : "transport";
}

/* Note where record `records` + 1 starts when a chunk starts there; false
 * once the index cannot go on. */
static bool index_at(struct replay_index *ix, const struct pcap_in *in, uint64_t records)
{
	uint64_t at = pcap_in_offset(in);

	if (records % ix->every)
		return true;
	if (at == UINT64_MAX)
		return false;
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		uint64_t *p = realloc(ix->off, cap * sizeof(*p));

		if (!p)
			return false;
		ix->off = p;
		ix->cap = cap;
	}
	ix->off[ix->n++] = at;
	return true;
}

/* The first pass: seen[i] for every frame of the capture an SA matches;
 * the chunks' offsets into ix (may be NULL). */
static int count_frames(const char *capture, const struct key_file *keys,
			struct replay_seen *seen, struct replay_index *ix, char *err,
			size_t errlen)
{
	struct pcap_in *in = pcap_in_open(capture, err, errlen);
	bool indexing = ix && ix->every;
	uint64_t records = 0;
	char why[256];
	int rc = 0;

	if (!in)
		return -1;
	for (;;) {
		const uint8_t *f;
		uint32_t len;
		uint64_t num, ts;
		struct rp_outer o;
		enum pcap_in_result r;
		long i;

		if (indexing)
			indexing = index_at(ix, in, records);
		r = pcap_in_next(in, &f, &len, &num, &ts, why, sizeof(why));
		records++;

		if (r == PCAP_IN_EOF)
			break;
		if (r == PCAP_IN_ERROR) {
			snprintf(err, errlen, "%s", why);
			rc = -1;
			break;
		}
		if (r == PCAP_IN_SKIP)
			continue;
		rp_outer_parse(f, len, &o);
		if ((i = rp_sa_of(keys, &o)) < 0)
			continue;
		if (!seen[i].udp && !seen[i].plain)
			seen[i].first_udp = o.udp;
		(o.udp ? &seen[i].udp : &seen[i].plain)[0]++;
	}
	pcap_in_close(in);
	return rc;
}

int replay_udp_plan(const char *capture, const struct key_file *keys, enum replay_nat_t nat_t,
		    uint32_t *udp_esp, struct replay_seen *seen, FILE *out, char *err,
		    size_t errlen)
{
	return replay_udp_plan_ix(capture, keys, nat_t, udp_esp, seen, out, NULL, err, errlen);
}

int replay_udp_plan_ix(const char *capture, const struct key_file *keys,
		       enum replay_nat_t nat_t, uint32_t *udp_esp, struct replay_seen *seen,
		       FILE *out, struct replay_index *ix, char *err, size_t errlen)
{
	uint32_t type = nat_t == REPLAY_NAT_T_TUNNEL ? IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL
						      : IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT;
	int n = 0;

	for (size_t i = 0; i < keys->n; i++) {
		const struct key_sa *k = &keys->sas[i];

		udp_esp[i] = !k->udp_encap ? 0 : k->mode == VEC_MODE_TUNNEL
			     ? IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL
			     : IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT;
	}
	if (keys->format != KEYFILE_ESP_SA || nat_t == REPLAY_NAT_T_OFF || !keys->n || !seen)
		return 0;
	memset(seen, 0, keys->n * sizeof(*seen));
	if (count_frames(capture, keys, seen, ix, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < keys->n; i++) {
		struct replay_seen *s = &seen[i];

		if (!s->udp || s->udp < s->plain || (s->udp == s->plain && !s->first_udp))
			continue;
		s->inferred = true;
		udp_esp[i] = type;
		n++;
		fprintf(out, "nat-t: SPI 0x%08x (%s line %u) seen UDP-encapsulated on port 4500 in "
			"%llu frame%s", keys->sas[i].spi, keys->name, keys->sas[i].line,
			(unsigned long long)s->udp, s->udp == 1 ? "" : "s");
		if (s->plain)
			fprintf(out, " and as plain ESP in %llu (%s)", (unsigned long long)s->plain,
				s->udp > s->plain ? "the most" : "a tie: as its first frame");
		fprintf(out, ": offloaded as UDP-ESP %s\n", replay_nat_t_name(nat_t));
	}
	return n;
}
