/* SPDX-License-Identifier: MIT */
/* pcap_in.c - see pcap_in.h. */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcap_in.h"

/* LINKTYPE_* values libpcap may not define under these names. */
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

enum { ETH_LEN = 14, SLL_LEN = 16, SLL2_LEN = 20, NULL_LEN = 4, FRAME_MAX = 262144 + 14 };

struct pcap_in {
	char path[1024];
	pcap_t *p;
	int dlt;
	uint64_t number;
	const uint8_t *rec;
	uint32_t rec_len;
	uint8_t *frame;             /* a record with an Ethernet header made up; grown */
	uint32_t frame_cap;
	/* The mapped capture, which the stream owns (map_close). Kept here
	 * too: the stream's own memory is libc's, where a leak checker does
	 * not look, so without this the mapping's bookkeeping would look
	 * leaked to it (in a child forked from here, such as an engine host
	 * whose engine calls exit()). */
	const void *map;
	/* Records read straight from the mapping (classic pcap 2.4): the
	 * frame is the mapped record itself, no copy; off is where the next
	 * record starts. Anything the fast path does not take (a record
	 * beyond the snapshot length, a file cut short, a timestamp whose
	 * fraction is a second or more) is handed to libpcap
	 * at that record, for good, so its handling and messages stay
	 * libpcap's. */
	bool direct;
	bool swapped, nano;
	uint32_t snaplen;
	size_t off;
	bool stable;                /* the last frame lies in the mapping */
};

static bool supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 ||
	       dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 || dlt == DLT_NULL || dlt == DLT_LOOP;
}

/* Open either path or fp (fp wins); see pcap_in_open / pcap_in_fopen. */
static struct pcap_in *open_either(const char *path, FILE *fp, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct pcap_in *in = calloc(1, sizeof(*in));

	if (!in) {
		snprintf(err, errlen, "%s: out of memory", path);
		if (fp)
			fclose(fp);
		return NULL;
	}
	snprintf(in->path, sizeof(in->path), "%s", path);
	/* Nanosecond precision: libpcap then scales every file's timestamps to
	 * ns (tv_usec holds nanoseconds), so none is rounded. */
	in->p = fp ? pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr)
		: pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!in->p) {
		/* libpcap names the file in some messages, not in others */
		if (strncmp(perr, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", perr);
		else
			snprintf(err, errlen, "%s: %s", path, perr);
		if (fp)
			fclose(fp);   /* libpcap leaves it open when it fails */
		free(in);
		return NULL;
	}
	in->dlt = pcap_datalink(in->p);
	if (!supported(in->dlt)) {
		const char *name = pcap_datalink_val_to_name(in->dlt);

		snprintf(err, errlen, "%s: link type %d (%s) is not supported (Ethernet, raw IP, "
			 "Linux SLL/SLL2 and BSD loopback are)", path, in->dlt, name ? name : "?");
		pcap_in_close(in);
		return NULL;
	}
	return in;
}

/* A capture that is a regular file is read through a mapping of it: libpcap
 * reads a record as a header and a body through stdio, which over a file
 * costs a read() into stdio's buffer (a copy out of the page cache) and a
 * copy into libpcap's; over the mapping (a stream of our own) stdio's
 * buffer is filled by a copy out of the mapped pages, no system call. Pages read are let go
 * behind the reader every DROP_STEP bytes, so the resident memory stays
 * flat whatever the capture's size. Anything else (a pipe, a device, a
 * file that cannot be mapped) is read through stdio with a buffer of
 * READ_BUF bytes. */
enum { READ_BUF = 1 << 20, MAP_BUF = 16 << 10, DROP_STEP = 256 << 10 };

struct mapped {
	const uint8_t *base;
	size_t size, pos, dropped;
};

/* The pages before pos let go of, DROP_STEP at a time, one step behind
 * (what the reader handed out last stays mapped a while; a page let go of
 * is read again from the file if touched: the mapping is private and
 * never written). */
static void map_drop(struct mapped *m, size_t pos)
{
	if (pos >= m->dropped + 2 * DROP_STEP) {
		size_t upto = (pos - DROP_STEP) / DROP_STEP * DROP_STEP;

		madvise((void *)(uintptr_t)(m->base + m->dropped), upto - m->dropped,
			MADV_DONTNEED);
		m->dropped = upto;
	}
}

static ssize_t map_read(void *cookie, char *buf, size_t n)
{
	struct mapped *m = cookie;
	size_t left = m->size - m->pos;

	if (n > left)
		n = left;
	memcpy(buf, m->base + m->pos, n);
	m->pos += n;
	map_drop(m, m->pos);
	return (ssize_t)n;
}

static int map_seek(void *cookie, off64_t *off, int whence)
{
	struct mapped *m = cookie;
	off64_t at = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)m->pos
		     : (off64_t)m->size;

	if (*off < -at || at + *off > (off64_t)m->size)
		return -1;
	m->pos = (size_t)(at + *off);
	if (m->pos < m->dropped)
		m->dropped = m->pos / DROP_STEP * DROP_STEP;
	*off = (off64_t)m->pos;
	return 0;
}

