/*
 * Fuzz target of the register save area decoder (lib/dump/
 * papr/regsave.c) and the CPU notes built from it (vmcore/cpu-notes.c):
 * the bytes either fail to decode with an error or give CPU lists that
 * lie within the area, from which notes for each CPU can be built.
 * Seeds: the areas of the generated guests (tests/gen/fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore/cpu-notes.h"
#include "common/error.h"
#include "papr/regsave.h"
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(PaprRegsave) rs = NULL;
    g_autoptr(GBytes) notes = NULL;
    g_autoptr(GArray) cpus = NULL;
    const FuzzGuest *g = fuzz_guest(size & 1);
    PaprFdh fdh;

    if (!papr_regsave_decode(data, size, 0x10000, &rs, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        FUZZ_ASSERT(rs == NULL);
        return 0;
    }
    FUZZ_ASSERT(rs->used <= size);
    FUZZ_ASSERT(rs->cpus->len <= PAPR_REGSAVE_MAX_CPUS);
    for (guint i = 0; i < rs->cpus->len; i++) {
        const PaprRegsaveCpu *c =
            &g_array_index(rs->cpus, PaprRegsaveCpu, i);

        FUZZ_ASSERT(c->offset < size);
        FUZZ_ASSERT(c->n_ignored <= c->n_entries);
    }
    /* the notes, with a generated guest's crash-info header */
    FUZZ_ASSERT(papr_fdh_decode(g->img->ram + g->img->fdh_addr,
                                g->img->fdh_size, g->img->fdh_addr, &fdh,
                                NULL));
    notes = vmcore_cpu_notes_build(rs, &fdh, 4096, &cpus);
    FUZZ_ASSERT(notes != NULL && cpus != NULL);
    FUZZ_ASSERT(g_bytes_get_size(notes) >=
                (gsize)cpus->len * VMCORE_PRSTATUS_NOTE_SIZE);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_REGSAVE, add, opaque);
}
