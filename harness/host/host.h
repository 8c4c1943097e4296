/* SPDX-License-Identifier: MIT */
/*
 * host.h - an engine under test, driven through its ABI either in this
 * process or in a child: the engine host process.
 *
 * Every subcommand that judges an engine talks to it through this API. An
 * operation (open an instance, an OID request, a send or a receive of NBL
 * chains, a test hook) is encoded as a request, carried out by the server
 * side (host_server.c) where the engine lives, and answered with what the
 * harness needs to judge it: statuses, the OOB slots and bytes of every NBL
 * as the engine handed it back, what it transmitted, and whether it kept to
 * its buffers (guards) and left alone what it does not own (metadata). NBLs
 * and their MDL buffers are built on the engine's side, each buffer against
 * a PROT_NONE guard page (ipoc_gpage.h) with guard bytes on the other side.
 *
 * In a child (EH_CHILD), an engine that crashes (a signal, a sanitizer
 * report), calls exit()/_exit(), or does not answer within the operation
 * timeout, costs the child, not the harness: the operation returns
 * EH_CRASHED, EH_EXITED or EH_HUNG, eh_fault() says what happened (signal or
 * status, the operation, the last lines the engine wrote to stderr/stdout),
 * and eh_restart() starts a fresh child with the engine loaded again. In
 * this process (EH_IN_PROCESS), the same operations run on the same server
 * code, without the protection.
 *
 * The requests of the current stretch (since eh_mark()) are kept, so that
 * eh_repro_write() can save them as a reproducer that `ipoc repro` replays.
 *
 * Result pointers (eh_io_out and what it points to) belong to the eh and
 * stay valid until its next operation.
 */
#ifndef IPOC_HOST_H
#define IPOC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ipoc/engine.h"
#include "ipoc_nbl.h"

#define EH_SLOTS MaxNetBufferListInfo

/* OOB slots an engine may write: on send only the LSO completion value
 * (slot 2, nbllso.h); on receive the IPsec slots 1, 11 and 12. */
#define EH_SEND_WRITABLE IPOC_SLOT_BIT(TcpLargeSendNetBufferListInfo)
#define EH_RECV_WRITABLE (IPOC_SLOT_BIT(IPsecOffloadV2NetBufferListInfo) | \
			  IPOC_SLOT_BIT(IPsecOffloadV2TunnelNetBufferListInfo) | \
			  IPOC_SLOT_BIT(IPsecOffloadV2HeaderNetBufferListInfo))

/* How long the host waits, after send_net_buffer_lists returned, for NBLs
 * the engine completes later (ABI: before close). */
#define EH_LATE_COMPLETION_MS 1000u

enum eh_mode {
	EH_IN_PROCESS = 0,
	EH_CHILD = 1,
};

/* What an operation came to. */
enum eh_rc {
	EH_OK = 0,        /* it ran; the results are filled */
	EH_CRASHED,       /* the host process died of a signal or a sanitizer report */
	EH_HUNG,          /* no answer within the timeout: the host process was killed */
	EH_EXITED,        /* the engine ended the host process (exit, _exit) */
	EH_ERROR,         /* the harness side failed; eh_error() says why */
};

struct eh_opts {
	enum eh_mode mode;
	unsigned timeout_ms;      /* per operation, in a child; 0: 5000 */
	int echo_log;             /* engine log lines at or below this level go to
	                             stderr (IPOC_LOG_*); -1: none */
};

struct eh_info {
	char name[64], version[64];
	char path[4096];
	uint16_t abi_major, abi_minor;
	uint32_t ops_size;
	bool has_tx_iv, has_sequence;
};

struct eh_fault {
	enum eh_rc kind;          /* EH_CRASHED, EH_HUNG or EH_EXITED */
	int signal;               /* EH_CRASHED by a signal: its number, else 0 */
	int status;               /* EH_EXITED: the exit status */
	bool sanitizer;           /* a sanitizer's report is in the tail */
	char op[48];              /* the operation that was running */
	char tail[4096];          /* the last lines of the engine's stderr/stdout */
};

struct eh;

/*
 * Load the engine at path (dlopen + the ABI handshake) in the mode asked.
 * Returns 0, or -1 with one line in err: a loader error (loader.h), or, in
 * a child, how loading ended the child ("crashed while loading: SIGSEGV").
 */
int eh_load(const char *path, const struct eh_opts *o, struct eh **out, char *err,
	    size_t errlen);
