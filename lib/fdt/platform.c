/*
 * Memory and processors described by a tree (see fdt-platform.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/platform.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "common/byteorder.h"
#include "common/error.h"

#include <libfdt.h>
#include <string.h>

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    return cells == 2 ? qf_be64(p) : cells == 1 ? qf_be32(p) : 0;
}

gboolean dt_parse_reg(const uint8_t *value, int len,
                      uint32_t addr_cells, uint32_t size_cells,
                      GArray **ranges, GError **error)
{
    g_autoptr(GArray) r = NULL;
    size_t entry;

    if (addr_cells < 1 || addr_cells > 2 || size_cells > 2) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "reg with #address-cells %u, #size-cells %u (1-2 and"
                    " 0-2 are read)", addr_cells, size_cells);
        return FALSE;
    }
    entry = (size_t)(addr_cells + size_cells) * 4;
    if (len < 0 || (size_t)len % entry) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "reg is %d bytes, not a multiple of %zu (#address-cells"
                    " %u, #size-cells %u)", len, entry, addr_cells,
                    size_cells);
        return FALSE;
    }
    r = g_array_sized_new(FALSE, FALSE, sizeof(DtMemRange),
                          (guint)((size_t)len / entry));
    for (size_t off = 0; off < (size_t)len; off += entry) {
        DtMemRange m = {
            .start = read_cells(value + off, addr_cells),
            .size = read_cells(value + off + addr_cells * 4, size_cells),
        };

        if (m.size && m.start + m.size - 1 < m.start) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "reg range 0x%" G_GINT64_MODIFIER "x + 0x%"
                        G_GINT64_MODIFIER "x wraps past 2^64", m.start,
                        m.size);
            return FALSE;
        }
        g_array_append_val(r, m);
    }
    *ranges = g_steal_pointer(&r);
    return TRUE;
}

static gboolean is_memory_node(const DtBlob *fdt, const DtNode *n)
{
    if (n->depth != 1) {
        return FALSE;
    }
    if (dt_getprop(fdt, n->offset, "device_type", NULL)) {
        return dt_node_is_type(fdt, n->offset, "memory");
    }
    return !strcmp(n->name, "memory") || g_str_has_prefix(n->name, "memory@");
}

static gint range_cmp(gconstpointer a, gconstpointer b)
{
    const DtMemRange *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and join: the result covers the same addresses, without overlap */
static GArray *merge_ranges(GArray *ranges, uint64_t *total)
{
    g_autoptr(GArray) sorted = g_array_copy(ranges);
    GArray *merged = g_array_new(FALSE, FALSE, sizeof(DtMemRange));

    g_array_sort(sorted, range_cmp);
    *total = 0;
    for (guint i = 0; i < sorted->len; i++) {
        DtMemRange r = g_array_index(sorted, DtMemRange, i);
        DtMemRange *last = merged->len ?
            &g_array_index(merged, DtMemRange, merged->len - 1) : NULL;

        if (!r.size) {
            continue;
        }
        /* inclusive ends cannot wrap: dt_parse_reg() checked */
        if (last) {
            uint64_t last_end = last->start + last->size - 1;
            uint64_t end = r.start + r.size - 1;

            if (last_end == UINT64_MAX || r.start <= last_end + 1) {
                end = MAX(end, last_end);
                *total -= last->size;
                /* [0, 2^64) would not fit: one byte short then */
                last->size = end - last->start == UINT64_MAX ?
                             UINT64_MAX : end - last->start + 1;
                *total += last->size;
                continue;
            }
        }
        g_array_append_val(merged, r);
        *total += r.size;
    }
    return merged;
}

gboolean dt_memory(const DtBlob *fdt, GArray *index,
                   DtMemory *mem, GError **error)
{
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(DtMemRange));
    uint32_t ac, sc;
    guint nodes = 0;

    memset(mem, 0, sizeof(*mem));
    if (!dt_node_cells(fdt, 0, "#address-cells", 2, &ac, error) ||
        !dt_node_cells(fdt, 0, "#size-cells", 1, &sc, error)) {
        return FALSE;
    }
    for (guint i = 0; i < index->len; i++) {
        const DtNode *n = dt_node(index, (int)i);
        g_autoptr(GArray) r = NULL;
        g_autoptr(GError) err = NULL;
        const uint8_t *reg;
        int len;

        if (!is_memory_node(fdt, n)) {
            continue;
        }
        nodes++;
        reg = dt_getprop(fdt, n->offset, "reg", &len);
        if (!reg) {
            continue;
        }
        if (!dt_parse_reg(reg, len, ac, sc, &r, &err)) {
            g_set_error(error, QF_ERROR, err->code, "%s: %s: %s",
                        fdt->origin, n->path, err->message);
            return FALSE;
        }
        g_array_append_vals(all, r->data, r->len);
    }
    if (!nodes) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "%s: no memory node", fdt->origin);
        return FALSE;
    }
    mem->merged = merge_ranges(all, &mem->total);
    mem->ranges = g_steal_pointer(&all);
    return TRUE;
}

void dt_memory_clear(DtMemory *mem)
{
    g_clear_pointer(&mem->ranges, g_array_unref);
    g_clear_pointer(&mem->merged, g_array_unref);
    mem->total = 0;
}

gboolean dt_memory_contains(const DtMemory *mem,
                            uint64_t start, uint64_t len)
{
    if (!mem->merged) {
        return FALSE;
    }
    for (guint i = 0; i < mem->merged->len; i++) {
        const DtMemRange *r = &g_array_index(mem->merged,
                                             DtMemRange, i);

        if (start >= r->start &&
            qf_span_ok(r->size, start - r->start, len ? len : 1)) {
            return TRUE;
        }
    }
    return FALSE;
}

gboolean dt_cpus(const DtBlob *fdt, GArray *index,
                 DtCpus *cpus, GError **error)
{
    int cpus_off = fdt_path_offset(fdt->blob, "/cpus");
    int rtas_off = fdt_path_offset(fdt->blob, "/rtas");
    const uint8_t *lrdr;
    int len;

    memset(cpus, 0, sizeof(*cpus));
    if (cpus_off < 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "%s: no /cpus node", fdt->origin);
        return FALSE;
    }
    for (guint i = 0; i < index->len; i++) {
        const DtNode *n = dt_node(index, (int)i);
        const DtNode *parent;
        const uint8_t *servers;
        unsigned int threads = 1;

        if (n->depth != 2) {
            continue;
        }
        parent = dt_node(index, n->parent);
        if (parent->offset != cpus_off ||
            !dt_node_is_type(fdt, n->offset, "cpu")) {
            continue;
        }
        servers = dt_getprop(fdt, n->offset,
                             "ibm,ppc-interrupt-server#s", &len);
        if (servers) {
            if (len <= 0 || len % 4) {
                g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                            "%s: %s: ibm,ppc-interrupt-server#s is %d bytes,"
                            " not whole cells", fdt->origin, n->path, len);
                return FALSE;
            }
            threads = (unsigned int)len / 4;
        }
        cpus->nodes++;
        /* no overflow: len is bounded by the blob size */
        cpus->present += threads;
        cpus->threads_per_core = MAX(cpus->threads_per_core, threads);
    }
    lrdr = dt_getprop(fdt, rtas_off, DT_PROP_LRDR_CAPACITY, &len);
    if (lrdr && len >= 20) {
        cpus->max_known = TRUE;
        cpus->max = (uint64_t)qf_be32(lrdr + 16) *
                    MAX(cpus->threads_per_core, 1);
    }
    return TRUE;
}
