/*
 * Everything the fadump capture kernel would find in the crashed guest's
 * memory, found in a saved dump instead: the registration, the crash-info
 * header, VMCOREINFO, the register save area, the CPU notes, the ELF core
 * header and the /proc/vmcore layout built from them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_ANALYSIS_H
#define FADUMP_ANALYSIS_H

#include <glib.h>
#include <stdint.h>

#include "dump-reader.h"
#include "fadump-cpu-notes.h"
#include "fadump-dtb.h"
#include "fadump-elfcorehdr.h"
#include "fadump-fdh.h"
#include "fadump-locate.h"
#include "fadump-progress.h"
#include "fadump-regsave.h"
#include "fadump-registration.h"
#include "vmcore-layout.h"

/* Larger CPU state sections are refused (8192 CPUs x 79 regs: 10 MiB) */
#define FADUMP_CPU_STATE_MAX_SIZE   (64u << 20)

typedef enum FadumpFdmOrigin {
    FADUMP_FDM_FROM_ADDRESS,    /* the caller gave its address */
    FADUMP_FDM_FROM_DTB,        /* a device tree's ibm,kernel-dump */
    FADUMP_FDM_FROM_SCAN,       /* found by scanning guest memory */
} FadumpFdmOrigin;

typedef struct FadumpAnalyseOptions {
    gboolean have_fdm_addr;
    uint64_t fdm_addr;
    const FadumpDtbInfo *dtb;   /* NULL, or the capture boot's tree */
    uint64_t page_size;         /* 0: VMCOREINFO's PAGESIZE= */
    FadumpProgressFunc progress;    /* (nullable) scanning guest memory */
    gpointer progress_data;
} FadumpAnalyseOptions;

typedef struct FadumpAnalysis {
    FadumpFdmOrigin origin;
    uint64_t fdm_addr;          /* ADDRESS, SCAN: where it was read */
    GArray *candidates;         /* SCAN: FadumpFdmCandidate found */
    FadumpRegistration reg;
    uint64_t cpu_state_size;    /* C, H as used for the reserved area */
    uint64_t hpte_size;
    FadumpFdh fdh;
    char *vmcoreinfo;           /* the text */
    char *osrelease;            /* its OSRELEASE=, or NULL */
    uint64_t page_size;
    FadumpRegsave *regsave;
    GArray *cpu_notes;          /* FadumpCpuNote, in note order */
    uint64_t ra_start;          /* 6.10+: the reserved area left out */
    uint64_t ra_end;
    FadumpElfcorehdr *elfcorehdr;
    FadumpVmcoreLayout *layout;
    GPtrArray *warnings;        /* char *: what the capture kernel would
                                   complain about, oddities */
} FadumpAnalysis;

/**
 * fadump_analyse - find the crashed kernel's dump in guest memory and lay
 *     out the /proc/vmcore its capture kernel would export
 * @dump: guest memory saved after the fadump trigger (or during the
 *     capture boot)
 * @opts: how to find the registration (may be NULL: scan)
 * @error: FADUMP_ERROR_NOT_FOUND when no registration is found or a part
 *     is outside the dump, FADUMP_ERROR_MISMATCH when a scan finds
 *     registrations that disagree, FADUMP_ERROR_UNSUPPORTED for an
 *     unknown crash-info header layout, and the errors of the decoders
 *     (fadump-fdm.h, fadump-fdh.h, fadump-regsave.h, vmcoreinfo.h,
 *     vmcore-layout.h); each message names what was being read and where
 *
 * Returns: the analysis (fadump_analysis_free()), or NULL
 */
FadumpAnalysis *fadump_analyse(FadumpDump *dump,
                               const FadumpAnalyseOptions *opts,
                               GError **error);

void fadump_analysis_free(FadumpAnalysis *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpAnalysis, fadump_analysis_free)

/* "address", "dtb", "scan" */
const char *fadump_fdm_origin_name(FadumpFdmOrigin origin);

#endif /* FADUMP_ANALYSIS_H */
