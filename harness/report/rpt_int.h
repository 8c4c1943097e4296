/* SPDX-License-Identifier: MIT */
/*
 * rpt_int.h - what the report's writers share (not for subcommands).
 */
#ifndef IPOC_RPT_INT_H
#define IPOC_RPT_INT_H

#include <stdbool.h>
#include <stdio.h>

/* s as XML/HTML text (attr: inside a double-quoted attribute, where line
 * ends are written as character references). Control bytes XML cannot
 * carry become the text \xNN. */
void rpt_xml_put(FILE *f, const char *s, bool attr);

#endif /* IPOC_RPT_INT_H */
