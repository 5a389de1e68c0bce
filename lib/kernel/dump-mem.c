/*
 * Physical memory straight from a dump (see dump-mem.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kernel/dump-mem.h"

static gboolean read_dump(gpointer data, uint64_t paddr, void *buf,
                          size_t len, GError **error)
{
    return dump_read(data, paddr, buf, len, error);
}

KernelMem *kernel_mem_new_for_dump(Dump *dump, gboolean big_endian)
{
    return kernel_mem_new(read_dump, dump, NULL, big_endian);
}
