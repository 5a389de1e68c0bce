/*
 * Reading the fadump properties of a device tree (see fadump-dtb.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fadump-dtb.h"
#include "fdt-blob.h"
#include "fadump-byteorder.h"
#include "fadump-error.h"

gboolean fadump_dtb_parse(const void *data, size_t len, FadumpDtbInfo *ret,
                          GError **error)
{
    FadumpDtbInfo info = { 0 };
    g_autoptr(FadumpFdt) fdt = NULL;
    const void *blob, *prop;
    int node, plen;

    /*
     * libfdt 1.6.1 trusts the blob's lengths even in fdt_check_full()
     * (a hostile tree crashes it): lib/fdt checks it with explicit
     * bounds first, and gives an aligned copy
     */
    fdt = fadump_fdt_new_from_data(data, len, "device tree blob", error);
    if (!fdt) {
        return FALSE;
    }
    blob = fdt->blob;
    node = fdt_path_offset(blob, "/rtas");
    if (node < 0) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "device tree has no /rtas node");
        return FALSE;
    }
    prop = fdt_getprop(blob, node, "ibm,kernel-dump", &plen);
    if (!prop) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "/rtas has no ibm,kernel-dump: no dump was active when "
                    "this device tree was made");
        return FALSE;
    }
    if (!fadump_fdm_decode(prop, plen, &info.fdm, error)) {
        g_prefix_error(error, "/rtas/ibm,kernel-dump: ");
        return FALSE;
    }
    prop = fdt_getprop(blob, node, "ibm,configure-kernel-dump-sizes", &plen);
    if (prop) {
        const uint8_t *p = prop;

        info.have_sizes = TRUE;
        for (int i = 0; i + 12 <= plen; i += 12) {
            uint32_t type = fadump_be32(p + i);
            uint64_t size = (uint64_t)fadump_be32(p + i + 4) << 32 |
                            fadump_be32(p + i + 8);

            if (type == 1) {
                info.cpu_state_size = size;
            } else if (type == 2) {
                info.hpte_size = size;
            }
        }
    }
    *ret = info;
    return TRUE;
}

gboolean fadump_dtb_load(const char *path, FadumpDtbInfo *ret,
                         GError **error)
{
    g_autofree char *data = NULL;
    struct stat st;
    gsize len;
    GError *err = NULL;

    if (stat(path, &st) == 0 && st.st_size > FADUMP_DTB_MAX_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "%s: %lld bytes, larger than any device tree this tool "
                    "takes (%u)", path, (long long)st.st_size,
                    FADUMP_DTB_MAX_SIZE);
        return FALSE;
    }
    if (!g_file_get_contents(path, &data, &len, &err)) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s", err->message);
        g_error_free(err);
        return FALSE;
    }
    if (!fadump_dtb_parse(data, len, ret, &err)) {
        g_propagate_prefixed_error(error, err, "%s: ", path);
        return FALSE;
    }
    return TRUE;
}
