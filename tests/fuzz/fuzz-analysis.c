/*
 * Fuzz target of the whole analysis (lib/vmcore/analysis.c and the decoders it
 * drives): a generated guest (tests/gen/fadump-gen.c) as a raw image, with the
 * input spliced over one of the structures the analysis locates.  Input: byte 0
 * picks the guest (bits 0-1: 6.12/6.1, LE/BE) and the structure (bits 2+: fdm,
 * fdh, register save area, VMCOREINFO, 6.1 ELF core header); byte 1 bit 0: give
 * the fdm address instead of scanning for it; the rest replaces the structure's
 * bytes.  The analysis either fails with an error or gives a layout whose every
 * segment the dump holds.  Seeds: each structure of each guest as it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore/analysis.h"
#include "common/error.h"
#include "fuzz-dump.h"

#define FUZZ_HDR    2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const DumpOptions raw = { .raw = TRUE };
    const FuzzGuest *g;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autoptr(GError) err = NULL;
    VmcoreAnalyseOptions opts = { 0 };
    uint64_t addr, len;

    if (size < FUZZ_HDR) {
        return 0;
    }
    g = fuzz_guest(data[0] & 3);
    fuzz_struct_at(g, (FuzzStruct)((data[0] >> 2) % FUZZ_STRUCTS), &addr,
                   &len);
    len = MIN(size - FUZZ_HDR, g->img->p.ram_size - addr);
    fuzz_file_pwrite(g->raw, data + FUZZ_HDR, len, addr);
    dump = fuzz_dump_open(g->raw, &raw);
    FUZZ_ASSERT(dump != NULL);
    if (data[1] & 1) {
        opts.have_fdm_addr = TRUE;
        opts.fdm_addr = g->img->fdm_addr;
    }
    a = vmcore_analyse(dump, &opts, &err);
    if (!a) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
    } else {
        FUZZ_ASSERT(a->layout && a->regsave && a->cpu_notes);
        FUZZ_ASSERT(a->vmcoreinfo && a->page_size);
        for (guint i = 0; i < a->layout->segments->len; i++) {
            const VmcoreSegment *s =
                &g_array_index(a->layout->segments, VmcoreSegment, i);

            FUZZ_ASSERT(dump_covers(dump, s->src, s->size));
            FUZZ_ASSERT(s->file_offset + s->size <= a->layout->file_size);
        }
    }
    /* the guest as it was, for the next input */
    fuzz_file_pwrite(g->raw, g->img->ram + addr, len, addr);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    for (unsigned int v = 0; v < FUZZ_GUESTS; v++) {
        const FuzzGuest *g = fuzz_guest(v);

        for (unsigned int s = 0; s < FUZZ_STRUCTS; s++) {
            g_autoptr(GByteArray) in = g_byte_array_new();
            g_autofree char *name = NULL;
            uint8_t hdr[FUZZ_HDR] = { (uint8_t)(v | s << 2), s & 1 };
            uint64_t addr, len;

            if (!fuzz_struct_at(g, s, &addr, &len)) {
                continue;
            }
            g_byte_array_append(in, hdr, sizeof(hdr));
            g_byte_array_append(in, g->img->ram + addr, len);
            name = g_strdup_printf("%s-%s", g->name, fuzz_struct_name(s));
            add(name, in->data, in->len, opaque);
        }
    }
}
