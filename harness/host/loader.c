/* SPDX-License-Identifier: MIT */
/* loader.c - see loader.h. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define IPOC_XSTR(x) #x
#define IPOC_STR(x) IPOC_XSTR(x)

#ifndef IPOC_INSTALLED_ENGINE_DIR
#define IPOC_INSTALLED_ENGINE_DIR "/usr/local/lib/ipoc"
#endif

struct member {
	const char *name;
	size_t off;
};

#define MANDATORY(m) { #m, offsetof(struct ipoc_engine_ops, m) }
static const struct member mandatory[] = {
	MANDATORY(open),
	MANDATORY(close),
	MANDATORY(oid_request),
	MANDATORY(send_net_buffer_lists),
	MANDATORY(receive_net_buffer_lists),
};

/* One line: "engine PATH: DETAIL". */
static int fail(char *err, size_t errlen, const char *path, const char *detail)
{
	if (errlen)
		snprintf(err, errlen, "engine %s: %s", path, detail);
	return -1;
}

static int check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return fail(err, errlen, path,
			    errno == ENOENT ? "no such file" : strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, path, "not a regular file");
	return 0;
}

/* Function pointers are compared through their bytes: ISO C has no
 * conversion from a function pointer to void *. */
static int member_is_null(const struct ipoc_engine_ops *ops, size_t off)
{
	static const char zero[sizeof(void (*)(void))];

	return memcmp((const char *)ops + off, zero, sizeof(zero)) == 0;
}

static int check_ops(const struct ipoc_engine_ops *ops, const char *path, char *err,
		     size_t errlen)
{
	char detail[160];

	if (ops->abi_major != IPOC_ENGINE_ABI_MAJOR) {
		snprintf(detail, sizeof(detail), "ops table is for ABI major %u, host speaks %u",
			 ops->abi_major, IPOC_ENGINE_ABI_MAJOR);
		return fail(err, errlen, path, detail);
	}
	if (ops->struct_size < IPOC_ENGINE_OPS_MIN_SIZE) {
		snprintf(detail, sizeof(detail), "ops table too small: struct_size %u, ABI %u.x "
			 "needs at least %zu", ops->struct_size, IPOC_ENGINE_ABI_MAJOR,
			 (size_t)IPOC_ENGINE_OPS_MIN_SIZE);
		return fail(err, errlen, path, detail);
	}
	for (size_t i = 0; i < sizeof(mandatory) / sizeof(mandatory[0]); i++) {
		if (member_is_null(ops, mandatory[i].off)) {
			snprintf(detail, sizeof(detail), "mandatory member %s is NULL",
				 mandatory[i].name);
			return fail(err, errlen, path, detail);
		}
	}
	if (!ops->name || !ops->name[0] || !ops->version)
		return fail(err, errlen, path, "ops table has no name or version");
	return 0;
}

int loader_open(struct loaded_engine *le, const char *path, char *err, size_t errlen)
{
	ipoc_engine_entry_fn entry;
	char detail[LOADER_ERRBUF_SIZE - 64];
	void *sym;

	memset(le, 0, sizeof(*le));
	if (!path || !path[0])
		return fail(err, errlen, "(none)", "empty path");
	snprintf(le->path, sizeof(le->path), "%s%s", strchr(path, '/') ? "" : "./", path);
	if (check_file(le->path, err, errlen) != 0)
		return -1;
	/* Report the engine by its canonical path from here on. */
	{
		char *canon = realpath(le->path, NULL);

		if (canon && strlen(canon) < sizeof(le->path))
			memcpy(le->path, canon, strlen(canon) + 1);
		free(canon);
	}
	le->dl = dlopen(le->path, RTLD_NOW | RTLD_LOCAL);
	if (!le->dl) {
		snprintf(detail, sizeof(detail), "cannot be loaded as a shared object: %s",
			 dlerror());
		return fail(err, errlen, le->path, detail);
	}
	dlerror();
	sym = dlsym(le->dl, IPOC_ENGINE_ENTRY_SYMBOL);
	if (!sym) {
		loader_close(le);
		return fail(err, errlen, le->path,
			    "no symbol " IPOC_ENGINE_ENTRY_SYMBOL ": not an ipoc engine");
	}
	memcpy(&entry, &sym, sizeof(entry));
	le->ops = entry(IPOC_ENGINE_ABI_MAJOR);
	if (!le->ops) {
		loader_close(le);
		return fail(err, errlen, le->path,
			    "does not serve ABI major " IPOC_STR(IPOC_ENGINE_ABI_MAJOR)
			    " (its entry point returned NULL)");
	}
	if (check_ops(le->ops, le->path, err, errlen) != 0) {
		loader_close(le);
		return -1;
	}
	return 0;
}

void loader_close(struct loaded_engine *le)
{
	if (le->dl)
		dlclose(le->dl);
	le->dl = NULL;
	le->ops = NULL;
}

static int exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* buf = dir/rel, when that names a readable file that fits in buf. */
static int candidate(char *buf, size_t len, const char *dir, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", dir, rel);

	return n > 0 && (size_t)n < len && exists(buf);
}

/* The bundled engine file (libipoc_ref.so or libipoc_ref_mb.so): beside
 * this executable's build tree, in its own folder, else installed; or
 * NULL when none of them is there. */
static const char *bundled(const char *file, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		/* The build tree's engine, else a bundle of programs with
		 * the engine beside them (the fuzz targets in OSS-Fuzz's
		 * $OUT). */
		if (slash) {
			char rel[64];

			*slash = '\0';
			snprintf(rel, sizeof(rel), "../engine/ref/%s", file);
			if (candidate(buf, len, exe, rel) || candidate(buf, len, exe, file))
				return buf;
		}
	}
	return candidate(buf, len, IPOC_INSTALLED_ENGINE_DIR, file) ? buf : NULL;
}

const char *loader_default_engine(char *buf, size_t len)
{
	const char *env = getenv("IPOC_REF_ENGINE");

	if (env && env[0]) {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	if (!bundled("libipoc_ref.so", buf, len))
		snprintf(buf, len, "%s/libipoc_ref.so", IPOC_INSTALLED_ENGINE_DIR);
	return buf;
}

/* Short names: the engine's own name, and without "ipoc-". */
static const struct {
	const char *name, *alias, *file;
} short_names[] = {
	{ "ref", "ipoc-ref", "libipoc_ref.so" },
	{ "ref-mb", "ipoc-ref-mb", "libipoc_ref_mb.so" },
};

int loader_named_engine(const char *name, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(short_names) / sizeof(short_names[0]); i++) {
		if (strcmp(name, short_names[i].name) != 0 && strcmp(name, short_names[i].alias) != 0)
			continue;
		if (i == 0) {
			loader_default_engine(buf, len);
			return 1;
		}
		return bundled(short_names[i].file, buf, len) ? 1 : -1;
	}
	return 0;
}
