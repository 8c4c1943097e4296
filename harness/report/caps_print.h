/* SPDX-License-Identifier: MIT */
/*
 * caps_print.h - an engine's NDIS_OFFLOAD capability report as a table for
 * people or as a JSON object (jansson) for machines.
 */
#ifndef IPOC_CAPS_PRINT_H
#define IPOC_CAPS_PRINT_H

#include <stdio.h>

#include <jansson.h>

#include "ipoc/ndis.h"

void caps_print_text(FILE *f, const NDIS_OFFLOAD *o);
/* One JSON object, keys named after the NDIS fields, bit fields as arrays
 * of the macro names (an unnamed bit as "0xN"). A new reference, or NULL
 * (out of memory). */
json_t *caps_to_json(const NDIS_OFFLOAD *o);

#endif /* IPOC_CAPS_PRINT_H */
