/*
 * Fuzz target of the VMCOREINFO decoder (lib/elfcore/vmcoreinfo.c): the
 * bytes, as a note buffer of either byte order, either fail with an
 * error or give a NUL-free text whose keys and page size can be looked
 * up.  Seeds: the VMCOREINFO buffers of the generated guests
 * (tests/gen/fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "common/error.h"
#include "fuzz-dump.h"
#include "elfcore/vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* keys as callers give them: no newline in them */
    static const char *const keys[] = {
        "OSRELEASE", "PAGESIZE", "SYMBOL(_stext)", "", "=",
    };

    for (int be = 0; be < 2; be++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *text = elfcore_vmcoreinfo_from_notes(data, size, be,
                                                              0x4000, &err);
        uint64_t pg;

        if (!text) {
            FUZZ_ASSERT(err && err->domain == QF_ERROR &&
                        *err->message);
            continue;
        }
        FUZZ_ASSERT(strlen(text) <= size);
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
            g_autofree char *v = elfcore_vmcoreinfo_get(text, keys[i]);

            FUZZ_ASSERT(!v || strlen(v) <= strlen(text));
        }
        if (elfcore_vmcoreinfo_page_size(text, &pg, &err)) {
            FUZZ_ASSERT(pg != 0 && (pg & (pg - 1)) == 0);
        } else {
            FUZZ_ASSERT(err && *err->message);
        }
    }
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_VMCOREINFO, add, opaque);
}
