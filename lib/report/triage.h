/*
 * fadump-extract --triage: the crash triage (kernel/triage.h) as
 * text, or as the "triage" member of the JSON report.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_TRIAGE_H
#define REPORT_TRIAGE_H

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "kernel/triage.h"

/* The default of --log-lines */
#define REPORT_TRIAGE_LOG_LINES    50

/* The triage in text; the last @log_lines records of the log (0: all) */
void report_triage_text(const KernelTriage *t, unsigned int log_lines,
                        FILE *out);

/*
 * Every CPU's backtrace in the kernel's "Call Trace:" style (the crashing
 * CPU first); report_triage_text() includes it
 */
void report_triage_backtraces_text(const KernelTriage *t, FILE *out);

/* Member "triage" of the open object of @b */
void report_triage_json(JsonBuilder *b, const KernelTriage *t,
                        unsigned int log_lines);

#endif /* REPORT_TRIAGE_H */
