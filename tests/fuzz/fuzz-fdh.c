/*
 * Fuzz target of the crash-info header decoder (lib/dump/fadump-fdh.c,
 * FADMPSIG of Linux 6.10+ and FADMPINF of 6.1, either byte order): the
 * bytes either fail to decode with an error or give a header whose
 * fields stay within what was read.  Seeds: the headers of the
 * generated guests (fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fadump-error.h"
#include "fadump-fdh.h"
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    FadumpFdh fdh;

    if (!fadump_fdh_decode(data, size, 0x1230000, &fdh, &err)) {
        FUZZ_ASSERT(err && err->domain == FADUMP_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(fdh.addr == 0x1230000);
    FUZZ_ASSERT(fdh.size <= size);
    FUZZ_ASSERT(fdh.cpu_mask_sz <= FADUMP_FDH_MAX_CPU_MASK);
    FUZZ_ASSERT(fadump_fdh_cpus_online(&fdh) <= 8 * fdh.cpu_mask_sz);
    for (uint32_t cpu = 0; cpu < 8 * FADUMP_FDH_MAX_CPU_MASK + 8; cpu += 7) {
        (void)fadump_fdh_cpu_online(&fdh, cpu);
    }
    (void)fadump_fdh_cpu_online(&fdh, FADUMP_FDH_CPU_UNKNOWN);
    for (unsigned int i = 0; i < FADUMP_PT_REGS_WORDS; i++) {
        (void)fadump_fdh_reg(&fdh, i);
    }
    FUZZ_ASSERT(fadump_fdh_magic_name(&fdh) != NULL);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_FDH, add, opaque);
}
