/*
 * The ELF core header the fadump capture kernel exports:
 *
 *   Linux 6.10+ (FADMPSIG): built by the capture kernel
 *       (fadump_populate_elfcorehdr): PT_NOTE for the CPU notes, PT_NOTE
 *       for VMCOREINFO, a PT_LOAD per boot region served from its copy,
 *       then every RAM range above boot memory minus the reserved area;
 *   Linux 6.1 (FADMPINF): built by the crashed kernel after the crash-info
 *       header; the capture kernel only points PT_NOTE 0 at its CPU notes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_ELFCOREHDR_H
#define VMCORE_ELFCOREHDR_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "papr/fdh.h"
#include "vmcore/registration.h"
#include "vmcore/layout.h"

#define VMCORE_KERNEL_BASE  0xc000000000000000ULL  /* ppc64 linear map */
#define VMCORE_ELFCOREHDR_MAX_PHDRS 65535

typedef struct VmcoreElfcorehdrParams {
    const VmcoreRegistration *reg;
    const PaprFdh *fdh;
    const DumpMemRange *ram;  /* the capture kernel's memory ranges */
    size_t n_ram;
    uint64_t page_size;
    uint64_t cpu_state_size;    /* C and H as the capture kernel's device */
    uint64_t hpte_size;         /* tree gives them (dump-sizes) */
    GBytes *cpu_notes;          /* PT_NOTE 0 contents */
    GBytes *vmcoreinfo;         /* PT_NOTE 1 contents (6.10+) */
    uint32_t e_flags;           /* 2: ELF ABI v2 */
} VmcoreElfcorehdrParams;

/**
 * vmcore_elfcorehdr_build - the header a Linux 6.10+ capture kernel builds
 * @p: its inputs
 * @ret_ra_start: (optional) start of the reserved area it leaves out
 * @ret_ra_end: (optional) its end (not page aligned)
 *
 * Returns: the header (never fails: the inputs were checked)
 */
VmcoreCoreHeader *vmcore_elfcorehdr_build(const VmcoreElfcorehdrParams *p,
                                          uint64_t *ret_ra_start,
                                          uint64_t *ret_ra_end);

/**
 * vmcore_elfcorehdr_for_guest - the ELF core header of a vmcore of a guest
 *     that never registered fadump, as a kdump kernel would export it
 * @qemu_notes: (nullable) QEMU's notes, as they are (every vCPU's
 *     NT_PRSTATUS with pr_pid = CPU index + 1 since QEMU 9.1, its FP and
 *     vector registers): PT_NOTE 0
 * @vmcoreinfo: the guest kernel's VMCOREINFO text (found in its memory):
 *     the "VMCOREINFO" note of PT_NOTE 1, which drgn and crash look for
 * @big_endian: the guest kernel's byte order
 * @ram: guest RAM (dump_ram_map()): one PT_LOAD per range, read 1:1, at
 *     its linear-map address
 * @n_ram: their number
 *
 * Returns: the header (never fails)
 */
VmcoreCoreHeader *vmcore_elfcorehdr_for_guest(GBytes *qemu_notes,
                                              const char *vmcoreinfo,
                                              gboolean big_endian,
                                              const DumpMemRange *ram,
                                              size_t n_ram);

/**
 * vmcore_elfcorehdr_read - the header a Linux 6.1 kernel left at
 *     fdh->elfcorehdr_addr; PT_NOTE 0, the CPU notes placeholder, is
 *     filled in by vmcore_elfcorehdr_set_cpu_notes()
 * @dump: guest memory
 * @fdh: the FADMPINF crash-info header
 * @ret: the header; untouched on failure
 * @error: QF_ERROR_NOT_FOUND when the header or a note segment is not
 *     in the dump, QF_ERROR_CORRUPT for a header that is not an ELF64
 *     core of the kernel's byte order, QF_ERROR_UNSUPPORTED for note
 *     segments over ELFCORE_VMCOREINFO_MAX_SIZE; messages start with
 *     "ELF core header at 0x<addr>"
 */
gboolean vmcore_elfcorehdr_read(Dump *dump, const PaprFdh *fdh,
                                VmcoreCoreHeader **ret, GError **error);

/*
 * Point PT_NOTE 0 at the capture kernel's CPU notes, as
 * fadump_update_elfcore_header() does (nothing if entry 0 is no PT_NOTE)
 */
void vmcore_elfcorehdr_set_cpu_notes(VmcoreCoreHeader *hdr,
                                     GBytes *cpu_notes);

#endif /* VMCORE_ELFCOREHDR_H */
