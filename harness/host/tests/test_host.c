/* SPDX-License-Identifier: MIT */
/*
 * test_host.c - the engine host (host.h), in this process and in a child:
 *   - the reference engine through every operation: open, OID requests with
 *     a linked ADD_SA list (pointers carried as offsets), send and receive
 *     in several MDL shapes and both guard sides, the IV hook, the key scan
 *     (a key the engine holds is found, and not after DELETE_SA);
 *   - in a child, engines with one fault each (fault_engine.c): a crash, a
 *     hang, exit(0), abort(), _exit in send, a read and a write one byte past
 *     an MDL, a write into the guard bytes before one, a shortened NB, an
 *     engine that prints: each gets its verdict and the harness goes on
 *     after eh_restart;
 *   - reproducers: a crash replays to the same crash; a recorded send on the
 *     reference engine replays with the handles of the new run.
 * argv[1]: the folder of the fault engines; argv[2]: the reference engine.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame_build.h"
#include "host.h"
#include "ipoc_test.h"
#include "sa_build.h"
#include "wipe.h"

static const char *fixtures, *ref_path;

#define SPI 0x00C0FFEEu

static struct eh *load(const char *name, enum eh_mode mode, unsigned timeout_ms)
{
	struct eh_opts o = { mode, timeout_ms, -1 };
	char path[4096], err[1024] = "";
	struct eh *eh = NULL;

	if (name)
		snprintf(path, sizeof(path), "%s/libfault_%s.so", fixtures, name);
	else
		snprintf(path, sizeof(path), "%s", ref_path);
	if (eh_load(path, &o, &eh, err, sizeof(err)) != 0)
		fprintf(stderr, "load %s: %s\n", path, err);
	IPOC_CHECK(eh != NULL);
	return eh;
}

static uint32_t open_inst(struct eh *eh)
{
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	uint32_t inst = UINT32_MAX;

	IPOC_CHECK_EQ(eh_open(eh, NULL, &st, &inst), EH_OK);
	IPOC_CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	return inst;
}

/* ESP AES-CBC-128 + HMAC-SHA1-96 between 10.0.0.1 and 10.0.0.2, with the
 * given encryption key (16 bytes); *h gets the handle. */
static NDIS_STATUS add_sa(struct eh *eh, uint32_t inst, bool inbound, const uint8_t *key,
			  NDIS_HANDLE *h)
{
	struct sa_spec sp = sa_spec_esp(0xEEFFC000u, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
					IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	static const uint32_t handle_off = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	struct sa_buf b;
	uint32_t len;
	IPSEC_OFFLOAD_V2_ADD_SA *a;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA };

	sp.flags = inbound ? IPSEC_OFFLOAD_V2_INBOUND : 0;
	a = sa_build_add(&b, &sp, &len);
	memcpy(a->KeyData + a->SecAssoc[0].EncryptionAlgorithm.KeyOffsetBytes, key, 16);
	q.buf = a;
	q.len = len;
	q.handles = &handle_off;
	q.n_handles = 1;
	*h = NULL;
	if (eh_oid(eh, inst, &q) != EH_OK)
		q.status = NDIS_STATUS_FAILURE;
	*h = a->OffloadHandle;
	ipoc_wipe(&b, sizeof(b));   /* the key goes */
	return q.status;
}

static NDIS_STATUS delete_sa(struct eh *eh, uint32_t inst, NDIS_HANDLE h)
{
	static const uint32_t handle_off = offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, OffloadHandle);
	IPSEC_OFFLOAD_V2_DELETE_SA d;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, &d,
			    sizeof(d) };

	memset(&d, 0, sizeof(d));
	d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
	d.Header.Revision = NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1;
	d.Header.Size = sizeof(d);
	d.OffloadHandle = h;
	q.handles = &handle_off;
	q.n_handles = 1;
	if (eh_oid(eh, inst, &q) != EH_OK)
		return NDIS_STATUS_FAILURE;
	return q.status;
}

