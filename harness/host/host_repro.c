/* SPDX-License-Identifier: MIT */
/*
 * host_repro.c - reading a reproducer (host_proto.h) back and replaying it
 * through an engine host (eh_repro_run, eh_repro_engine in host.h).
 *
 * Implementation notes. A replay talks to another instance of the engine
 * than the recording did, so the names the engine chose then differ now:
 * instance numbers (from OPEN replies) and SA handles (OffloadHandle). The
 * file keeps, for each OPEN, the instance the recording got, and for each
 * OID, the offsets of its handle fields and their values after the
 * recorded reply. The replay maps recorded names to the ones this run
 * gets, and rewrites requests before sending them: the instance of every
 * request, the handles in OID buffers, in SEND's slots 1 and 11, and in
 * the test hooks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_int.h"
#include "host_proto.h"
#include "wipe.h"

#define MAX_MAP 4096u

struct names {
	uint32_t inst_from[HP_MAX_INST + 1], inst_to[HP_MAX_INST + 1];
	unsigned n_inst;
	uint64_t h_from[MAX_MAP], h_to[MAX_MAP];
	unsigned n_h;
};

static uint32_t map_inst(const struct names *m, uint32_t i)
{
	for (unsigned k = 0; k < m->n_inst; k++)
		if (m->inst_from[k] == i)
			return m->inst_to[k];
	return i;
}

static uint64_t map_handle(const struct names *m, uint64_t h)
{
	for (unsigned k = 0; h && k < m->n_h; k++)
		if (m->h_from[k] == h)
			return m->h_to[k];
	return h;
}

static void put_handle(struct names *m, uint64_t from, uint64_t to)
{
	if (!from || m->n_h == MAX_MAP)
		return;
	m->h_from[m->n_h] = from;
	m->h_to[m->n_h++] = to;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* Rewrite the handles a SEND carries in slots 1 and 11 of each NBL. */
static void map_send(uint8_t *q, size_t len, const struct names *m)
{
	struct mr r;
	uint32_t n;

	mr_init(&r, q, len);
	for (int i = 0; i < 6; i++)
		mr_u32(&r);   /* op, inst, guard, writable, port, flags */
	n = mr_u32(&r);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		size_t slots = r.off;
		uint32_t nb;

		for (int k = 0; k < EH_SLOTS; k++)
			mr_u64(&r);
		if (r.bad)
			return;
		for (int k = IPsecOffloadV2NetBufferListInfo; k <= IPsecOffloadV2TunnelNetBufferListInfo;
		     k += IPsecOffloadV2TunnelNetBufferListInfo - IPsecOffloadV2NetBufferListInfo) {
			uint8_t *at = q + slots + 8 * (size_t)k;

			wr64(at, map_handle(m, rd64(at)));
		}
		nb = mr_u32(&r);
		for (uint32_t j = 0; j < nb && !r.bad; j++) {
			uint32_t bl, cuts;

			mr_bytes(&r, &bl);
			mr_u32(&r);
			mr_u32(&r);
			mr_u32(&r);
			cuts = mr_u32(&r);
			for (uint32_t k = 0; k < cuts && !r.bad; k++)
				mr_u32(&r);
		}
	}
}

static void print_reply(FILE *out, unsigned op, struct mr *rep)
{
	switch (op) {
	case HP_OPEN:
	case HP_OID:
	case HP_TX_IV:
	case HP_SEQ:
		fprintf(out, " -> status 0x%08x", mr_u32(rep));
		break;
	case HP_SEND:
	case HP_RECEIVE: {
		char err[256];
		uint32_t n;

		mr_str(rep, err, sizeof(err));
		mr_u64(rep);
		fprintf(out, " -> %u calls back", mr_u32(rep));
		mr_u32(rep);
		mr_u32(rep);
		mr_u32(rep);
		n = mr_u32(rep);
		for (uint32_t i = 0; i < n && !rep->bad; i++) {
			uint32_t ret = mr_u32(rep), st = mr_u32(rep), nb, bl;
			uintptr_t s1 = 0;
			char g[256], md[256];

			for (int k = 0; k < EH_SLOTS; k++) {
				uint64_t v = mr_u64(rep);

				if (k == IPsecOffloadV2NetBufferListInfo)
					s1 = (uintptr_t)v;
			}
			mr_str(rep, g, sizeof(g));
			mr_str(rep, md, sizeof(md));
			fprintf(out, "; NBL %u: back %u, status 0x%08x, slot 1 0x%lx%s%s%s%s", i, ret,
				st, (unsigned long)s1, g[0] ? ", " : "", g, md[0] ? ", " : "", md);
			nb = mr_u32(rep);
			for (uint32_t j = 0; j < nb; j++) {
				mr_u32(rep);
				mr_bytes(rep, &bl);
			}
		}
		break;
	}
	default:
		break;
	}
}

