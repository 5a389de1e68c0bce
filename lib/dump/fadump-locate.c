/*
 * Finding the dump memory structure (see fadump-locate.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fadump-locate.h"
#include "fadump-byteorder.h"
#include "fadump-error.h"
#include "fadump-fdh.h"

#define FDM_FULL_SIZE   (FADUMP_FDM_HEADER_SIZE + \
                         FADUMP_FDM_MAX_SECTIONS * FADUMP_FDM_SECTION_SIZE)
#define SCAN_CHUNK      (8u << 20)

gboolean fadump_fdm_read_at(FadumpDump *dump, uint64_t addr, FadumpFdm *ret,
                            GError **error)
{
    uint8_t buf[FDM_FULL_SIZE];
    /* As much of the largest structure as the dump has from @addr */
    size_t len = fadump_dump_readable(dump, addr, sizeof(buf));
    GError *err = NULL;

    if (len == 0) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "dump memory structure at 0x%" G_GINT64_MODIFIER "x: "
                    "that address is not in the dump", addr);
        return FALSE;
    }
    if (!fadump_dump_read(dump, addr, buf, len, &err) ||
        !fadump_fdm_decode(buf, len, ret, &err)) {
        g_propagate_prefixed_error(error, err, "dump memory structure at 0x%"
                                   G_GINT64_MODIFIER "x: ", addr);
        return FALSE;
    }
    return TRUE;
}

static gboolean fdh_magic_known(FadumpDump *dump, uint64_t addr)
{
    uint8_t m[8];
    uint64_t v;

    if (!fadump_dump_covers(dump, addr, 8) ||
        !fadump_dump_read(dump, addr, m, 8, NULL)) {
        return FALSE;
    }
    v = fadump_be64(m);
    return v == FADUMP_FDH_MAGIC_SIG || v == FADUMP_FDH_MAGIC_INF ||
           v == GUINT64_SWAP_LE_BE(FADUMP_FDH_MAGIC_SIG) ||
           v == GUINT64_SWAP_LE_BE(FADUMP_FDH_MAGIC_INF);
}

/* A full check of the structure at @p (@avail bytes readable) */
static gboolean candidate(FadumpDump *dump, const FadumpMemRange *ram,
                          size_t n_ram, const uint8_t *p, size_t avail,
                          FadumpRegistration *reg, GError **error)
{
    FadumpFdm fdm;

    return fadump_fdm_decode(p, avail, &fdm, error) &&
           fadump_registration_from_fdm(&fdm, reg, error) &&
           fadump_registration_plausible(reg, ram, n_ram, error);
}

gboolean fadump_fdm_scan(FadumpDump *dump, FadumpProgressFunc progress,
                         gpointer progress_data, GArray **ret,
                         GError **error)
{
    size_t n_ram;
    g_autofree FadumpMemRange *ram = fadump_dump_ram_map(dump, &n_ram);
    g_autofree uint8_t *buf = g_malloc(SCAN_CHUNK + FDM_FULL_SIZE);
    g_autoptr(GArray) found = g_array_new(FALSE, TRUE,
                                          sizeof(FadumpFdmCandidate));
    g_autoptr(GError) rejected = NULL;    /* the first one's reason */
    uint64_t rejected_addr = 0;
    uint64_t total = 0, done = 0;

    for (size_t r = 0; r < n_ram; r++) {
        total += ram[r].size;
    }
    for (size_t r = 0; r < n_ram; r++) {
        uint64_t base = (ram[r].paddr + 7) & ~(uint64_t)7;
        uint64_t end = ram[r].paddr + ram[r].size;

        while (base < end && found->len < FADUMP_SCAN_MAX_CANDIDATES) {
            /* Scan SCAN_CHUNK starts; read enough after for a structure */
            uint64_t step = MIN((uint64_t)SCAN_CHUNK, end - base);
            uint64_t len = MIN(step + FDM_FULL_SIZE, end - base);

            if (!fadump_dump_read(dump, base, buf, len, error)) {
                return FALSE;
            }
            for (uint64_t off = 0; off + FADUMP_FDM_HEADER_SIZE <= len &&
                 off < step; off += 8) {
                const uint8_t *p = buf + off;
                uint64_t w = fadump_be64(p);
                FadumpFdmCandidate c;
                GError *why = NULL;

                /* version 1, 3 to 10 sections, first at offset 40 */
                if ((w >> 32) != FADUMP_FDM_FORMAT_VERSION ||
                    ((w >> 16) & 0xffff) < 3 ||
                    ((w >> 16) & 0xffff) > FADUMP_FDM_MAX_SECTIONS ||
                    fadump_be32(p + 8) != FADUMP_FDM_HEADER_SIZE) {
                    continue;
                }
                if (candidate(dump, ram, n_ram, p, len - off, &c.reg,
                              rejected ? NULL : &why)) {
                    c.addr = base + off;
                    c.fdh_known = fdh_magic_known(dump, c.reg.fdh_addr);
                    g_array_append_val(found, c);
                    if (found->len == FADUMP_SCAN_MAX_CANDIDATES) {
                        break;
                    }
                } else if (why) {
                    rejected = why;
                    rejected_addr = base + off;
                }
            }
            base += step;
            done += step;
            if (progress) {
                progress(done, total, progress_data);
            }
        }
    }
    if (progress && done != total) {
        progress(total, total, progress_data);    /* stopped early */
    }
    if (found->len == 0 && rejected) {
        /* say why, e.g. a truncated dump that lacks what it describes */
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "no usable dump memory structure; the one at 0x%"
                    G_GINT64_MODIFIER "x is rejected: %s (is the dump "
                    "complete?)", rejected_addr, rejected->message);
        return FALSE;
    }
    *ret = g_steal_pointer(&found);
    return TRUE;
}