static int map_close(void *cookie)
{
	struct mapped *m = cookie;

	munmap((void *)(uintptr_t)m->base, m->size);
	free(m);
	return 0;
}

/* path as a stream over its mapping (*cookie: its bookkeeping), or NULL
 * (then read it otherwise). */
static FILE *map_open(const char *path, const void **cookie)
{
	cookie_io_functions_t io = { map_read, NULL, map_seek, map_close };
	struct mapped *m;
	struct stat sb;
	void *base;
	FILE *fp;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (uint64_t)sb.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return NULL;
	madvise(base, (size_t)sb.st_size, MADV_SEQUENTIAL);
	m = calloc(1, sizeof(*m));
	if (!m || !(fp = fopencookie(m, "rb", io))) {
		munmap(base, (size_t)sb.st_size);
		free(m);
		return NULL;
	}
	m->base = base;
	m->size = (size_t)sb.st_size;
	*cookie = m;
	setvbuf(fp, NULL, _IOFBF, MAP_BUF);
	return fp;
}

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	return swapped ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		       : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A classic pcap file of version 2.4 (either byte order, micro- or
 * nanosecond) that libpcap opened through the mapping is read from the
 * mapping from the first record on. */
static void direct_open(struct pcap_in *in)
{
	const struct mapped *m = in->map;
	uint32_t magic;

	if (!m || m->size < 24)
		return;
	magic = rd32(m->base, false);
	if (magic == 0xA1B2C3D4u || magic == 0xA1B23C4Du) {
		in->swapped = false;
	} else if (magic == 0xD4C3B2A1u || magic == 0x4D3CB2A1u) {
		in->swapped = true;
	} else {
		return;
	}
	in->nano = magic == 0xA1B23C4Du || magic == 0x4D3CB2A1u;
	if ((rd32(m->base + 4, in->swapped) != (in->swapped ? 0x00020004u : 0x00040002u)))
		return;
	in->snaplen = (uint32_t)pcap_snapshot(in->p);
	in->off = 24;
	in->direct = true;
}

/* The next record from the mapping: 1 with *h and *r, 0 at the end, -1
 * when libpcap is to read it (and every record after it). */
static int direct_next(struct pcap_in *in, struct pcap_pkthdr *h, const u_char **r)
{
	const struct mapped *m = in->map;
	const uint8_t *p = m->base + in->off;
	size_t left = m->size - in->off;
	uint32_t caplen, frac;

	if (left == 0)
		return 0;
	if (left < 16)
		return -1;
	caplen = rd32(p + 8, in->swapped);
	if (caplen > in->snaplen || caplen > 262144u || caplen > left - 16)
		return -1;
	/* A fraction of a second or more is no timestamp a capture tool
	 * writes, and libpcap reads one signed in a file of the host's byte
	 * order and unsigned in the other: such a record is libpcap's. */
	frac = rd32(p + 4, in->swapped);
	if (frac >= (in->nano ? 1000000000u : 1000000u))
		return -1;
	/* libpcap reads the seconds as a signed 32-bit number */
	h->ts.tv_sec = (int32_t)rd32(p, in->swapped);
	h->ts.tv_usec = (suseconds_t)frac * (in->nano ? 1 : 1000);
	h->caplen = caplen;
	h->len = rd32(p + 12, in->swapped);
	*r = p + 16;
	in->off += 16 + (size_t)caplen;
	if (m->size - in->off >= 16)
		__builtin_prefetch(m->base + in->off);
	map_drop((struct mapped *)(uintptr_t)m, in->off);
	return 1;
}

