/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parse_capture.c - pcap and pcapng bytes through the capture reader
 * (harness/capture/pcap_in.h, libpcap underneath) and what the replay reads
 * of each frame (harness/replay/replay_frame.h: the outer header, the SPI,
 * the key-file SA it names).
 *
 * The first byte says how the rest is read:
 *   bit 0  clear: the rest is the capture file as it is (pcap or pcapng);
 *          set: a pcap file is built from a description of it, so that the
 *          record headers' captured and original lengths can lie in every
 *          way and still reach the records behind them: link type, byte
 *          order, time resolution and snap length, then per record its data
 *          length, how caplen and len relate to it, its time, its bytes;
 *   bit 1  set: the frames read are written to a pcapng file with the
 *          harness's writer (pcapng_out.h) and read back.
 *
 * Oracles: a capture refused is refused in one line naming it; every
 * record accepted is numbered in order and holds at most the bytes the file
 * has for it, never more than its header's caplen, and never more than its
 * original length (a record captured longer than it was is not a packet);
 * a frame is the record as the engine gets it (Ethernet as is; else an
 * Ethernet header with an IP EtherType and the network-layer bytes);
 * what the replay reads of a frame is coherent (an IPsec header only in a
 * whole, unfragmented IP packet; the SA of a key file holding just that SPI
 * and destination is found, another SPI is not); and a capture read back
 * from the pcapng the harness wrote of it has the same records, bytes and
 * times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "keyfile.h"
#include "pcap_in.h"
#include "pcapng_out.h"
#include "replay_frame.h"

enum {
	MAX_RECORDS = 64,            /* records read per input */
	FRAME_MAX = 262144 + 14,     /* pcap_in's largest frame */
	DATA_MAX = 2047,             /* bytes of one described record */
	FILE_MAX = 24 + MAX_RECORDS * (16 + DATA_MAX),
};

/* What the description said of one record (bit 0 set). */
struct rec_desc {
	uint32_t caplen, len;        /* as in its header */
	uint32_t present;            /* data bytes the description gave it */
	uint32_t after;              /* bytes of the file from its data on */
	const uint8_t *data;         /* its data in the file */
	uint64_t ts_ns;
};

/* One record as read, kept for the round trip. */
struct rec_read {
	enum pcap_in_result r;
	bool incoherent;             /* skipped: captured longer than it was (not written) */
	uint32_t off, len;           /* its raw bytes in keep[] */
	uint32_t foff, flen;         /* its frame in keep[] */
	uint64_t ts;
};

static uint8_t file[FILE_MAX];
static bool file_swapped;        /* the built file's byte order is not this host's */
static uint8_t keep[4 * FILE_MAX];
static struct rec_read reads[MAX_RECORDS];

static const int linktypes[] = { 1, 101, 228, 229, 113, 276, 0, 108, 105, 12 };

static void put16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Build a pcap file from the description in in; the records' headers go to
 * d[] (*n of them). Returns the file's length. */
