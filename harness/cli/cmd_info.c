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

static void info_usage(FILE *f)
{
	fprintf(f, "usage: ipoc info [--engine PATH] [--in-process|--host-process] [--timeout S]\n"
		"                 [--json]\n" ENGINE_ARG_USAGE
		"  --json             one JSON object instead of the table\n");
}

static void print_head(FILE *f, const struct eh_info *o, bool json)
{
	if (json) {
		fputs("{\"engine\":{\"name\":", f);
		json_print_str(f, o->name);
		fputs(",\"version\":", f);
		json_print_str(f, o->version);
		fputs(",\"path\":", f);
		json_print_str(f, o->path);
		fprintf(f, ",\"abi\":\"%u.%u\",\"host_abi\":\"%d.%d\",\"ops_size\":%u,"
			"\"test_set_tx_iv\":%s,\"test_set_sequence\":%s},\"current_config\":",
			o->abi_major, o->abi_minor, IPOC_ENGINE_ABI_MAJOR, IPOC_ENGINE_ABI_MINOR,
			o->ops_size, o->has_tx_iv ? "true" : "false",
			o->has_sequence ? "true" : "false");
		return;
	}
	fprintf(f, "engine      %s %s\npath        %s\nABI         %u.%u (host %d.%d), ops "
		"table %u bytes\ntest hooks  IV injection %s, sequence control %s\n\n", o->name,
		o->version, o->path, o->abi_major, o->abi_minor, IPOC_ENGINE_ABI_MAJOR,
		IPOC_ENGINE_ABI_MINOR, o->ops_size, o->has_tx_iv ? "yes" : "no",
		o->has_sequence ? "yes" : "no");
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
		print_head(stdout, eh_info(eh), json);
		if (json) {
			caps_print_json(stdout, &off);
			fputs("}\n", stdout);
		} else {
			caps_print_text(stdout, &off);
		}
	}
	eh_free(eh);
	return rc;
}
