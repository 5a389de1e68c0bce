/*
 * Fuzz target of the capture boot's device tree decoder (lib/dump/
 * fdt/kernel-dump.c, fadump-extract --dtb): whatever the bytes, decoding them
 * either fails with an error or gives a dump memory structure with at
 * most PAPR_FDM_MAX_SECTIONS sections.  Seeds: the trees of
 * tests/gen/fdt-test-trees.c (first boot, capture boot, no fadump).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/kernel-dump.h"
#include "common/error.h"
#include "fdt-test-trees.h"
#include "fuzz-target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    DtKernelDump info;

    if (!dt_kernel_dump_parse(data, size, &info, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(info.fdm.num_sections <= PAPR_FDM_MAX_SECTIONS);
    return 0;
}
