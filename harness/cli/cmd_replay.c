/* SPDX-License-Identifier: MIT */
/*
 * cmd_replay.c - `ipoc replay CAPTURE [--keys FILE] [--engine PATH]
 * [--expect FILE | --allow-failures] [--nat-t MODE] [--write-failures
 * OUT.pcapng] [--reencrypt] [--jobs N] [--verbose] [--quiet] [--json FILE]
 * [--junit FILE] [--html FILE]`: every frame a result of the run's report
 * (rpt.h), group the capture.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine_arg.h"
#include "ojobs.h"
#include "replay.h"
#include "rpt.h"

static void replay_usage(FILE *f)
{
	fprintf(f, "usage: ipoc replay CAPTURE [--keys FILE] [options]\n"
		"  --keys FILE            the capture's SAs: a Wireshark esp_sa file or the output\n"
		"                         of `ip xfrm state` (told apart by content); none, or a\n"
		"                         file without SAs: a capture without IPsec\n"
		"  --engine PATH          engine to replay through, or ref / ref-mb (default: ref-mb\n"
		"                         where built, else ref); without --expect, a named engine\n"
		"                         is compared\n"
		"                         frame by frame with the reference engine\n"
		"  --in-process, --host-process, --timeout S, --max-faults N\n"
		"                         where the engine runs, how long a call may take, how\n"
		"                         many crashes, hangs and exits before it stops\n"
		"  --expect FILE          per-frame expectations (pcaps/README.md); without it,\n"
		"                         every frame an offloaded SA matches must decrypt\n"
		"  --allow-failures       without --expect: list the frames that do not decrypt\n"
		"                         (or differ from the reference) instead of failing\n"
		"  --nat-t MODE           esp_sa SAs seen in UDP port 4500 are offloaded as UDP-ESP\n"
		"                         `transport` (default) or `tunnel`; `off`: as plain ESP\n"
		"  --write-failures OUT   write failing frames to OUT (pcapng, with their times\n"
		"                         and why), the key file as OUT.keys and Wireshark's keys\n"
		"                         as OUT.esp_sa (OUT without .pcapng)\n"
		"  --reencrypt            send every frame that decrypted back through the send\n"
		"                         path (captured IV injected) and expect the captured bytes\n"
		"  --jobs N               share the frames out among N processes, each with an\n"
		"                         engine instance (and host) of its own holding the same\n"
		"                         SAs; the output is that of one (default: the number of\n"
		"                         cores)\n"
		"  --verbose              a line per frame (with the SPI that matched), not only\n"
		"                         for those that fail\n"
		"  --quiet                no progress line\n"
		RPT_USAGE);
}

struct args {
	const char *capture, *keys, *expect, *fail_out;
	struct engine_arg ea;
	enum replay_nat_t nat_t;
	bool verbose, quiet, reencrypt, allow_failures;
	unsigned jobs;             /* 0: the number of cores */
	struct rpt_outputs outs;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' }, ENGINE_ARG_OPTIONS,
		{ "expect", required_argument, NULL, 'x' },
		{ "write-failures", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' }, { "quiet", no_argument, NULL, 'q' },
		{ "reencrypt", no_argument, NULL, 'r' },
		{ "allow-failures", no_argument, NULL, 'a' },
		{ "nat-t", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' }, RPT_OPTIONS, { NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->ea = (struct engine_arg)ENGINE_ARG_INIT;
	a->ea.fast_default = true;    /* ref-mb where built (README: the bundled engines) */
	optind = 1;
	while ((c = getopt_long(argc, argv, ENGINE_ARG_LETTERS "k:x:w:vqrhan:P:J:U:W:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': a->allow_failures = true; break;
		case 'n':
			if (strcmp(optarg, "transport") == 0)
				a->nat_t = REPLAY_NAT_T_TRANSPORT;
			else if (strcmp(optarg, "tunnel") == 0)
				a->nat_t = REPLAY_NAT_T_TUNNEL;
			else if (strcmp(optarg, "off") == 0)
				a->nat_t = REPLAY_NAT_T_OFF;
			else {
				fprintf(stderr, "ipoc replay: --nat-t %s: expected transport, tunnel "
					"or off\n", optarg);
				return -1;
			}
			break;
		case 'P': {
			char *end;
			unsigned long j = strtoul(optarg, &end, 10);

			if (!*optarg || *end || j < 1 || j > OJOBS_MAX) {
				fprintf(stderr, "ipoc replay: --jobs %s: want 1 to %u\n", optarg,
					OJOBS_MAX);
				return -1;
			}
			a->jobs = (unsigned)j;
			break;
		}
		case 'k': a->keys = optarg; break;
		case 'x': a->expect = optarg; break;
		case 'w': a->fail_out = optarg; break;
		case 'v': a->verbose = true; break;
		case 'q': a->quiet = true; break;
		case 'r': a->reencrypt = true; break;
		case 'h': replay_usage(stdout); return 1;
		case '?': replay_usage(stderr); return -1;
		default:
			if (rpt_outputs_take(&a->outs, c, optarg))
				break;
			if (engine_arg_take(&a->ea, c, optarg, "replay") != 0)
				return -1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "ipoc replay: one CAPTURE is required\n");
		replay_usage(stderr);
		return -1;
	}
	if (a->allow_failures && a->expect) {
		fprintf(stderr, "ipoc replay: --allow-failures is for a replay without --expect "
			"(the expectations say what may fail)\n");
		return -1;
	}
	a->capture = argv[optind];
	return 0;
}

static void summary(const struct replay_stats *st, const struct replay_opts *o)
{
	uint64_t done = st->bad_status;
	char sum[256];

	for (int i = 0; i < 8; i++)
		done += st->by_status[i];
	fprintf(o->out, "frames %llu: %llu CryptoDone, %llu without IPsec processing, %llu "
		"skipped\n", (unsigned long long)st->frames, (unsigned long long)done,
		(unsigned long long)st->passthrough, (unsigned long long)st->skipped);
	for (int i = 0; i < 8; i++)
		if (st->by_status[i])
			fprintf(o->out, "  %-34s %llu\n", exp_status_name(i),
				(unsigned long long)st->by_status[i]);
	if (st->bad_status)
		fprintf(o->out, "  %-34s %llu\n", "CryptoStatus not a CRYPTO_* value",
			(unsigned long long)st->bad_status);
	for (unsigned i = 0; i < st->n_algs; i++)
		fprintf(o->out, "  %-34s %llu\n", st->alg_name[i],
			(unsigned long long)st->alg_frames[i]);
	fprintf(o->out, "an offloaded SA matches %llu frames: %llu decrypted, %llu did not%s\n",
		(unsigned long long)st->matched,
		(unsigned long long)(st->matched - st->undecrypted),
		(unsigned long long)st->undecrypted,
		st->listed ? " (listed: --allow-failures)" : "");
	if (st->nat_t_inferred)
		fprintf(o->out, "nat-t: %u esp_sa SA%s offloaded with UDP-ESP %s (seen in UDP port "
			"4500 in the capture)\n", st->nat_t_inferred,
			st->nat_t_inferred == 1 ? "" : "s", replay_nat_t_name(o->nat_t));
	if (o->reencrypt)
		fprintf(o->out, "re-encrypted: %llu identical, %llu differ, %llu not applicable "
			"(%llu transport over tunnel)\n",
			(unsigned long long)st->reenc_same, (unsigned long long)st->reenc_differs,
			(unsigned long long)st->reenc_na, (unsigned long long)st->reenc_nested);
	if (st->chain_faults)
		fprintf(o->out, "engine faults on a chain of NBLs that no frame of it brought back "
			"alone: %llu\n", (unsigned long long)st->chain_faults);
	fprintf(o->out, "%.3f s, %.0f frames/s\n", st->seconds,
		st->seconds > 0 ? (double)st->frames / st->seconds : 0.0);
	fprintf(o->out, "replay: %s\n", verdict_summary(&st->v, sum, sizeof(sum)));
}

/* The report a replay fills, frame by frame. */
struct frames_rpt {
	struct rpt r;
	const char *group, *rule;
	const char *fail_out;       /* --write-failures: where a failing frame went */
	char keys[2][1100];         /* and the key files beside it */
	bool oom;
};

static void on_frame(void *arg, const struct replay_frame *f)
{
	struct frames_rpt *fr = arg;
	char id[600], why[1200];
	struct rpt_result x = { .id = id, .group = fr->group, .title = f->sa[0] ? f->sa : "no SA",
				.rule = fr->rule, .v = f->verdict, .why = why, .allowed_by = "",
				.reproducer = "", .alg = "", .mode = "", .family = "", .encap = "" };

	const char *arts[2] = { fr->keys[0], fr->keys[1] };

	if (fr->fail_out && rpt_verdict_bad(f->verdict)) {
		x.reproducer = fr->fail_out;
		x.artifacts = arts;
		x.n_artifacts = 2;
	}
	snprintf(id, sizeof(id), "%s#%llu", fr->group, (unsigned long long)f->number);
	snprintf(why, sizeof(why), "%s%s%s%s", f->outcome, f->why[0] ? "; " : "", f->why,
		 f->listed ? " (listed: --allow-failures)" : "");
	if (!fr->oom && rpt_add(&fr->r, &x) != 0)
		fr->oom = true;
}

static int run(const struct args *a, struct replay_opts *o)
{
	struct replay_stats st;
	static struct frames_rpt fr;
	const char *base = strrchr(a->capture, '/');
	char err[1024], rule[1100];
	bool want = a->outs.json || a->outs.junit || a->outs.html;
	int rc;

	if (want) {
		snprintf(rule, sizeof(rule), "%s%s", o->expect ? "the expectations " : o->ref
			 ? "the reference engine's outcome" : o->allow_failures ? "listed, not "
			 "judged" : "every frame an offloaded SA matches decrypts",
			 o->expect ? a->expect : "");
		fr.group = base ? base + 1 : a->capture;
		fr.rule = rule;
		fr.fail_out = a->fail_out;
		if (a->fail_out) {
			snprintf(fr.keys[0], sizeof(fr.keys[0]), "%s.keys", a->fail_out);
			snprintf(fr.keys[1], sizeof(fr.keys[1]), "%.*s.esp_sa",
				 (int)(strlen(a->fail_out) - (strlen(a->fail_out) > 7 &&
					strcmp(a->fail_out + strlen(a->fail_out) - 7, ".pcapng") == 0
					? 7 : 0)), a->fail_out);
		}
		fr.oom = false;
		if (rpt_init(&fr.r, "replay") != 0 || rpt_set_engine(&fr.r, o->eh) != 0) {
			fprintf(stderr, "ipoc replay: out of memory\n");
			rpt_free(&fr.r);
			return CLI_FAILURES;
		}
		o->on_frame = on_frame;
		o->on_frame_arg = &fr;
	}

	fprintf(o->out, "capture %s, keys %s (%s, %zu SAs), engine %s%s%s%s; %s\n", a->capture,
		a->keys ? a->keys : "none", o->keys->n ? keyfile_format_name(o->keys->format)
		: "no SA", o->keys->n, eh_info(o->eh)->name,
		eh_mode(o->eh) == EH_CHILD ? " (engine host process)" : "",
		o->ref ? ", compared with " : "", o->ref ? eh_info(o->ref)->name : "",
		o->expect ? "judged by the expectations" : o->allow_failures ? "outcomes listed, "
		"not judged (--allow-failures)" : o->ref ? "judged by the reference engine"
		: "every frame an offloaded SA matches must decrypt");
	rc = replay_run(a->capture, o, &st, err, sizeof(err));
	if (want) {
		char werr[512];

		fr.r.stopped = rc == -4;
		if (fr.oom || rpt_write_all(&fr.r, &a->outs, werr, sizeof(werr)) != 0) {
			fprintf(stderr, "ipoc replay: %s\n", fr.oom ? "out of memory" : werr);
			rc = rc ? rc : -5;
		}
		rpt_free(&fr.r);
		if (rc == -5)
			return CLI_FAILURES;
	}
	if (rc != 0) {
		fprintf(stderr, "ipoc replay: %s\n", err);
		if (rc == -4)
			summary(&st, o);
		return rc == -3 ? CLI_ENGINE : rc == -4 ? CLI_FAILURES : CLI_USAGE;
	}
	summary(&st, o);
	if (verdict_judged(&st.v) == 0) {
		fprintf(stderr, "ipoc replay: no frame was judged: a run that judged nothing is "
			"not a pass\n");
		return CLI_FAILURES;
	}
	return verdict_bad(&st.v) || st.sa_refused || st.chain_faults ? CLI_FAILURES : CLI_OK;
}

/* A job's own engine host (replay_opts reload). */
static int reload(void *arg, struct eh **out)
{
	return engine_arg_load(arg, -1, out, "replay") == CLI_OK ? 0 : -1;
}

int cmd_replay_main(int argc, char **argv)
{
	struct args a;
	struct replay_opts o = { .out = stdout };
	struct eh *eng = NULL, *ref = NULL;
	struct key_file *keys = NULL;
	struct exp_file *exp = NULL;
	char err[1024];
	NDIS_OFFLOAD caps;
	int rc = parse(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? CLI_OK : CLI_USAGE;
	if ((a.keys ? keyfile_read(a.keys, KEYFILE_AUTO, &keys, err, sizeof(err))
		    : keyfile_parse_buf("(no --keys)", "", 0, KEYFILE_AUTO, &keys, err,
					sizeof(err))) != 0 ||
	    (a.expect && exp_read(a.expect, &exp, err, sizeof(err)) != 0)) {
		fprintf(stderr, "ipoc replay: %s\n", err);
		keyfile_free(keys);
		return CLI_USAGE;
	}
	rc = engine_arg_load(&a.ea, -1, &eng, "replay");
	if (rc == CLI_OK)
		rc = engine_caps(eng, &caps, NULL, "replay");
	if (rc == CLI_OK && a.ea.path && !a.expect) {
		struct engine_arg refa = ENGINE_ARG_INIT;

		refa.mode = EH_IN_PROCESS;
		rc = engine_arg_load(&refa, -1, &ref, "replay");
	}
	if (rc != CLI_OK)
		goto out;
	o.eh = eng;
	o.ref = ref;
	o.keys = keys;
	o.keys_path = a.keys;
	o.expect = exp;
	o.capture_name = a.capture;
	o.nat_t = a.nat_t;
	o.allow_failures = a.allow_failures;
	o.fail_out = a.fail_out;
	o.verbose = a.verbose;
	o.reencrypt = a.reencrypt;
	o.progress = !a.quiet;
	o.max_faults = a.ea.max_faults;
	o.jobs = a.jobs ? a.jobs : ojobs_cores();
	o.reload = reload;
	o.reload_arg = &a.ea;
	rc = run(&a, &o);
out:
	eh_free(eng);
	eh_free(ref);
	keyfile_free(keys);
	exp_free(exp);
	return rc;
}
