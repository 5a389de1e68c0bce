/*
 * Fuzz target of the dump readers (lib/dump/reader.c, dump/elf.c,
 * dump/raw.c): whatever the bytes, dump_open() on them either
 * fails with an error or gives sorted, non-overlapping ranges that can
 * all be read and located.  The bytes are opened as they come (an ELF
 * core of QMP dump-guest-memory) and as raw images at two bases.
 * Seeds: small QEMU ELF dumps of both layouts and byte orders with 1 to
 * 3 loads, written by tests/gen/fadump-gen.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const DumpOptions opts[] = {
        { 0 },
        { .raw = TRUE, .raw_base = 0 },
        { .raw = TRUE, .raw_base = 0xfffffffffff00000ULL },
    };
    g_autoptr(FuzzFile) f = fuzz_file_new(data, size);

    for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
        g_autoptr(Dump) dump = fuzz_dump_open(f, &opts[i]);

        if (dump) {
            FUZZ_ASSERT(dump_file_size(dump) == size);
            fuzz_read_all(dump);
        }
    }
    return 0;
}

typedef struct ElfSeed {
    GenElfLayout layout;
    gboolean big_endian;
    unsigned int nloads;
} ElfSeed;

static void write_elf(const GenImage *img, const char *path,
                      const void *opaque)
{
    const ElfSeed *s = opaque;

    gen_write_qemu_elf(img, path, s->layout, s->big_endian, s->nloads);
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    /* only the CPU count, the RAM and its size matter to the ELF writer */
    GenImage img = { .p = { .ncpus = 2, .ram_size = 8192 } };
    uint8_t ram[8192];

    for (size_t i = 0; i < sizeof(ram); i++) {
        ram[i] = (uint8_t)(i * 7 + 1);
    }
    img.ram = ram;
    for (int layout = 0; layout < 2; layout++) {
        for (int be = 0; be < 2; be++) {
            for (unsigned int nloads = 1; nloads <= 3; nloads += 2) {
                ElfSeed s = { layout ? GEN_ELF_QEMU_NEW : GEN_ELF_QEMU_OLD,
                              be, nloads };
                g_autoptr(GBytes) b = fuzz_gen_file(&img, write_elf, &s);
                g_autofree char *name =
                    g_strdup_printf("qemu-elf-%s-%s-%uloads",
                                    layout ? "new" : "old",
                                    be ? "be" : "le", nloads);

                add(name, g_bytes_get_data(b, NULL), g_bytes_get_size(b),
                    opaque);
            }
        }
    }
}
