/*
 * What a dump memory structure says about the crashed kernel's memory,
 * read the way the Linux capture kernel reads ibm,kernel-dump: where the
 * register save area is, which boot memory regions were copied and where,
 * and where the crash-info header is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_REGISTRATION_H
#define VMCORE_REGISTRATION_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "papr/fdm.h"

typedef struct VmcoreBootRegion {
    uint64_t source;        /* crashed kernel's physical address */
    uint64_t length;
    uint64_t destination;   /* where the platform copied it */
} VmcoreBootRegion;

typedef struct VmcoreRegistration {
    PaprFdm fdm;
    int cpu_section;            /* section indexes, -1 when absent */
    int hpte_section;
    int param_section;
    uint64_t cpu_state_dest;    /* = reserve_dump_area_start (A) */
    uint64_t cpu_state_size;    /* C */
    uint64_t hpte_size;         /* H */
    unsigned int n_boot;
    VmcoreBootRegion boot[PAPR_FDM_MAX_SECTIONS];
    uint64_t boot_mem_size;     /* M: sum of the boot region lengths */
    uint64_t hole_size;         /* gaps before and between boot regions */
    uint64_t boot_mem_top;      /* M + holes */
    uint64_t boot_mem_dest;     /* B: destination of the region at 0 */
    uint64_t fdh_addr;          /* F = B + M: the crash-info header */
    uint64_t param_area;        /* 0 when absent */
} VmcoreRegistration;

/**
 * vmcore_registration_from_fdm - read a dump memory structure as the
 *     Linux 6.12/7.2 capture kernel does (rtas_fadump_get_config)
 * @fdm: the decoded structure
 * @ret: the result; untouched on failure
 * @error: QF_ERROR_CORRUPT when there is no CPU state section, no
 *     real-mode region at address 0, or an address computation wraps
 *
 * Sections are taken in order; the first CPU state section gives A, the
 * real-mode regions give the boot memory, the region at 0 gives B.  The
 * 6.1 layout (three fixed sections) reads the same way.
 */
gboolean vmcore_registration_from_fdm(const PaprFdm *fdm,
                                      VmcoreRegistration *ret,
                                      GError **error);

/**
 * vmcore_registration_plausible - whether a structure found by scanning
 *     memory looks like one Linux registered
 * @reg: the registration
 * @ram: guest RAM ranges (dump_ram_map())
 * @n_ram: their number
 * @error: QF_ERROR_CORRUPT saying what does not fit
 *
 * Linux registers: version 1, sections from offset 40, CPU state first
 * (source 0), then HPTE (source 0, destination right after the CPU
 * state), then 1 to 7 real-mode regions in address order, the first at 0,
 * their copies back to back from a page-aligned B, then at most a
 * parameter area (source = destination); request flags 1, no disk dump;
 * every destination inside RAM.
 */
gboolean vmcore_registration_plausible(const VmcoreRegistration *reg,
                                       const DumpMemRange *ram,
                                       size_t n_ram, GError **error);

/* Whether two registrations describe the same memory (flags aside) */
gboolean vmcore_registration_same_layout(const VmcoreRegistration *a,
                                         const VmcoreRegistration *b);

#endif /* VMCORE_REGISTRATION_H */
