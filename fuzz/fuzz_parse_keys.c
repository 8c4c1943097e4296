/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parse_keys.c - the key-file readers (Wireshark esp_sa and
 * `ip xfrm state`) on arbitrary bytes. The first byte picks the format
 * (auto, esp_sa, xfrm); the rest is the file.
 *
 * Oracles: a refusal names where ("(fuzz):LINE: ..."); an SA read has
 * keys no longer than the profile's largest (36 bytes) and an ICV length
 * its algorithm allows; and every ESP SA the shared writer can express
 * (esp_sa_write.h) is read back from what it wrote as the same SA.
 */
#include <stdio.h>
#include <string.h>

#include "esp_sa_write.h"
#include "fz.h"
#include "keyfile.h"
#include "wipe.h"

static bool same_key(const struct vec_bytes *a, const struct vec_bytes *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

static void round_trip(const struct key_sa *s)
{
	const struct vec_esp e = { true, s->spi, s->enc, s->enc_key, s->auth, s->auth_key,
				   s->icv_len, s->esn, s->esn_hi, { NULL, 0 } };
	char text[ESP_SA_RECORD_MAX + 64];
	const char *why;
	struct key_file *back = NULL;
	char err[512];
	size_t k = (size_t)snprintf(text, sizeof(text), "%s", ESP_SA_FILE_HEADER);

	if (s->ah || s->family == VEC_FAMILY_NONE ||
	    esp_sa_record(s->family, &s->src, &s->dst, &e, text + k, sizeof(text) - k, &why) != 0)
		return;
	if (keyfile_parse_buf("(written)", text, strlen(text), KEYFILE_ESP_SA, &back, err,
			      sizeof(err)) != 0)
		fz_fault("parse_keys: an esp_sa record written is not read back", "%s\n%s", err,
			 text);
	if (back->n != 1 || back->sas[0].spi != s->spi || back->sas[0].enc != s->enc ||
	    back->sas[0].auth != s->auth || back->sas[0].icv_len != s->icv_len ||
	    !same_key(&back->sas[0].enc_key, &s->enc_key) ||
	    !same_key(&back->sas[0].auth_key, &s->auth_key))
		fz_fault("parse_keys: an esp_sa record read back is another SA", "%s", text);
	keyfile_free(back);
	ipoc_wipe(text, sizeof(text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum keyfile_format formats[3] = { KEYFILE_AUTO, KEYFILE_ESP_SA, KEYFILE_XFRM };
	struct fz_in in = { data, size };
	enum keyfile_format f = formats[fz_below(&in, 3)];
	struct key_file *kf = NULL;
	char err[512];

	if (keyfile_parse_buf("(fuzz)", (const char *)in.p, in.n, f, &kf, err, sizeof(err)) != 0) {
		if (strncmp(err, "(fuzz)", 6) != 0)
			fz_fault("parse_keys: a refusal that does not name the file", "%s", err);
		return 0;
	}
	for (size_t i = 0; i < kf->n; i++) {
		const struct key_sa *s = &kf->sas[i];

		if (s->enc_key.len > 36 || s->auth_key.len > 36)
			fz_fault("parse_keys: a key longer than any algorithm's", "SA %zu: %zu/%zu",
				 i, s->enc_key.len, s->auth_key.len);
		if (s->icv_len != 0 && s->icv_len != 8 && s->icv_len != 12 && s->icv_len != 16 &&
		    s->icv_len != 24)
			fz_fault("parse_keys: an ICV length no algorithm has", "SA %zu: %u", i,
				 s->icv_len);
		round_trip(s);
	}
	keyfile_free(kf);
	return 0;
}
