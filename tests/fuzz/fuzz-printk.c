/*
 * Fuzz target of the printk ring buffer walker, of crash triage's panic search
 * and of kallsyms (lib/kernel/printk.c, kernel/mem.c, kernel/triage.c,
 * kernel/kallsyms.c): whatever VMCOREINFO says and whatever the memory holds,
 * the walk either fails with an error or returns records that are consistent,
 * in bounded time and memory; symbols are names or nothing.
 *
 * Input: an 8-byte big-endian guest physical address BASE, the VMCOREINFO
 * text up to the first NUL byte, then guest memory starting at BASE
 * (anything else reads as absent).  gen-printk-seeds.c writes seeds of
 * this form from the rings tests/gen/fadump-gen.c lays out.  libFuzzer calls
 * LLVMFuzzerTestOneInput(); so does fuzz-replay.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/triage.h"
#include "common/error.h"
#include "kernel/kallsyms.h"
#include "kernel/mem.h"
#include "kernel/printk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz-printk: %s:%d: invariant broken: %s\n", \
                    __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

typedef struct Memory {
    uint64_t base;
    const uint8_t *bytes;
    size_t len;
} Memory;

static gboolean read_memory(gpointer data, uint64_t paddr, void *buf,
                            size_t len, GError **error)
{
    const Memory *m = data;

    if (paddr < m->base || paddr - m->base > m->len ||
        len > m->len - (paddr - m->base)) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "0x%" G_GINT64_MODIFIER "x: not in the input", paddr);
        return FALSE;
    }
    memcpy(buf, m->bytes + (paddr - m->base), len);
    return TRUE;
}

static void check_log(const KernelPrintkLog *log, unsigned int max)
{
    g_autoptr(GString) text = g_string_new(NULL);
    KernelTriage t = { .log = (KernelPrintkLog *)log };
    uint64_t kept = 0;

    FUZZ_ASSERT(log->records->len <= log->n_records);
    FUZZ_ASSERT(!max || log->records->len <= max);
    FUZZ_ASSERT(log->count_bits <= KERNEL_PRINTK_MAX_COUNT_BITS);
    FUZZ_ASSERT(log->n_records + log->n_skipped <= 1ULL << log->count_bits);
    for (guint i = 0; i < log->records->len; i++) {
        const KernelPrintkRecord *r = log->records->pdata[i];

        FUZZ_ASSERT(r->text && r->text[r->text_len] == 0);
        FUZZ_ASSERT(r->level <= 7 && r->flags <= 31);
        kept += r->text_len;
        kernel_printk_record_format(text, r);
    }
    /* what is kept fits in the data ring */
    FUZZ_ASSERT(log->records->len <= 1 || kept <= 1ULL << log->size_bits);
    kernel_triage_find_panic(&t);
    FUZZ_ASSERT(t.panic < (gint64)log->records->len);
    FUZZ_ASSERT((t.panic < 0) == (t.panic_message == NULL));
    FUZZ_ASSERT(t.oops_first <= t.oops_end);
    FUZZ_ASSERT(t.oops_end <= (gint64)log->records->len);
    g_free(t.panic_message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *vmcoreinfo = NULL;
    const uint8_t *nul;
    Memory m = { 0 };

    if (size < 8) {
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        m.base = m.base << 8 | data[i];
    }
    nul = memchr(data + 8, 0, size - 8);
    vmcoreinfo = g_strndup((const char *)data + 8,
                           nul ? (size_t)(nul - data - 8) : size - 8);
    if (nul) {
        m.bytes = nul + 1;
        m.len = size - (nul + 1 - data);
    }
    for (int be = 0; be <= 1; be++) {
        static const unsigned int max[] = { 0, 3 };

        for (size_t i = 0; i < G_N_ELEMENTS(max); i++) {
            g_autoptr(KernelMem) k = kernel_mem_new(read_memory, &m, NULL,
                                                    be);
            g_autoptr(GError) err = NULL;
            g_autoptr(KernelPrintkLog) log =
                kernel_printk_log_read(k, vmcoreinfo, max[i], &err);

            if (log) {
                FUZZ_ASSERT(err == NULL);
                check_log(log, max[i]);
            } else {
                FUZZ_ASSERT(err && err->message &&
                            g_str_has_prefix(err->message,
                                             "printk ring buffer"));
            }
        }
    }
    for (int be = 0; be <= 1; be++) {
        g_autoptr(KernelMem) k = kernel_mem_new(read_memory, &m, NULL, be);
        g_autoptr(GError) err = NULL;
        g_autoptr(KernelKallsyms) ks = kernel_kallsyms_load(k, vmcoreinfo,
                                                            &err);

        FUZZ_ASSERT((ks == NULL) == (err != NULL));
        for (uint64_t a = 0; ks && a < 0x600000; a += 0x17ff8) {
            g_autofree char *sym =
                kernel_kallsyms_symbolize(ks, 0xc000000000000000ULL + a);

            FUZZ_ASSERT(!sym || strstr(sym, "+0x"));
        }
    }
    {
        g_autoptr(GError) err = NULL;
        uint64_t off;

        if (!kernel_mem_check_vmcoreinfo(vmcoreinfo, &off, &err)) {
            FUZZ_ASSERT(err != NULL);
        }
    }
    return 0;
}
