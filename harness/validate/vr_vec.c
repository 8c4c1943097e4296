/* SPDX-License-Identifier: MIT */
/*
 * vr_vec.c - the reproducer of a known-answer vector case x direction x
 * shape that did not pass (`ipoc vectors --repro-dir DIR`, vrepro.h):
 * DIR/NAME.pcapng with the frame handed to the engine, what the engine
 * produced and the frame expected, each commented, and DIR/NAME.esp_sa
 * with the case's SAs. NAME is the vector file's name without ".vec", the
 * case id, the direction and the shape.
 *
 * The SAs are put in the terms of sa_build.h (what NDIS carries) and keyed
 * with the vector's own keys, so that one writer (vr_esp_sa_write) serves
 * validate and vectors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pcapng_out.h"
#include "sa_offload.h"
#include "vrepro.h"
#include "wipe.h"

#define LINKTYPE_ETHERNET 1

static void put_key(uint8_t *to, const struct vec_bytes *k)
{
	memcpy(to, k->data, k->len < VR_KEY_MAX ? k->len : VR_KEY_MAX);
}

/* sa (of a case of family fam) as an SA spec and its keys. */
static void spec_of(const struct vec_sa *sa, enum vec_family fam, struct sa_spec *sp,
		    struct vr_sa_keys *k)
{
	memset(sp, 0, sizeof(*sp));
	sp->flags = fam == VEC_FAMILY_IPV6 ? IPSEC_OFFLOAD_V2_IPv6 : 0;
	memcpy(sp->src, sa->src.a, 16);
	memcpy(sp->dst, sa->dst.a, 16);
	if (sa->esp.present) {
		const struct vec_esp *e = &sa->esp;
		struct sa_member *m = &sp->m[sp->num];

		m->op = IPsecOffloadV2Esp;
		m->spi = spi_ndis(e->spi);
		m->flags = e->esn ? IPSEC_OFFLOAD_V2_ESN_SA : 0;
		m->esn_high = e->seq_hi;
		m->enc.id = enc_bit(e->enc);
		m->enc.key_len = (ULONG)e->enc_key.len;
		m->enc.add_info = gcm(e->enc) ? e->icv_len : 0;
		put_key(k->k[sp->num][0], &e->enc_key);
		if (!gcm(e->enc)) {
			m->auth.id = auth_bit(e->auth);
			m->auth.key_len = (ULONG)e->auth_key.len;
			put_key(k->k[sp->num][1], &e->auth_key);
		}
		sp->num++;
	}
	if (sa->ah.present) {
		struct sa_member *m = &sp->m[sp->num];

		m->op = IPsecOffloadV2Ah;
		m->spi = spi_ndis(sa->ah.spi);
		m->auth.id = auth_bit(sa->ah.auth);
		m->auth.key_len = (ULONG)sa->ah.auth_key.len;
		put_key(k->k[sp->num][1], &sa->ah.auth_key);
		sp->num++;
	}
}

/* DIR/NAME (without extension) into buf; odd characters become '_'. */
static void stem(const struct vrepro_vec *d, const struct vec_failure *f, char *buf, size_t len)
{
	const char *name = f->file && f->file->name ? f->file->name : "vectors";
	const char *b = strrchr(name, '/');
	char raw[512];
	size_t n, k;
	int w;

	b = b ? b + 1 : name;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".vec") == 0)
		n -= 4;
	snprintf(raw, sizeof(raw), "%.*s_%s_%s_shape%u", (int)(n > 200 ? 200 : n), b, f->c->id,
		 f->dir, f->shape);
	w = snprintf(buf, len, "%s/", d->dir);
	k = w > 0 && (size_t)w < len ? (size_t)w : 0;
	for (const char *p = raw; *p && k + 1 < len; p++)
		buf[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '+' ||
			   *p == '_' ? *p : '_';
	buf[k] = '\0';
}

static int write_capture(const char *path, const struct vec_failure *f, char *err,
			 size_t errlen)
{
	bool rx = strcmp(f->dir, "receive") == 0;
	struct pcapng_out *w = pcapng_out_open(path, LINKTYPE_ETHERNET, NULL, err, errlen);
	char head[300], c[1600];
	int rc = 0;

	if (!w)
		return -1;
	snprintf(head, sizeof(head), "%s case %s (line %u) %s shape %u", f->file && f->file->name ?
		 f->file->name : "?", f->c->id, f->c->line, f->dir, f->shape);
	if (f->in) {
		snprintf(c, sizeof(c), "%s: input: %s; %s: %s", head, rx ? "the frame received "
			 "(`wire`)" : "the packet sent (`plain`, as TCP/IP hands it over)",
			 verdict_name(f->v), f->why);
		rc |= pcapng_out_frame_ex(w, f->in, f->in_len, f->in_ns, c);
	}
	if (f->got) {
		snprintf(c, sizeof(c), "%s: the engine's: %s (%s%s); %s: %s", head, rx ? "indicated"
			 : "transmitted", f->got_note, f->want ? "" : "; the case expects no bytes "
			 "for this outcome", verdict_name(f->v), f->why);
		rc |= pcapng_out_frame_ex(w, f->got, f->got_len, f->got_ns, c);
	}
	if (f->want) {
		snprintf(c, sizeof(c), "%s: expected: %s; %s: %s", head, !rx ? "the frame on the "
			 "wire (`wire`)" : f->in && f->want_len == f->in_len &&
			 memcmp(f->want, f->in, f->in_len) == 0
			 ? "the frame as it arrived (no offload)" : "the plaintext (`plain`; the IV and "
			 "ICV fields keep what arrived, not compared)", verdict_name(f->v), f->why);
		rc |= pcapng_out_frame_ex(w, f->want, f->want_len, f->got_ns + 1, c);
	}
	pcapng_out_close(w);
	if (rc)
		snprintf(err, errlen, "%.500s: cannot write", path);
	return rc ? -1 : 0;
}

void vrepro_vector(void *arg, const struct vec_failure *f)
{
	struct vrepro_vec *d = arg;
	struct vr_sa_keys keys[2];
	struct sa_spec sp[2];
	char s[480], cap[500], ks[500], err[600];
	unsigned n = 0;

	if (mkdir(d->dir, 0777) != 0 && errno != EEXIST) {
		fprintf(d->out, "            (reproducer not written: %s: %s)\n", d->dir,
			strerror(errno));
		d->errors++;
		return;
	}
	stem(d, f, s, sizeof(s));
	snprintf(cap, sizeof(cap), "%s.pcapng", s);
	snprintf(ks, sizeof(ks), "%s.esp_sa", s);
	if (f->c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL)
		spec_of(&f->c->tun, f->c->family, &sp[n], &keys[n]), n++;
	spec_of(&f->c->sa, f->c->family, &sp[n], &keys[n]);
	n++;
	if (write_capture(cap, f, err, sizeof(err)) != 0) {
		fprintf(d->out, "            (reproducer not written: %s)\n", err);
		d->errors++;
	} else if (vr_esp_sa_write(ks, sp, keys, n) != 0) {
		fprintf(d->out, "            (reproducer keys not written: %s: %s)\n", ks,
			strerror(errno));
		d->errors++;
	} else {
		fprintf(d->out, "            reproducer: %s (keys %s)\n", cap, ks);
		d->written++;
	}
	ipoc_wipe(keys, sizeof(keys));
}
