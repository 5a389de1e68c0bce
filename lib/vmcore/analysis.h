/*
 * Everything the fadump capture kernel would find in the crashed guest's
 * memory, found in a saved dump instead: the registration, the crash-info
 * header, VMCOREINFO, the register save area, the CPU notes, the ELF core
 * header and the /proc/vmcore layout built from them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_ANALYSIS_H
#define VMCORE_ANALYSIS_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "vmcore/cpu-notes.h"
#include "fdt/kernel-dump.h"
#include "vmcore/elfcorehdr.h"
#include "papr/fdh.h"
#include "vmcore/locate.h"
#include "common/progress.h"
#include "papr/regsave.h"
#include "vmcore/registration.h"
#include "vmcore/layout.h"
#include "vmcore/dt-find.h"

/* Larger CPU state sections are refused (8192 CPUs x 79 regs: 10 MiB) */
#define VMCORE_CPU_STATE_MAX_SIZE   (64u << 20)

typedef enum VmcoreFdmOrigin {
    VMCORE_FDM_FROM_ADDRESS,    /* the caller gave its address */
    VMCORE_FDM_FROM_DTB,        /* a device tree's ibm,kernel-dump */
    VMCORE_FDM_FROM_SCAN_LOW,   /* found by scanning the start of RAM,
                                   where the kernel image is
                                   (VMCORE_KERNEL_IMAGE_WINDOW) */
    VMCORE_FDM_FROM_DT_MEMORY,  /* ... not there, but a capture boot's
                                   device tree is, in the same window:
                                   its ibm,kernel-dump (dt-find.h) */
    VMCORE_FDM_FROM_SCAN,       /* ... neither: all guest memory */
} VmcoreFdmOrigin;

typedef struct VmcoreAnalyseOptions {
    gboolean have_fdm_addr;
    uint64_t fdm_addr;
    const DtKernelDump *dtb;   /* NULL, or the capture boot's tree */
    uint64_t page_size;         /* 0: VMCOREINFO's PAGESIZE= */
    uint64_t kernel_window;     /* 0: VMCORE_KERNEL_IMAGE_WINDOW */
    gboolean scan_low_only;     /* not the rest of RAM (the caller knows
                                   the kernel never registered elsewhere) */
    QfProgressFunc progress;    /* (nullable) scanning guest memory */
    gpointer progress_data;
} VmcoreAnalyseOptions;

typedef struct VmcoreAnalysis {
    VmcoreFdmOrigin origin;
    uint64_t fdm_addr;          /* but DTB: where it was read;
                                   DT_MEMORY: the device tree blob's */
    DtKernelDump dt;            /* DT_MEMORY: that tree's properties */
    GArray *candidates;         /* SCAN_LOW, SCAN: VmcoreFdmCandidate
                                   found (SCAN_LOW: the first with a known
                                   crash-info header, and its boot memory
                                   copy) */
    uint64_t scanned;           /* SCAN_LOW, SCAN: RAM bytes scanned */
    VmcoreRegistration reg;
    uint64_t cpu_state_size;    /* C, H as used for the reserved area */
    uint64_t hpte_size;
    PaprFdh fdh;
    char *vmcoreinfo;           /* the text */
    char *osrelease;            /* its OSRELEASE=, or NULL */
    uint64_t page_size;
    PaprRegsave *regsave;
    GArray *cpu_notes;          /* VmcoreCpuNote, in note order */
    uint64_t ra_start;          /* 6.10+: the reserved area left out */
    uint64_t ra_end;
    VmcoreCoreHeader *elfcorehdr;
    VmcoreLayout *layout;
    GPtrArray *warnings;        /* char *: what the capture kernel would
                                   complain about, oddities */
} VmcoreAnalysis;

/**
 * vmcore_analyse - find the crashed kernel's dump in guest memory and lay
 *     out the /proc/vmcore its capture kernel would export
 * @dump: guest memory saved after the fadump trigger (or during the
 *     capture boot)
 * @opts: how to find the registration (may be NULL: scan)
 * @error: QF_ERROR_ABSENT when the scan finds no registration at all
 *     (a guest without fadump), QF_ERROR_NOT_FOUND when a part is outside
 *     the dump, QF_ERROR_CORRUPT when the only structures
 *     found are unusable (a truncated dump), QF_ERROR_MISMATCH when a scan finds
 *     registrations that disagree, QF_ERROR_UNSUPPORTED for an
 *     unknown crash-info header layout, and the errors of the decoders
 *     (fadump-fdm.h, fadump-fdh.h, fadump-regsave.h, vmcoreinfo.h,
 *     vmcore-layout.h); each message names what was being read and where
 *
 * Returns: the analysis (vmcore_analysis_free()), or NULL
 */
VmcoreAnalysis *vmcore_analyse(Dump *dump,
                               const VmcoreAnalyseOptions *opts,
                               GError **error);

void vmcore_analysis_free(VmcoreAnalysis *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmcoreAnalysis, vmcore_analysis_free)

/* "address", "dtb", "scan-low", "scan" */
const char *vmcore_fdm_origin_name(VmcoreFdmOrigin origin);

#endif /* VMCORE_ANALYSIS_H */
