/* SPDX-License-Identifier: MIT */
/*
 * dp_dev.c - EAL, the crypto device and the pools, once per process.
 *
 * EAL runs without hugepages and without PCI (--no-huge --no-pci), on a
 * memory of DP_EAL_MB MiB, with no shared configuration files
 * (--no-shconf) under a file prefix of its own, so that several engine
 * host processes run side by side. Its one lcore is mapped to every CPU
 * the process may run on: EAL pins the calling thread to its lcore, and a
 * harness running hosts in parallel must not find them all on one CPU. The
 * crypto device is the virtual device IPOC_DPDK_DEVICE names
 * (crypto_aesni_mb unless set, or crypto_openssl), with one queue pair.
 * rte_eal_init succeeds once per process (a second call fails, also after
 * rte_eal_cleanup), so the device is kept until the process ends, and
 * engines opened later in the same process share it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ipsec.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "dp_int.h"

enum {
	DP_EAL_MB = 256,
	N_MBUFS = 512,
	N_OPS = 512,
	N_SESSIONS = DP_MAX_CAPACITY + 64,  /* every engine of the process shares them */
	QP_DESC = 2048,
	MAX_ARGS = 48,
	OP_PRIV = 32,          /* IV (16) and AAD room after the op */
};

/* An mbuf's data room is at most 65535 bytes: one whole frame
 * (DP_MAX_FRAME) plus what lib/ipsec appends (padding, ESN high half, ICV,
 * AAD) fits behind the headroom. */
#define MBUF_ROOM UINT16_MAX
_Static_assert(RTE_PKTMBUF_HEADROOM + DP_MAX_FRAME + 512u <= MBUF_ROOM, "mbuf room");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct dp_dev dev;
static bool dev_ok;
static char dev_why[256];

static const char *device_name(void)
{
	const char *d = getenv(DP_ENV_DEVICE);

	return d && *d ? d : "crypto_aesni_mb";
}

/* "0-1" style list of the CPUs this process may use. */
static void cpu_list(char *out, size_t n)
{
	cpu_set_t set;
	size_t used = 0;
	int first = -1;

	out[0] = '\0';
	if (sched_getaffinity(0, sizeof(set), &set) != 0) {
		snprintf(out, n, "0");
		return;
	}
	for (int c = 0; c <= CPU_SETSIZE; c++) {
		bool in = c < CPU_SETSIZE && CPU_ISSET(c, &set);

		if (in && first < 0)
			first = c;
		if (!in && first >= 0) {
			int w = snprintf(out + used, n - used, "%s%d-%d", used ? "," : "", first,
					 c - 1);

			if (w < 0 || (size_t)w >= n - used)
				break;
			used += (size_t)w;
			first = -1;
		}
	}
	if (!out[0])
		snprintf(out, n, "0");
}

static int eal_init(void)
{
	static char argbuf[1024], lcores[256], prefix[64], vdev[96], mem[16];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	const char *extra = getenv(DP_ENV_EAL_ARGS);
	char cpus[192];

	cpu_list(cpus, sizeof(cpus));
	snprintf(lcores, sizeof(lcores), "--lcores=0@(%s)", cpus);
	snprintf(prefix, sizeof(prefix), "--file-prefix=ipoc-dpdk-%ld", (long)getpid());
	snprintf(vdev, sizeof(vdev), "--vdev=%s0", device_name());
	snprintf(mem, sizeof(mem), "%d", DP_EAL_MB);
	argv[argc++] = (char *)"ipoc-dpdk";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = (char *)"-m";
	argv[argc++] = mem;
	argv[argc++] = lcores;
	argv[argc++] = prefix;
	argv[argc++] = vdev;
	argv[argc++] = (char *)"--log-level=*:warning";
	if (extra && *extra) {
		snprintf(argbuf, sizeof(argbuf), "%s", extra);
		for (char *save = NULL, *t = strtok_r(argbuf, " \t", &save);
		     t && argc < MAX_ARGS; t = strtok_r(NULL, " \t", &save))
			argv[argc++] = t;
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(dev_why, sizeof(dev_why), "rte_eal_init failed: %s",
			 rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int device_setup(void)
{
	char name[96];
	int id;
	struct rte_cryptodev_config conf = { .socket_id = SOCKET_ID_ANY, .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = QP_DESC };
	struct rte_cryptodev_info info;
	unsigned ses_size;

	snprintf(name, sizeof(name), "%s0", device_name());
	id = rte_cryptodev_get_dev_id(name);
	if (id < 0) {
		snprintf(dev_why, sizeof(dev_why), "crypto device %s not found (%s=%s: "
			 "crypto_aesni_mb or crypto_openssl)", name, DP_ENV_DEVICE, device_name());
		return -1;
	}
	dev.dev_id = (uint8_t)id;
	rte_cryptodev_info_get(dev.dev_id, &info);
	snprintf(dev.driver, sizeof(dev.driver), "%s", info.driver_name ? info.driver_name : "?");
	snprintf(dev.version, sizeof(dev.version), "%s, %s", rte_version(), dev.driver);
	ses_size = rte_cryptodev_sym_get_private_session_size(dev.dev_id);
	dev.ses_pool = rte_cryptodev_sym_session_pool_create("ipoc_ses", N_SESSIONS, ses_size, 0,
							     0, SOCKET_ID_ANY);
	dev.op_pool = rte_crypto_op_pool_create("ipoc_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC, N_OPS,
						0, OP_PRIV, SOCKET_ID_ANY);
	dev.mbuf_pool = rte_pktmbuf_pool_create("ipoc_mbuf", N_MBUFS, 0, 0, MBUF_ROOM,
						SOCKET_ID_ANY);
	if (!dev.ses_pool || !dev.op_pool || !dev.mbuf_pool) {
		snprintf(dev_why, sizeof(dev_why), "pool creation failed: %s",
			 rte_strerror(rte_errno));
		return -1;
	}
	qp.mp_session = dev.ses_pool;
	if (rte_cryptodev_configure(dev.dev_id, &conf) < 0 ||
	    rte_cryptodev_queue_pair_setup(dev.dev_id, 0, &qp, SOCKET_ID_ANY) < 0 ||
	    rte_cryptodev_start(dev.dev_id) < 0) {
		snprintf(dev_why, sizeof(dev_why), "crypto device %s: configure/start failed", name);
		return -1;
	}
	return 0;
}

static void init_once(void)
{
	dev_ok = eal_init() == 0 && device_setup() == 0;
}

struct dp_dev *dp_dev_get(char *why, size_t n)
{
	pthread_once(&once, init_once);
	if (!dev_ok) {
		snprintf(why, n, "%s", dev_why);
		return NULL;
	}
	return &dev;
}

bool dp_dev_run(struct dp_dev *d, struct rte_crypto_op **ops, uint16_t n)
{
	uint16_t in = 0, out = 0;
	struct rte_crypto_op *done[DP_BURST];
	unsigned idle = 0;

	/* Ops come back in the order they went in (one queue pair), and
	 * each carries its mbuf; the caller reads the statuses from its own
	 * array. */
	while (out < n) {
		uint16_t k;

		if (in < n)
			in += rte_cryptodev_enqueue_burst(d->dev_id, 0, ops + in, n - in);
		k = rte_cryptodev_dequeue_burst(d->dev_id, 0, done,
						(uint16_t)(n - out) < DP_BURST ? (uint16_t)(n - out) : DP_BURST);
		out += k;
		if (k == 0 && ++idle > 1000000u)
			return false;
		if (k)
			idle = 0;
	}
	return true;
}
