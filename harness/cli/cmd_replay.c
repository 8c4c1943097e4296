/* SPDX-License-Identifier: MIT */
/*
 * cmd_replay.c - `ipoc replay CAPTURE --keys FILE [--engine PATH]
 * [--expect FILE] [--write-failures OUT.pcapng] [--verbose] [--quiet]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loader.h"
#include "replay.h"

static void replay_usage(FILE *f)
{
	fprintf(f, "usage: ipoc replay CAPTURE --keys FILE [options]\n"
		"  --keys FILE            the capture's SAs: a Wireshark esp_sa file or the output\n"
		"                         of `ip xfrm state` (told apart by content)\n"
		"  --engine PATH          engine to replay through (default: the bundled reference\n"
		"                         engine); without --expect, a named engine is compared\n"
		"                         frame by frame with the reference engine\n"
		"  --expect FILE          per-frame expectations (pcaps/README.md)\n"
		"  --write-failures OUT   write frames that differ to OUT (pcapng) and the key\n"
		"                         file beside it as OUT.keys\n"
		"  --reencrypt            send every frame that decrypted back through the send\n"
		"                         path (captured IV injected) and expect the captured bytes\n"
		"  --verbose              a line per frame, not only for those that differ\n"
		"  --quiet                no progress line\n");
}

struct args {
	const char *capture, *keys, *engine, *expect, *fail_out;
	bool verbose, quiet, reencrypt;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' }, { "engine", required_argument, NULL, 'e' },
		{ "expect", required_argument, NULL, 'x' },
		{ "write-failures", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' }, { "quiet", no_argument, NULL, 'q' },
		{ "reencrypt", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:e:x:w:vqrh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': a->keys = optarg; break;
		case 'e': a->engine = optarg; break;
		case 'x': a->expect = optarg; break;
		case 'w': a->fail_out = optarg; break;
		case 'v': a->verbose = true; break;
		case 'q': a->quiet = true; break;
		case 'r': a->reencrypt = true; break;
		case 'h': replay_usage(stdout); return 1;
		default: replay_usage(stderr); return -1;
		}
	}
	if (optind + 1 != argc || !a->keys) {
		fprintf(stderr, "ipoc replay: %s\n", !a->keys ? "--keys FILE is required"
							     : "one CAPTURE is required");
		replay_usage(stderr);
		return -1;
	}
	a->capture = argv[optind];
	return 0;
}

static void summary(const struct replay_stats *st, const struct replay_opts *o)
{
	uint64_t done = 0;

	for (int i = 0; i < 8; i++)
		done += st->by_status[i];
	fprintf(o->out, "frames %llu: %llu CryptoDone, %llu without IPsec processing, %llu "
		"skipped\n", (unsigned long long)st->frames, (unsigned long long)done,
		(unsigned long long)st->passthrough, (unsigned long long)st->skipped);
	for (int i = 0; i < 8; i++)
		if (st->by_status[i])
			fprintf(o->out, "  %-34s %llu\n", exp_status_name(i),
				(unsigned long long)st->by_status[i]);
	for (unsigned i = 0; i < st->n_algs; i++)
		fprintf(o->out, "  %-34s %llu\n", st->alg_name[i],
			(unsigned long long)st->alg_frames[i]);
	if (o->reencrypt)
		fprintf(o->out, "re-encrypted: %llu identical, %llu differ, %llu not applicable\n",
			(unsigned long long)st->reenc_same, (unsigned long long)st->reenc_differs,
			(unsigned long long)st->reenc_na);
	fprintf(o->out, "%.3f s, %.0f frames/s\n", st->seconds,
		st->seconds > 0 ? (double)st->frames / st->seconds : 0.0);
	if (o->expect || o->ref_ops || o->reencrypt)
		fprintf(o->out, "replay: %llu passed, %llu failed\n",
			(unsigned long long)st->matched, (unsigned long long)st->differed);
}

static int run(const struct args *a, struct replay_opts *o, struct loaded_engine *eng,
	       struct loaded_engine *ref)
{
	struct replay_stats st;
	char err[1024];

	o->ops = eng->ops;
	o->ref_ops = ref->ops;
	fprintf(o->out, "capture %s, keys %s (%s, %zu SAs), engine %s%s%s\n", a->capture,
		a->keys, keyfile_format_name(o->keys->format), o->keys->n, eng->ops->name,
		ref->ops ? ", compared with " : "", ref->ops ? ref->ops->name : "");
	if (replay_run(a->capture, o, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "ipoc replay: %s\n", err);
		return CLI_USAGE;
	}
	summary(&st, o);
	return st.differed || st.sa_refused ? CLI_FAILURES : CLI_OK;
}

int cmd_replay_main(int argc, char **argv)
{
	struct args a;
	struct replay_opts o = { .out = stdout };
	struct loaded_engine eng = { 0 }, ref = { 0 };
	struct key_file *keys = NULL;
	struct exp_file *exp = NULL;
	char err[1024], path[4096];
	int rc = parse(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? CLI_OK : CLI_USAGE;
	if (keyfile_read(a.keys, KEYFILE_AUTO, &keys, err, sizeof(err)) != 0 ||
	    (a.expect && exp_read(a.expect, &exp, err, sizeof(err)) != 0)) {
		fprintf(stderr, "ipoc replay: %s\n", err);
		keyfile_free(keys);
		return CLI_USAGE;
	}
	loader_default_engine(path, sizeof(path));
	if (loader_open(&eng, a.engine ? a.engine : path, err, sizeof(err)) != 0 ||
	    (a.engine && !a.expect && loader_open(&ref, path, err, sizeof(err)) != 0)) {
		fprintf(stderr, "ipoc replay: %s\n", err);
		rc = CLI_ENGINE;
		goto out;
	}
	o.keys = keys;
	o.keys_path = a.keys;
	o.expect = exp;
	o.fail_out = a.fail_out;
	o.verbose = a.verbose;
	o.reencrypt = a.reencrypt;
	o.progress = !a.quiet;
	rc = run(&a, &o, &eng, &ref);
out:
	loader_close(&eng);
	loader_close(&ref);
	keyfile_free(keys);
	exp_free(exp);
	return rc;
}
