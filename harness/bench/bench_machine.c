/* SPDX-License-Identifier: MIT */
/*
 * bench_machine.c - the CPU `ipoc bench` ran on, so that figures from
 * different machines are never compared blind.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

void bench_cpu_model(const char *cpuinfo_path, char *out, size_t len)
{
	FILE *f = fopen(cpuinfo_path, "r");
	char line[512];

	snprintf(out, len, "unknown (%s has no model name)", cpuinfo_path);
	if (!f) {
		snprintf(out, len, "unknown (cannot read %s)", cpuinfo_path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *v, *end;

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		end = v + strlen(v);
		while (end > v && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' ||
				   end[-1] == '\r'))
			*--end = '\0';
		if (*v)
			snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
}
