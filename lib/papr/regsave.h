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
#ifndef PAPR_REGSAVE_H
#define PAPR_REGSAVE_H

#include <glib.h>
#include <stdint.h>

#include "papr/ptregs.h"

#define PAPR_REGSAVE_MAGIC        0x5245475341564500ULL   /* REGSAVE */
#define PAPR_REGSAVE_ENTRY_SIZE   16
/* More CPU lists than NR_CPUS can be is refused */
#define PAPR_REGSAVE_MAX_CPUS     8192

/* str2u64(): an ASCII name of up to 8 characters as a register id */
uint64_t papr_reg_id(const char *name);

typedef struct PaprRegsaveCpu {
    uint32_t id;                /* low 32 bits of the CPUSTRT value */
    uint64_t offset;            /* of its CPUSTRT entry in the area */
    unsigned int n_entries;     /* register entries in the list */
    unsigned int n_ignored;     /* of which Linux ignores */
    uint64_t regs[PAPR_PT_REGS_WORDS];    /* host order */
} PaprRegsaveCpu;

typedef struct PaprRegsave {
    uint32_t version;
    uint32_t num_cpu_offset;
    uint32_t num_cpus;
    uint64_t used;              /* bytes up to the end of the last list */
    GArray *cpus;               /* PaprRegsaveCpu, in area order */
} PaprRegsave;

/**
 * papr_regsave_decode - decode a register save area
 * @buf: the area (the CPU state section's bytes)
 * @len: its size
 * @addr: its guest physical address, for messages
 * @ret: the decoded area, papr_regsave_free(); untouched on failure
 * @error: QF_ERROR_CORRUPT for a wrong magic or a list not starting
 *     with CPUSTRT, QF_ERROR_TRUNCATED when the count or a list runs
 *     past @len, QF_ERROR_UNSUPPORTED for more than
 *     PAPR_REGSAVE_MAX_CPUS lists; messages start with
 *     "register save area at 0x<addr>"
 */
gboolean papr_regsave_decode(const void *buf, size_t len, uint64_t addr,
                             PaprRegsave **ret, GError **error);

void papr_regsave_free(PaprRegsave *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaprRegsave, papr_regsave_free)

#endif /* PAPR_REGSAVE_H */
