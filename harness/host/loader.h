/* SPDX-License-Identifier: MIT */
/*
 * loader.h - load an engine shared object and check its ABI handshake.
 */
#ifndef IPOC_LOADER_H
#define IPOC_LOADER_H

#include <stddef.h>

#include "ipoc/engine.h"

#define LOADER_ERRBUF_SIZE 512

struct loaded_engine {
	void *dl;                              /* dlopen handle */
	const struct ipoc_engine_ops *ops;     /* the engine's table */
	char path[4096];                       /* as opened */
};

/*
 * dlopen(path, RTLD_NOW | RTLD_LOCAL), find ipoc_engine_entry, call it with
 * IPOC_ENGINE_ABI_MAJOR and check the table. Returns 0, or -1 with one line
 * in err naming path and what is wrong: no such file, not a shared object,
 * no entry symbol, wrong ABI major, ops table too small, a mandatory member
 * NULL, no name. A path without '/' is taken relative to the current
 * directory, never searched for in the system library path.
 */
int loader_open(struct loaded_engine *le, const char *path, char *err, size_t errlen);

/* dlclose; le may be half-open. */
void loader_close(struct loaded_engine *le);

/* Path of the bundled reference engine: $IPOC_REF_ENGINE if set, else the
 * build tree's engine/ref/libipoc_ref.so next to this executable, else
 * libipoc_ref.so in the executable's own folder (a bundle such as
 * OSS-Fuzz's $OUT), else the installed one. Returns buf. */
const char *loader_default_engine(char *buf, size_t len);

/* A bundled engine by short name: `ref` (ipoc-ref, on OpenSSL: the default
 * engine above) or `ref-mb` (ipoc-ref-mb, on intel-ipsec-mb, found the same
 * way). Returns 1 with its path in buf, 0 when name is not a short name,
 * -1 when it is one but that engine was not built here. */
int loader_named_engine(const char *name, char *buf, size_t len);

#endif /* IPOC_LOADER_H */
