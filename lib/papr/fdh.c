/*
 * Decoding the crash-info header (see fadump-fdh.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "papr/fdh.h"
#include "common/byteorder.h"
#include "common/error.h"

static gboolean check_mask_size(uint64_t sz, GError **error)
{
    if (sz < 8 || sz > PAPR_FDH_MAX_CPU_MASK || sz % 8) {
        return qf_fail(error, QF_ERROR_CORRUPT, "cpu mask of %"
                       G_GUINT64_FORMAT " bytes: a kernel's cpumask is a "
                       "multiple of 8 bytes, 8 to %d", sz,
                       PAPR_FDH_MAX_CPU_MASK);
    }
    return TRUE;
}

/* papr_fdh_decode() without the "crash-info header at" prefix */
static gboolean decode(const void *buf, size_t len, uint64_t addr,
                       PaprFdh *ret, GError **error)
{
    const uint8_t *p = buf;
    g_autofree PaprFdh *fdh = g_new0(PaprFdh, 1);
    uint64_t be_magic;
    size_t fixed;

    if (len < 8) {
        return qf_fail(error, QF_ERROR_TRUNCATED, "%zu bytes, the magic alone "
                       "takes 8", len);
    }
    be_magic = qf_be64(p);
    if (be_magic == PAPR_FDH_MAGIC_SIG ||
        be_magic == GUINT64_SWAP_LE_BE(PAPR_FDH_MAGIC_SIG)) {
        fdh->layout = PAPR_FDH_LAYOUT_SIG;
        fdh->big_endian = be_magic == PAPR_FDH_MAGIC_SIG;
    } else if (be_magic == PAPR_FDH_MAGIC_INF ||
               be_magic == GUINT64_SWAP_LE_BE(PAPR_FDH_MAGIC_INF)) {
        fdh->layout = PAPR_FDH_LAYOUT_INF;
        fdh->big_endian = be_magic == PAPR_FDH_MAGIC_INF;
    } else if (be_magic == 0) {
        return qf_fail(error, QF_ERROR_NOT_FOUND, "blank (magic 0): the "
                       "kernel never initialised it");
    } else {
        char shown[9];

        for (int i = 0; i < 8; i++) {
            shown[i] = g_ascii_isprint(p[i]) ? p[i] : '.';
        }
        shown[8] = 0;
        return qf_fail(error, QF_ERROR_UNSUPPORTED, "unknown magic 0x%016"
                       G_GINT64_MODIFIER "x (\"%s\"): neither FADMPSIG (Linux "
                       "6.10 and later) nor FADMPINF (Linux 6.9 and earlier) "
                       "in either byte order; refusing to guess its layout",
                       be_magic, shown);
    }
    fdh->addr = addr;
    if (fdh->layout == PAPR_FDH_LAYOUT_SIG) {
        fixed = PAPR_FDH_SIG_FIXED;
        if (len < 40) {
            return qf_fail(error, QF_ERROR_TRUNCATED, "%zu bytes, FADMPSIG "
                           "fields take 40", len);
        }
        fdh->version = qf_get32(p + 8, fdh->big_endian);
        fdh->crashing_cpu = qf_get32(p + 12, fdh->big_endian);
        fdh->vmcoreinfo_raddr = qf_get64(p + 16, fdh->big_endian);
        fdh->vmcoreinfo_size = qf_get64(p + 24, fdh->big_endian);
        fdh->pt_regs_sz = qf_get32(p + 32, fdh->big_endian);
        fdh->cpu_mask_sz = qf_get32(p + 36, fdh->big_endian);
        if (fdh->version != PAPR_FDH_VERSION) {
            return qf_fail(error, QF_ERROR_UNSUPPORTED, "FADMPSIG version %u, "
                           "only version %d is known", fdh->version,
                           PAPR_FDH_VERSION);
        }
        if (fdh->pt_regs_sz != PAPR_PT_REGS_SIZE) {
            return qf_fail(error, QF_ERROR_UNSUPPORTED, "pt_regs of %u bytes, "
                           "ppc64 Linux has %d", fdh->pt_regs_sz,
                           PAPR_PT_REGS_SIZE);
        }
        if (!check_mask_size(fdh->cpu_mask_sz, error)) {
            return FALSE;
        }
    } else {
        fixed = PAPR_FDH_INF_FIXED;
        if (len < 24) {
            return qf_fail(error, QF_ERROR_TRUNCATED, "%zu bytes, FADMPINF "
                           "fields take 24", len);
        }
        fdh->elfcorehdr_addr = qf_get64(p + 8, fdh->big_endian);
        fdh->crashing_cpu = qf_get32(p + 16, fdh->big_endian);
        fdh->pt_regs_sz = PAPR_PT_REGS_SIZE;
        /* The ELF header follows the fdh: their distance is its size */
        if (fdh->elfcorehdr_addr < addr ||
            fdh->elfcorehdr_addr - addr < PAPR_FDH_INF_FIXED) {
            return qf_fail(error, QF_ERROR_CORRUPT, "elfcorehdr at 0x%"
                           G_GINT64_MODIFIER "x, inside the header",
                           fdh->elfcorehdr_addr);
        }
        if (!check_mask_size(fdh->elfcorehdr_addr - addr -
                             PAPR_FDH_INF_FIXED, error)) {
            return FALSE;
        }
        fdh->cpu_mask_sz = fdh->elfcorehdr_addr - addr - PAPR_FDH_INF_FIXED;
    }
    fdh->size = fixed + fdh->cpu_mask_sz;
    if (len < fdh->size) {
        return qf_fail(error, QF_ERROR_TRUNCATED, "%zu bytes, the %s header "
                       "takes %" G_GUINT64_FORMAT, len,
                       papr_fdh_magic_name(fdh), fdh->size);
    }
    memcpy(fdh->regs, p + fixed - PAPR_PT_REGS_SIZE, PAPR_PT_REGS_SIZE);
    memcpy(fdh->cpu_mask, p + fixed, fdh->cpu_mask_sz);
    *ret = *fdh;
    return TRUE;
}

gboolean papr_fdh_decode(const void *buf, size_t len, uint64_t addr,
                         PaprFdh *ret, GError **error)
{
    if (!decode(buf, len, addr, ret, error)) {
        g_prefix_error(error, "crash-info header at 0x%" G_GINT64_MODIFIER
                       "x: ", addr);
        return FALSE;
    }
    return TRUE;
}

gboolean papr_fdh_cpu_online(const PaprFdh *fdh, uint32_t cpu)
{
    uint64_t word;

    if (cpu / 8 >= fdh->cpu_mask_sz) {
        return FALSE;
    }
    /* An array of unsigned long in the kernel's byte order */
    word = qf_get64(fdh->cpu_mask + (cpu / 64) * 8, fdh->big_endian);
    return (word >> (cpu % 64)) & 1;
}

unsigned int papr_fdh_cpus_online(const PaprFdh *fdh)
{
    unsigned int n = 0;

    for (uint32_t cpu = 0; cpu < fdh->cpu_mask_sz * 8; cpu++) {
        n += papr_fdh_cpu_online(fdh, cpu);
    }
    return n;
}

uint64_t papr_fdh_reg(const PaprFdh *fdh, unsigned int i)
{
    g_assert(i < PAPR_PT_REGS_WORDS);
    return qf_get64(fdh->regs + 8 * i, fdh->big_endian);
}

const char *papr_fdh_magic_name(const PaprFdh *fdh)
{
    return fdh->layout == PAPR_FDH_LAYOUT_SIG ? "FADMPSIG" : "FADMPINF";
}
