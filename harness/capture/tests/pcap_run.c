/* SPDX-License-Identifier: MIT */
/* pcap_run.c - see pcap_run.h. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_run.h"

int run_read(struct pcap_in *in, struct run *r)
{
	size_t cap = 0;

	r->s = NULL;
	r->n = 0;
	for (;;) {
		struct seen *e;
		const uint8_t *f = NULL;

		if (r->n == cap) {
			struct seen *s = realloc(r->s, (cap = cap ? 2 * cap : 64) * sizeof(*s));

			if (!s)
				return -1;
			r->s = s;
		}
		e = &r->s[r->n++];
		memset(e, 0, sizeof(*e));
		e->off_before = pcap_in_offset(in);
		e->kind = pcap_in_next(in, &f, &e->len, &e->number, &e->ts, e->err,
				       sizeof(e->err));
		e->off_after = pcap_in_offset(in);
		e->stable = pcap_in_stable(in);
		if (e->kind == PCAP_IN_FRAME) {
			e->data = malloc(e->len ? e->len : 1);
			if (!e->data)
				return -1;
			memcpy(e->data, f, e->len);
		} else {
			e->len = 0;     /* only a frame has one */
		}
		if (e->kind == PCAP_IN_EOF || e->kind == PCAP_IN_ERROR)
			return 0;
	}
}

void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->s[i].data);
	free(r->s);
	r->s = NULL;
	r->n = 0;
}

int run_diff(const struct run *a, size_t a_from, const struct run *b, char *why, size_t whylen)
{
	size_t n = a->n - a_from;

	for (size_t i = 0; i < n && i < b->n; i++) {
		const struct seen *x = &a->s[a_from + i], *y = &b->s[i];

		if (x->kind != y->kind || x->number != y->number || x->ts != y->ts ||
		    x->len != y->len || (x->len && memcmp(x->data, y->data, x->len) != 0) ||
		    strcmp(x->err, y->err) != 0) {
			snprintf(why, whylen, "result %zu: kind %d/%d, number %" PRIu64 "/%" PRIu64
				 ", ts %" PRIu64 "/%" PRIu64 ", len %u/%u, \"%s\"/\"%s\"",
				 a_from + i, x->kind, y->kind, x->number, y->number, x->ts, y->ts,
				 x->len, y->len, x->err, y->err);
			return -1;
		}
	}
	if (n != b->n) {
		snprintf(why, whylen, "%zu results against %zu", n, b->n);
		return -1;
	}
	return 0;
}

/* A libpcap timestamp at nanosecond precision as pcap_in gives it: the
 * seconds unsigned 32 bits (libpcap reads them signed). */
static uint64_t ts_of(const struct pcap_pkthdr *h)
{
	return (uint64_t)(uint32_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
}

int run_match_libpcap(const char *path, const struct run *r, char *why, size_t whylen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
	size_t i = 0;
	int rc = -1;

	if (!p) {
		snprintf(why, whylen, "libpcap cannot open it: %s", perr);
		return -1;
	}
	for (;; i++) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int n = pcap_next_ex(p, &h, &d);
		const struct seen *e = i < r->n ? &r->s[i] : NULL;

		if (!e) {
			snprintf(why, whylen, "libpcap has a result %zu, the reader none", i);
			break;
		}
		if (n == PCAP_ERROR_BREAK) {
			if (e->kind != PCAP_IN_EOF || i + 1 != r->n)
				snprintf(why, whylen, "libpcap ends at result %zu, the reader gives %d",
					 i, e->kind);
			else
				rc = 0;
			break;
		}
		if (n != 1) {
			const char *m = pcap_geterr(p);
			size_t ml = strlen(m), el = strlen(e->err);
			char rec[64];

			snprintf(rec, sizeof(rec), ": record %zu: ", i + 1);
			if (e->kind != PCAP_IN_ERROR || i + 1 != r->n || el < ml ||
			    strcmp(e->err + el - ml, m) != 0 || !strstr(e->err, rec))
				snprintf(why, whylen, "libpcap fails at result %zu with \"%s\", the "
					 "reader gives %d \"%s\"", i, m, e->kind, e->err);
			else
				rc = 0;
			break;
		}
		if (e->number != i + 1 || e->ts != ts_of(h) ||
		    e->kind != (h->caplen > h->len ? PCAP_IN_SKIP : PCAP_IN_FRAME) ||
		    (e->kind == PCAP_IN_FRAME &&
		     (e->len != h->caplen || memcmp(e->data, d, h->caplen) != 0))) {
			snprintf(why, whylen, "result %zu: libpcap caplen %u len %u ts %" PRIu64
				 ", the reader kind %d number %" PRIu64 " len %u ts %" PRIu64,
				 i, h->caplen, h->len, ts_of(h), e->kind, e->number, e->len, e->ts);
			break;
		}
	}
	pcap_close(p);
	return rc;
}
