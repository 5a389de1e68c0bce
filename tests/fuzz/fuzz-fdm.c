/*
 * Fuzz target of the dump memory structure decoder (lib/fadump-fdm.c)
 * and the registration derived from it (lib/dump/fadump-registration.c):
 * the bytes either fail to decode with an error or give a structure
 * whose sections, flags and registration can all be worked out and
 * checked against a RAM map.  Seeds: the structure each generated
 * kernel registers (fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fadump-error.h"
#include "fadump-fdm.h"
#include "fadump-registration.h"
#include "fuzz-dump.h"

static void check_registration(const FadumpFdm *fdm)
{
    static const FadumpMemRange ram[] = {
        { .paddr = 0, .size = 1u << 20 },
        { .paddr = 16u << 20, .size = 0xffffffffff000000ULL },
    };
    g_autoptr(GError) err = NULL;
    FadumpRegistration reg;

    if (!fadump_registration_from_fdm(fdm, &reg, &err)) {
        FUZZ_ASSERT(err && err->domain == FADUMP_ERROR && *err->message);
        return;
    }
    FUZZ_ASSERT(fadump_registration_same_layout(&reg, &reg));
    for (size_t n = 1; n <= G_N_ELEMENTS(ram); n++) {
        if (!fadump_registration_plausible(&reg, ram, n, &err)) {
            FUZZ_ASSERT(err && *err->message);
            g_clear_error(&err);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;
    FadumpFdm fdm;

    if (!fadump_fdm_decode(data, size, &fdm, &err)) {
        FUZZ_ASSERT(err && err->domain == FADUMP_ERROR && *err->message);
        return 0;
    }
    FUZZ_ASSERT(fdm.num_sections <= FADUMP_FDM_MAX_SECTIONS);
    FUZZ_ASSERT(fadump_fdm_size(&fdm) <= size);
    status = fadump_status_flags_str(fdm.status_flags);
    FUZZ_ASSERT(status && *status);
    for (unsigned int i = 0; i < fdm.num_sections; i++) {
        const FadumpSection *s = &fdm.sections[i];
        g_autofree char *flags = fadump_section_error_flags_str(
            s->error_flags);
        int at = fadump_fdm_find(&fdm, s->type, 0);

        FUZZ_ASSERT(flags && *flags);
        FUZZ_ASSERT(fadump_section_type_name(s->type) != NULL);
        FUZZ_ASSERT(at >= 0 && (unsigned int)at <= i);
    }
    check_registration(&fdm);
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_FDM, add, opaque);
}