/* libpcap takes over at the record at in->off. */
static int direct_leave(struct pcap_in *in)
{
	in->direct = false;
	return fseeko(pcap_file(in->p), (off_t)in->off, SEEK_SET);
}

struct pcap_in *pcap_in_open(const char *path, char *err, size_t errlen)
{
	const void *m = NULL;
	FILE *fp = map_open(path, &m);
	struct pcap_in *in;

	if (fp) {
		in = open_either(path, fp, err, errlen);
		if (in) {
			in->map = m;
			direct_open(in);
		}
		return in;
	}
	fp = fopen(path, "rb");
	if (!fp || setvbuf(fp, NULL, _IOFBF, READ_BUF) != 0) {
		/* libpcap says why the file cannot be read, as it always has */
		if (fp)
			fclose(fp);
		return open_either(path, NULL, err, errlen);
	}
	return open_either(path, fp, err, errlen);
}

struct pcap_in *pcap_in_fopen(const char *name, FILE *fp, char *err, size_t errlen)
{
	return open_either(name, fp, err, errlen);
}

void pcap_in_close(struct pcap_in *in)
{
	if (!in)
		return;
	if (in->p)
		pcap_close(in->p);
	free(in->frame);
	free(in);
}

uint64_t pcap_in_offset(const struct pcap_in *in)
{
	return in->direct ? in->off : UINT64_MAX;
}

int pcap_in_seek(struct pcap_in *in, uint64_t off, uint64_t records)
{
	struct mapped *m = (struct mapped *)(uintptr_t)in->map;

	if (!in->direct || off < 24 || off > m->size)
		return -1;
	in->off = (size_t)off;
	in->number = records;
	/* Back before pages let go of: they are ahead of the reader again
	 * (as map_seek has it), and are let go of again once read. */
	if (m->dropped > in->off)
		m->dropped = in->off / DROP_STEP * DROP_STEP;
	return 0;
}

bool pcap_in_stable(const struct pcap_in *in)
{
	return in->stable;
}

const char *pcap_in_linktype(const struct pcap_in *in)
{
	const char *n = pcap_datalink_val_to_name(in->dlt);

	return n ? n : "?";
}

void pcap_in_raw(const struct pcap_in *in, const uint8_t **rec, uint32_t *len, int *linktype)
{
	*rec = in->rec;
	*len = in->rec_len;
	*linktype = in->dlt;
}

/* EtherType of a raw IP packet from its version nibble, or 0. */
static uint16_t ip_ethertype(const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return 0;
	return p[0] >> 4 == 4 ? 0x0800 : p[0] >> 4 == 6 ? 0x86DD : 0;
}

/* BSD loopback: the address family in the capturing host's byte order
 * (LINKTYPE_NULL) or network order (LINKTYPE_LOOP). AF_INET is 2
 * everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (BSDs, macOS). */
static uint16_t null_ethertype(const uint8_t *h, bool network_order)
{
	uint32_t be = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	uint32_t le = (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[1] << 8 | h[0];
	uint32_t af = network_order ? be : (be < 256 ? be : le);

	if (af == 2)
		return 0x0800;
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return 0x86DD;
	return 0;
}

/* Where the network-layer packet starts in the record and its EtherType;
 * returns -1 (with why) for a record that holds none. */
static int l3_of(const struct pcap_in *in, const uint8_t *r, uint32_t n, uint32_t *off,
		 uint16_t *et, const char **why)
{
	switch (in->dlt) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		*off = 0;
		*et = ip_ethertype(r, n);
		break;
	case DLT_LINUX_SLL:
		if (n < SLL_LEN)
			return *why = "truncated Linux SLL header", -1;
		*off = SLL_LEN;
		*et = (uint16_t)(r[14] << 8 | r[15]);
		break;
	case DLT_LINUX_SLL2:
		if (n < SLL2_LEN)
			return *why = "truncated Linux SLL2 header", -1;
		*off = SLL2_LEN;
		*et = (uint16_t)(r[0] << 8 | r[1]);
		break;
	default:   /* DLT_NULL, DLT_LOOP */
		if (n < NULL_LEN)
			return *why = "truncated loopback header", -1;
		*off = NULL_LEN;
		*et = null_ethertype(r, in->dlt == DLT_LOOP);
		break;
	}
	if (*et != 0x0800 && *et != 0x86DD)
		return *why = "not an IPv4 or IPv6 packet", -1;
	return 0;
}

