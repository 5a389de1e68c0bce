/*
 * Generated inputs of the lib/fdt fuzz target (fuzz-fdt.c): the trees
 * tests/gen/fdt-test-trees.c builds (first boot, capture boot, no fadump, SMT)
 * and a dump memory structure as ibm,kernel-dump bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt-test-trees.h"
#include "fuzz-target.h"

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    uint8_t fdm[200];
    TTSpec specs[] = {
        { 0 },                                          /* first boot */
        { .kernel_dump = fdm, .kernel_dump_len = 200 }, /* capture boot */
        { .no_fadump = TRUE },
        { .cpus = 2, .threads = 8, .max_cores = 4, .hpte_size = 1 << 24 },
    };

    tt_fdm(fdm, 0xde0);
    for (size_t i = 0; i < G_N_ELEMENTS(specs); i++) {
        size_t len;
        g_autofree void *blob = tt_blob(&specs[i], &len);
        g_autofree char *name = g_strdup_printf("tree-%zu", i);

        add(name, blob, len, opaque);
    }
    /* the structure alone, as ibm,kernel-dump bytes */
    add("kernel-dump", fdm, sizeof(fdm), opaque);
}