void eh_free(struct eh *eh);
/* In a process forked from the one that loaded eh: let go of this copy of
 * an engine host child without touching the child (the process it belongs
 * to goes on using it). An engine in process is kept: the fork has its own
 * copy, which the caller may go on using; nothing happens then. */
void eh_abandon(struct eh *eh);

const struct eh_info *eh_info(const struct eh *eh);
enum eh_mode eh_mode(const struct eh *eh);
/* After an operation that did not return EH_OK. */
const struct eh_fault *eh_fault(const struct eh *eh);
const char *eh_error(const struct eh *eh);
/* "crashed (SIGSEGV) in send", "hung in receive (no answer in 5000 ms)",
 * "exited with status 0 in receive", into buf. */
const char *eh_fault_text(const struct eh *eh, char *buf, size_t len);
/* Print an engine's last output t under a label: at most max bytes of it
 * (a sanitizer report starts with what matters), saying how much was left
 * out, always ending the line. Nothing when t is empty. */
void eh_print_tail(FILE *f, const char *label, const char *t, size_t max);
/* The engine's last log line (host->log), "" if none. */
const char *eh_last_log(const struct eh *eh);
/* Log lines the engine wrote during the last operation. */
unsigned eh_log_lines(const struct eh *eh);

/* After a fault: a fresh host process with the engine loaded again (every
 * instance of the old one is gone). 0, or -1 with err. In this process: a
 * no-op. */
int eh_restart(struct eh *eh, char *err, size_t errlen);

/* Open an instance (MiniportInitializeEx). *st gets open's status; *inst
 * the instance to name in later calls (when *st is success). */
enum eh_rc eh_open(struct eh *eh, const struct ipoc_open_params *p, NDIS_STATUS *st,
		   uint32_t *inst);
enum eh_rc eh_close(struct eh *eh, uint32_t inst);

/* One OID request. buf (len bytes) goes in and comes back as the engine
 * left it. Pointers inside buf that point into buf (the Next links of
 * ADD_SA / DELETE_SA lists) are listed by their offsets in relocs: they are
 * carried as offsets and rebuilt on the engine's side, and back. */
struct eh_oid {
	uint32_t type;            /* enum ipoc_request_type */
	NDIS_OID oid;
	void *buf;
	uint32_t len;
	const uint32_t *relocs;
	uint32_t n_relocs;
	/* Offsets of the SA handles in buf (OffloadHandle of ADD_SA elements,
	 * of DELETE_SA and UPDATE_SA): a reproducer maps the handles of the
	 * engine it replays on to those of the run it recorded. */
	const uint32_t *handles;
	uint32_t n_handles;
	/* out */
	NDIS_STATUS status;
	ULONG written, read, needed;
};
enum eh_rc eh_oid(struct eh *eh, uint32_t inst, struct eh_oid *req);

/* NBLs to send or receive: each NB a frame laid out as shape, each NBL
 * with all its OOB slots. */
struct eh_nb_in {
	const uint8_t *data;
	uint32_t len;
	struct ipoc_mdl_shape shape;
};

struct eh_nbl_in {
	const struct eh_nb_in *nbs;
	uint32_t n_nb;
	uintptr_t slots[EH_SLOTS];
};

struct eh_io_in {
	const struct eh_nbl_in *nbls;     /* chained in this order */
	uint32_t n_nbl;
	enum ipoc_nbl_guard guard;        /* IPOC_NBL_GUARD_TAIL is the usual */
	uint32_t writable_slots;          /* EH_SEND_WRITABLE / EH_RECV_WRITABLE */
	ULONG port, flags;                /* send: port, send flags; receive: flags */
};

struct eh_nb_out {
	const uint8_t *bytes;             /* the NB's used data, NULL if unreadable */
	uint32_t len;
};

struct eh_nbl_out {
	unsigned returned;                /* times completed (send) / indicated (receive) */
	NDIS_STATUS status;               /* Status when it came back */
	uintptr_t slots[EH_SLOTS];        /* OOB slots when it came back */
	struct eh_nb_out *nbs;            /* n_nb entries: bytes when it came back */
	uint32_t n_nb;
	char guard_err[256];              /* "" when no guard or unused byte changed */
	char meta_err[256];               /* "" when the structures are as built */
};

