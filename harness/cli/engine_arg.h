/* SPDX-License-Identifier: MIT */
/*
 * engine_arg.h - what every subcommand that loads an engine shares: the
 * options that name it and say where it runs (--engine, --in-process,
 * --host-process, --timeout), loading it, and the start every run makes:
 * an instance opened and its capability report queried.
 *
 * Where it runs: a third-party engine runs in the engine host process (a
 * child; host.h) unless --in-process; the bundled reference engine runs in
 * this process unless --host-process.
 */
#ifndef IPOC_ENGINE_ARG_H
#define IPOC_ENGINE_ARG_H

#include <getopt.h>
#include <stdbool.h>

#include "host.h"

struct engine_arg {
	const char *path;         /* --engine: a path or a short name (ref, ref-mb);
	                             NULL: the subcommand's default */
	int mode;                 /* -1: by the engine; else enum eh_mode */
	unsigned timeout_ms;      /* --timeout; 0: the host's default (5 s) */
	unsigned max_faults;      /* --max-faults: crashes, hangs and exits before the
	                             run stops */
	bool fast_default;        /* no --engine: ref-mb where it was built, else ref
	                             (replay, bench); false: ref */
};

#define ENGINE_ARG_MAX_FAULTS 20u
#define ENGINE_ARG_INIT { NULL, -1, 0, ENGINE_ARG_MAX_FAULTS, false }

/* The long options, for a subcommand's getopt_long table, and the short
 * letters they return. */
#define ENGINE_ARG_OPTIONS \
	{ "engine", required_argument, NULL, 'e' }, \
	{ "in-process", no_argument, NULL, 'I' }, \
	{ "host-process", no_argument, NULL, 'H' }, \
	{ "timeout", required_argument, NULL, 'T' }, \
	{ "max-faults", required_argument, NULL, 'F' }
#define ENGINE_ARG_LETTERS "e:IHT:F:"
/* Usage lines for them. */
#define ENGINE_ARG_USAGE \
	"  --engine PATH      engine shared object, or a bundled engine by name: ref (on\n" \
	"                     OpenSSL, the default) or ref-mb (on intel-ipsec-mb)\n" \
	"  --in-process       run the engine in this process (default for the bundled one)\n" \
	"  --host-process     run it in the engine host process (default for any other)\n" \
	"  --timeout S        seconds an engine call may take in the host process (default 5)\n" \
	"  --max-faults N     stop the run after N crashes, hangs or exits (default 20)\n"

/* Take option c (one of ENGINE_ARG_LETTERS); 0, or -1 after a usage
 * message naming cmd. */
int engine_arg_take(struct engine_arg *a, int c, const char *arg, const char *cmd);

/* The path to load into buf: --engine's (a short name resolved), else the
 * subcommand's default bundled engine. */
const char *engine_arg_path(const struct engine_arg *a, char *buf, size_t len);
/* Is path (or short name) one of the bundled engines, ref or ref-mb (the
 * same file)? They run in this process unless --host-process. */
bool engine_is_reference(const char *path);

/* Load the engine; echo: engine log level echoed to stderr (-1 none).
 * Returns CLI_OK, or CLI_ENGINE after one line on stderr. */
int engine_arg_load(const struct engine_arg *a, int echo, struct eh **out, const char *cmd);

/* Open an instance and query OID_TCP_OFFLOAD_CURRENT_CONFIG into caps; the
 * instance stays open in *inst unless inst is NULL. Returns CLI_OK; CLI_ENGINE
 * when open failed (or the engine crashed in it); CLI_FAILURES when the
 * mandatory query failed or the engine crashed in it. One line on stderr
 * names what happened. */
int engine_caps(struct eh *eh, NDIS_OFFLOAD *caps, uint32_t *inst, const char *cmd);

#endif /* IPOC_ENGINE_ARG_H */
