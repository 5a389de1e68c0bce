/*
 * The fadump properties of a capture boot's device tree: /rtas
 * ibm,kernel-dump (the dump memory structure as the platform updated it)
 * and ibm,configure-kernel-dump-sizes (C and H as the capture kernel sees
 * them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_DTB_H
#define FADUMP_DTB_H

#include <glib.h>
#include <stdint.h>

#include "fadump-fdm.h"

/* Larger device tree blobs are refused (QEMU's pseries FDT: <= 1 MiB) */
#define FADUMP_DTB_MAX_SIZE (16u << 20)

typedef struct FadumpDtbInfo {
    FadumpFdm fdm;                  /* decoded ibm,kernel-dump */
    gboolean have_sizes;            /* ibm,configure-kernel-dump-sizes */
    uint64_t cpu_state_size;        /* its type 1 entry, or 0 */
    uint64_t hpte_size;             /* its type 2 entry, or 0 */
} FadumpDtbInfo;

/**
 * fadump_dtb_parse - the fadump properties of a device tree blob
 * @blob: the DTB
 * @len: its size
 * @ret: the result; untouched on failure
 * @error: fadump_fdt_new_from_data()'s errors when @blob is not a valid
 *     DTB (truncated, corrupt, unsupported), FADUMP_ERROR_NOT_FOUND when
 *     there is no /rtas ibm,kernel-dump (no dump was active at that
 *     boot), and fadump_fdm_decode()'s errors
 */
gboolean fadump_dtb_parse(const void *blob, size_t len, FadumpDtbInfo *ret,
                          GError **error);

/**
 * fadump_dtb_load - fadump_dtb_parse() on a file
 * @error: FADUMP_ERROR_IO when it cannot be read, FADUMP_ERROR_UNSUPPORTED
 *     beyond FADUMP_DTB_MAX_SIZE, else as fadump_dtb_parse(); messages
 *     start with @path
 */
gboolean fadump_dtb_load(const char *path, FadumpDtbInfo *ret,
                         GError **error);

#endif /* FADUMP_DTB_H */
