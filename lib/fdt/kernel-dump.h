/*
 * The fadump properties of a capture boot's device tree: /rtas
 * ibm,kernel-dump (the dump memory structure as the platform updated it)
 * and ibm,configure-kernel-dump-sizes (C and H as the capture kernel sees
 * them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_KERNEL_DUMP_H
#define DT_KERNEL_DUMP_H

#include <glib.h>
#include <stdint.h>

#include "papr/fdm.h"

typedef struct DtKernelDump {
    PaprFdm fdm;                /* decoded ibm,kernel-dump */
    gboolean have_sizes;        /* ibm,configure-kernel-dump-sizes */
    uint64_t cpu_state_size;    /* its PAPR_TYPE_CPU_STATE entry, or 0 */
    uint64_t hpte_size;         /* its PAPR_TYPE_HPTE entry, or 0 */
} DtKernelDump;

/**
 * dt_kernel_dump_parse - the fadump properties of a device tree blob
 * @blob: the DTB
 * @len: its size
 * @ret: the result; untouched on failure
 * @error: dt_new_from_data()'s errors when @blob is not a valid
 *     DTB (truncated, corrupt, unsupported), QF_ERROR_NOT_FOUND when
 *     there is no /rtas ibm,kernel-dump (no dump was active at that
 *     boot), papr_fdm_decode()'s errors, and QF_ERROR_CORRUPT when
 *     ibm,configure-kernel-dump-sizes is not a list of triples
 */
gboolean dt_kernel_dump_parse(const void *blob, size_t len,
                              DtKernelDump *ret, GError **error);

/**
 * dt_kernel_dump_load - dt_kernel_dump_parse() on a file, read once with
 *     dt_load_file()
 * @error: as dt_load_file() (QF_ERROR_IO when it cannot be read,
 *     QF_ERROR_UNSUPPORTED beyond DT_MAX_SIZE), else as
 *     dt_kernel_dump_parse(); messages start with @path
 */
gboolean dt_kernel_dump_load(const char *path, DtKernelDump *ret,
                             GError **error);

#endif /* DT_KERNEL_DUMP_H */
