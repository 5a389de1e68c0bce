/*
 * Fuzz target of the dump memory structure decoder (lib/papr/fdm.c)
 * and the registration derived from it (lib/vmcore/registration.c):
 * the bytes either fail to decode with an error or give a structure
 * whose sections, flags and registration can all be worked out and
 * checked against a RAM map.  Seeds: the structure each generated
 * kernel registers (tests/gen/fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/error.h"
#include "papr/fdm.h"
#include "vmcore/registration.h"
#include "fuzz-dump.h"

static void check_registration(const PaprFdm *fdm)
{
    static const DumpMemRange ram[] = {
        { .paddr = 0, .size = 1u << 20 },
        { .paddr = 16u << 20, .size = 0xffffffffff000000ULL },
    };
    g_autoptr(GError) err = NULL;
    VmcoreRegistration reg;

    if (!vmcore_registration_from_fdm(fdm, &reg, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        return;
    }
    FUZZ_ASSERT(vmcore_registration_same_layout(&reg, &reg));
    for (size_t n = 1; n <= G_N_ELEMENTS(ram); n++) {
        if (!vmcore_registration_plausible(&reg, ram, n, &err)) {
            FUZZ_ASSERT(err && *err->message);
            g_clear_error(&err);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;
    PaprFdm fdm;

    if (!papr_fdm_decode(data, size, &fdm, &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(fdm.num_sections <= PAPR_FDM_MAX_SECTIONS);
    FUZZ_ASSERT(papr_fdm_size(&fdm) <= size);
    status = papr_status_flags_str(fdm.status_flags);
    FUZZ_ASSERT(status && *status);
    for (unsigned int i = 0; i < fdm.num_sections; i++) {
        const PaprSection *s = &fdm.sections[i];
        g_autofree char *flags = papr_section_error_flags_str(
            s->error_flags);
        int at = papr_fdm_find(&fdm, s->type, 0);

        FUZZ_ASSERT(flags && *flags);
        FUZZ_ASSERT(papr_section_type_name(s->type) != NULL);
        FUZZ_ASSERT(at >= 0 && (unsigned int)at <= i);
    }
    check_registration(&fdm);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_FDM, add, opaque);
}