static size_t build(struct fz_in *in, struct rec_desc *d, unsigned *n)
{
	int lt = linktypes[fz_below(in, sizeof(linktypes) / sizeof(linktypes[0]))];
	uint8_t fl = fz_u8(in);
	bool nano = fl & 1, be = fl & 2;
	const uint16_t one = 1;
	uint32_t snap = fl & 4 ? fz_u16(in) : 262144;
	size_t o = 24;

	file_swapped = be == (*(const uint8_t *)&one == 1);

	put32(file, nano ? 0xA1B23C4D : 0xA1B2C3D4, be);
	put16(file + 4, 2, be);
	put16(file + 6, 4, be);
	put32(file + 8, 0, be);
	put32(file + 12, 0, be);
	put32(file + 16, snap, be);
	put32(file + 20, (uint32_t)lt, be);
	*n = 0;
	while (fz_left(in) && *n < MAX_RECORDS) {
		struct rec_desc *r = &d[(*n)++];
		uint32_t dl = fz_u16(in) & DATA_MAX;
		uint8_t how = fz_u8(in);
		uint32_t sec = fz_u32(in), frac = fz_u32(in);

		r->caplen = dl;
		switch (how & 3) {
		case 1: r->caplen = dl + 1 + fz_u8(in); break;          /* more than follows */
		case 2: r->caplen = dl - (dl ? fz_u8(in) % dl : 0); break; /* less */
		case 3: r->caplen = fz_u32(in); break;                  /* anything */
		default: break;
		}
		r->len = r->caplen;
		switch ((how >> 2) & 3) {
		case 1: r->len = r->caplen + fz_u16(in); break;          /* snapped */
		case 2: r->len = r->caplen - (r->caplen ? fz_u8(in) % r->caplen + 1 : 0); break;
		case 3: r->len = fz_u32(in); break;
		default: break;
		}
		if (!nano)
			frac %= 1000000;
		else
			frac %= 1000000000;
		r->ts_ns = (uint64_t)sec * 1000000000u + (nano ? frac : (uint64_t)frac * 1000u);
		put32(file + o, sec, be);
		put32(file + o + 4, frac, be);
		put32(file + o + 8, r->caplen, be);
		put32(file + o + 12, r->len, be);
		o += 16;
		r->present = (uint32_t)fz_take(in, dl, &r->data);
		memcpy(file + o, r->data, r->present);
		r->data = file + o;
		r->after = (uint32_t)o;     /* made the bytes after it below */
		o += r->present;
	}
	for (unsigned i = 0; i < *n; i++)
		d[i].after = (uint32_t)o - d[i].after;
	return o;
}

static struct pcap_in *open_mem(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	FILE *fp = fmemopen((void *)p, n, "r");

	if (!fp)
		return NULL;
	return pcap_in_fopen("(fuzz)", fp, err, errlen);
}

/* What the replay reads of a frame, and the SA lookup, coherent. */
static void replay_view(const uint8_t *f, uint32_t len)
{
	struct rp_outer o;
	struct key_sa sa;
	struct key_file kf = { .sas = &sa, .n = 1 };

	rp_outer_parse(f, len, &o);
	if (o.ipsec && (o.fam == VEC_FAMILY_NONE || o.fragment || o.truncated))
		fz_fault("parse_capture: an IPsec header read in a fragment or a cut packet",
			 "family %d fragment %d truncated %d", o.fam, o.fragment, o.truncated);
	if (o.udp && o.ah)
		fz_fault("parse_capture: AH taken for UDP-ESP", "SPI 0x%08x", o.spi);
	if (o.fam != VEC_FAMILY_NONE && len < 14 + (o.fam == VEC_FAMILY_IPV4 ? 20u : 40u))
		fz_fault("parse_capture: an IP header read past the frame", "%u bytes", len);
	if (!o.ipsec)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.spi = o.spi;
	sa.ah = o.ah;
	sa.family = o.fam;
	sa.dst.family = o.fam;
	memcpy(sa.dst.a, o.dst, 16);
	if (rp_sa_of(&kf, &o) != 0)
		fz_fault("parse_capture: the SA of the frame's own SPI and destination not found",
			 "SPI 0x%08x", o.spi);
	sa.spi = o.spi ^ 1;
	if (rp_sa_of(&kf, &o) != -1)
		fz_fault("parse_capture: an SA of another SPI found", "SPI 0x%08x", o.spi);
}

/* A frame against its record: Ethernet as is, else a made-up Ethernet
 * header before the network-layer bytes that end the record. */
static void frame_of_record(const uint8_t *f, uint32_t flen, const uint8_t *rec, uint32_t rlen,
			    int lt)
{
	static uint8_t copy[FRAME_MAX];

	if (flen > FRAME_MAX)
		fz_fault("parse_capture: a frame longer than the engine's largest", "%u", flen);
	memcpy(copy, f, flen);      /* every byte readable (ASan) */
	if (lt == 1) {
		if (flen != rlen || memcmp(f, rec, flen) != 0)
			fz_fault("parse_capture: an Ethernet frame that is not its record",
				 "%u | %u bytes", flen, rlen);
		return;
	}
	if (flen < 14 || flen - 14 > rlen ||
	    memcmp(f + 14, rec + (rlen - (flen - 14)), flen - 14) != 0)
		fz_fault("parse_capture: a frame that is not its record's network-layer bytes",
			 "%u | %u bytes", flen, rlen);
	if (!((f[12] == 0x08 && f[13] == 0x00) || (f[12] == 0x86 && f[13] == 0xDD)))
		fz_fault("parse_capture: a frame made up with another EtherType than IP",
			 "0x%02x%02x", f[12], f[13]);
}