/* The header lines; *body is left at the first request. */
static int read_file(const char *path, uint8_t **data, size_t *len, char *engine, size_t elen,
		     char *title, size_t tlen, uint32_t *n, size_t *body, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;
	char line[4200];
	int field = 0;

	*data = NULL;
	*len = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		uint8_t *nd;
		size_t k;

		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			nd = realloc(*data, cap);
			if (!nd)
				break;
			*data = nd;
		}
		k = fread(*data + *len, 1, cap - *len, f);
		*len += k;
		if (k == 0)
			break;
	}
	fclose(f);
	for (size_t off = 0; field < 4;) {
		const uint8_t *nl = *data ? memchr(*data + off, '\n', *len - off) : NULL;
		size_t ll;

		if (!nl)
			break;
		ll = (size_t)(nl - (*data + off));
		if (ll >= sizeof(line))
			break;
		memcpy(line, *data + off, ll);
		line[ll] = '\0';
		off += ll + 1;
		if (field == 0 && strcmp(line, "ipoc-repro 1") != 0)
			break;
		if (field == 1 && strncmp(line, "engine ", 7) == 0)
			snprintf(engine, elen, "%s", line + 7);
		else if (field == 2 && strncmp(line, "title ", 6) == 0)
			snprintf(title, tlen, "%s", line + 6);
		else if (field == 3 && sscanf(line, "requests %u", n) == 1)
			*body = off;
		else if (field)
			break;
		field++;
	}
	if (field < 4) {
		snprintf(err, errlen, "%s: not an ipoc reproducer (line %d of its header)", path,
			 field + 1);
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}

int eh_repro_engine(const char *path, char *engine, size_t len, char *err, size_t errlen)
{
	uint8_t *data;
	size_t n, body;
	uint32_t reqs;
	char title[4200];

	if (read_file(path, &data, &n, engine, len, title, sizeof(title), &reqs, &body, err,
		      errlen) != 0)
		return -1;
	free(data);
	return 0;
}

int eh_repro_run(struct eh *eh, const char *path, FILE *out, char *err, size_t errlen)
{
	uint8_t *data;
	size_t len, body;
	uint32_t reqs;
	char engine[4200], title[4200] = "";
	struct names m;
	struct mr r;
	int rc = EH_OK;

	if (read_file(path, &data, &len, engine, sizeof(engine), title, sizeof(title), &reqs,
		      &body, err, errlen) != 0)
		return -1;
	memset(&m, 0, sizeof(m));
	fprintf(out, "reproducer %s: %s (%u requests)\n", path, title, reqs);
	mr_init(&r, data + body, len - body);
	for (uint32_t i = 0; i < reqs && rc == EH_OK; i++) {
		uint32_t qlen, inst_was, nh, op;
		const uint8_t *q0 = mr_bytes(&r, &qlen);
		uint8_t *q;
		struct mr rep;
		struct { uint32_t off; uint64_t was; } hv[64];

		inst_was = mr_u32(&r);
		nh = mr_u32(&r);
		for (uint32_t k = 0; k < nh; k++) {
			uint32_t off = mr_u32(&r);
			uint64_t v = mr_u64(&r);

			if (k < 64)
				hv[k].off = off, hv[k].was = v;
		}
		if (r.bad || qlen < 8 || nh > 64) {
			snprintf(err, errlen, "%s: request %u is cut short", path, i + 1);
			rc = -1;
			break;
		}
		q = malloc(qlen);
		if (!q) {
			rc = -1;
			break;
		}
		memcpy(q, q0, qlen);
		op = rd32(q);
		wr32(q + 4, map_inst(&m, rd32(q + 4)));
		if (op == HP_SEND)
			map_send(q, qlen, &m);
		if (op == HP_TX_IV || op == HP_SEQ)
			wr64(q + 8, map_handle(&m, rd64(q + 8)));
		/* OID: u32 op, inst, type, oid, u32 length, then the buffer. */
		for (uint32_t k = 0; op == HP_OID && k < nh; k++)
			if (qlen >= 20 && hv[k].off <= qlen - 20 - 8)
				wr64(q + 20 + hv[k].off, map_handle(&m, rd64(q + 20 + hv[k].off)));
		fprintf(out, "%4u %-8s", i + 1, hp_op_name(op));
		rc = eh_raw(eh, q, qlen, &rep);
		if (rc == EH_OK && op == HP_OPEN) {
			struct mr t = rep;
			uint32_t got;

			mr_u32(&t);
			got = mr_u32(&t);
			if (inst_was != UINT32_MAX && m.n_inst <= HP_MAX_INST) {
				m.inst_from[m.n_inst] = inst_was;
				m.inst_to[m.n_inst++] = got;
			}
		}
		if (rc == EH_OK && op == HP_OID) {
			struct mr t = rep;
			uint32_t bl;
			const uint8_t *b;

			for (int k = 0; k < 4; k++)
				mr_u32(&t);
			b = mr_bytes(&t, &bl);
			for (uint32_t k = 0; b && k < nh; k++)
				if (hv[k].off <= bl && bl - hv[k].off >= 8)
					put_handle(&m, hv[k].was, rd64(b + hv[k].off));
		}
		if (rc == EH_OK) {
			print_reply(out, op, &rep);
			fputc('\n', out);
		} else if (rc == EH_ERROR) {
			fprintf(out, " -> %s\n", eh_error(eh));
			rc = EH_OK;   /* refused by the host: go on */
		} else {
			const char *t = eh_fault(eh)->tail;
			char f[256];

			fprintf(out, " -> %s\n", eh_fault_text(eh, f, sizeof(f)));
			eh_print_tail(out, "engine's last output:\n", t, sizeof(eh_fault(eh)->tail));
		}
		ipoc_wipe(q, qlen);
		free(q);
	}
	ipoc_wipe(data, len);
	free(data);
	return rc;
}
