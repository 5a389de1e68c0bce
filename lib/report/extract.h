/*
 * What fadump-extract tells its user: the analysis, the written file and
 * the validation, as JSON (--json) or as text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_EXTRACT_H
#define REPORT_EXTRACT_H

#include <stdio.h>

#include "kernel/triage.h"
#include "dump/qmp.h"
#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "vmcore/validate.h"
#include "vmcore/elf-writer.h"

typedef struct ReportExtract {
    Dump *dump;
    const char *input_name;             /* instead of the dump's path */
    const DumpQmpInfo *qmp;       /* --qmp: what QEMU said */
    const VmcoreAnalysis *analysis;     /* NULL when analysis failed */
    const char *output;                 /* written vmcore, or NULL */
    gboolean for_drgn;                  /* its notes numbered for drgn */
    const VmcoreWriteStats *write_stats;
    double write_seconds;
    const char *validated;              /* vmcore validated, or NULL */
    const VmcoreValidation *validation;
    double validate_seconds;
    const KernelTriage *triage;         /* --triage, or NULL */
    const char *no_fadump;              /* why the triage is of a guest
                                           without fadump, or NULL */
    unsigned int log_lines;             /* its records shown (0: all) */
    const char *error;                  /* the failure, or NULL */
    int exit_code;
} ReportExtract;

/* The whole report as one JSON object on @out */
void report_extract_json(const ReportExtract *r, FILE *out);

/* The analysis in a few lines of text */
void report_analysis_text(const ReportExtract *r, FILE *out);

/* The analysis's warnings, one line each */
void report_warnings_text(const ReportExtract *r, FILE *out);

/* What writing the output did: size, time, how the bytes got there */
void report_write_text(const ReportExtract *r, FILE *out);

/* The validation result in text: a summary and every problem */
void report_validation_text(const ReportExtract *r, FILE *out);

#endif /* REPORT_EXTRACT_H */