/* A record read is its bytes in the file, but for what libpcap rewrites:
 * in a file of the other byte order, the SocketCAN ID behind a Linux SLL
 * or SLL2 header whose protocol is CAN, CAN FD or CAN XL is turned to this
 * host's order (libpcap's pseudo-header fix-ups). */
static bool same_as_file(const uint8_t *rec, const struct rec_desc *w, uint32_t rlen, int lt)
{
	uint32_t hl = lt == 113 ? 16 : lt == 276 ? 20 : 0;
	uint16_t proto;

	if (!file_swapped || !hl || rlen < hl + 4)
		return memcmp(rec, w->data, rlen) == 0;
	proto = lt == 113 ? (uint16_t)(w->data[14] << 8 | w->data[15])
		: (uint16_t)(w->data[0] << 8 | w->data[1]);
	if (proto < 0x000C || proto > 0x000E)
		return memcmp(rec, w->data, rlen) == 0;
	for (unsigned i = 0; i < 4; i++)
		if (rec[hl + i] != w->data[hl + 3 - i])
			return memcmp(rec, w->data, rlen) == 0;   /* not turned: as it is */
	return memcmp(rec, w->data, hl) == 0 &&
	       memcmp(rec + hl + 4, w->data + hl + 4, rlen - hl - 4) == 0;
}

/* Read every record of in; keep them in reads[] (*n); true at EOF. */
static bool read_all(struct pcap_in *in, const struct rec_desc *d, unsigned nd, unsigned *n)
{
	size_t k = 0;
	bool sync = d != NULL;

	*n = 0;
	for (unsigned i = 0; i < MAX_RECORDS; i++) {
		const uint8_t *f = NULL, *rec;
		uint32_t flen = 0, rlen;
		uint64_t num = 0, ts = 0;
		int lt;
		char why[300] = "";
		enum pcap_in_result r = pcap_in_next(in, &f, &flen, &num, &ts, why, sizeof(why));

		if (r == PCAP_IN_EOF)
			return true;
		if (r == PCAP_IN_ERROR) {
			if (strncmp(why, "(fuzz): record ", 15) != 0)
				fz_fault("parse_capture: a read error that does not name the capture",
					 "%s", why);
			return false;
		}
		if (num != i + 1)
			fz_fault("parse_capture: records numbered out of order", "%llu for record %u",
				 (unsigned long long)num, i + 1);
		pcap_in_raw(in, &rec, &rlen, &lt);
		if (r == PCAP_IN_SKIP && !why[0])
			fz_fault("parse_capture: a record skipped without a reason", "record %u", i + 1);
		if (sync && i < nd) {
			const struct rec_desc *w = &d[i];

			if (rlen > w->caplen || rlen > w->after || !same_as_file(rec, w, rlen, lt))
				fz_fault("parse_capture: a record holds more than its caplen or the "
					 "file's bytes", "record %u: %u bytes, caplen %u, %u in the file "
					 "from its data on", i + 1, rlen, w->caplen, w->after);
			if (r == PCAP_IN_FRAME && rlen > w->len)
				fz_fault("parse_capture: a record captured longer than it was accepted",
					 "record %u: %u bytes read, caplen %u, len %u", i + 1, rlen,
					 w->caplen, w->len);
			if (ts != w->ts_ns)
				fz_fault("parse_capture: a record's time is not its header's",
					 "record %u", i + 1);
			/* a record cut short moves the next one: stop comparing */
			sync = w->caplen == w->present;
		}
		if (r == PCAP_IN_FRAME) {
			frame_of_record(f, flen, rec, rlen, lt);
			replay_view(f, flen);
		}
		if (k + rlen + flen > sizeof(keep))
			return false;   /* no room to keep it: no round trip */
		reads[i].r = r;
		reads[i].incoherent = r == PCAP_IN_SKIP && strstr(why, "original length");
		reads[i].ts = ts;
		reads[i].off = (uint32_t)k;
		reads[i].len = rlen;
		memcpy(keep + k, rec, rlen);
		k += rlen;
		reads[i].foff = (uint32_t)k;
		reads[i].flen = r == PCAP_IN_FRAME ? flen : 0;
		if (reads[i].flen)
			memcpy(keep + k, f, reads[i].flen);
		k += reads[i].flen;
		(*n)++;
	}
	return false;
}