/* A TCP packet framed for the SA above (transport, IPv4). */
static void frame_for_sa(struct fb_frame *f)
{
	struct sa_spec sp = sa_spec_esp(0xEEFFC000u, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128,
					IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1);
	struct fb_spec fs;

	memset(&fs, 0, sizeof(fs));
	fs.n_levels = 1;
	fs.payload_len = 100;
	fs.seed = 9;
	fb_level_std(&fs.lv[0], 4, 0, false);
	fb_sa_from_spec(&sp, 7, &fs.lv[0].sa);
	IPOC_CHECK_EQ(fb_build(&fs, f), 0);
}

static enum eh_rc send1(struct eh *eh, uint32_t inst, const uint8_t *frame, uint32_t len,
			NDIS_HANDLE h, uint32_t hdr, const struct eh_io_out **out)
{
	struct eh_nb_in nb = { frame, len, { NULL, 0, 0, 0, 0 } };
	struct eh_nbl_in nbl = { &nb, 1, { 0 } };
	struct eh_io_in in = { &nbl, 1, IPOC_NBL_GUARD_TAIL, EH_SEND_WRITABLE, 0, 0 };

	nbl.slots[IPsecOffloadV2NetBufferListInfo] = (uintptr_t)h;
	nbl.slots[IPsecOffloadV2HeaderNetBufferListInfo] = hdr;
	return eh_send(eh, inst, &in, out);
}

static enum eh_rc recv1(struct eh *eh, uint32_t inst, const uint8_t *frame, uint32_t len,
			const struct ipoc_mdl_shape *shape, enum ipoc_nbl_guard guard,
			const struct eh_io_out **out)
{
	struct eh_nb_in nb = { frame, len, { NULL, 0, 0, 0, 0 } };
	struct eh_nbl_in nbl = { &nb, 1, { 0 } };
	struct eh_io_in in = { &nbl, 1, guard, EH_RECV_WRITABLE, 0, 0 };

	if (shape)
		nb.shape = *shape;
	/* Garbage in the IPsec slots: the engine must write them. */
	nbl.slots[IPsecOffloadV2NetBufferListInfo] = 0x5A5A5A5Au;
	return eh_receive(eh, inst, &in, out);
}

