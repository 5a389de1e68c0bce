/*
 * The crash-info header ("fdh") the crashed Linux kernel keeps right after
 * its boot memory copy, at F = B + M.  It is in the kernel's byte order;
 * its magic tells the layout and the byte order:
 *
 *   FADMPSIG  Linux 6.10 and later (6.12, 7.2): version, crashing CPU,
 *             VMCOREINFO address and size, pt_regs, cpu mask; the capture
 *             kernel builds the ELF header
 *   FADMPINF  Linux 6.9 and earlier (6.1): elfcorehdr address, crashing
 *             CPU, pt_regs, cpu mask; the ELF header follows the fdh
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_FDH_H
#define FADUMP_FDH_H

#include <glib.h>
#include <stdint.h>

#include "fadump-ptregs.h"

#define FADUMP_FDH_MAGIC_SIG        0x4641444D50534947ULL   /* FADMPSIG */
#define FADUMP_FDH_MAGIC_INF        0x4641444D50494E46ULL   /* FADMPINF */
#define FADUMP_FDH_VERSION          1
#define FADUMP_FDH_CPU_UNKNOWN      0xffffffffu

/* NR_CPUS is at most 8192 on ppc64: a cpumask of at most 1024 bytes */
#define FADUMP_FDH_MAX_CPU_MASK     1024
#define FADUMP_FDH_SIG_FIXED        424     /* FADMPSIG: up to cpu_mask */
#define FADUMP_FDH_INF_FIXED        408     /* FADMPINF: up to cpu_mask */
/* Bytes to read at F: enough for any header either layout can have */
#define FADUMP_FDH_MAX_SIZE         (FADUMP_FDH_SIG_FIXED + \
                                     FADUMP_FDH_MAX_CPU_MASK)

typedef enum FadumpFdhLayout {
    FADUMP_FDH_LAYOUT_SIG,          /* FADMPSIG, Linux 6.10+ */
    FADUMP_FDH_LAYOUT_INF,          /* FADMPINF, Linux 6.1 */
} FadumpFdhLayout;

typedef struct FadumpFdh {
    FadumpFdhLayout layout;
    gboolean big_endian;            /* the crashed kernel's byte order */
    uint64_t addr;                  /* F */
    uint64_t size;                  /* sizeof(struct) in that kernel */
    uint32_t version;               /* FADMPSIG only */
    uint32_t crashing_cpu;          /* FADUMP_FDH_CPU_UNKNOWN: no crash */
    uint64_t vmcoreinfo_raddr;      /* FADMPSIG only */
    uint64_t vmcoreinfo_size;       /* FADMPSIG only */
    uint64_t elfcorehdr_addr;       /* FADMPINF only */
    uint32_t pt_regs_sz;
    uint32_t cpu_mask_sz;           /* bytes */
    uint8_t regs[FADUMP_PT_REGS_SIZE];  /* as stored (kernel order) */
    uint8_t cpu_mask[FADUMP_FDH_MAX_CPU_MASK];
} FadumpFdh;

/**
 * fadump_fdh_decode - decode a crash-info header
 * @buf: bytes read at @addr (up to FADUMP_FDH_MAX_SIZE)
 * @len: their number
 * @addr: F, the header's guest physical address (for messages and the
 *     FADMPINF size)
 * @ret: the header; untouched on failure
 * @error: FADUMP_ERROR_NOT_FOUND for an all-zero magic (nothing was
 *     registered there), FADUMP_ERROR_UNSUPPORTED for an unknown magic,
 *     a FADMPSIG version other than 1, or a pt_regs size other than 384,
 *     FADUMP_ERROR_CORRUPT for a cpu mask size that is not a multiple of 8
 *     within 8..1024 bytes, FADUMP_ERROR_TRUNCATED when @len is short;
 *     messages start with "crash-info header at 0x<addr>"
 */
gboolean fadump_fdh_decode(const void *buf, size_t len, uint64_t addr,
                           FadumpFdh *ret, GError **error);

/* Whether bit @cpu is set in the header's cpu mask */
gboolean fadump_fdh_cpu_online(const FadumpFdh *fdh, uint32_t cpu);

/* Number of bits set in the cpu mask */
unsigned int fadump_fdh_cpus_online(const FadumpFdh *fdh);

/* pt_regs word @i of fdh->regs, in host order */
uint64_t fadump_fdh_reg(const FadumpFdh *fdh, unsigned int i);

/* "FADMPSIG" or "FADMPINF" */
const char *fadump_fdh_magic_name(const FadumpFdh *fdh);

#endif /* FADUMP_FDH_H */
