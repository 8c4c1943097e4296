/* SPDX-License-Identifier: MIT */
/*
 * vec_sent.c - see vec_sent.h. The esp_sa records are harness/keys'
 * (esp_sa_write.h), as Wireshark 4.0 saves them; the replay's failure files
 * are written with the same records.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "esp_sa_write.h"
#include "pcapng_out.h"
#include "vec_sent.h"
#include "wipe.h"

#define LINKTYPE_ETHERNET 1

struct sa_rec {
	char *selector;         /* family, addresses, SPI: what Wireshark matches on */
	char *line;             /* the whole record */
};

struct vec_sent {
	struct pcapng_out *w;
	char *keys_path;
	struct sa_rec *sas;
	size_t nsas;
	uint64_t written, unexpressible, collided;
	char err[512];          /* first write error */
};

/* The esp_sa record of c's SA and its selector (NULL when out of memory);
 * -1 when Wireshark 4.0 cannot check its frames (esp_sa_write.h). */
static int record(const struct vec_case *c, char **line, char **selector)
{
	const struct vec_sa *sa = &c->sa;
	char buf[ESP_SA_RECORD_MAX];
	const char *why;
	size_t sel;

	if (c->mode == VEC_MODE_TRANSPORT_OVER_TUNNEL || !sa->esp.present || sa->ah.present ||
	    esp_sa_record(sa->src.family == VEC_FAMILY_IPV6 ? VEC_FAMILY_IPV6 : VEC_FAMILY_IPV4,
			  &sa->src, &sa->dst, &sa->esp, buf, sizeof(buf), &why) != 0)
		return -1;
	sel = esp_sa_selector_len(buf);
	*line = strdup(buf);
	*selector = strndup(buf, sel);
	ipoc_wipe(buf, sizeof(buf));
	return 0;
}

struct vec_sent *vec_sent_open(const char *out_path, char *err, size_t errlen)
{
	struct vec_sent *vs = calloc(1, sizeof(*vs));
	size_t n = strlen(out_path);

	if (!vs || !(vs->keys_path = malloc(n + sizeof(".esp_sa")))) {
		snprintf(err, errlen, "out of memory");
		free(vs);
		return NULL;
	}
	if (n > 7 && strcmp(out_path + n - 7, ".pcapng") == 0)
		n -= 7;
	memcpy(vs->keys_path, out_path, n);
	strcpy(vs->keys_path + n, ".esp_sa");
	if (!(vs->w = pcapng_out_open(out_path, LINKTYPE_ETHERNET, NULL, err, errlen))) {
		free(vs->keys_path);
		free(vs);
		return NULL;
	}
	return vs;
}

static int set_err(struct vec_sent *vs, const char *what)
{
	if (!vs->err[0])
		snprintf(vs->err, sizeof(vs->err), "%.500s", what);
	return -1;
}

/* The SA record for line/selector: the one there is, a new one, or NULL
 * when another SA has that selector. Takes line and selector. */
static struct sa_rec *find_or_add(struct vec_sent *vs, char *line, char *selector, int *oom)
{
	struct sa_rec *grown;

	for (size_t i = 0; i < vs->nsas; i++) {
		if (strcmp(vs->sas[i].selector, selector) == 0) {
			bool same = strcmp(vs->sas[i].line, line) == 0;

			free(line);
			free(selector);
			return same ? &vs->sas[i] : NULL;
		}
	}
	if (!(grown = realloc(vs->sas, (vs->nsas + 1) * sizeof(*grown)))) {
		free(line);
		free(selector);
		*oom = 1;
		return NULL;
	}
	vs->sas = grown;
	vs->sas[vs->nsas] = (struct sa_rec){ selector, line };
	return &vs->sas[vs->nsas++];
}

int vec_sent_frame(struct vec_sent *vs, const struct vec_case *c, const uint8_t *frame,
		   uint32_t len)
{
	char *line, *selector;
	struct sa_rec *sa;
	int oom = 0;

	if (record(c, &line, &selector) != 0) {
		vs->unexpressible++;
		return 0;
	}
	if (!line || !selector) {
		free(line);
		free(selector);
		return set_err(vs, "out of memory");
	}
	sa = find_or_add(vs, line, selector, &oom);
	if (oom)
		return set_err(vs, "out of memory");
	if (!sa) {
		vs->collided++;
		return 0;
	}
	if (pcapng_out_frame(vs->w, frame, len) != 0)
		return set_err(vs, "cannot write the capture");
	vs->written++;
	return 0;
}

static int write_keys(const struct vec_sent *vs)
{
	FILE *f = fopen(vs->keys_path, "w");
	int rc = 0;

	if (!f)
		return -1;
	if (fputs(ESP_SA_FILE_HEADER, f) == EOF)
		rc = -1;
	for (size_t i = 0; i < vs->nsas && rc == 0; i++)
		if (fprintf(f, "%s\n", vs->sas[i].line) < 0)
			rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int vec_sent_close(struct vec_sent *vs, FILE *out, char *err, size_t errlen)
{
	int rc = 0;

	if (!vs)
		return 0;
	if (write_keys(vs) != 0) {
		char what[600];

		snprintf(what, sizeof(what), "%.500s: cannot write", vs->keys_path);
		set_err(vs, what);
	}
	pcapng_out_close(vs->w);
	fprintf(out, "sent frames: %llu written with %zu SAs in %s\n",
		(unsigned long long)vs->written, vs->nsas, vs->keys_path);
	if (vs->unexpressible)
		fprintf(out, "%llu frames left out: tshark cannot check them (AH/GMAC/ESN)\n",
			(unsigned long long)vs->unexpressible);
	if (vs->collided)
		fprintf(out, "%llu frames left out: their SA has the addresses and SPI of an SA "
			"with other keys already in %s (Wireshark would use that one)\n",
			(unsigned long long)vs->collided, vs->keys_path);
	if (vs->err[0]) {
		snprintf(err, errlen, "--write-sent: %s", vs->err);
		rc = -1;
	}
	for (size_t i = 0; i < vs->nsas; i++) {
		free(vs->sas[i].selector);
		ipoc_wipe(vs->sas[i].line, strlen(vs->sas[i].line));   /* keys */
		free(vs->sas[i].line);
	}
	free(vs->sas);
	free(vs->keys_path);
	free(vs);
	return rc;
}
