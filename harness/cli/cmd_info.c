/* SPDX-License-Identifier: MIT */
/*
 * cmd_info.c - `ipoc info [--engine PATH] [--json]`: load an engine (in the
 * engine host process unless it is the bundled one), open an instance,
 * query OID_TCP_OFFLOAD_CURRENT_CONFIG and print the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "caps_print.h"
#include "cli.h"
#include "engine_arg.h"
#include "rpt.h"

static void info_usage(FILE *f)
{
	fprintf(f, "usage: ipoc info [--engine PATH] [--in-process|--host-process] [--timeout S]\n"
		"                 [--json]\n" ENGINE_ARG_USAGE
		"  --json             one JSON object instead of the table\n");
}

static void print_head(FILE *f, const struct eh_info *o)
{
	fprintf(f, "engine      %s %s\npath        %s\nABI         %u.%u (host %d.%d), ops "
		"table %u bytes\ntest hooks  IV injection %s, sequence control %s\n\n", o->name,
		o->version, o->path, o->abi_major, o->abi_minor, IPOC_ENGINE_ABI_MAJOR,
		IPOC_ENGINE_ABI_MINOR, o->ops_size, o->has_tx_iv ? "yes" : "no",
		o->has_sequence ? "yes" : "no");
}

/* The report as one JSON object: the engine, then current_config named
 * after the OID it answers. 0, or -1 (out of memory). */
static int print_json(FILE *f, const struct eh_info *o, const NDIS_OFFLOAD *off)
{
	char abi[16], host[16];
	json_t *doc;
	int rc;

	snprintf(abi, sizeof(abi), "%u.%u", o->abi_major, o->abi_minor);
	snprintf(host, sizeof(host), "%d.%d", IPOC_ENGINE_ABI_MAJOR, IPOC_ENGINE_ABI_MINOR);
	doc = json_pack("{s:{s:o, s:o, s:o, s:s, s:s, s:I, s:b, s:b}, s:o}",
			"engine", "name", rpt_json_str(o->name), "version",
			rpt_json_str(o->version), "path", rpt_json_str(o->path),
			"abi", abi, "host_abi", host, "ops_size", (json_int_t)o->ops_size,
			"test_set_tx_iv", o->has_tx_iv, "test_set_sequence", o->has_sequence,
			"current_config", caps_to_json(off));
	if (!doc)
		return -1;
	rc = json_dumpf(doc, f, JSON_COMPACT);
	json_decref(doc);
	return rc == 0 && fputc('\n', f) != EOF ? 0 : -1;
}

int cmd_info_main(int argc, char **argv)
{
	static const struct option opts[] = {
		ENGINE_ARG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct engine_arg ea = ENGINE_ARG_INIT;
	struct eh *eh = NULL;
	NDIS_OFFLOAD off;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': info_usage(stdout); return CLI_OK;
		case '?': info_usage(stderr); return CLI_USAGE;
		default:
			if (engine_arg_take(&ea, c, optarg, "info") != 0)
				return CLI_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipoc info: unexpected argument '%s'\n", argv[optind]);
		info_usage(stderr);
		return CLI_USAGE;
	}
	rc = engine_arg_load(&ea, IPOC_LOG_WARN, &eh, "info");
	if (rc != CLI_OK)
		return rc;
	rc = engine_caps(eh, &off, NULL, "info");
	if (rc == CLI_OK) {
		if (!json) {
			print_head(stdout, eh_info(eh));
			caps_print_text(stdout, &off);
		} else if (print_json(stdout, eh_info(eh), &off) != 0) {
			fprintf(stderr, "ipoc info: cannot write the JSON report (out of "
				"memory)\n");
			rc = CLI_FAILURES;
		}
	}
	eh_free(eh);
	return rc;
}
