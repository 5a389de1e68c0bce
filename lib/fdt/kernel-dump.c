/*
 * The fadump properties of a capture boot's device tree (see
 * kernel-dump.h): read through lib/fdt's bounded loader and decoded by
 * the same decoders fdt-inspect uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <libfdt.h>

#include "common/error.h"
#include "fdt/blob.h"
#include "fdt/decode.h"
#include "fdt/kernel-dump.h"
#include "fdt/rtas.h"

static gboolean kernel_dump_of(const DtBlob *fdt, DtKernelDump *ret,
                               GError **error)
{
    DtKernelDump info = { 0 };
    g_autoptr(GArray) sizes = NULL;
    const void *prop;
    int node, plen;

    node = fdt_path_offset(fdt->blob, "/rtas");
    if (node < 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "device tree has no /rtas node");
        return FALSE;
    }
    prop = fdt_getprop(fdt->blob, node, DT_PROP_KERNEL_DUMP, &plen);
    if (!prop) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "/rtas has no " DT_PROP_KERNEL_DUMP ": no dump was "
                    "active when this device tree was made");
        return FALSE;
    }
    if (!papr_fdm_decode(prop, plen, &info.fdm, error)) {
        g_prefix_error(error, "/rtas/" DT_PROP_KERNEL_DUMP ": ");
        return FALSE;
    }
    prop = fdt_getprop(fdt->blob, node, DT_PROP_SIZES, &plen);
    if (prop) {
        if (!dt_decode_dump_sizes(prop, plen, &sizes, error)) {
            g_prefix_error(error, "/rtas/" DT_PROP_SIZES ": ");
            return FALSE;
        }
        info.have_sizes = TRUE;
        for (guint i = 0; i < sizes->len; i++) {
            const DtDumpSize *s = &g_array_index(sizes, DtDumpSize, i);

            if (s->type == PAPR_TYPE_CPU_STATE) {
                info.cpu_state_size = s->size;
            } else if (s->type == PAPR_TYPE_HPTE) {
                info.hpte_size = s->size;
            }
        }
    }
    *ret = info;
    return TRUE;
}

gboolean dt_kernel_dump_parse(const void *data, size_t len,
                              DtKernelDump *ret, GError **error)
{
    /*
     * libfdt 1.6.1 trusts the blob's lengths even in fdt_check_full()
     * (a hostile tree crashes it): dt_new_from_data() checks it with
     * explicit bounds first, and gives an aligned copy
     */
    g_autoptr(DtBlob) fdt = dt_new_from_data(data, len, "device tree blob",
                                             error);

    return fdt && kernel_dump_of(fdt, ret, error);
}

gboolean dt_kernel_dump_load(const char *path, DtKernelDump *ret,
                             GError **error)
{
    /* one bounded read of the open file: no stat-then-read race */
    g_autoptr(DtBlob) fdt = dt_load_file(path, error);

    if (!fdt) {
        return FALSE;
    }
    if (!kernel_dump_of(fdt, ret, error)) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return TRUE;
}
