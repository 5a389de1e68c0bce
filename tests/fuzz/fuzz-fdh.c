/*
 * Fuzz target of the crash-info header decoder (lib/papr/fdh.c,
 * FADMPSIG of Linux 6.10+ and FADMPINF of 6.1, either byte order): the
 * bytes either fail to decode with an error or give a header whose
 * fields stay within what was read.  Seeds: the headers of the
 * generated guests (tests/gen/fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/error.h"
#include "papr/fdh.h"
#include "fuzz-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    PaprFdh fdh;

    if (!papr_fdh_decode(data, size, 0x1230000, &fdh, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(fdh.addr == 0x1230000);
    FUZZ_ASSERT(fdh.size <= size);
    FUZZ_ASSERT(fdh.cpu_mask_sz <= PAPR_FDH_MAX_CPU_MASK);
    FUZZ_ASSERT(papr_fdh_cpus_online(&fdh) <= 8 * fdh.cpu_mask_sz);
    for (uint32_t cpu = 0; cpu < 8 * PAPR_FDH_MAX_CPU_MASK + 8; cpu += 7) {
        (void)papr_fdh_cpu_online(&fdh, cpu);
    }
    (void)papr_fdh_cpu_online(&fdh, PAPR_FDH_CPU_UNKNOWN);
    for (unsigned int i = 0; i < PAPR_PT_REGS_WORDS; i++) {
        (void)papr_fdh_reg(&fdh, i);
    }
    FUZZ_ASSERT(papr_fdh_magic_name(&fdh) != NULL);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_FDH, add, opaque);
}
