/*
 * Finding the capture boot's device tree in guest memory (see
 * dt-find.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "vmcore/dt-find.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "fdt/blob.h"

#define CHUNK           (8u << 20)
#define DTB_MAGIC_BYTE0 0xd0
#define DTB_HDR_LEN     28      /* magic to last_comp_version */

/* A header worth decoding: magic, version 16 or 17, a sane size */
static gboolean header_plausible(const uint8_t *p, uint32_t *totalsize)
{
    uint32_t version = qf_be32(p + 20), last_comp = qf_be32(p + 24);

    *totalsize = qf_be32(p + 4);
    return qf_be32(p) == 0xd00dfeedu && version >= 16 && version <= 17 &&
           last_comp <= 17 && *totalsize >= 40 && *totalsize <= DT_MAX_SIZE;
}

/* Decode the blob at @addr; FALSE (and no error) when it is not one */
static gboolean try_blob(Dump *dump, uint64_t addr, uint32_t totalsize,
                         VmcoreDtFound *ret, GError **error)
{
    g_autofree uint8_t *blob = NULL;
    DtKernelDump kd;

    if (!dump_covers(dump, addr, totalsize)) {
        return FALSE;
    }
    blob = g_malloc(totalsize);
    if (!dump_read(dump, addr, blob, totalsize, error) ||
        !dt_kernel_dump_parse(blob, totalsize, &kd, NULL)) {
        return FALSE;
    }
    ret->addr = addr;
    ret->kd = kd;
    return TRUE;
}

gboolean vmcore_dt_find(Dump *dump, uint64_t start, uint64_t end,
                        VmcoreDtFound *ret, GError **error)
{
    size_t n_ram;
    g_autofree DumpMemRange *ram = dump_ram_map(dump, &n_ram);
    g_autofree uint8_t *buf = g_malloc(CHUNK + DTB_HDR_LEN);
    unsigned int tries = 0;

    end = end ? end : UINT64_MAX;
    for (size_t r = 0; r < n_ram && tries < VMCORE_DT_MAX_TRIES; r++) {
        uint64_t base = (MAX(ram[r].paddr, start) + 7) & ~(uint64_t)7;
        uint64_t stop = MIN(ram[r].paddr + ram[r].size, end);

        while (base < stop && tries < VMCORE_DT_MAX_TRIES) {
            uint64_t step = MIN((uint64_t)CHUNK, stop - base);
            uint64_t len = MIN(step + DTB_HDR_LEN,
                               ram[r].paddr + ram[r].size - base);
            uint64_t off = 0;

            if (!dump_read(dump, base, buf, len, error)) {
                return FALSE;
            }
            while (off < step && tries < VMCORE_DT_MAX_TRIES) {
                const uint8_t *q = memchr(buf + off, DTB_MAGIC_BYTE0,
                                          step - off);
                uint64_t at;
                uint32_t size;
                GError *err = NULL;

                if (!q) {
                    break;
                }
                at = (uint64_t)(q - buf);
                off = at + 1;
                if (at % 8 || at + DTB_HDR_LEN > len ||
                    !header_plausible(q, &size)) {
                    continue;
                }
                tries++;
                if (try_blob(dump, base + at, size, ret, &err)) {
                    return TRUE;
                }
                if (err) {
                    g_propagate_error(error, err);
                    return FALSE;
                }
            }
            base += step;
        }
    }
    {
        g_autofree char *to = end == UINT64_MAX
            ? g_strdup("the end")
            : g_strdup_printf("0x%" G_GINT64_MODIFIER "x", end);

        g_set_error(error, QF_ERROR, QF_ERROR_ABSENT,
                    "no device tree with /rtas ibm,kernel-dump in guest "
                    "memory from 0x%" G_GINT64_MODIFIER "x to %s%s", start,
                    to, tries >= VMCORE_DT_MAX_TRIES
                        ? " (stopped after too many blob headers)" : "");
    }
    return FALSE;
}
