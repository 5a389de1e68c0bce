/*
 * The capture kernel's CPU notes: one NT_PRSTATUS per CPU of the register
 * save area that is in the crash-info header's cpu mask, in area order;
 * the crashing CPU's registers come from the crash-info header verbatim,
 * the others' from the register save area (rtas_fadump_build_cpu_notes).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_CPU_NOTES_H
#define VMCORE_CPU_NOTES_H

#include <glib.h>
#include <stdint.h>

#include "papr/fdh.h"
#include "papr/regsave.h"

#define VMCORE_PRSTATUS_SIZE        504     /* struct elf_prstatus, ppc64 */
#define VMCORE_PRSTATUS_REG_OFFSET  112     /* pr_reg */
#define VMCORE_PRSTATUS_NOTE_SIZE   524
#define VMCORE_NOTE_BUF_T_SIZE      536     /* note_buf_t */

typedef struct VmcoreCpuNote {
    uint32_t cpu;
    gboolean from_fdh;          /* the crashing CPU: fdh->regs */
    uint64_t regs[PAPR_PT_REGS_WORDS];    /* host order */
} VmcoreCpuNote;

/**
 * vmcore_cpu_notes_build - the CPU notes buffer of the capture kernel
 * @rs: the register save area
 * @fdh: the crash-info header
 * @page_size: the kernel's page size
 * @ret_cpus: (optional) the CPUs given a note, VmcoreCpuNote in order
 *
 * Returns: PAGE_ALIGN(num_cpus * 536) bytes: the notes, then zeros (the
 * 12-byte terminator included)
 */
GBytes *vmcore_cpu_notes_build(const PaprRegsave *rs, const PaprFdh *fdh,
                               uint64_t page_size, GArray **ret_cpus);

/* Read pt_regs word @i out of an NT_PRSTATUS descriptor */
uint64_t vmcore_prstatus_reg(const uint8_t *desc, gboolean big_endian,
                             unsigned int i);

#endif /* VMCORE_CPU_NOTES_H */