/* Write what was read to a pcapng file (in memory) and read it back: the
 * same. */
static void round_trip(int lt, unsigned n)
{
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	struct pcapng_out *w = mf ? pcapng_out_fopen(mf, lt) : NULL;
	struct pcap_in *in;

	if (!w)
		fz_fault("harness: the pcapng writer cannot open its stream", "%s", "memory");
	for (unsigned i = 0; i < n; i++)
		if (!reads[i].incoherent &&
		    pcapng_out_frame_ex(w, keep + reads[i].off, reads[i].len, reads[i].ts, "c") != 0)
			fz_fault("harness: the pcapng writer failed", "record %u", i + 1);
	pcapng_out_close(w);
	if (!(in = open_mem((const uint8_t *)text, len, err, sizeof(err))))
		fz_fault("parse_capture: a pcapng the harness wrote is refused", "%s", err);
	for (unsigned i = 0; i <= n; i++) {
		const uint8_t *f, *rec;
		uint32_t flen, rlen;
		uint64_t num, ts;
		int lt2;
		char why[300];
		enum pcap_in_result r;

		if (i < n && reads[i].incoherent)
			continue;
		r = pcap_in_next(in, &f, &flen, &num, &ts, why, sizeof(why));
		if (i == n) {
			if (r != PCAP_IN_EOF)
				fz_fault("parse_capture: the pcapng written holds more records", "%u", n);
			break;
		}
		if (r != reads[i].r)
			fz_fault("parse_capture: a record read back is taken otherwise",
				 "record %u: %d | %d (%s)", i + 1, reads[i].r, r, why);
		pcap_in_raw(in, &rec, &rlen, &lt2);
		if (lt2 != lt || rlen != reads[i].len || memcmp(rec, keep + reads[i].off, rlen) != 0)
			fz_fault("parse_capture: a record read back has other bytes", "record %u", i + 1);
		if (ts != reads[i].ts)
			fz_fault("parse_capture: a record read back has another time", "record %u",
				 i + 1);
		if (r == PCAP_IN_FRAME && (flen != reads[i].flen ||
					   memcmp(f, keep + reads[i].foff, flen) != 0))
			fz_fault("parse_capture: a frame read back differs", "record %u", i + 1);
	}
	pcap_in_close(in);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_desc d[MAX_RECORDS];
	struct fz_in in = { data, size };
	uint8_t mode = fz_u8(&in);
	unsigned nd = 0, n = 0;
	const uint8_t *p = in.p;
	size_t len = in.n;
	struct pcap_in *c;
	char err[512] = "";
	bool eof;

	if (mode & 1) {
		len = build(&in, d, &nd);
		p = file;
	}
	c = open_mem(p, len, err, sizeof(err));
	if (!c) {
		if (!err[0])
			fz_fault("harness: fmemopen failed", "%zu bytes", len);
		if (strncmp(err, "(fuzz)", 6) != 0 || strchr(err, '\n'))
			fz_fault("parse_capture: a refusal that does not name the capture in one line",
				 "%s", err);
		return 0;
	}
	{
		const uint8_t *rec;
		uint32_t rlen;
		int lt;

		pcap_in_raw(c, &rec, &rlen, &lt);
		eof = read_all(c, mode & 1 ? d : NULL, nd, &n);
		pcap_in_close(c);
		if ((mode & 2) && eof)
			round_trip(lt, n);
	}
	return 0;
}
