/* SPDX-License-Identifier: MIT */
/*
 * diff_known.h - divergences a diff_engines campaign is told are already
 * explained, so that it spends its time on the others.
 *
 * An engine judged with ipoc keeps a list of the divergences its findings
 * explain, in the form of engine/dpdk/expected.txt:
 *
 *     DEVICE  diff  "SIGNATURE-GLOB"  FINDING  [algorithms=GLOB,...]
 *
 * (`case` lines and comments are read past). With IPOC_FUZZ_DIFF_KNOWN
 * naming such a file, a divergence whose signature and algorithm a line
 * matches does not abort the run: each line says once, on stderr, that it
 * was met, and the input goes on as one where the engines agree. The
 * DEVICE column is matched against IPOC_FUZZ_DIFF_KNOWN_AS (lines with `*`
 * always apply). Unset, every divergence aborts, as always; the engine's
 * suite, not a campaign, is what holds it to its list.
 */
#ifndef IPOC_DIFF_KNOWN_H
#define IPOC_DIFF_KNOWN_H
#include <stdbool.h>

/* Reads the list IPOC_FUZZ_DIFF_KNOWN names, if any; exits with a message
 * when it cannot be read or a line is malformed. */
void dk_load(void);

/* Whether the list explains divergence sig of an item whose words begin
 * with its algorithm configuration (struct dverdict's example:
 * "esp.null+aes-gmac-128, sent, ..."). */
bool dk_known(const char *sig, const char *example);

#endif /* IPOC_DIFF_KNOWN_H */
