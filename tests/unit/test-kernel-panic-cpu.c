/*
 * Unit tests of reading panic_cpu (lib/kernel/panic-cpu.c) and what it
 * stands on: kallsyms name lookup (kernel_kallsyms_lookup()) and kernel
 * memory straight from a dump (lib/kernel/dump-mem.c), on generated
 * guests without fadump of either byte order and kallsyms layout.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kernel/panic-cpu.h"
#include "kernel/dump-mem.h"
#include "common/error.h"
#include "gen-dump.h"

#define KBASE       ((uint64_t)0xc000000000000000ULL)
#define PANIC_CPU   0x480000

typedef struct Guest {
    GenDump *d;
    KernelMem *k;
    KernelKallsyms *ks;
} Guest;

static void guest_free(Guest *g)
{
    kernel_kallsyms_free(g->ks);
    kernel_mem_free(g->k);
    gen_dump_free(g->d);
    g_free(g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Guest, guest_free)

static Guest *guest(gboolean be, GenKallsyms kind, int32_t panic_cpu)
{
    Guest *g = g_new0(Guest, 1);
    g_autoptr(GError) err = NULL;
    GenDumpOptions o = { .layout = GEN_ELF_QEMU_OLD, .nloads = 3 };
    GenParams p;

    gen_params_default(&p);
    p.big_endian = be;
    p.no_fadump = TRUE;
    p.kallsyms = kind;
    p.panic_cpu_sym = TRUE;
    p.panic_cpu_paddr = PANIC_CPU;
    p.panic_cpu = panic_cpu;
    g->d = gen_dump_new(&p, &o);
    g->k = kernel_mem_new_for_dump(g->d->dump, be);
    g->ks = kernel_kallsyms_load(g->k, g->d->img->vmcoreinfo, &err);
    g_assert_no_error(err);
    return g;
}

/* v: bit 0 big endian, bit 1 place-relative kallsyms */
static void test_lookup(gconstpointer data)
{
    int v = GPOINTER_TO_INT(data);
    g_autoptr(Guest) g = guest(v & 1, v & 2 ? GEN_KALLSYMS_PLACE_RELATIVE
                                            : GEN_KALLSYMS_BASE_RELATIVE, 2);
    static const struct {
        const char *name;
        uint64_t addr;
    } want[] = {
        { "_stext", KBASE },
        { "crash_fadump", KBASE + 0x38000 },            /* tokens */
        { "ppc_panic_fadump_handler", KBASE + 0x38400 }, /* static */
        { "panic", KBASE + 0x88000 },
        { "panic_cpu", KBASE + PANIC_CPU },
        { "_etext", KBASE + 0x400000 },
    };
    static const char *const absent[] = { "panic_cp", "panic_cpus", "", "x" };

    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        g_autoptr(GError) err = NULL;
        uint64_t a = 0;

        g_assert_true(kernel_kallsyms_lookup(g->ks, want[i].name, &a, &err));
        g_assert_no_error(err);
        g_assert_cmphex(a, ==, want[i].addr);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(absent); i++) {
        g_autoptr(GError) err = NULL;
        uint64_t a = 0;

        g_assert_false(kernel_kallsyms_lookup(g->ks, absent[i], &a, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
        g_assert_true(g_str_has_prefix(err->message, "kallsyms: no symbol"));
    }
    /* kernel memory 1:1: the physical page of a linear-map address */
    {
        uint8_t b[4];

        g_assert_true(kernel_mem_read(g->k, KBASE + PANIC_CPU, b, 4, NULL));
        g_assert_cmpint((int32_t)kernel_mem_get(g->k, b, 4), ==, 2);
        g_assert_cmpint(kernel_mem_big_endian(g->k), ==, v & 1);
    }
}

static void test_panicked(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    g_autoptr(Guest) g = guest(be, GEN_KALLSYMS_BASE_RELATIVE, 3);
    g_autoptr(GError) err = NULL;
    g_autofree char *what = NULL;
    KernelPanicCpu p;

    g_assert_true(kernel_panic_cpu_read(g->k, g->d->img->vmcoreinfo, g->ks, &p,
                                        &err));
    g_assert_no_error(err);
    g_assert_true(p.panicked);
    g_assert_cmpuint(p.cpu, ==, 3);
    g_assert_cmphex(p.vaddr, ==, KBASE + PANIC_CPU);
    g_assert_cmpstr(p.addr_source, ==, "kallsyms");
    what = kernel_panic_cpu_describe(&p);
    g_assert_cmpstr(what, ==, "CPU 3 panicked (panic_cpu in kernel memory, "
                              "located by kallsyms)");
}

/* A live guest: PANIC_CPU_INVALID */
static void test_none(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    g_autoptr(Guest) g = guest(be, GEN_KALLSYMS_PLACE_RELATIVE, -1);
    g_autofree char *what = NULL;
    KernelPanicCpu p;

    g_assert_true(kernel_panic_cpu_read(g->k, g->d->img->vmcoreinfo, g->ks, &p,
                                        NULL));
    g_assert_false(p.panicked);
    what = kernel_panic_cpu_describe(&p);
    g_assert_cmpstr(what, ==, "no CPU panicked (panic_cpu = -1 in kernel "
                              "memory, located by kallsyms)");
}

/* SYMBOL(panic_cpu)= in VMCOREINFO comes first; no kallsyms needed */
static void test_vmcoreinfo_symbol(void)
{
    g_autoptr(Guest) g = guest(TRUE, GEN_KALLSYMS_BASE_RELATIVE, 0);
    g_autofree char *vi = g_strdup_printf("%sSYMBOL(panic_cpu)=%"
                                          G_GINT64_MODIFIER "x\n",
                                          g->d->img->vmcoreinfo,
                                          KBASE + PANIC_CPU);
    KernelPanicCpu p;

    g_assert_true(kernel_panic_cpu_read(g->k, vi, NULL, &p, NULL));
    g_assert_true(p.panicked);
    g_assert_cmpuint(p.cpu, ==, 0);
    g_assert_cmpstr(p.addr_source, ==, "VMCOREINFO");
}

static void test_errors(void)
{
    g_autoptr(Guest) g = guest(FALSE, GEN_KALLSYMS_BASE_RELATIVE, 70000);
    g_autoptr(Guest) h = guest(FALSE, GEN_KALLSYMS_BASE_RELATIVE, -2);
    KernelPanicCpu p;
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
    g_autofree char *far = g_strdup_printf("%sSYMBOL(panic_cpu)="
                                           "c000000100000000\n",
                                           g->d->img->vmcoreinfo);

    g_assert_false(kernel_panic_cpu_read(g->k, g->d->img->vmcoreinfo, g->ks, &p,
                                         &e1));
    g_assert_error(e1, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_cmpstr(e1->message, ==, "panic_cpu: 70000 at "
                    "0xc000000000480000 is neither -1 (no panic) nor a CPU "
                    "number");
    g_assert_false(kernel_panic_cpu_read(h->k, h->d->img->vmcoreinfo, h->ks, &p,
                                         &e2));
    g_assert_error(e2, QF_ERROR, QF_ERROR_CORRUPT);
    /* nothing locates it */
    g_assert_false(kernel_panic_cpu_read(g->k, g->d->img->vmcoreinfo, NULL, &p,
                                         &e3));
    g_assert_error(e3, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(e3->message, ==, "panic_cpu: not in VMCOREINFO, and no "
                    "kallsyms to look it up in");
    /* located outside the dump (32 MiB of RAM) */
    g_assert_false(kernel_panic_cpu_read(g->k, far, NULL, &p, &e4));
    g_assert_error(e4, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_true(g_str_has_prefix(e4->message, "panic_cpu: "));
}

/* A log of @texts (NULL-terminated), as the ring walk returns it */
static KernelPrintkLog *log_of(const char *const *texts)
{
    KernelPrintkLog *log = g_new0(KernelPrintkLog, 1);

    log->records = g_ptr_array_new();
    log->problems = g_ptr_array_new();
    for (; *texts; texts++) {
        KernelPrintkRecord *r = g_new0(KernelPrintkRecord, 1);

        r->text = g_strdup(*texts);
        r->text_len = strlen(r->text);
        g_ptr_array_add(log->records, r);
    }
    log->n_records = log->records->len;
    return log;
}

static void free_log(KernelPrintkLog *log)
{
    for (guint i = 0; i < log->records->len; i++) {
        KernelPrintkRecord *r = log->records->pdata[i];

        g_free(r->text);
        g_free(r);
    }
    g_ptr_array_unref(log->records);
    g_ptr_array_unref(log->problems);
    g_free(log);
}

/* The log's panic: the CPU: line after it, else the Oops' before it */
static void test_from_log(void)
{
    static const char *const after[] = {
        "CPU: 3 PID: 7 Comm: old", "Kernel panic - not syncing: sysrq",
        "CPU: 1 UID: 0 PID: 1 Comm: init Not tainted 6.12.95 #1",
        "Call Trace:", NULL,
    };
    static const char *const before[] = {
        "Oops: Kernel access of bad area, sig: 11 [#1]",
        "CPU: 12 PID: 99 Comm: sh Not tainted 6.1.0 #1",
        "Kernel panic - not syncing: Fatal exception", "CPU: x", NULL,
    };
    static const char *const no_panic[] = { "CPU: 1 PID: 2", "hello", NULL };
    static const char *const no_cpu[] = {
        "CPU: 99999 PID: 1", "Kernel panic - not syncing: x", "CPU:1", NULL,
    };
    KernelPanicCpu p;
    KernelPrintkLog *l;
    g_autofree char *what = NULL;

    l = log_of(after);
    g_assert_true(kernel_panic_cpu_from_log(l, &p));
    g_assert_true(p.panicked);
    g_assert_cmpuint(p.cpu, ==, 1);
    g_assert_null(p.addr_source);
    what = kernel_panic_cpu_describe(&p);
    g_assert_cmpstr(what, ==, "CPU 1 panicked (the log's CPU: line of the "
                              "panic)");
    free_log(l);
    l = log_of(before);
    g_assert_true(kernel_panic_cpu_from_log(l, &p));
    g_assert_cmpuint(p.cpu, ==, 12);
    free_log(l);
    l = log_of(no_panic);
    g_assert_false(kernel_panic_cpu_from_log(l, &p));
    free_log(l);
    l = log_of(no_cpu);
    g_assert_false(kernel_panic_cpu_from_log(l, &p));
    free_log(l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/kernel-panic-cpu/lookup/le-base",
                         GINT_TO_POINTER(0), test_lookup);
    g_test_add_data_func("/kernel-panic-cpu/lookup/be-base",
                         GINT_TO_POINTER(1), test_lookup);
    g_test_add_data_func("/kernel-panic-cpu/lookup/le-place",
                         GINT_TO_POINTER(2), test_lookup);
    g_test_add_data_func("/kernel-panic-cpu/lookup/be-place",
                         GINT_TO_POINTER(3), test_lookup);
    g_test_add_data_func("/kernel-panic-cpu/panicked/le", GINT_TO_POINTER(0),
                         test_panicked);
    g_test_add_data_func("/kernel-panic-cpu/panicked/be", GINT_TO_POINTER(1),
                         test_panicked);
    g_test_add_data_func("/kernel-panic-cpu/none/le", GINT_TO_POINTER(0),
                         test_none);
    g_test_add_data_func("/kernel-panic-cpu/none/be", GINT_TO_POINTER(1),
                         test_none);
    g_test_add_func("/kernel-panic-cpu/vmcoreinfo-symbol",
                    test_vmcoreinfo_symbol);
    g_test_add_func("/kernel-panic-cpu/errors", test_errors);
    g_test_add_func("/kernel-panic-cpu/from-log", test_from_log);
    return g_test_run();
}