/* One frame the engine put on the wire (host->transmit). */
struct eh_tx {
	uint32_t nbl;                     /* the NBL it named */
	int32_t nb;                       /* its NB, or -1: a NET_BUFFER of the engine's (LSO) */
	bool after_return;                /* transmitted after its NBL came back */
	const uint8_t *bytes;
	uint32_t len;
};

struct eh_io_out {
	struct eh_nbl_out *nbls;          /* n_nbl entries */
	uint32_t n_nbl;
	struct eh_tx *tx;
	uint32_t n_tx;
	unsigned calls;                   /* send_complete / indicate_receive calls */
	unsigned strays;                  /* NBLs handed back that the host never gave */
	bool bad_count;                   /* indicate_receive's count disagreed with its chain */
	bool late;                        /* send: some NBL came back only after the call returned */
	uint64_t ns;                      /* time inside the engine's entry point */
	char error[256];                  /* the host could not build the NBLs */
};

enum eh_rc eh_send(struct eh *eh, uint32_t inst, const struct eh_io_in *in,
		   const struct eh_io_out **out);
enum eh_rc eh_receive(struct eh *eh, uint32_t inst, const struct eh_io_in *in,
		      const struct eh_io_out **out);

/* The test hooks. *st is the hook's status; NDIS_STATUS_NOT_SUPPORTED when
 * the engine has no such hook. */
enum eh_rc eh_set_tx_iv(struct eh *eh, uint32_t inst, NDIS_HANDLE h, ULONG spi,
			const uint8_t *iv, uint32_t iv_len, NDIS_STATUS *st);
enum eh_rc eh_set_sequence(struct eh *eh, uint32_t inst, NDIS_HANDLE h, ULONG spi,
			   uint64_t seq, NDIS_STATUS *st);

/* Look for len bytes (a key) anywhere in the engine's writable memory. The
 * caller gives them masked: masked[i] ^ mask[i] is byte i. So that the
 * search does not find the searcher (in this process, the harness's memory
 * is scanned too), the key should not be kept in clear anywhere once the
 * engine has it: keep it masked, as eh_mask_key makes it. *found, and in
 * where (may be NULL) where it was found. */
enum eh_rc eh_scan(struct eh *eh, const uint8_t *masked, const uint8_t *mask, uint32_t len,
		   bool *found, char *where, size_t wlen);
/* masked = key ^ a fresh random mask (len bytes each); 0 or -1. */
int eh_mask_key(const uint8_t *key, uint8_t *masked, uint8_t *mask, uint32_t len);

/* A DELETE_SA list of up to EH_DELETE_MAX handles, in the caller's
 * storage: the elements chained through Next, their handles marked. */
enum { EH_DELETE_MAX = 64 };
struct eh_delete_list {
	IPSEC_OFFLOAD_V2_DELETE_SA d[EH_DELETE_MAX];
	uint32_t relocs[EH_DELETE_MAX];
	uint32_t handles[EH_DELETE_MAX];
};
/* Fill dl with the handles h[0..n) and q with the SET request of
 * OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA over it. Returns 0, or -1 when n
 * is not 1 to EH_DELETE_MAX. */
int eh_delete_sa_list(struct eh_delete_list *dl, const NDIS_HANDLE *h, unsigned n,
		      struct eh_oid *q);

/* OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA of the one SA h (a list of one):
 * how the request went, *st the OID's status. */
enum eh_rc eh_delete_sa(struct eh *eh, uint32_t inst, NDIS_HANDLE h, NDIS_STATUS *st);

/* Start keeping requests afresh (a case begins). */
void eh_mark(struct eh *eh);
/* Keep requests for reproducers (the default), or keep none: for a run that
 * writes no reproducer (replay), which then costs no copy per operation;
 * eh_repro_write then writes an empty reproducer. */
void eh_keep_requests(struct eh *eh, bool keep);
/* Write the requests kept since eh_mark to path (format: host_proto.h).
 * 0, or -1 with err. */
int eh_repro_write(const struct eh *eh, const char *path, const char *title, char *err,
		   size_t errlen);

/* Replay a reproducer file through eh, printing each operation and what it
 * came to on out. Returns the rc of the first operation that did not run
 * (EH_OK when all ran), -1 when the file is unreadable (err). */
int eh_repro_run(struct eh *eh, const char *path, FILE *out, char *err, size_t errlen);

/* The engine path a reproducer names (for `ipoc repro` without --engine). */
int eh_repro_engine(const char *path, char *engine, size_t len, char *err, size_t errlen);

#endif /* IPOC_HOST_H */
