/* SPDX-License-Identifier: MIT */
/*
 * caps_print.h - an engine's NDIS_OFFLOAD capability report as a table for
 * people or as JSON for machines.
 */
#ifndef IPOC_CAPS_PRINT_H
#define IPOC_CAPS_PRINT_H

#include <stdio.h>

#include "ipoc/ndis.h"

void caps_print_text(FILE *f, const NDIS_OFFLOAD *o);
/* One JSON object (no trailing newline), keys named after the NDIS fields. */
void caps_print_json(FILE *f, const NDIS_OFFLOAD *o);
/* s as a JSON string literal, quotes included (control bytes escaped). */
void json_print_str(FILE *f, const char *s);

#endif /* IPOC_CAPS_PRINT_H */
