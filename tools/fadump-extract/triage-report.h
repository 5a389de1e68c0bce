/*
 * fadump-extract --triage: the crash triage (lib/dump/crash-triage.h) as
 * text, or as the "triage" member of the JSON report.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TRIAGE_REPORT_H
#define TRIAGE_REPORT_H

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "crash-triage.h"

/* The default of --log-lines */
#define TRIAGE_LOG_LINES    50

/* The triage in text; the last @log_lines records of the log (0: all) */
void triage_report_text(const FadumpTriage *t, unsigned int log_lines,
                        FILE *out);

/* Member "triage" of the open object of @b */
void triage_report_json(JsonBuilder *b, const FadumpTriage *t,
                        unsigned int log_lines);

#endif /* TRIAGE_REPORT_H */
