/*
 * Finding the dump memory structure (see fadump-locate.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "vmcore/locate.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "papr/fdh.h"

#define FDM_FULL_SIZE   (PAPR_FDM_HEADER_SIZE + \
                         PAPR_FDM_MAX_SECTIONS * PAPR_FDM_SECTION_SIZE)
#define SCAN_CHUNK      (8u << 20)

gboolean vmcore_fdm_read_at(Dump *dump, uint64_t addr, PaprFdm *ret,
                            GError **error)
{
    uint8_t buf[FDM_FULL_SIZE];
    /* As much of the largest structure as the dump has from @addr */
    size_t len = dump_readable(dump, addr, sizeof(buf));
    GError *err = NULL;

    if (len == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "dump memory structure at 0x%" G_GINT64_MODIFIER "x: "
                    "that address is not in the dump", addr);
        return FALSE;
    }
    if (!dump_read(dump, addr, buf, len, &err) ||
        !papr_fdm_decode(buf, len, ret, &err)) {
        g_propagate_prefixed_error(error, err, "dump memory structure at 0x%"
                                   G_GINT64_MODIFIER "x: ", addr);
        return FALSE;
    }
    return TRUE;
}

static gboolean fdh_magic_known(Dump *dump, uint64_t addr)
{
    uint8_t m[8];
    uint64_t v;

    if (!dump_covers(dump, addr, 8) ||
        !dump_read(dump, addr, m, 8, NULL)) {
        return FALSE;
    }
    v = qf_be64(m);
    return v == PAPR_FDH_MAGIC_SIG || v == PAPR_FDH_MAGIC_INF ||
           v == GUINT64_SWAP_LE_BE(PAPR_FDH_MAGIC_SIG) ||
           v == GUINT64_SWAP_LE_BE(PAPR_FDH_MAGIC_INF);
}

/* A full check of the structure at @p (@avail bytes readable) */
static gboolean candidate(Dump *dump, const DumpMemRange *ram,
                          size_t n_ram, const uint8_t *p, size_t avail,
                          VmcoreRegistration *reg, GError **error)
{
    PaprFdm fdm;

    return papr_fdm_decode(p, avail, &fdm, error) &&
           vmcore_registration_from_fdm(&fdm, reg, error) &&
           vmcore_registration_plausible(reg, ram, n_ram, error);
}

/* The first word of a structure: version 1, 3 to 10 sections ... */
static gboolean fdm_start(const uint8_t *p)
{
    uint64_t w = qf_be64(p);

    /* ... the first at offset 40 */
    return (w >> 32) == PAPR_FDM_FORMAT_VERSION &&
           ((w >> 16) & 0xffff) >= 3 &&
           ((w >> 16) & 0xffff) <= PAPR_FDM_MAX_SECTIONS &&
           qf_be32(p + 8) == PAPR_FDM_HEADER_SIZE;
}

/*
 * The next offset >= @off, 8-byte aligned from @buf, before @lim, where a
 * structure may start: its byte 11 is 40 (the first section's offset, big
 * endian), which memchr() finds fast in zeroed and in random memory alike
 */
static uint64_t next_start(const uint8_t *buf, uint64_t off, uint64_t lim,
                           uint64_t len)
{
    while (off < lim && off + PAPR_FDM_HEADER_SIZE <= len) {
        const uint8_t *q = memchr(buf + off + 11, PAPR_FDM_HEADER_SIZE,
                                  MIN(lim, len - PAPR_FDM_HEADER_SIZE + 1) -
                                  off);
        uint64_t at;

        if (!q) {
            break;
        }
        at = (uint64_t)(q - buf) - 11;
        if (at % 8 == 0 && fdm_start(buf + at)) {
            return at;
        }
        off = at + 1;
    }
    return UINT64_MAX;
}

gboolean vmcore_fdm_scan(Dump *dump, const VmcoreScanOptions *opts,
                         GArray **ret, uint64_t *scanned, GError **error)
{
    static const VmcoreScanOptions all = { 0 };
    size_t n_ram;
    g_autofree DumpMemRange *ram = dump_ram_map(dump, &n_ram);
    g_autofree uint8_t *buf = g_malloc(SCAN_CHUNK + FDM_FULL_SIZE);
    g_autoptr(GArray) found = g_array_new(FALSE, TRUE,
                                          sizeof(VmcoreFdmCandidate));
    g_autoptr(GError) rejected = NULL;    /* the first one's reason */
    uint64_t rejected_addr = 0;
    uint64_t total = 0, done = 0;
    uint64_t w_start, w_end;
    gboolean stop = FALSE;

    opts = opts ? opts : &all;
    w_start = opts->start;
    w_end = opts->end ? opts->end : UINT64_MAX;
    for (size_t r = 0; r < n_ram; r++) {
        uint64_t lo = MAX(ram[r].paddr, w_start);
        uint64_t hi = MIN(ram[r].paddr + ram[r].size, w_end);

        total += hi > lo ? hi - lo : 0;
    }
    for (size_t r = 0; r < n_ram && !stop; r++) {
        uint64_t base = (MAX(ram[r].paddr, w_start) + 7) & ~(uint64_t)7;
        uint64_t end = MIN(ram[r].paddr + ram[r].size, w_end);
        /* what the RAM range holds beyond the window, for a structure */
        uint64_t avail_end = ram[r].paddr + ram[r].size;

        while (base < end && !stop) {
            /* Scan SCAN_CHUNK starts; read enough after for a structure */
            uint64_t step = MIN((uint64_t)SCAN_CHUNK, end - base);
            uint64_t len = MIN(step + FDM_FULL_SIZE, avail_end - base);

            if (!dump_read(dump, base, buf, len, error)) {
                return FALSE;
            }
            for (uint64_t off = next_start(buf, 0, step, len);
                 off != UINT64_MAX; off = next_start(buf, off + 8, step,
                                                     len)) {
                VmcoreFdmCandidate c;
                GError *why = NULL;

                if (candidate(dump, ram, n_ram, buf + off, len - off, &c.reg,
                              rejected ? NULL : &why)) {
                    c.addr = base + off;
                    c.fdh_known = fdh_magic_known(dump, c.reg.fdh_addr);
                    g_array_append_val(found, c);
                    if (found->len == VMCORE_SCAN_MAX_CANDIDATES ||
                        (c.fdh_known && opts->stop_at_known)) {
                        stop = TRUE;
                        break;
                    }
                } else if (why) {
                    rejected = why;
                    rejected_addr = base + off;
                }
            }
            base += step;
            done += step;
            if (opts->progress) {
                opts->progress(done, total, opts->progress_data);
            }
        }
    }
    if (opts->progress && done != total) {
        opts->progress(total, total, opts->progress_data);   /* stopped */
    }
    if (scanned) {
        *scanned = done;
    }
    if (found->len == 0 && rejected) {
        /* say why, e.g. a truncated dump that lacks what it describes */
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "no usable dump memory structure; the one at 0x%"
                    G_GINT64_MODIFIER "x is rejected: %s (is the dump "
                    "complete?)", rejected_addr, rejected->message);
        return FALSE;
    }
    *ret = g_steal_pointer(&found);
    return TRUE;
}
