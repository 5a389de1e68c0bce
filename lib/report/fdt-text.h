/*
 * Plain-text rendering: trees in a dtc-like syntax with the known
 * properties decoded, check reports one problem a line, diffs one change
 * a line (decoded values line by line).  Text is appended to a GString;
 * nothing is printed here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_FDT_TEXT_H
#define REPORT_FDT_TEXT_H

#include <glib.h>

#include "fdt/blob.h"
#include "fdt/check.h"
#include "fdt/decode.h"
#include "fdt/diff.h"

/**
 * report_fdt_text_value_lines - a decoded value as lines of text
 * @v: the value
 *
 * The first line is what follows "name = " (empty for a boolean
 * property); the others continue it (the kernel-dump report), without
 * indentation.
 *
 * Returns: a NULL-terminated vector of at least one line (g_strfreev()).
 */
char **report_fdt_text_value_lines(const DtValue *v);

/**
 * report_fdt_text_tree - append a (sub)tree
 * @out: where the text goes
 * @fdt: a validated tree
 * @index: its node index
 * @start: position in @index of the subtree's root
 * @raw: show values undecoded
 */
void report_fdt_text_tree(GString *out, const DtBlob *fdt, GArray *index,
                          int start, gboolean raw);

/**
 * report_fdt_text_check - Append a check report: one
 *     "PATH[: PROPERTY]: MESSAGE" line a problem
 *
 * Cannot fail.
 */
void report_fdt_text_check(GString *out, const DtCheckReport *report);

/**
 * report_fdt_text_check_summary - Append a one-paragraph summary of a check
 *     report (what was found)
 *
 * Cannot fail.
 */
void report_fdt_text_check_summary(GString *out, const DtCheckReport *report,
                                   const char *origin);

/**
 * report_fdt_text_diff - Append a diff between trees named @a_name and @b_name
 *
 * Cannot fail.
 */
void report_fdt_text_diff(GString *out, const DtDiff *diff,
                          const char *a_name, const char *b_name);

#endif /* REPORT_FDT_TEXT_H */
