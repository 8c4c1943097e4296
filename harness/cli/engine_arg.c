/* SPDX-License-Identifier: MIT */
/* engine_arg.c - see engine_arg.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine_arg.h"
#include "loader.h"
#include "session.h"

int engine_arg_take(struct engine_arg *a, int c, const char *arg, const char *cmd)
{
	char *end;
	double s;

	switch (c) {
	case 'e':
		a->path = arg;
		return 0;
	case 'I':
		a->mode = EH_IN_PROCESS;
		return 0;
	case 'H':
		a->mode = EH_CHILD;
		return 0;
	case 'T':
		s = strtod(arg, &end);
		if (*end || !(s > 0) || s > 3600) {
			fprintf(stderr, "ipoc %s: --timeout %s: want seconds, more than 0, at most 3600\n",
				cmd, arg);
			return -1;
		}
		a->timeout_ms = (unsigned)(s * 1000 + 0.5);
		if (!a->timeout_ms)
			a->timeout_ms = 1;
		return 0;
	case 'F':
		a->max_faults = (unsigned)strtoul(arg, &end, 10);
		if (*end || !a->max_faults || a->max_faults > 1000000) {
			fprintf(stderr, "ipoc %s: --max-faults %s: want 1 to 1000000\n", cmd, arg);
			return -1;
		}
		return 0;
	default:
		return -1;
	}
}

const char *engine_arg_path(const struct engine_arg *a, char *buf, size_t len)
{
	if (a->path) {
		if (loader_named_engine(a->path, buf, len) != 1)
			snprintf(buf, len, "%s", a->path);
		return buf;
	}
	if (a->fast_default && loader_named_engine("ref-mb", buf, len) == 1)
		return buf;
	return loader_default_engine(buf, len);
}

static bool same_file(const char *x, const char *y)
{
	char a[PATH_MAX], b[PATH_MAX];

	return realpath(x, a) && realpath(y, b) && strcmp(a, b) == 0;
}

bool engine_is_reference(const char *path)
{
	char named[4096], ref[4096];

	if (loader_named_engine(path, named, sizeof(named)) == 1)
		path = named;
	if (same_file(path, loader_default_engine(ref, sizeof(ref))))
		return true;
	return loader_named_engine("ref-mb", ref, sizeof(ref)) == 1 && same_file(path, ref);
}

int engine_arg_load(const struct engine_arg *a, int echo, struct eh **out, const char *cmd)
{
	struct eh_opts o = { EH_CHILD, a->timeout_ms, echo };
	char path[4096], err[1024];

	if (a->path && loader_named_engine(a->path, path, sizeof(path)) < 0) {
		fprintf(stderr, "ipoc %s: engine %s: not built here (it needs intel-ipsec-mb on "
			"x86-64: Debian libipsec-mb-dev)\n", cmd, a->path);
		return CLI_ENGINE;
	}
	engine_arg_path(a, path, sizeof(path));
	if (a->mode >= 0)
		o.mode = (enum eh_mode)a->mode;
	else
		o.mode = engine_is_reference(path) ? EH_IN_PROCESS : EH_CHILD;
	if (eh_load(path, &o, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc %s: %s\n", cmd, err);
		return CLI_ENGINE;
	}
	return CLI_OK;
}

int engine_caps(struct eh *eh, NDIS_OFFLOAD *caps, uint32_t *inst, const char *cmd)
{
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, caps,
			    sizeof(*caps) };
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	const char *name = eh_info(eh)->name;
	char f[256], sn[48];
	uint32_t in;
	enum eh_rc rc;

	memset(caps, 0, sizeof(*caps));
	rc = eh_open(eh, NULL, &st, &in);
	if (rc != EH_OK || st != NDIS_STATUS_SUCCESS || in == UINT32_MAX) {
		if (rc != EH_OK)
			fprintf(stderr, "ipoc %s: engine %s: %s\n", cmd, name,
				eh_fault_text(eh, f, sizeof(f)));
		else
			fprintf(stderr, "ipoc %s: engine %s: open failed with %s%s%s\n", cmd, name,
				st == NDIS_STATUS_SUCCESS ? "success but no instance"
							  : ndis_status_name(st, sn, sizeof(sn)),
				eh_last_log(eh)[0] ? ": " : "", eh_last_log(eh));
		return CLI_ENGINE;
	}
	rc = eh_oid(eh, in, &q);
	if (rc != EH_OK || q.status != NDIS_STATUS_SUCCESS) {
		if (rc != EH_OK)
			fprintf(stderr, "ipoc %s: engine %s: %s\n", cmd, name,
				eh_fault_text(eh, f, sizeof(f)));
		else
			fprintf(stderr, "ipoc %s: engine %s: OID_TCP_OFFLOAD_CURRENT_CONFIG (mandatory) "
				"failed with %s\n", cmd, name, ndis_status_name(q.status, sn, sizeof(sn)));
		if (rc == EH_OK)
			eh_close(eh, in);
		return CLI_FAILURES;
	}
	if (inst)
		*inst = in;
	else
		eh_close(eh, in);
	return CLI_OK;
}
