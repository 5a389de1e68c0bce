/*
 * Fuzz target of the reader of a real /proc/vmcore copy (lib/dump/
 * vmcore/validate.c, fadump-extract --validate): the vmcore expected of
 * a generated guest (tests/gen/fadump-gen.c) with the input over its start.
 * Input: byte 0 picks the guest (bits 0-1: 6.12/6.1, LE/BE; bit 2: the
 * file ends where the input does, else the expected bytes follow); the
 * rest is the vmcore's first bytes (ELF header, program headers, notes).
 * Validation either fails with an error or reports, with the problems
 * listed when it is no match.  Seeds: the header and notes of each
 * guest's vmcore, whole and cut.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore/analysis.h"
#include "common/error.h"
#include "fuzz-dump.h"
#include "vmcore/validate.h"

#define FUZZ_HDR    1

typedef struct Expected {
    Dump *dump;
    VmcoreAnalysis *analysis;
} Expected;

/* The guest's dump and analysis, made once (the fuzzer runs many inputs) */
static const Expected *expected(unsigned int variant)
{
    static const DumpOptions raw = { .raw = TRUE };
    static Expected cache[FUZZ_GUESTS];
    Expected *e = &cache[variant];

    if (!e->dump) {
        const FuzzGuest *g = fuzz_guest(variant);
        g_autoptr(GError) err = NULL;

        e->dump = dump_open(g->raw->path, &raw, &err);
        FUZZ_ASSERT(e->dump != NULL);
        e->analysis = vmcore_analyse(e->dump, NULL, &err);
        if (!e->analysis) {
            fprintf(stderr, "fuzz: %s: %s\n", g->name, err->message);
        }
        FUZZ_ASSERT(e->analysis != NULL);
    }
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzGuest *g;
    const Expected *e;
    const GByteArray *core;
    g_autoptr(FuzzFile) f = NULL;
    g_autoptr(VmcoreValidation) v = NULL;
    g_autoptr(GError) err = NULL;
    size_t len;

    if (size < FUZZ_HDR) {
        return 0;
    }
    g = fuzz_guest(data[0] & 3);
    e = expected(data[0] & 3);
    core = g->img->vmcore;
    len = size - FUZZ_HDR;
    f = fuzz_file_new(data + FUZZ_HDR, len);
    if (!(data[0] & 4) && len < core->len) {
        fuzz_file_pwrite(f, core->data + len, core->len - len, len);
    }
    if (!vmcore_validate(e->analysis->layout, e->dump, f->path, &v,
                                &err)) {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
        FUZZ_ASSERT(v == NULL);
        return 0;
    }
    FUZZ_ASSERT(v->match == (v->problems->len == 0));
    for (guint i = 0; i < v->problems->len; i++) {
        FUZZ_ASSERT(*(const char *)v->problems->pdata[i]);
    }
    return 0;
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    for (unsigned int v = 0; v < FUZZ_GUESTS; v++) {
        const FuzzGuest *g = fuzz_guest(v);
        const GByteArray *core = g->img->vmcore;
        const VmcoreLayout *l = expected(v)->analysis->layout;
        /* the ELF header, program headers and notes */
        size_t head = g_bytes_get_size(l->header) +
                      g_bytes_get_size(l->notes);

        for (int cut = 0; cut < 2; cut++) {
            g_autoptr(GByteArray) in = g_byte_array_new();
            g_autofree char *name = NULL;
            uint8_t hdr[FUZZ_HDR] = { (uint8_t)(v | cut << 2) };

            g_byte_array_append(in, hdr, sizeof(hdr));
            g_byte_array_append(in, core->data, MIN(head, core->len));
            name = g_strdup_printf("vmcore-%s%s", g->name,
                                   cut ? "-cut" : "");
            add(name, in->data, in->len, opaque);
        }
    }
}
