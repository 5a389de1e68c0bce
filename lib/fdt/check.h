/*
 * Checking the fadump contract a device tree carries (the /rtas
 * properties of docs: linux-fadump-contract.md section 1, the dump
 * memory structure of section 3) against itself and against the machine
 * the tree describes.  Every problem found is one DtProblem.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_CHECK_H
#define DT_CHECK_H

#include <glib.h>
#include <stdint.h>

#include "fdt/blob.h"
#include "fdt/platform.h"

typedef struct DtProblem {
    char *path;         /* the node, "/" for the tree as a whole */
    char *property;     /* the property, or NULL */
    char *message;
} DtProblem;

typedef struct DtCheckReport {
    gboolean offered;       /* /rtas advertises fadump (token present) */
    gboolean dump_active;   /* /rtas has ibm,kernel-dump */
    gboolean cpus_known;    /* @cpus was read */
    DtCpus cpus;
    gboolean memory_known;  /* @memory_total was read */
    uint64_t memory_total;
    GPtrArray *problems;    /* DtProblem, in the order found */
} DtCheckReport;

/**
 * dt_check - check the fadump contract of a tree
 * @fdt: a validated tree
 * @index: its node index (fdt-nodes.h)
 *
 * Checks, each failure a problem:
 * - the fadump properties are in /rtas, and token, sizes and version are
 *   there together or not at all; ibm,kernel-dump only with them; with
 *   the token, ibm,os-term and ibm,extended-os-term are there too;
 * - encodings: lengths, big-endian values (a value that only makes sense
 *   byte-swapped is reported as such), RTAS tokens unique and not 0 or
 *   0xffffffff;
 * - sizes: a CPU state size that holds at least the CPUs present (as our
 *   QEMU lays out the register save area, dt_cpu_state_size()) and
 *   does not exceed memory, an HPTE size of 0 or a power of 2 from 256
 *   KiB, each type once; a version range that includes format 1;
 * - ibm,kernel-dump: decodes; status flags say the dump was performed,
 *   dump-error exactly when a section has error flags; one CPU state
 *   section of at least the advertised size, at most one HPTE section, a
 *   real mode region from address 0; every requested section fully
 *   dumped or flagged; sources and destinations inside the memory nodes;
 *   destinations overlapping no other section.
 *
 * Returns: the report; dt_check_report_free() frees it.  No
 *     problems (problems->len == 0) means the contract holds, including
 *     for a tree that does not offer fadump at all.
 */
DtCheckReport *dt_check(const DtBlob *fdt, GArray *index);

void dt_check_report_free(DtCheckReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtCheckReport, dt_check_report_free)

/**
 * dt_cpu_state_size - Bytes of the register save area our QEMU lays out
 *     for @cpus CPUs (spapr_fadump_cpu_state_size()): a 20-byte header, 55
 *     16-byte register entries per CPU, rounded up to 16.
 *
 * Cannot fail.
 */
uint64_t dt_cpu_state_size(uint64_t cpus);

#endif /* DT_CHECK_H */
