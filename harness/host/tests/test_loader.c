/* SPDX-License-Identifier: MIT */
/*
 * test_loader.c - every loader error has its one-line message, and good
 * engines (the reference engine, a minimum 1.x table, a newer minor) load.
 *
 * argv[1] is the folder holding the fixture engines, argv[2] the reference
 * engine, argv[3] the source folder's not_an_engine.so.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <dlfcn.h>

#include "ipoc_test.h"
#include "loader.h"

static const char *fixture_dir;

static int load_fixture(struct loaded_engine *le, const char *name, char *err, size_t n)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return loader_open(le, path, err, n);
}

/* Loading name must fail with a message containing want. */
static void expect_fail(const char *name, const char *want)
{
	struct loaded_engine le;
	char err[LOADER_ERRBUF_SIZE] = "";

	IPOC_CHECK(load_fixture(&le, name, err, sizeof(err)) == -1);
	IPOC_CHECK_STR_HAS(err, want);
	IPOC_CHECK(strchr(err, '\n') == NULL);   /* one line */
	IPOC_CHECK(le.dl == NULL && le.ops == NULL);
}

static void test_errors(const char *not_an_engine)
{
	struct loaded_engine le;
	char err[LOADER_ERRBUF_SIZE] = "";

	expect_fail("no_such_engine.so", "no such file");
	expect_fail("", "not a regular file");   /* the folder itself */
	IPOC_CHECK(loader_open(&le, not_an_engine, err, sizeof(err)) == -1);
	IPOC_CHECK_STR_HAS(err, "cannot be loaded as a shared object");
	expect_fail("libfixture_no_entry.so", "no symbol ipoc_engine_entry");
	expect_fail("libfixture_major2.so", "does not serve ABI major 1");
	expect_fail("libfixture_lies_major.so", "ops table is for ABI major 2");
	expect_fail("libfixture_small.so", "ops table too small");
	expect_fail("libfixture_null_send.so", "mandatory member send_net_buffer_lists is NULL");
	expect_fail("libfixture_no_name.so", "no name");
	IPOC_CHECK(loader_open(&le, NULL, err, sizeof(err)) == -1);
	IPOC_CHECK_STR_HAS(err, "empty path");
}

static void test_good_fixtures(void)
{
	struct loaded_engine le;
	char err[LOADER_ERRBUF_SIZE] = "";

	IPOC_CHECK(load_fixture(&le, "libfixture_good.so", err, sizeof(err)) == 0);
	IPOC_CHECK(le.ops && le.ops->struct_size == sizeof(struct ipoc_engine_ops));
	loader_close(&le);

	/* An engine built against the minimum table: it loads, and its optional
	 * members read as absent without being read (ASan would trip). */
	IPOC_CHECK(load_fixture(&le, "libfixture_min_table.so", err, sizeof(err)) == 0);
	if (le.ops) {
		IPOC_CHECK_EQ(le.ops->struct_size, IPOC_ENGINE_OPS_MIN_SIZE);
		IPOC_CHECK(!IPOC_OPS_HAS(le.ops, test_set_tx_iv));
		IPOC_CHECK(!IPOC_OPS_HAS(le.ops, test_set_sequence));
	}
	loader_close(&le);

	IPOC_CHECK(load_fixture(&le, "libfixture_newer_minor.so", err, sizeof(err)) == 0);
	if (le.ops)
		IPOC_CHECK_EQ(le.ops->abi_minor, 9);
	loader_close(&le);
}

static void test_relative_path(void)
{
	struct loaded_engine le;
	char err[LOADER_ERRBUF_SIZE] = "", cwd[4096];

	/* A bare file name is taken from the current folder (dlopen would
	 * search the library path, where the fixture is not), and reported by
	 * its canonical path. */
	IPOC_CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	IPOC_CHECK(chdir(fixture_dir) == 0);
	IPOC_CHECK(loader_open(&le, "libfixture_good.so", err, sizeof(err)) == 0);
	IPOC_CHECK(le.path[0] == '/');
	IPOC_CHECK(strlen(le.path) > strlen("/libfixture_good.so") &&
		   strcmp(le.path + strlen(le.path) - strlen("/libfixture_good.so"),
			  "/libfixture_good.so") == 0);
	loader_close(&le);
	IPOC_CHECK(chdir(cwd) == 0);
}

static void test_reference_handshake(const char *ref)
{
	struct loaded_engine le;
	char err[LOADER_ERRBUF_SIZE] = "";
	ipoc_engine_entry_fn entry;
	void *sym;

	IPOC_CHECK(loader_open(&le, ref, err, sizeof(err)) == 0);
	if (!le.ops) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	IPOC_CHECK_EQ(le.ops->abi_major, IPOC_ENGINE_ABI_MAJOR);
	IPOC_CHECK(le.ops->struct_size >= IPOC_ENGINE_OPS_MIN_SIZE);
	IPOC_CHECK(le.ops->struct_size <= 4096);
	IPOC_CHECK(strcmp(le.ops->name, "ipoc-ref") == 0);
	IPOC_CHECK(le.ops->version[0] != '\0');
	/* The entry point refuses other majors. */
	sym = dlsym(le.dl, IPOC_ENGINE_ENTRY_SYMBOL);
	IPOC_CHECK(sym != NULL);
	if (sym) {
		memcpy(&entry, &sym, sizeof(entry));
		IPOC_CHECK(entry(0) == NULL);
		IPOC_CHECK(entry(IPOC_ENGINE_ABI_MAJOR + 1) == NULL);
		IPOC_CHECK(entry(IPOC_ENGINE_ABI_MAJOR) == le.ops);
	}
	loader_close(&le);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s FIXTURE_DIR REF_ENGINE NOT_AN_ENGINE\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	test_errors(argv[3]);
	test_good_fixtures();
	test_relative_path();
	test_reference_handshake(argv[2]);
	return ipoc_test_report(argv[0]);
}
