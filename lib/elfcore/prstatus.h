/*
 * The CPU registers of QEMU's own dump-guest-memory notes (ELF and
 * kdump-compressed alike): per vCPU an NT_PRSTATUS named "CORE" (ppc64
 * struct elf_prstatus, 504 bytes: pr_pid at 32, pr_reg = 48 words of
 * pt_regs at 112), followed by NT_PRFPREG, NT_PPC_VMX, NT_PPC_VSX and
 * NT_PPC_SPE notes (target/ppc/arch_dump.c).  QEMU fills the GPRs, nip,
 * msr, ctr, link, xer and ccr; the other pt_regs words are 0.
 *
 * Which CPU a note belongs to: QEMU 9.1 and later write pr_pid = CPU
 * index + 1 (dump.c cpu_index()); older ones leave pr_pid 0, and the
 * notes come in CPU order (CPU_FOREACH), so the n-th NT_PRSTATUS is CPU
 * index n.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef ELFCORE_PRSTATUS_H
#define ELFCORE_PRSTATUS_H

#include <glib.h>
#include <stdint.h>

#define ELFCORE_PRSTATUS_PPC64_SIZE     504
#define ELFCORE_PRSTATUS_PID_OFFSET     32
#define ELFCORE_PRSTATUS_REG_OFFSET     112
#define ELFCORE_PRSTATUS_REG_WORDS      48

/* More NT_PRSTATUS notes than this are refused (QEMU's max_cpus: 4096+) */
#define ELFCORE_PRSTATUS_MAX_CPUS       16384

/* How a note's CPU index was decided */
typedef enum ElfcoreCpuRule {
    ELFCORE_CPU_BY_PR_PID,          /* pr_pid - 1: QEMU 9.1 and later */
    ELFCORE_CPU_BY_NOTE_ORDER,      /* every pr_pid 0: QEMU before 9.1 */
    ELFCORE_CPU_BY_NOTE_ORDER_PID_UNUSABLE,  /* pr_pids neither all 0 nor
                                               distinct non-zero: order */
} ElfcoreCpuRule;

typedef struct ElfcoreCpuRegs {
    uint32_t cpu;                   /* the vCPU index */
    uint32_t pr_pid;                /* as the note has it */
    guint note_index;               /* among all notes of the blob */
    uint64_t regs[ELFCORE_PRSTATUS_REG_WORDS];     /* host order */
} ElfcoreCpuRegs;

typedef struct ElfcoreQemuCpus {
    gboolean big_endian;            /* the notes' byte order, as found */
    ElfcoreCpuRule rule;
    GArray *cpus;                   /* ElfcoreCpuRegs, in note order */
} ElfcoreQemuCpus;

/**
 * elfcore_qemu_cpus_parse - the vCPUs' registers of a dump's notes
 * @buf: the notes (dump_notes())
 * @len: their size
 * @ret: filled on success; elfcore_qemu_cpus_clear() it
 * @error: QF_ERROR_NOT_FOUND when no NT_PRSTATUS named "CORE" is there
 *     in either byte order, QF_ERROR_CORRUPT for one whose descriptor is
 *     not the 504 bytes of ppc64's elf_prstatus, QF_ERROR_UNSUPPORTED
 *     past ELFCORE_PRSTATUS_MAX_CPUS; messages start with "QEMU CPU notes"
 *
 * The byte order is the one in which the notes walk to more NT_PRSTATUS
 * (a name size of 5 reads as 0x05000000 the other way round).
 */
gboolean elfcore_qemu_cpus_parse(const uint8_t *buf, uint64_t len,
                                 ElfcoreQemuCpus *ret, GError **error);

void elfcore_qemu_cpus_clear(ElfcoreQemuCpus *c);

/* "pr_pid - 1 (QEMU 9.1+)", "note order (pr_pid 0: QEMU before 9.1)", ... */
const char *elfcore_cpu_rule_describe(ElfcoreCpuRule rule);

/* The CPU's registers, or NULL when no note has CPU index @cpu */
const ElfcoreCpuRegs *elfcore_qemu_cpus_find(const ElfcoreQemuCpus *c,
                                             uint32_t cpu);

#endif /* ELFCORE_PRSTATUS_H */
