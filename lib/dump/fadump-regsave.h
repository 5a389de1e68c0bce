/*
 * The register save area ("CPU state data") the platform writes at the
 * CPU state section's destination.  Big-endian whatever the OS:
 *
 *   0   u64  magic "REGSAVE\0"
 *   8   u32  version
 *   12  u32  offset N of the CPU count
 *   N   u32  number of CPU lists
 *   N+4 the lists, back to back: "CPUSTRT" <id>, 16-byte (id, value)
 *       register entries, "CPUEND" <id>
 *
 * Each list is read the way Linux's rtas_fadump_read_regs() reads it:
 * GPRnn, NIA, MSR, CTR, LR, XER, CR, DAR, DSISR fill a pt_regs, every
 * other register is ignored.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_REGSAVE_H
#define FADUMP_REGSAVE_H

#include <glib.h>
#include <stdint.h>

#include "fadump-ptregs.h"

#define FADUMP_REGSAVE_MAGIC        0x5245475341564500ULL   /* REGSAVE */
#define FADUMP_REGSAVE_ENTRY_SIZE   16
/* More CPU lists than NR_CPUS can be is refused */
#define FADUMP_REGSAVE_MAX_CPUS     8192

/* str2u64(): an ASCII name of up to 8 characters as a register id */
uint64_t fadump_reg_id(const char *name);

typedef struct FadumpRegsaveCpu {
    uint32_t id;                /* low 32 bits of the CPUSTRT value */
    uint64_t offset;            /* of its CPUSTRT entry in the area */
    unsigned int n_entries;     /* register entries in the list */
    unsigned int n_ignored;     /* of which Linux ignores */
    uint64_t regs[FADUMP_PT_REGS_WORDS];    /* host order */
} FadumpRegsaveCpu;

typedef struct FadumpRegsave {
    uint32_t version;
    uint32_t num_cpu_offset;
    uint32_t num_cpus;
    uint64_t used;              /* bytes up to the end of the last list */
    GArray *cpus;               /* FadumpRegsaveCpu, in area order */
} FadumpRegsave;

/**
 * fadump_regsave_decode - decode a register save area
 * @buf: the area (the CPU state section's bytes)
 * @len: its size
 * @addr: its guest physical address, for messages
 * @ret: the decoded area, fadump_regsave_free(); untouched on failure
 * @error: FADUMP_ERROR_CORRUPT for a wrong magic or a list not starting
 *     with CPUSTRT, FADUMP_ERROR_TRUNCATED when the count or a list runs
 *     past @len, FADUMP_ERROR_UNSUPPORTED for more than
 *     FADUMP_REGSAVE_MAX_CPUS lists; messages start with
 *     "register save area at 0x<addr>"
 */
gboolean fadump_regsave_decode(const void *buf, size_t len, uint64_t addr,
                               FadumpRegsave **ret, GError **error);

void fadump_regsave_free(FadumpRegsave *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpRegsave, fadump_regsave_free)

#endif /* FADUMP_REGSAVE_H */
