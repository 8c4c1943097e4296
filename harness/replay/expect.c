/* SPDX-License-Identifier: MIT */
/* expect.c - see expect.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "session.h"

#define EXP_MAX_FRAMES 100000000u
#define EXP_LINE_MAX 4096

int exp_status_value(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(name, crypto_status_name((uint32_t)i)) == 0)
			return i;
	return -1;
}

const char *exp_status_name(int value)
{
	return value >= 0 && value < 8 ? crypto_status_name((uint32_t)value)
	       : value == EXP_PASS ? "pass" : "?";
}

const char *exp_accept_text(const struct exp_frame *f, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int v = EXP_PASS; v < 8 && o < n; v++)
		if (f->accept & EXP_BIT(v))
			o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? " or " : "",
					      exp_status_name(v));
	return buf;
}

/* One alternative of OUTCOME: `pass`, a CRYPTO_* name, or one without its
 * `CRYPTO_` prefix. -2 for none. */
static int outcome_word(const char *w)
{
	char full[64];

	if (strcmp(w, "pass") == 0)
		return EXP_PASS;
	if (exp_status_value(w) >= 0)
		return exp_status_value(w);
	if (strncmp(w, "CRYPTO_", 7) == 0 || strlen(w) > 40)
		return -2;
	snprintf(full, sizeof(full), "CRYPTO_%s", w);
	return exp_status_value(full) >= 0 ? exp_status_value(full) : -2;
}

struct reader {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
	uint64_t listed;        /* frame lines read: frames 1..listed */
};

static int bad(struct reader *r, const char *what, const char *detail)
{
	snprintf(r->err, r->errlen, "%s:%u: %s%s%s", r->path, r->line, what, detail ? ": " : "",
		 detail ? detail : "");
	return -1;
}

static int number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return *s && !*end && !errno && *out <= max && s[0] != '-' ? 0 : -1;
}

static const char *const inner_names[] = {
	"icmp", "ipv4", "tcp", "udp", "ipv6", "esp", "ah", "icmpv6", "none", NULL
};

static bool known_inner(const char *s)
{
	for (int i = 0; inner_names[i]; i++)
		if (strcmp(s, inner_names[i]) == 0)
			return true;
	return false;
}

/* key=value of a frame line; *seen collects the keys given (each once). */
static int frame_key(struct reader *r, struct exp_frame *f, char *tok, unsigned *seen)
{
	static const char *const keys[] = { "inner", "spi", "next_crypto_done",
					    "header_info_set", "next_header", "pad_length" };
	char *eq = strchr(tok, '=');
	unsigned long long v;
	int *slot = NULL;

	if (!eq)
		return bad(r, "expected key=value", tok);
	*eq = '\0';
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(tok, keys[i]) == 0) {
			if (*seen & (1u << i))
				return bad(r, "key given twice", tok);
			*seen |= 1u << i;
		}
	}
	if (strcmp(tok, "inner") == 0) {
		if (strlen(eq + 1) >= sizeof(f->inner) || !known_inner(eq + 1))
			return bad(r, "inner: not one of icmp ipv4 tcp udp ipv6 esp ah icmpv6 none",
				   eq + 1);
		strcpy(f->inner, eq + 1);
		return 0;
	}
	if (strcmp(tok, "spi") == 0) {
		if (number(eq + 1, 0xFFFFFFFFull, &v) != 0)
			return bad(r, "spi", "not a 32-bit number");
		f->spi = (int64_t)v;
		return 0;
	}
	if (strcmp(tok, "next_crypto_done") == 0 || strcmp(tok, "header_info_set") == 0)
		slot = tok[0] == 'n' ? &f->next_crypto_done : &f->header_info_set;
	else if (strcmp(tok, "next_header") == 0 || strcmp(tok, "pad_length") == 0)
		slot = tok[0] == 'n' ? &f->next_header : &f->pad_length;
	if (!slot)
		return bad(r, "unknown key", tok);
	if (number(eq + 1, slot == &f->next_header || slot == &f->pad_length ? 255 : 1, &v) != 0)
		return bad(r, tok, "value out of range");
	*slot = (int)v;
	return 0;
}

