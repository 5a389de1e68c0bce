/*
 * What fadump-extract tells its user: the analysis, the written file and
 * the validation, as JSON (--json) or as text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXTRACT_REPORT_H
#define EXTRACT_REPORT_H

#include <stdio.h>

#include "crash-triage.h"
#include "dump-qmp.h"
#include "dump-reader.h"
#include "fadump-analysis.h"
#include "vmcore-validate.h"
#include "vmcore-writer.h"

typedef struct ExtractReport {
    FadumpDump *dump;
    const char *input_name;             /* instead of the dump's path */
    const FadumpQmpDumpInfo *qmp;       /* --qmp: what QEMU said */
    const FadumpAnalysis *analysis;     /* NULL when analysis failed */
    const char *output;                 /* written vmcore, or NULL */
    const FadumpWriteStats *write_stats;
    double write_seconds;
    const char *validated;              /* vmcore validated, or NULL */
    const FadumpValidation *validation;
    double validate_seconds;
    const FadumpTriage *triage;         /* --triage, or NULL */
    unsigned int log_lines;             /* its records shown (0: all) */
    const char *error;                  /* the failure, or NULL */
    int exit_code;
} ExtractReport;

/* The whole report as one JSON object on @out */
void extract_report_json(const ExtractReport *r, FILE *out);

/* The analysis in a few lines of text */
void extract_report_text_analysis(const ExtractReport *r, FILE *out);

/* The validation result in text: a summary and every problem */
void extract_report_text_validation(const ExtractReport *r, FILE *out);

#endif /* EXTRACT_REPORT_H */
