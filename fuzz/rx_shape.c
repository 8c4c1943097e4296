/* SPDX-License-Identifier: MIT */
/* rx_shape.c - see rx_shape.h. */
#include <string.h>

#include "rx_shape.h"

static uint8_t at(const uint8_t *p, size_t n, size_t i)
{
	return i < n ? p[i] : 0;
}

size_t rx_shape_read(const uint8_t *p, size_t n, struct rx_shape *s)
{
	static const uint32_t room[4] = { 0, 1, 3, 7 };
	uint8_t b = at(p, n, 0);
	size_t k = 1;

	s->mode = b & 3;
	s->guard = (b & 4) ? IPOC_NBL_GUARD_HEAD : IPOC_NBL_GUARD_TAIL;
	memset(&s->shape, 0, sizeof(s->shape));
	s->shape.lead = (b & 8) ? 16 : 0;
	s->shape.headroom = room[(b >> 4) & 3];
	s->shape.tailroom = (b & 0x40) ? 5 : 0;
	s->n_given = 0;
	s->k = 1;
	if (s->mode == 1) {
		s->n_given = at(p, n, k++) % (RX_SHAPE_MAX_CUTS + 1);
		for (uint32_t i = 0; i < s->n_given; i++, k += 2)
			s->given[i] = (uint16_t)(at(p, n, k) | at(p, n, k + 1) << 8);
	} else if (s->mode == 3) {
		s->k = at(p, n, k++);
		if (!s->k)
			s->k = 1;
	}
	s->note_at = 0;
	s->note_len = 0;
	if (b & 0x80) {
		s->note_at = k;
		s->note_len = at(p, n, k++);
		k += s->note_len;
	}
	return k;
}

void rx_shape_apply(struct rx_shape *s, uint32_t len)
{
	uint32_t n = 0;

	if (s->mode == 1) {
		for (uint32_t i = 0; i < s->n_given; i++)
			if (s->given[i] > 0 && s->given[i] < len && (!n || s->given[i] > s->cuts[n - 1]))
				s->cuts[n++] = s->given[i];
	} else if (s->mode >= 2) {
		uint32_t step = s->mode == 2 ? 1 : s->k;

		for (uint32_t c = step; c < len && n < RX_MAX_FRAME; c += step)
			s->cuts[n++] = c;
	}
	s->shape.cuts = n ? s->cuts : NULL;
	s->shape.n_cuts = n;
}
