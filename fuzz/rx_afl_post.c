/* SPDX-License-Identifier: MIT */
/*
 * rx_afl_post.c - an AFL++ custom post-processor (afl_custom_init,
 * afl_custom_post_process, afl_custom_deinit; no afl_custom_fuzz, so
 * AFL++'s own mutations stay as they are) that turns an rx_sealed input
 * (MDL layout + description, rx_seal.h) into an rx_classify input: the
 * same layout, the description as its note (rx_shape.h), then the frame,
 * framed, lied about and sealed with the SA keys of rx_sas.h. AFL++
 * mutates descriptions, and fuzz_rx_classify receives frames that pass
 * their ICVs.
 *
 * AFL++ 4.04c keeps what this returns, not what it was given, in its queue
 * and crashes/ (4.07a made that optional: AFL_POST_PROCESS_KEEP_ORIGINAL).
 * So an input that carries a note is sealed from its note, whatever
 * follows it: the queue entry made from a description seals to itself
 * again (calibration sees the same run), AFL++'s mutations of the note
 * are mutations of the description, and a saved crash is a frame that
 * ./build/fuzz/fuzz_rx_classify replays as it is. An input that cannot be
 * framed goes through unchanged.
 *
 * It runs inside afl-fuzz: -Dfuzzing=afl builds it, and the sources it
 * needs, without AFL++ instrumentation as build-afl/fuzz/rx_sealed_post.so.
 * It loads no engine: the sealing is the targets' own (rx_crypto.c).
 */
#include <stdlib.h>
#include <string.h>

#include "rx_seal.h"
#include "rx_shape.h"

/* The layout of an input: 1 + 1 + 2 * 8 bytes at most, then the note. */
#define LAYOUT_MAX (2u + 2u * RX_SHAPE_MAX_CUTS)

struct post {
	struct rx_table table;
	struct rx_shape shape;
	struct rx_sealed sealed;
	uint8_t desc[RXS_DESC_LEN];
	uint8_t out[LAYOUT_MAX + 1 + RXS_DESC_LEN + FB_MAX_FRAME];
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_post_process(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
	struct post *p = calloc(1, sizeof(*p));

	(void)afl;
	(void)seed;
	if (p)
		rx_table_build(&p->table);
	return p;
}

size_t afl_custom_post_process(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf)
{
	struct post *p = data;
	size_t k = rx_shape_read(buf, buf_size, &p->shape);
	size_t lay = p->shape.note_at ? p->shape.note_at : k;  /* the layout without its note */
	const uint8_t *d = p->shape.note_at ? buf + p->shape.note_at + 1 : buf + k;
	size_t dn = p->shape.note_at ? p->shape.note_len : buf_size - k;
	size_t n = 0;

	*out_buf = buf;
	if (k > buf_size || lay > LAYOUT_MAX)
		return buf_size;
	/* The description as rx_seal reads it: bytes past its end are 0. */
	memset(p->desc, 0, sizeof(p->desc));
	memcpy(p->desc, d, dn < RXS_DESC_LEN ? dn : RXS_DESC_LEN);
	if (rx_seal(&p->table, p->desc, sizeof(p->desc), &p->sealed) != 0)
		return buf_size;
	memcpy(p->out, buf, lay);
	p->out[0] |= 0x80;
	n = lay;
	p->out[n++] = RXS_DESC_LEN;
	memcpy(p->out + n, p->desc, RXS_DESC_LEN);
	n += RXS_DESC_LEN;
	memcpy(p->out + n, p->sealed.wire, p->sealed.len);
	*out_buf = p->out;
	return n + p->sealed.len;
}

void afl_custom_deinit(void *data)
{
	free(data);
}
