/*
 * Fuzz target of the reader of the ELF core header a 6.1 kernel leaves after
 * its crash-info header (lib/vmcore/elfcorehdr.c), and of the vmcore layout
 * built from it (vmcore/layout.c).  The bytes replace the header in a generated
 * 6.1 guest (tests/gen/fadump-gen.c) of the byte order their EI_DATA names, so
 * that the notes its program headers point at are there; the result either
 * fails with an error or lays out a vmcore. Seeds: the headers of the generated
 * 6.1 guests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore/elfcorehdr.h"
#include "common/error.h"
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const DumpOptions raw = { .raw = TRUE };
    const FuzzGuest *g = fuzz_guest(size > 5 && data[5] == 2 ? 3 : 2);
    const GenImage *img = g->img;
    g_autoptr(VmcoreCoreHeader) hdr = NULL;
    g_autoptr(VmcoreLayout) layout = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(GBytes) cpu_notes = g_bytes_new_static("\0\0\0\0", 4);
    g_autoptr(GError) err = NULL;
    uint64_t addr, len;
    PaprFdh fdh;

    FUZZ_ASSERT(fuzz_struct_at(g, FUZZ_STRUCT_ELFCOREHDR, &addr, &len));
    FUZZ_ASSERT(papr_fdh_decode(img->ram + img->fdh_addr, img->fdh_size,
                                img->fdh_addr, &fdh, NULL));
    FUZZ_ASSERT(fdh.elfcorehdr_addr == addr);
    len = MIN(size, img->p.ram_size - addr);
    fuzz_file_pwrite(g->raw, data, len, addr);
    dump = fuzz_dump_open(g->raw, &raw);
    FUZZ_ASSERT(dump != NULL);
    if (!vmcore_elfcorehdr_read(dump, &fdh, &hdr, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        FUZZ_ASSERT(hdr == NULL);
    } else {
        FUZZ_ASSERT(hdr->phdrs->len == hdr->note_data->len);
        vmcore_elfcorehdr_set_cpu_notes(hdr, cpu_notes);
        if (!vmcore_layout_build(hdr, 4096, 0, &layout, &err)) {
            FUZZ_ASSERT(err && err->domain == QF_ERROR &&
                        *err->message);
        } else {
            FUZZ_ASSERT(layout->file_size >=
                        g_bytes_get_size(layout->header));
        }
    }
    /* the guest as it was, for the next input */
    fuzz_file_pwrite(g->raw, img->ram + addr, len, addr);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_ELFCOREHDR, add, opaque);
}
