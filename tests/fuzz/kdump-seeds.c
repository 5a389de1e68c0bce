/*
 * Seed inputs of fuzz-kdump: small kdump-compressed files laid out by
 * tests/gen/kdump-gen.c (4 KiB blocks, 64 pages of mixed zero,
 * compressible and incompressible memory), one per variant the reader
 * takes: each compression, both byte orders, raw and flattened, a hole,
 * the incomplete flag.
 *
 * Usage: kdump-seeds FILE...  (one file per variant, in this order:
 * zlib-le, lzo-be, snappy-le-flat, raw-be-flat-hole, zlib-le-incomplete)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdump-gen.h"

#define SEED_RAM    (256u << 10)

int main(int argc, char **argv)
{
    static const struct {
        uint32_t compression;
        gboolean be, flat, hole;
        uint64_t written;
    } v[] = {
        { KGEN_ZLIB, FALSE, FALSE, FALSE, 0 },
        { KGEN_LZO, TRUE, FALSE, FALSE, 0 },
        { KGEN_SNAPPY, FALSE, TRUE, FALSE, 0 },
        { 0, TRUE, TRUE, TRUE, 0 },
        { KGEN_ZLIB, FALSE, FALSE, FALSE, 40 },
    };
    g_autofree uint8_t *ram = g_malloc0(SEED_RAM);

    if (argc - 1 != (int)G_N_ELEMENTS(v)) {
        fprintf(stderr, "usage: kdump-seeds FILE x %zu\n", G_N_ELEMENTS(v));
        return 2;
    }
    for (uint64_t a = 0; a < SEED_RAM / 2; a++) {
        ram[a] = a < SEED_RAM / 4 ? 'a' + (a / 7) % 26
                                  : (uint8_t)((a * 0x9e3779b1u) >> 13);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
        KgenParams p;

        kgen_params_default(&p);
        p.compression = v[i].compression;
        p.big_endian = v[i].be;
        p.flattened = v[i].flat;
        p.block_size = 4096;
        p.written = v[i].written;
        if (v[i].hole) {
            p.hole_start = 64u << 10;
            p.hole_end = 80u << 10;
        }
        kgen_write(&p, ram, SEED_RAM, argv[i + 1], NULL);
    }
    return 0;
}
