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
#ifndef PAPR_FDH_H
#define PAPR_FDH_H

#include <glib.h>
#include <stdint.h>

#include "papr/ptregs.h"

#define PAPR_FDH_MAGIC_SIG        0x4641444D50534947ULL   /* FADMPSIG */
#define PAPR_FDH_MAGIC_INF        0x4641444D50494E46ULL   /* FADMPINF */
#define PAPR_FDH_VERSION          1
#define PAPR_FDH_CPU_UNKNOWN      0xffffffffu

/* NR_CPUS is at most 8192 on ppc64: a cpumask of at most 1024 bytes */
#define PAPR_FDH_MAX_CPU_MASK     1024
#define PAPR_FDH_SIG_FIXED        424     /* FADMPSIG: up to cpu_mask */
#define PAPR_FDH_INF_FIXED        408     /* FADMPINF: up to cpu_mask */
/* Bytes to read at F: enough for any header either layout can have */
#define PAPR_FDH_MAX_SIZE         (PAPR_FDH_SIG_FIXED + \
                                     PAPR_FDH_MAX_CPU_MASK)

typedef enum PaprFdhLayout {
    PAPR_FDH_LAYOUT_SIG,          /* FADMPSIG, Linux 6.10+ */
    PAPR_FDH_LAYOUT_INF,          /* FADMPINF, Linux 6.1 */
} PaprFdhLayout;

typedef struct PaprFdh {
    PaprFdhLayout layout;
    gboolean big_endian;            /* the crashed kernel's byte order */
    uint64_t addr;                  /* F */
    uint64_t size;                  /* sizeof(struct) in that kernel */
    uint32_t version;               /* FADMPSIG only */
    uint32_t crashing_cpu;          /* PAPR_FDH_CPU_UNKNOWN: no crash */
    uint64_t vmcoreinfo_raddr;      /* FADMPSIG only */
    uint64_t vmcoreinfo_size;       /* FADMPSIG only */
    uint64_t elfcorehdr_addr;       /* FADMPINF only */
    uint32_t pt_regs_sz;
    uint32_t cpu_mask_sz;           /* bytes */
    uint8_t regs[PAPR_PT_REGS_SIZE];  /* as stored (kernel order) */
    uint8_t cpu_mask[PAPR_FDH_MAX_CPU_MASK];
} PaprFdh;

/**
 * papr_fdh_decode - decode a crash-info header
 * @buf: bytes read at @addr (up to PAPR_FDH_MAX_SIZE)
 * @len: their number
 * @addr: F, the header's guest physical address (for messages and the
 *     FADMPINF size)
 * @ret: the header; untouched on failure
 * @error: QF_ERROR_NOT_FOUND for an all-zero magic (nothing was
 *     registered there), QF_ERROR_UNSUPPORTED for an unknown magic,
 *     a FADMPSIG version other than 1, or a pt_regs size other than 384,
 *     QF_ERROR_CORRUPT for a cpu mask size that is not a multiple of 8
 *     within 8..1024 bytes, QF_ERROR_TRUNCATED when @len is short;
 *     messages start with "crash-info header at 0x<addr>"
 */
gboolean papr_fdh_decode(const void *buf, size_t len, uint64_t addr,
                         PaprFdh *ret, GError **error);

/* Whether bit @cpu is set in the header's cpu mask */
gboolean papr_fdh_cpu_online(const PaprFdh *fdh, uint32_t cpu);

/* Number of bits set in the cpu mask */
unsigned int papr_fdh_cpus_online(const PaprFdh *fdh);

/* pt_regs word @i of fdh->regs, in host order */
uint64_t papr_fdh_reg(const PaprFdh *fdh, unsigned int i);

/* "FADMPSIG" or "FADMPINF" */
const char *papr_fdh_magic_name(const PaprFdh *fdh);

#endif /* PAPR_FDH_H */
