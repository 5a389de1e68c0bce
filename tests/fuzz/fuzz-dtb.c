/*
 * Fuzz target of the capture boot's device tree decoder (lib/dump/
 * fadump-dtb.c, fadump-extract --dtb): whatever the bytes, decoding them
 * either fails with an error or gives a dump memory structure with at
 * most FADUMP_FDM_MAX_SECTIONS sections.  Seeds: the trees of
 * fdt-test-trees.c (first boot, capture boot, no fadump).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fadump-dtb.h"
#include "fadump-error.h"
#include "fdt-test-trees.h"
#include "fuzz-target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    FadumpDtbInfo info;

    if (!fadump_dtb_parse(data, size, &info, &err)) {
        FUZZ_ASSERT(err && err->domain == FADUMP_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(info.fdm.num_sections <= FADUMP_FDM_MAX_SECTIONS);
    return 0;
}