enum pcap_in_result pcap_in_next(struct pcap_in *in, const uint8_t **frame, uint32_t *len,
				 uint64_t *number, uint64_t *ts_ns, char *err, size_t errlen)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	struct pcap_pkthdr *h, dh;
	const u_char *r;
	const char *why = NULL;
	uint32_t off;
	uint16_t et;
	int rc = 0;

	if (in->direct) {
		h = &dh;
		rc = direct_next(in, h, &r);
		if (rc == 0)
			return PCAP_IN_EOF;
		if (rc < 0 && direct_leave(in) != 0) {
			snprintf(err, errlen, "%s: record %llu: cannot seek to it", in->path,
				 (unsigned long long)in->number + 1);
			return PCAP_IN_ERROR;
		}
	}
	in->stable = rc == 1;
	if (rc != 1)
		rc = pcap_next_ex(in->p, &h, &r);

	if (rc == PCAP_ERROR_BREAK)
		return PCAP_IN_EOF;
	if (rc != 1) {
		snprintf(err, errlen, "%s: record %llu: %s", in->path,
			 (unsigned long long)in->number + 1, pcap_geterr(in->p));
		return PCAP_IN_ERROR;
	}
	*number = ++in->number;
	/* A pcap record's seconds are unsigned 32 bits; libpcap reads them
	 * signed, so a time past 2038-01-19 comes back negative. */
	*ts_ns = (h->ts.tv_sec < 0 ? (uint64_t)(uint32_t)h->ts.tv_sec : (uint64_t)h->ts.tv_sec) *
		 1000000000u + (uint64_t)h->ts.tv_usec;
	in->rec = r;
	in->rec_len = h->caplen;
	/* libpcap takes a header whose captured length exceeds the packet's
	 * original length as it is: such a record is no packet seen on a wire. */
	if (h->caplen > h->len) {
		snprintf(err, errlen, "record %llu: captured length %u longer than the original "
			 "length %u", (unsigned long long)in->number, h->caplen, h->len);
		return PCAP_IN_SKIP;
	}
	if (in->dlt == DLT_EN10MB) {
		*frame = r;
		*len = h->caplen;
		return PCAP_IN_FRAME;
	}
	in->stable = false;   /* the frame is the reader's made-up one */
	if (l3_of(in, r, h->caplen, &off, &et, &why) != 0 || h->caplen - off > FRAME_MAX - ETH_LEN) {
		snprintf(err, errlen, "record %llu: %s", (unsigned long long)in->number,
			 why ? why : "longer than the engine's largest frame");
		return PCAP_IN_SKIP;
	}
	if (ETH_LEN + h->caplen - off > in->frame_cap) {
		uint32_t cap = ETH_LEN + h->caplen - off < 2048 ? 2048 : ETH_LEN + h->caplen - off;
		uint8_t *f = realloc(in->frame, cap);

		if (!f) {
			snprintf(err, errlen, "%s: record %llu: out of memory", in->path,
				 (unsigned long long)in->number);
			return PCAP_IN_ERROR;
		}
		in->frame = f;
		in->frame_cap = cap;
	}
	memcpy(in->frame, macs, 12);
	in->frame[12] = (uint8_t)(et >> 8);
	in->frame[13] = (uint8_t)et;
	memcpy(in->frame + ETH_LEN, r + off, h->caplen - off);
	*frame = in->frame;
	*len = ETH_LEN + h->caplen - off;
	return PCAP_IN_FRAME;
}
