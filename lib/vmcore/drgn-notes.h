/*
 * A vmcore's notes rewritten so that drgn finds every CPU's registers.
 *
 * drgn (0.0.27 and later) takes a kernel core dump whose VMCOREINFO has
 * a CRASHTIME= line for one kdump wrote, and reads CPU n's registers from
 * the kernel's per-CPU crash_notes buffer, which crash_save_cpu() fills
 * on a kdump and fadump never does: "registers for CPU n were not
 * saved".  Without CRASHTIME= it takes them from the NT_PRSTATUS note
 * whose pr_pid is n + 1, the way QEMU's dump-guest-memory numbers its
 * notes; the capture kernel's notes all carry pr_pid 0
 * (fadump_regs_to_elf_notes()).  So each NT_PRSTATUS gets pr_pid =
 * CPU + 1 and the VMCOREINFO note loses its CRASHTIME= line; nothing
 * else changes, and the notes keep their order (drgn 0.0.22 indexes
 * them by position).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_DRGN_NOTES_H
#define VMCORE_DRGN_NOTES_H

#include <glib.h>
#include <stdint.h>

#include "vmcore/layout.h"

/* pr_pid in struct elf_prstatus (64-bit): after pr_info, pr_cursig,
   pr_sigpend and pr_sighold */
#define VMCORE_PRSTATUS_PID_OFFSET  32

/**
 * vmcore_drgn_notes - rewrite one PT_NOTE's contents for drgn
 * @buf: the notes (walked as fs/proc/vmcore.c does: until n_namesz 0)
 * @len: their size
 * @big_endian: the kernel's byte order
 * @cpus: (nullable) the CPU of each NT_PRSTATUS note, in note order; NULL
 *     keeps every pr_pid (QEMU's notes are numbered already)
 * @n_cpus: the number of entries in @cpus
 * @prstatus_seen: (inout) NT_PRSTATUS notes met in earlier PT_NOTEs;
 *     this one's are numbered from there
 * @error: QF_ERROR_CORRUPT for an NT_PRSTATUS too short to hold pr_pid,
 *     QF_ERROR_INVALID_ARG for more NT_PRSTATUS notes than @cpus
 *
 * Returns: @len bytes: the notes rewritten, then zeros; NULL on error
 */
GBytes *vmcore_drgn_notes(const uint8_t *buf, uint64_t len,
                          gboolean big_endian, const uint32_t *cpus,
                          guint n_cpus, guint *prstatus_seen,
                          GError **error);

/**
 * vmcore_core_header_for_drgn - a copy of an ELF core header whose
 *     PT_NOTE contents are rewritten by vmcore_drgn_notes()
 * @hdr: the header
 * @cpus: (nullable) as for vmcore_drgn_notes(), over all PT_NOTEs
 * @n_cpus: the number of entries in @cpus
 * @error: as for vmcore_drgn_notes()
 *
 * Returns: the new header, or NULL
 */
VmcoreCoreHeader *vmcore_core_header_for_drgn(const VmcoreCoreHeader *hdr,
                                              const uint32_t *cpus,
                                              guint n_cpus, GError **error);

#endif /* VMCORE_DRGN_NOTES_H */
