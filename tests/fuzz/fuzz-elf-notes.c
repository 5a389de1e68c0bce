/*
 * Fuzz target of the ELF note walker (lib/elfcore/notes.c): whatever
 * the bytes, in either byte order, the notes found lie inside them and
 * their real size never exceeds them.  Seeds: the note segments of the
 * generated vmcores (tests/gen/fadump-gen.c: CPU notes, then VMCOREINFO).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int be = 0; be < 2; be++) {
        gboolean dropped = FALSE;
        uint64_t real = elfcore_notes_real_size(data, size, be, &dropped);
        g_autoptr(GArray) notes = elfcore_notes_parse(data, size, be);

        FUZZ_ASSERT(real <= size);
        FUZZ_ASSERT(notes != NULL);
        for (guint i = 0; i < notes->len; i++) {
            const ElfcoreNote *n = &g_array_index(notes, ElfcoreNote, i);

            FUZZ_ASSERT(n->offset + ELFCORE_NOTE_HDR_SIZE <= size);
            FUZZ_ASSERT(n->name >= data && n->name + n->namesz <=
                        data + size);
            FUZZ_ASSERT(n->desc >= data && n->desc + n->descsz <=
                        data + size);
            (void)elfcore_note_is(n, "CORE");
            (void)elfcore_note_is(n, "VMCOREINFO");
        }
    }
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    for (unsigned int v = 0; v < FUZZ_GUESTS; v++) {
        const FuzzGuest *g = fuzz_guest(v);
        const uint8_t *core = g->img->vmcore->data;
        gboolean be = core[5] == 2;
        /* program header 0 is the PT_NOTE */
        uint64_t off = qf_get64(core + 64 + 8, be);
        uint64_t len = qf_get64(core + 64 + 32, be);
        g_autofree char *name = g_strdup_printf("vmcore-notes-%s", g->name);

        add(name, core + off, len, opaque);
    }
}
