/* SPDX-License-Identifier: MIT */
/* replay_fail.c - see replay_fail.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "esp_sa_write.h"
#include "pcapng_out.h"
#include "replay_fail.h"
#include "wipe.h"

struct replay_fail {
	struct pcapng_out *w;
	char *path, *esp_sa;
	size_t sas, left;
	uint64_t frames;
	bool write_error;
};

/* The ESP member of a key-file SA in vectors.h terms (keys shared, not copied). */
static void esp_of(const struct key_sa *k, struct vec_esp *e)
{
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->spi = k->spi;
	e->enc = k->enc;
	e->enc_key = k->enc_key;
	e->auth = k->auth;
	e->auth_key = k->auth_key;
	e->icv_len = k->icv_len;
	e->esn = k->esn;
	e->seq_hi = k->esn_hi;
}

/* The records of SA k (both families when it has none) onto f. */
static int sa_records(FILE *f, const struct key_sa *k, const char *file, size_t *written,
		      size_t *left)
{
	char line[ESP_SA_RECORD_MAX];
	const char *why = "AH: Wireshark's esp_sa table has ESP SAs only";
	struct vec_esp e;
	int rc = 0;

	esp_of(k, &e);
	for (int fam = VEC_FAMILY_IPV4; fam <= VEC_FAMILY_IPV6 && rc == 0; fam += 2) {
		if (k->family != VEC_FAMILY_NONE && (int)k->family != fam)
			continue;
		if (!k->ah && esp_sa_record((enum vec_family)fam, &k->src, &k->dst, &e, line,
					    sizeof(line), &why) == 0) {
			rc = fprintf(f, "%s\n", line) < 0 ? -1 : 0;
			ipoc_wipe(line, sizeof(line));
			++*written;
			continue;
		}
		rc = fprintf(f, "# left out: %s SPI 0x%08x (%s line %u): %s\n", k->ah ? "AH" : "ESP",
			     k->spi, file, k->line, why) < 0 ? -1 : 0;
		++*left;
	}
	return rc;
}

int replay_write_esp_sa(const char *path, const struct key_file *keys, size_t *written,
			size_t *left)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	*written = *left = 0;
	if (!f)
		return -1;
	if (fputs(ESP_SA_FILE_HEADER, f) == EOF)
		rc = -1;
	for (size_t i = 0; i < keys->n && rc == 0; i++)
		rc = sa_records(f, &keys->sas[i], keys->name, written, left);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

struct replay_fail *replay_fail_open(const char *out, int linktype, const struct key_file *keys,
				     const char *keys_path, char *err, size_t errlen)
{
	struct replay_fail *w = calloc(1, sizeof(*w));
	size_t n = strlen(out);

	if (!w || !(w->path = strdup(out)) || !(w->esp_sa = malloc(n + sizeof(".esp_sa")))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (n > 7 && strcmp(out + n - 7, ".pcapng") == 0)
		n -= 7;
	memcpy(w->esp_sa, out, n);
	strcpy(w->esp_sa + n, ".esp_sa");
	if (!(w->w = pcapng_out_open(out, linktype, keys_path, err, errlen)))
		goto fail;
	errno = 0;
	if (replay_write_esp_sa(w->esp_sa, keys, &w->sas, &w->left) != 0) {
		snprintf(err, errlen, "%s: %s", w->esp_sa, errno ? strerror(errno) : "cannot write");
		goto fail;
	}
	return w;
fail:
	if (w) {
		pcapng_out_close(w->w);
		free(w->path);
		free(w->esp_sa);
		free(w);
	}
	return NULL;
}

int replay_fail_frame(struct replay_fail *w, const uint8_t *rec, uint32_t len, uint64_t ts_ns,
		      const char *comment)
{
	if (pcapng_out_frame_ex(w->w, rec, len, ts_ns, comment) != 0) {
		w->write_error = true;
		return -1;
	}
	w->frames++;
	return 0;
}

int replay_fail_close(struct replay_fail *w, FILE *out, char *err, size_t errlen)
{
	int rc = 0;

	if (!w)
		return 0;
	pcapng_out_close(w->w);
	fprintf(out, "failures: %llu frame%s in %s; Wireshark keys in %s (%zu record%s",
		(unsigned long long)w->frames, w->frames == 1 ? "" : "s", w->path, w->esp_sa,
		w->sas, w->sas == 1 ? "" : "s");
	if (w->left)
		fprintf(out, ", %zu SA%s left out: see its comments", w->left,
			w->left == 1 ? "" : "s");
	fprintf(out, ")\n");
	if (w->write_error) {
		snprintf(err, errlen, "%s: a frame could not be written", w->path);
		rc = -1;
	}
	free(w->path);
	free(w->esp_sa);
	free(w);
	return rc;
}
