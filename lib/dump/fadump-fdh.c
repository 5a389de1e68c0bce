/*
 * Decoding the crash-info header (see fadump-fdh.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fadump-fdh.h"
#include "fadump-byteorder.h"
#include "fadump-error.h"

#define FDH_ERROR(code, ...) do { \
        g_autofree char *msg_ = g_strdup_printf(__VA_ARGS__); \
        g_set_error(error, FADUMP_ERROR, (code), \
                    "crash-info header at 0x%" G_GINT64_MODIFIER "x: %s", \
                    addr, msg_); \
        return FALSE; \
    } while (0)

static gboolean check_mask_size(uint64_t sz, uint64_t addr, GError **error)
{
    if (sz < 8 || sz > FADUMP_FDH_MAX_CPU_MASK || sz % 8) {
        FDH_ERROR(FADUMP_ERROR_CORRUPT,
                  "cpu mask of %" G_GUINT64_FORMAT " bytes: a kernel's "
                  "cpumask is a multiple of 8 bytes, 8 to %d",
                  sz, FADUMP_FDH_MAX_CPU_MASK);
    }
    return TRUE;
}

gboolean fadump_fdh_decode(const void *buf, size_t len, uint64_t addr,
                           FadumpFdh *ret, GError **error)
{
    const uint8_t *p = buf;
    g_autofree FadumpFdh *fdh = g_new0(FadumpFdh, 1);
    uint64_t be_magic;
    size_t fixed;

    if (len < 8) {
        FDH_ERROR(FADUMP_ERROR_TRUNCATED, "%zu bytes, the magic alone takes 8",
                  len);
    }
    be_magic = fadump_be64(p);
    if (be_magic == FADUMP_FDH_MAGIC_SIG ||
        be_magic == GUINT64_SWAP_LE_BE(FADUMP_FDH_MAGIC_SIG)) {
        fdh->layout = FADUMP_FDH_LAYOUT_SIG;
        fdh->big_endian = be_magic == FADUMP_FDH_MAGIC_SIG;
    } else if (be_magic == FADUMP_FDH_MAGIC_INF ||
               be_magic == GUINT64_SWAP_LE_BE(FADUMP_FDH_MAGIC_INF)) {
        fdh->layout = FADUMP_FDH_LAYOUT_INF;
        fdh->big_endian = be_magic == FADUMP_FDH_MAGIC_INF;
    } else if (be_magic == 0) {
        FDH_ERROR(FADUMP_ERROR_NOT_FOUND,
                  "blank (magic 0): the kernel never initialised it");
    } else {
        char shown[9];

        for (int i = 0; i < 8; i++) {
            shown[i] = g_ascii_isprint(p[i]) ? p[i] : '.';
        }
        shown[8] = 0;
        FDH_ERROR(FADUMP_ERROR_UNSUPPORTED,
                  "unknown magic 0x%016" G_GINT64_MODIFIER "x (\"%s\"): "
                  "neither FADMPSIG (Linux 6.10 and later) nor FADMPINF "
                  "(Linux 6.9 and earlier) in either byte order; refusing "
                  "to guess its layout", be_magic, shown);
    }
    fdh->addr = addr;
    if (fdh->layout == FADUMP_FDH_LAYOUT_SIG) {
        fixed = FADUMP_FDH_SIG_FIXED;
        if (len < 40) {
            FDH_ERROR(FADUMP_ERROR_TRUNCATED, "%zu bytes, FADMPSIG fields "
                      "take 40", len);
        }
        fdh->version = fadump_get32(p + 8, fdh->big_endian);
        fdh->crashing_cpu = fadump_get32(p + 12, fdh->big_endian);
        fdh->vmcoreinfo_raddr = fadump_get64(p + 16, fdh->big_endian);
        fdh->vmcoreinfo_size = fadump_get64(p + 24, fdh->big_endian);
        fdh->pt_regs_sz = fadump_get32(p + 32, fdh->big_endian);
        fdh->cpu_mask_sz = fadump_get32(p + 36, fdh->big_endian);
        if (fdh->version != FADUMP_FDH_VERSION) {
            FDH_ERROR(FADUMP_ERROR_UNSUPPORTED, "FADMPSIG version %u, only "
                      "version %d is known", fdh->version,
                      FADUMP_FDH_VERSION);
        }
        if (fdh->pt_regs_sz != FADUMP_PT_REGS_SIZE) {
            FDH_ERROR(FADUMP_ERROR_UNSUPPORTED, "pt_regs of %u bytes, ppc64 "
                      "Linux has %d", fdh->pt_regs_sz, FADUMP_PT_REGS_SIZE);
        }
        if (!check_mask_size(fdh->cpu_mask_sz, addr, error)) {
            return FALSE;
        }
    } else {
        fixed = FADUMP_FDH_INF_FIXED;
        if (len < 24) {
            FDH_ERROR(FADUMP_ERROR_TRUNCATED, "%zu bytes, FADMPINF fields "
                      "take 24", len);
        }
        fdh->elfcorehdr_addr = fadump_get64(p + 8, fdh->big_endian);
        fdh->crashing_cpu = fadump_get32(p + 16, fdh->big_endian);
        fdh->pt_regs_sz = FADUMP_PT_REGS_SIZE;
        /* The ELF header follows the fdh: their distance is its size */
        if (fdh->elfcorehdr_addr < addr ||
            fdh->elfcorehdr_addr - addr < FADUMP_FDH_INF_FIXED) {
            FDH_ERROR(FADUMP_ERROR_CORRUPT, "elfcorehdr at 0x%"
                      G_GINT64_MODIFIER "x, inside the header",
                      fdh->elfcorehdr_addr);
        }
        if (!check_mask_size(fdh->elfcorehdr_addr - addr -
                             FADUMP_FDH_INF_FIXED, addr, error)) {
            return FALSE;
        }
        fdh->cpu_mask_sz = fdh->elfcorehdr_addr - addr - FADUMP_FDH_INF_FIXED;
    }
    fdh->size = fixed + fdh->cpu_mask_sz;
    if (len < fdh->size) {
        FDH_ERROR(FADUMP_ERROR_TRUNCATED, "%zu bytes, the %s header takes %"
                  G_GUINT64_FORMAT, len, fadump_fdh_magic_name(fdh),
                  fdh->size);
    }
    memcpy(fdh->regs, p + fixed - FADUMP_PT_REGS_SIZE, FADUMP_PT_REGS_SIZE);
    memcpy(fdh->cpu_mask, p + fixed, fdh->cpu_mask_sz);
    *ret = *fdh;
    return TRUE;
}

gboolean fadump_fdh_cpu_online(const FadumpFdh *fdh, uint32_t cpu)
{
    uint64_t word;

    if (cpu / 8 >= fdh->cpu_mask_sz) {
        return FALSE;
    }
    /* An array of unsigned long in the kernel's byte order */
    word = fadump_get64(fdh->cpu_mask + (cpu / 64) * 8, fdh->big_endian);
    return (word >> (cpu % 64)) & 1;
}

unsigned int fadump_fdh_cpus_online(const FadumpFdh *fdh)
{
    unsigned int n = 0;

    for (uint32_t cpu = 0; cpu < fdh->cpu_mask_sz * 8; cpu++) {
        n += fadump_fdh_cpu_online(fdh, cpu);
    }
    return n;
}

uint64_t fadump_fdh_reg(const FadumpFdh *fdh, unsigned int i)
{
    g_assert(i < FADUMP_PT_REGS_WORDS);
    return fadump_get64(fdh->regs + 8 * i, fdh->big_endian);
}

const char *fadump_fdh_magic_name(const FadumpFdh *fdh)
{
    return fdh->layout == FADUMP_FDH_LAYOUT_SIG ? "FADMPSIG" : "FADMPINF";
}
