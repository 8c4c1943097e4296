/* SPDX-License-Identifier: MIT */
/*
 * cmd_info.c - `ipoc info [--engine PATH] [--json]`: load an engine, open an
 * instance, query OID_TCP_OFFLOAD_CURRENT_CONFIG and print the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "caps_print.h"
#include "cli.h"
#include "loader.h"
#include "session.h"

static void info_usage(FILE *f)
{
	fprintf(f, "usage: ipoc info [--engine PATH] [--json]\n"
		"  --engine PATH  engine shared object (default: the bundled reference engine)\n"
		"  --json         one JSON object instead of the table\n");
}

static void print_head(FILE *f, const struct loaded_engine *le, bool json)
{
	const struct ipoc_engine_ops *o = le->ops;

	if (json) {
		fputs("{\"engine\":{\"name\":", f);
		json_print_str(f, o->name);
		fputs(",\"version\":", f);
		json_print_str(f, o->version);
		fputs(",\"path\":", f);
		json_print_str(f, le->path);
		fprintf(f, ",\"abi\":\"%u.%u\",\"host_abi\":\"%d.%d\",\"ops_size\":%u,"
			"\"test_set_tx_iv\":%s,\"test_set_sequence\":%s},\"current_config\":",
			o->abi_major, o->abi_minor, IPOC_ENGINE_ABI_MAJOR, IPOC_ENGINE_ABI_MINOR,
			o->struct_size, IPOC_OPS_HAS(o, test_set_tx_iv) ? "true" : "false",
			IPOC_OPS_HAS(o, test_set_sequence) ? "true" : "false");
		return;
	}
	fprintf(f, "engine      %s %s\npath        %s\nABI         %u.%u (host %d.%d), ops "
		"table %u bytes\ntest hooks  IV injection %s, sequence control %s\n\n", o->name,
		o->version, le->path, o->abi_major, o->abi_minor, IPOC_ENGINE_ABI_MAJOR,
		IPOC_ENGINE_ABI_MINOR, o->struct_size,
		IPOC_OPS_HAS(o, test_set_tx_iv) ? "yes" : "no",
		IPOC_OPS_HAS(o, test_set_sequence) ? "yes" : "no");
}

static int query(struct loaded_engine *le, bool json)
{
	struct session s = { .echo_level = IPOC_LOG_WARN };
	char err[LOADER_ERRBUF_SIZE], name[48];
	NDIS_OFFLOAD off;
	NDIS_STATUS st;

	if (session_open(&s, le->ops, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc info: %s\n", err);
		return CLI_ENGINE;
	}
	memset(&off, 0, sizeof(off));
	st = session_oid(&s, IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, &off,
			 sizeof(off), NULL);
	session_close(&s);
	if (st != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "ipoc info: engine %s: OID_TCP_OFFLOAD_CURRENT_CONFIG failed with "
			"%s\n", le->ops->name, ndis_status_name(st, name, sizeof(name)));
		return CLI_FAILURES;
	}
	print_head(stdout, le, json);
	if (json) {
		caps_print_json(stdout, &off);
		fputs("}\n", stdout);
	} else {
		caps_print_text(stdout, &off);
	}
	return CLI_OK;
}

int cmd_info_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char path[4096], err[LOADER_ERRBUF_SIZE];
	const char *engine = NULL;
	struct loaded_engine le;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "e:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'e': engine = optarg; break;
		case 'j': json = true; break;
		case 'h': info_usage(stdout); return CLI_OK;
		default: info_usage(stderr); return CLI_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipoc info: unexpected argument '%s'\n", argv[optind]);
		info_usage(stderr);
		return CLI_USAGE;
	}
	if (!engine)
		engine = loader_default_engine(path, sizeof(path));
	if (loader_open(&le, engine, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc info: %s\n", err);
		return CLI_ENGINE;
	}
	rc = query(&le, json);
	loader_close(&le);
	return rc;
}
