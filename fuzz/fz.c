/* SPDX-License-Identifier: MIT */
/* fz.c - see fz.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "loader.h"
#include "session.h"

uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

uint16_t fz_u16(struct fz_in *in)
{
	uint16_t v = fz_u8(in);

	return (uint16_t)(v | fz_u8(in) << 8);
}

uint32_t fz_u32(struct fz_in *in)
{
	uint32_t v = fz_u16(in);

	return v | (uint32_t)fz_u16(in) << 16;
}

bool fz_bool(struct fz_in *in)
{
	return fz_u8(in) & 1;
}

uint32_t fz_below(struct fz_in *in, uint32_t n)
{
	return n <= 256 ? fz_u8(in) % n : n <= 65536 ? fz_u16(in) % n : fz_u32(in) % n;
}

size_t fz_take(struct fz_in *in, size_t max, const uint8_t **out)
{
	size_t k = in->n < max ? in->n : max;

	*out = in->p;
	in->p += k;
	in->n -= k;
	return k;
}

size_t fz_left(const struct fz_in *in)
{
	return in->n;
}

void fz_fault(const char *sig, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipoc-fuzz: %s\n", sig);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void fz_check_rc(enum eh_rc rc, struct eh *eh, const char *op)
{
	char buf[300];

	if (rc != EH_OK)
		fz_fault("engine host refused the operation", "%s: %s", op,
			 rc == EH_ERROR ? eh_error(eh) : eh_fault_text(eh, buf, sizeof(buf)));
}

void fz_check_nbl(const struct eh_io_out *o, uint32_t i, const char *what)
{
	const struct eh_nbl_out *n = &o->nbls[i];

	if (o->error[0])
		fz_fault("harness: NBL not built", "%s", o->error);
	if (n->returned != 1) {
		if (!strcmp(what, "send"))
			fz_fault(n->returned ? "send: an NBL completed more than once"
				 : "send: an NBL never completed",
				 "NBL %u came back %u times", i, n->returned);
		fz_fault(n->returned ? "receive: an NBL indicated more than once"
			 : "receive: an NBL never indicated",
			 "NBL %u came back %u times", i, n->returned);
	}
	if (n->guard_err[0])
		fz_fault(!strcmp(what, "send") ? "send: a write outside an MDL buffer"
			 : "receive: a write outside an MDL buffer", "NBL %u: %s", i, n->guard_err);
	if (n->meta_err[0])
		fz_fault(!strcmp(what, "send") ? "send: a structure the engine does not own changed"
			 : "receive: a structure the engine does not own changed", "NBL %u: %s", i,
			 n->meta_err);
	if (o->strays || o->bad_count)
		fz_fault("an NBL handed back that was not given, or miscounted",
			 "%u strays, count %s", o->strays, o->bad_count ? "wrong" : "right");
}

static struct fz_engine engine;
static struct eh *reference;

static struct eh *load(const char *path)
{
	struct eh_opts o = { EH_IN_PROCESS, 0, -1 };
	struct eh *eh = NULL;
	char err[1024];

	if (eh_load(path, &o, &eh, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc-fuzz: %s\n", err);
		exit(1);
	}
	return eh;
}

const struct fz_engine *fz_engine(void)
{
	static char ref_path[4096];
	const char *env = getenv("IPOC_FUZZ_ENGINE");
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG };
	uint32_t inst;
	NDIS_STATUS st;

	if (engine.eh)
		return &engine;
	loader_default_engine(ref_path, sizeof(ref_path));
	engine.path = env && env[0] ? env : ref_path;
	engine.is_reference = !(env && env[0]);
	engine.eh = load(engine.path);
	q.buf = &engine.caps;
	q.len = sizeof(engine.caps);
	if (eh_open(engine.eh, NULL, &st, &inst) != EH_OK || st != NDIS_STATUS_SUCCESS ||
	    eh_oid(engine.eh, inst, &q) != EH_OK || q.status != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "ipoc-fuzz: engine %s: open or OID_TCP_OFFLOAD_CURRENT_CONFIG "
			"failed\n", engine.path);
		exit(1);
	}
	eh_close(engine.eh, inst);
	return &engine;
}

struct eh *fz_reference(void)
{
	static char ref_path[4096];

	if (reference)
		return reference;
	if (fz_engine()->is_reference)
		return reference = engine.eh;
	return reference = load(loader_default_engine(ref_path, sizeof(ref_path)));
}