/* OUTCOME: [outcome=]A[|B...], each alternative once. */
static int outcome_list(struct reader *r, struct exp_frame *f, char *tok)
{
	char *save = NULL, *w;
	int v;

	if (strncmp(tok, "outcome=", 8) == 0)
		tok += 8;
	if (!*tok || tok[strlen(tok) - 1] == '|' || *tok == '|' || strstr(tok, "||"))
		return bad(r, "outcome: an empty alternative", tok);
	f->accept = 0;
	for (w = strtok_r(tok, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		if ((v = outcome_word(w)) == -2)
			return bad(r, "outcome is neither `pass` nor a CRYPTO_* name", w);
		if (f->accept & EXP_BIT(v))
			return bad(r, "outcome listed twice", w);
		if (!f->accept)
			f->outcome = v;
		f->accept |= EXP_BIT(v);
	}
	return 0;
}

/* Room for frames 1..n in e->f (grown as frame lines come, and they come
 * in order: neither the `frames` count nor a frame number allocates more
 * than the lines read, so a file that claims 10^8 frames and lists few
 * costs what it lists). Frames not listed yet are UNSET. */
static int room_for(struct reader *r, struct exp_file *e, uint64_t n)
{
	uint64_t cap = e->cap ? e->cap : 16;
	struct exp_frame *f;

	if (n <= e->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if (cap > e->frames)
		cap = e->frames;
	f = realloc(e->f, cap * sizeof(*f));
	if (!f)
		return bad(r, "out of memory", NULL);
	for (uint64_t i = e->cap; i < cap; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].next_crypto_done = f[i].header_info_set = EXP_UNSET;
		f[i].next_header = f[i].pad_length = EXP_UNSET;
		f[i].spi = -1;
	}
	e->f = f;
	e->cap = cap;
	return 0;
}

static int frame_line(struct reader *r, struct exp_file *e, char *s)
{
	char *save = NULL, *tok = strtok_r(s, " \t", &save);
	unsigned long long n;
	struct exp_frame *f;
	unsigned seen = 0;

	if (number(tok, e->frames, &n) != 0 || n == 0)
		return bad(r, "frame number", "not between 1 and the `frames` count");
	/* The lines run 1, 2, ... N (pcaps/README.md). */
	if (n <= r->listed)
		return bad(r, "frame listed twice", tok);
	if (n != r->listed + 1) {
		char want[32];

		snprintf(want, sizeof(want), "%llu", (unsigned long long)r->listed + 1);
		return bad(r, "no line for frame", want);
	}
	if (room_for(r, e, n) != 0)
		return -1;
	r->listed = n;
	f = &e->f[n - 1];
	f->line = r->line;
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		return bad(r, "missing outcome", NULL);
	if (outcome_list(r, f, tok) != 0)
		return -1;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (f->accept == EXP_BIT(EXP_PASS))
			return bad(r, "`pass` takes no keys", tok);
		if (frame_key(r, f, tok, &seen) != 0)
			return -1;
	}
	return 0;
}

static int header(struct reader *r, struct exp_file *e, char *s)
{
	unsigned long long n;

	if (strncmp(s, "frames ", 7) != 0 || number(s + 7, EXP_MAX_FRAMES, &n) != 0)
		return bad(r, "first line must be `frames N`", NULL);
	e->frames = n;
	e->has_header = true;
	return 0;
}

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static int read_lines(struct reader *r, FILE *fp, struct exp_file *e)
{
	char buf[EXP_LINE_MAX];

	while (fgets(buf, sizeof(buf), fp)) {
		char *s;

		r->line++;
		if (!strchr(buf, '\n') && !feof(fp))
			return bad(r, "line longer than 4096 bytes", NULL);
		/* A `#` starts a comment, also after a frame's fields. */
		if (strchr(buf, '#'))
			*strchr(buf, '#') = '\0';
		s = trim(buf);
		if (!*s)
			continue;
		if (!e->has_header ? header(r, e, s) : frame_line(r, e, s))
			return -1;
	}
	if (!e->has_header)
		return bad(r, "no `frames N` line", NULL);
	if (!e->f && !(e->f = calloc(1, sizeof(*e->f))))
		return bad(r, "out of memory", NULL);
	for (uint64_t i = 0; i < e->frames; i++) {
		if (i >= e->cap || !e->f[i].line) {
			char n[32];

			snprintf(n, sizeof(n), "%llu", (unsigned long long)i + 1);
			return bad(r, "no line for frame", n);
		}
	}
	return 0;
}

int exp_read_fp(const char *name, FILE *fp, struct exp_file **out, char *err, size_t errlen)
{
	struct reader r = { name, 0, err, errlen };
	struct exp_file *e = calloc(1, sizeof(*e));
	int rc;

	*out = NULL;
	if (!e) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	rc = read_lines(&r, fp, e);
	if (rc == 0 && !(e->name = strdup(name)))
		rc = bad(&r, "out of memory", NULL);
	if (rc != 0) {
		exp_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

int exp_read(const char *path, struct exp_file **out, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	int rc;

	*out = NULL;
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = exp_read_fp(path, fp, out, err, errlen);
	fclose(fp);
	return rc;
}

void exp_free(struct exp_file *e)
{
	if (!e)
		return;
	free(e->f);
	free(e->name);
	free(e);
}