/* The whole path on the reference engine. */
static void test_reference(enum eh_mode mode)
{
	struct eh *eh = load(NULL, mode, 5000);
	uint8_t key[16], masked[16], mask[16], sealed[FB_MAX_FRAME];
	NDIS_HANDLE ho, hi;
	NDIS_OFFLOAD caps;
	struct eh_oid q = { IPOC_REQUEST_QUERY, OID_TCP_OFFLOAD_CURRENT_CONFIG, &caps,
			    sizeof(caps) };
	const struct eh_io_out *o;
	static struct fb_frame f;
	uint32_t inst, cuts[300];
	bool found = true;
	char where[512];
	FILE *ur = fopen("/dev/urandom", "rb");

	if (!eh || !ur)
		return;
	IPOC_CHECK_EQ(fread(key, 1, sizeof(key), ur), sizeof(key));
	fclose(ur);
	IPOC_CHECK_EQ(eh_mode(eh), mode);
	IPOC_CHECK_STR_HAS(eh_info(eh)->name, "ipoc-ref");
	IPOC_CHECK(eh_info(eh)->has_tx_iv);
	inst = open_inst(eh);
	memset(&caps, 0, sizeof(caps));
	IPOC_CHECK_EQ(eh_oid(eh, inst, &q), EH_OK);
	IPOC_CHECK_EQ(q.status, NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(q.written, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2);
	IPOC_CHECK(caps.IPsecV2.Esp);
	IPOC_CHECK_EQ(add_sa(eh, inst, false, key, &ho), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(add_sa(eh, inst, true, key, &hi), NDIS_STATUS_SUCCESS);
	IPOC_CHECK(ho != NULL && hi != NULL && ho != hi);
	/* From here on the key is kept masked only (eh_scan). */
	IPOC_CHECK_EQ(eh_mask_key(key, masked, mask, sizeof(key)), 0);
	ipoc_wipe(key, sizeof(key));

	/* Send: sealed in place, one frame on the wire. */
	frame_for_sa(&f);
	IPOC_CHECK_EQ(send1(eh, inst, f.b, f.len, ho, f.hdr_info, &o), EH_OK);
	if (!o)
		return;
	IPOC_CHECK_EQ(o->n_nbl, 1);
	IPOC_CHECK_EQ(o->nbls[0].returned, 1);
	IPOC_CHECK_EQ(o->nbls[0].status, NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(o->n_tx, 1);
	IPOC_CHECK_EQ(o->tx[0].len, f.len);
	IPOC_CHECK_EQ(o->tx[0].nb, 0);
	IPOC_CHECK(!o->tx[0].after_return);
	IPOC_CHECK(o->nbls[0].guard_err[0] == '\0' && o->nbls[0].meta_err[0] == '\0');
	if (o->nbls[0].guard_err[0] || o->nbls[0].meta_err[0])
		fprintf(stderr, "  send: %s%s\n", o->nbls[0].guard_err, o->nbls[0].meta_err);
	IPOC_CHECK(memcmp(o->tx[0].bytes, f.b, f.len) != 0);   /* it was encrypted */
	memcpy(sealed, o->tx[0].bytes, f.len);

	/* Receive in several shapes and both guard sides: the plaintext back. */
	for (int k = 0; k < 4; k++) {
		struct ipoc_mdl_shape sh = { NULL, 0, 0, 0, 0 };
		uint32_t ph = f.w[0].payload;

		if (k == 1) {
			for (uint32_t i = 1; i < f.len; i++)
				cuts[i - 1] = i;
			sh.cuts = cuts;
			sh.n_cuts = f.len - 1;
		} else if (k == 2) {
			sh.lead = 40;
			sh.headroom = 3;
			sh.tailroom = 5;
		}
		IPOC_CHECK_EQ(recv1(eh, inst, sealed, f.len, &sh,
				    k == 3 ? IPOC_NBL_GUARD_HEAD : IPOC_NBL_GUARD_TAIL, &o), EH_OK);
		if (!o)
			continue;
		IPOC_CHECK_EQ(o->calls, 1);
		IPOC_CHECK_EQ(o->nbls[0].returned, 1);
		IPOC_CHECK_EQ(o->nbls[0].slots[IPsecOffloadV2NetBufferListInfo],
			      IPSEC_RX_CRYPTO_DONE);
		IPOC_CHECK(o->nbls[0].nbs[0].bytes != NULL);
		IPOC_CHECK_EQ(o->nbls[0].nbs[0].len, f.len);
		IPOC_CHECK(o->nbls[0].nbs[0].bytes &&
			   memcmp(o->nbls[0].nbs[0].bytes + ph, f.b + ph, 100) == 0);
		IPOC_CHECK(o->nbls[0].guard_err[0] == '\0' && o->nbls[0].meta_err[0] == '\0');
		if (o->nbls[0].guard_err[0] || o->nbls[0].meta_err[0])
			fprintf(stderr, "  shape %d: %s%s\n", k, o->nbls[0].guard_err,
				o->nbls[0].meta_err);
	}

	/* The IV hook: an injected IV lands in the IV field. */
	{
		static const uint8_t iv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
						16 };
		NDIS_STATUS st;

		IPOC_CHECK_EQ(eh_set_tx_iv(eh, inst, ho, 0xEEFFC000u, iv, 16, &st),
			      EH_OK);
		IPOC_CHECK_EQ(st, NDIS_STATUS_SUCCESS);
		IPOC_CHECK_EQ(send1(eh, inst, f.b, f.len, ho, f.hdr_info, &o), EH_OK);
		IPOC_CHECK(o && o->n_tx == 1 && memcmp(o->tx[0].bytes + f.w[0].iv, iv, 16) == 0);
		IPOC_CHECK_EQ(eh_set_sequence(eh, inst, ho, 0, 1, &st), EH_OK);
		IPOC_CHECK_EQ(st, NDIS_STATUS_NOT_SUPPORTED);   /* the reference has none */
	}

	/* The key is in the engine's memory while the SAs live, and not after
	 * they are deleted. */
	IPOC_CHECK_EQ(eh_scan(eh, masked, mask, sizeof(key), &found, where, sizeof(where)), EH_OK);
	IPOC_CHECK(found);
	IPOC_CHECK_EQ(delete_sa(eh, inst, ho), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(delete_sa(eh, inst, hi), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(eh_scan(eh, masked, mask, sizeof(key), &found, where, sizeof(where)), EH_OK);
	IPOC_CHECK(!found);
	if (found) {
		unsigned long at = strtoul(where + 3, NULL, 16);

		fprintf(stderr, "key still in: %s\n", where);
		for (int i = -64; i < 64; i++)
			fprintf(stderr, "%02x%s", ((uint8_t *)at)[i], (i + 65) % 32 ? "" : "\n");
	}
	/* A deleted handle fails the NBL. */
	IPOC_CHECK_EQ(send1(eh, inst, f.b, f.len, ho, f.hdr_info, &o), EH_OK);
	IPOC_CHECK(o && o->nbls[0].status == NDIS_STATUS_FAILURE && o->n_tx == 0);
	IPOC_CHECK_EQ(eh_close(eh, inst), EH_OK);
	/* A closed instance is gone. */
	IPOC_CHECK_EQ(eh_close(eh, inst), EH_ERROR);
	IPOC_CHECK_STR_HAS(eh_error(eh), "no such instance");
	eh_free(eh);
}

/* An ADD_SA list of two elements, the second reached through Next. */
static void test_list_relocs(enum eh_mode mode)
{
	struct eh *eh = load(NULL, mode, 5000);
	struct sa_spec sp = sa_spec_esp(0x1000u, IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0);
	static uint64_t buf[256];
	struct sa_buf b;
	uint32_t len0, len1, second = 512, relocs[1], handles[2];
	IPSEC_OFFLOAD_V2_ADD_SA *a0 = (IPSEC_OFFLOAD_V2_ADD_SA *)buf, *a1;
	struct eh_oid q = { IPOC_REQUEST_SET, OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, buf };
	uint32_t inst;

	if (!eh)
		return;
	inst = open_inst(eh);
	a1 = sa_build_add(&b, &sp, &len0);
	memcpy(buf, a1, len0);
	sp.m[0].spi = 0x2000u;
	sa_build_add(&b, &sp, &len1);
	a1 = (IPSEC_OFFLOAD_V2_ADD_SA *)((uint8_t *)buf + second);
	memcpy(a1, b.w, len1);
	a0->Next = a1;
	relocs[0] = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next);
	handles[0] = offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle);
	handles[1] = second + handles[0];
	q.len = second + len1;
	q.relocs = relocs;
	q.n_relocs = 1;
	q.handles = handles;
	q.n_handles = 2;
	IPOC_CHECK_EQ(eh_oid(eh, inst, &q), EH_OK);
	IPOC_CHECK_EQ(q.status, NDIS_STATUS_SUCCESS);
	IPOC_CHECK(a0->OffloadHandle != NULL && a1->OffloadHandle != NULL);
	IPOC_CHECK(a0->OffloadHandle != a1->OffloadHandle);
	IPOC_CHECK(a0->Next == a1);   /* the pointer came back as it went */
	eh_free(eh);
}

/* An engine with one fault, in a child: its verdict, then a fresh child. */
static void test_fault(const char *name, bool in_send, enum eh_rc want, int sig, int status,
		       const char *tail_has)
{
	struct eh *eh = load(name, EH_CHILD, 400);
	static struct fb_frame f;
	uint8_t key[16] = { 0x42 };
	const struct eh_io_out *o = NULL;
	NDIS_HANDLE h;
	uint32_t inst;
	enum eh_rc rc;
	char err[512], text[256];

	if (!eh)
		return;
	inst = open_inst(eh);
	IPOC_CHECK_EQ(add_sa(eh, inst, in_send ? false : true, key, &h), NDIS_STATUS_SUCCESS);
	frame_for_sa(&f);
	rc = in_send ? send1(eh, inst, f.b, f.len, h, f.hdr_info, &o)
		     : recv1(eh, inst, f.b, f.len, NULL, IPOC_NBL_GUARD_TAIL, &o);
	IPOC_CHECK_EQ(rc, want);
	if (rc != want)
		fprintf(stderr, "  fault engine %s: %s\n", name, eh_fault_text(eh, text, sizeof(text)));
	if (want != EH_OK) {
		IPOC_CHECK_EQ(eh_fault(eh)->kind, want);
		IPOC_CHECK_EQ(eh_fault(eh)->signal, sig);
		if (want == EH_EXITED)
			IPOC_CHECK_EQ(eh_fault(eh)->status, status);
		IPOC_CHECK_STR_HAS(eh_fault(eh)->op, in_send ? "SEND" : "RECEIVE");
		if (tail_has)
			IPOC_CHECK_STR_HAS(eh_fault(eh)->tail, tail_has);
		/* The host is down until restarted; then it works again. */
		IPOC_CHECK_EQ(eh_close(eh, inst), EH_ERROR);
		IPOC_CHECK_EQ(eh_restart(eh, err, sizeof(err)), 0);
		inst = open_inst(eh);
	} else if (tail_has && o) {
		IPOC_CHECK_STR_HAS(o->nbls[0].guard_err[0] ? o->nbls[0].guard_err
							    : o->nbls[0].meta_err, tail_has);
	}
	IPOC_CHECK_EQ(eh_close(eh, inst), EH_OK);
	eh_free(eh);
}

/* A reproducer of a crash crashes again; one of a send on the reference
 * engine sends again, with the handles of the new run. */
static void test_repro(void)
{
	char path[] = "/tmp/ipoc_repro_XXXXXX", err[512], out_path[64];
	struct eh *eh = load("crash", EH_CHILD, 2000), *ref;
	static struct fb_frame f;
	uint8_t key[16] = { 7 };
	const struct eh_io_out *o;
	NDIS_HANDLE h;
	uint32_t inst;
	int fd = mkstemp(path);
	FILE *out;
	char text[8192];
	size_t n;

	if (!eh || fd < 0)
		return;
	close(fd);
	frame_for_sa(&f);
	eh_mark(eh);
	inst = open_inst(eh);
	IPOC_CHECK_EQ(add_sa(eh, inst, true, key, &h), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(recv1(eh, inst, f.b, f.len, NULL, IPOC_NBL_GUARD_TAIL, &o), EH_CRASHED);
	IPOC_CHECK_EQ(eh_repro_write(eh, path, "crash in receive", err, sizeof(err)), 0);
	IPOC_CHECK_EQ(eh_restart(eh, err, sizeof(err)), 0);
	snprintf(out_path, sizeof(out_path), "%s.out", path);
	out = fopen(out_path, "w+");
	IPOC_CHECK_EQ(eh_repro_run(eh, path, out, err, sizeof(err)), EH_CRASHED);
	eh_free(eh);

	/* The reference engine: add, send, delete; replayed in a child. */
	ref = load(NULL, EH_IN_PROCESS, 0);
	if (!ref || !out)
		return;
	eh_mark(ref);
	inst = open_inst(ref);
	IPOC_CHECK_EQ(add_sa(ref, inst, false, key, &h), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(send1(ref, inst, f.b, f.len, h, f.hdr_info, &o), EH_OK);
	IPOC_CHECK_EQ(delete_sa(ref, inst, h), NDIS_STATUS_SUCCESS);
	IPOC_CHECK_EQ(eh_close(ref, inst), EH_OK);
	IPOC_CHECK_EQ(eh_repro_write(ref, path, "reference send", err, sizeof(err)), 0);
	eh_free(ref);
	ref = load(NULL, EH_CHILD, 5000);
	rewind(out);
	IPOC_CHECK_EQ(eh_repro_run(ref, path, out, err, sizeof(err)), EH_OK);
	fflush(out);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	text[n] = '\0';
	IPOC_CHECK_STR_HAS(text, "reference send (5 requests)");
	IPOC_CHECK_STR_HAS(text, "NBL 0: back 1, status 0x00000000");   /* the handle mapped */
	IPOC_CHECK_STR_HAS(text, "4 OID      -> status 0x00000000");     /* the delete too */
	eh_free(ref);
	fclose(out);
	unlink(out_path);
	unlink(path);
}

/* A host told to keep no requests writes an empty reproducer, whatever ran;
 * keeping them again, it writes the operations since. */
static void test_keep_requests(void)
{
	char path[] = "/tmp/ipoc_keep_XXXXXX", err[512], text[4096];
	struct eh *ref = load(NULL, EH_IN_PROCESS, 0);
	static struct fb_frame f;
	uint8_t key[16] = { 7 };
	const struct eh_io_out *o;
	NDIS_HANDLE h;
	uint32_t inst;
	int fd = mkstemp(path);

	if (!ref || fd < 0)
		return;
	close(fd);
	frame_for_sa(&f);
	for (int keep = 0; keep < 2; keep++) {
		FILE *out = tmpfile();
		size_t n;

		eh_keep_requests(ref, keep);
		inst = open_inst(ref);
		IPOC_CHECK_EQ(add_sa(ref, inst, false, key, &h), NDIS_STATUS_SUCCESS);
		IPOC_CHECK_EQ(send1(ref, inst, f.b, f.len, h, f.hdr_info, &o), EH_OK);
		IPOC_CHECK_EQ(eh_close(ref, inst), EH_OK);
		IPOC_CHECK_EQ(eh_repro_write(ref, path, "kept", err, sizeof(err)), 0);
		if (!out)
			break;
		IPOC_CHECK_EQ(eh_repro_run(ref, path, out, err, sizeof(err)), EH_OK);
		rewind(out);
		n = fread(text, 1, sizeof(text) - 1, out);
		text[n] = '\0';
		IPOC_CHECK_STR_HAS(text, keep ? "kept (4 requests)" : "kept (0 requests)");
		fclose(out);
	}
	eh_free(ref);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FAULT_ENGINE_DIR REF_ENGINE\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	ref_path = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_reference(EH_IN_PROCESS);
	test_reference(EH_CHILD);
	test_list_relocs(EH_IN_PROCESS);
	test_list_relocs(EH_CHILD);
	test_fault("crash", false, EH_CRASHED, SIGSEGV, 0, NULL);
	test_fault("hang", false, EH_HUNG, 0, 0, NULL);
	test_fault("exit", false, EH_EXITED, 0, 0, NULL);
	test_fault("abort", false, EH_CRASHED, SIGABRT, 0, NULL);
	test_fault("exit_send", true, EH_EXITED, 0, 3, NULL);
	test_fault("read_past", false, EH_CRASHED, SIGSEGV, 0, "guard page");
	test_fault("write_past", false, EH_CRASHED, SIGSEGV, 0, "guard page");
	test_fault("write_before", false, EH_OK, 0, 0, "guard before the buffer corrupted at byte -1");
	test_fault("trim", false, EH_OK, 0, 0, "NB 0: DataLength changed");
	test_fault("noisy", false, EH_OK, 0, 0, NULL);
	test_repro();
	test_keep_requests();
	return ipoc_test_report(argv[0]);
}
