/*
 * Unit tests of crash triage (lib/kernel/triage.c) on whole generated
 * guests: QEMU ELF dumps of crashed guests of either byte order and
 * header layout, taken after the trigger or during the capture boot
 * (boot memory then only in its fadump copy, which is what must be read),
 * through vmcore_analyse() and kernel memory as /proc/vmcore exports it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kernel/triage.h"
#include "common/error.h"
#include "fadump-gen.h"
#include "kernel/vmcore-mem.h"

typedef struct Triaged {
    GenImage *img;
    char *dir, *path;
    Dump *dump;
    VmcoreAnalysis *a;
    KernelMem *k;
    KernelTriage *t;
} Triaged;

static void triaged_free(Triaged *x)
{
    kernel_triage_free(x->t);
    kernel_mem_free(x->k);
    vmcore_analysis_free(x->a);
    dump_free(x->dump);
    g_unlink(x->path);
    g_rmdir(x->dir);
    g_free(x->path);
    g_free(x->dir);
    gen_image_free(x->img);
    g_free(x);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Triaged, triaged_free)

static Triaged *triage(const GenParams *p)
{
    Triaged *x = g_new0(Triaged, 1);
    g_autoptr(GError) err = NULL;

    x->img = gen_image_new(p);
    x->dir = g_dir_make_tmp("crash-triage-XXXXXX", &err);
    g_assert_no_error(err);
    x->path = g_build_filename(x->dir, "dump.elf", NULL);
    gen_write_qemu_elf(x->img, x->path, GEN_ELF_QEMU_NEW, p->big_endian, 2);
    x->dump = dump_open(x->path, NULL, &err);
    g_assert_no_error(err);
    x->a = vmcore_analyse(x->dump, NULL, &err);
    g_assert_no_error(err);
    x->k = kernel_mem_new_for_vmcore(x->dump, x->a);
    x->t = kernel_triage(x->k, x->a);
    return x;
}

static void params(GenParams *p, GenKernel kernel, gboolean be)
{
    gen_params_default(p);
    p->kernel = kernel;
    p->big_endian = be;
    p->printk = kernel == GEN_LINUX_61 ? GEN_PRINTK_61 : GEN_PRINTK_612;
    p->crashing_cpu = 2;
}

static const char *text(const KernelTriage *t, gint64 i)
{
    return ((KernelPrintkRecord *)t->log->records->pdata[i])->text;
}

/* Everything, for each header layout and byte order, trigger or capture */
static void test_triage(void)
{
    for (int v = 0; v < 2; v++) {
        for (int be = 0; be <= 1; be++) {
            for (int clobber = 0; clobber <= 1; clobber++) {
                GenParams p;
                g_autoptr(Triaged) x = NULL;
                const KernelTriage *t;
                guint n;

                params(&p, v ? GEN_LINUX_61 : GEN_LINUX_612, be);
                p.clobber_boot = clobber;
                x = triage(&p);
                t = x->t;
                g_assert_null(t->log_error);
                g_assert_cmpstr(t->osrelease, ==, v ? "6.1.176" : "6.12.95");
                g_assert_true(t->have_crashtime);
                g_assert_cmpint(t->crashtime, ==, 1700000000);
                g_assert_cmphex(t->kernel_offset, ==, 0);
                g_assert_cmpuint(t->crashing_cpu, ==, 2);
                g_assert_true(t->have_regs);
                /* the crashing CPU's note: the header's pt_regs */
                g_assert_cmpuint(x->img->note_cpu[2], ==, 2);
                g_assert_cmpmem(t->regs, sizeof(t->regs),
                                x->img->note_regs[2],
                                sizeof(x->img->note_regs[2]));

                n = x->img->printk_expected->len;
                g_assert_cmpuint(t->log->records->len, ==, n);
                for (guint i = 0; i < n; i++) {
                    const GenPrintkRecord *w =
                        x->img->printk_expected->pdata[i];

                    g_assert_cmpstr(text(t, i), ==, w->text);
                }
                g_assert_cmpint(t->panic, ==, n - 1);
                g_assert_cmpstr(t->panic_message, ==, "Fatal exception");
                /* the report: BUG: ... up to the panic */
                g_assert_cmpint(t->oops_first, ==, n - 6);
                g_assert_cmpint(t->oops_end, ==, n - 1);
                g_assert_true(g_str_has_prefix(text(t, t->oops_first),
                                               "BUG: Kernel NULL pointer"));
            }
        }
    }
}

static const char *const sysrq_tail[] = {
    "sysrq: Trigger a crash",
    "Kernel panic - not syncing: sysrq triggered crash\n",
    "CPU: 1 UID: 0 PID: 1 Comm: init Not tainted 6.12.95 #1",
    "Call Trace:",
    NULL,
};

static const char *const oops_only_tail[] = {
    "WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x10/0x20",
    "kernel BUG at mm/slub.c:1234!",
    "Oops: Exception in kernel mode, sig: 5 [#1]",
    "NIP [c000000000123456] bar+0x10/0x20",
    NULL,
};

static void test_panic_and_oops(void)
{
    GenParams p;
    g_autoptr(Triaged) sysrq = NULL, oops = NULL;
    guint n;

    /* sysrq c: a panic with no Oops before it; the message's newline */
    params(&p, GEN_LINUX_612, FALSE);
    p.printk_tail = sysrq_tail;
    sysrq = triage(&p);
    n = sysrq->t->log->records->len;
    g_assert_cmpint(sysrq->t->panic, ==, n - 3);
    g_assert_cmpstr(sysrq->t->panic_message, ==, "sysrq triggered crash");
    g_assert_cmpint(sysrq->t->oops_first, ==, -1);

    /* die() with fadump: an Oops and no panic record */
    p.printk_tail = oops_only_tail;
    oops = triage(&p);
    n = oops->t->log->records->len;
    g_assert_cmpint(oops->t->panic, ==, -1);
    g_assert_null(oops->t->panic_message);
    g_assert_cmpint(oops->t->oops_first, ==, n - 3);
    g_assert_cmpint(oops->t->oops_end, ==, n);
}

/* NIP and LR through the generated kallsyms tables */
static void test_symbols(void)
{
    for (int be = 0; be <= 1; be++) {
        GenParams p;
        g_autoptr(Triaged) x = NULL, none = NULL;

        params(&p, GEN_LINUX_612, be);
        p.kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
        p.clobber_boot = TRUE;
        x = triage(&p);
        g_assert_null(x->t->symbols_error);
        /* crash_reg(): nip 0xc000000000038100, link 0xc000000000038120 */
        g_assert_cmpstr(x->t->nip_symbol, ==, "crash_fadump+0x100/0x400");
        g_assert_cmpstr(x->t->link_symbol, ==, "crash_fadump+0x120/0x400");

        /* without the tables: not symbolised, and why */
        p.kallsyms = GEN_KALLSYMS_NONE;
        none = triage(&p);
        g_assert_null(none->t->nip_symbol);
        g_assert_nonnull(strstr(none->t->symbols_error, "kallsyms"));
    }
}

/* Both layouts of kallsyms_offsets: 6.12's base-relative, 7.2's
 * place-relative (no kallsyms_relative_base) */
static void test_kallsyms_lookup(gconstpointer data)
{
    GenKallsyms layout = GPOINTER_TO_INT(data);
    GenParams p;
    g_autoptr(Triaged) x = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(KernelKallsyms) ks = NULL;
    const struct {
        uint64_t addr;
        const char *want;
    } cases[] = {
        { 0xc000000000000000ULL, "_stext+0x0/0x38000" },
        { 0xc000000000038400ULL, "ppc_panic_fadump_handler+0x0/0x4fc00" },
        /* aliases: the first one */
        { 0xc000000000088010ULL, "__gen_alias_of_panic+0x10/0x2ddc00" },
        { 0xc000000000365c04ULL, "sysrq_handle_crash+0x4/0x9a400" },
        /* a two-byte length entry before a lookup past it */
        { 0xc000000000400008ULL, "_etext+0x8/0x100000" },
        { 0xc000000000500000ULL, NULL },    /* the last: no size */
        { 0xbfffffffffffffffULL, NULL },
    };

    params(&p, GEN_LINUX_612, TRUE);
    p.kallsyms = layout;
    x = triage(&p);
    g_assert_true((strstr(x->img->vmcoreinfo,
                          "SYMBOL(kallsyms_relative_base)=") != NULL) ==
                  (layout == GEN_KALLSYMS_BASE_RELATIVE));
    ks = kernel_kallsyms_load(x->k, x->img->vmcoreinfo, &err);
    g_assert_no_error(err);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = kernel_kallsyms_symbolize(ks, cases[i].addr);

        g_assert_cmpstr(s, ==, cases[i].want);
    }
}

/* No ring: the rest of the triage still stands */
static void test_no_ring(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;

    params(&p, GEN_LINUX_612, TRUE);
    p.printk = GEN_PRINTK_NONE;
    x = triage(&p);
    g_assert_null(x->t->log);
    g_assert_nonnull(strstr(x->t->log_error, "SYMBOL(prb)"));
    g_assert_cmpstr(x->t->osrelease, ==, "6.12.95");
    g_assert_true(x->t->have_regs);
    g_assert_cmpint(x->t->panic, ==, -1);
    g_assert_cmpint(x->t->oops_first, ==, -1);
}

/* No crashing CPU (not crash_fadump()): no registers to show */
static void test_no_crashing_cpu(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;

    params(&p, GEN_LINUX_612, FALSE);
    p.crashing_cpu = 0xffffffff;
    x = triage(&p);
    g_assert_cmphex(x->t->crashing_cpu, ==, 0xffffffff);
    g_assert_false(x->t->have_regs);
    g_assert_nonnull(x->t->log);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/crash-triage/triage", test_triage);
    g_test_add_func("/crash-triage/panic-and-oops", test_panic_and_oops);
    g_test_add_func("/crash-triage/no-ring", test_no_ring);
    g_test_add_func("/crash-triage/symbols", test_symbols);
    g_test_add_data_func("/crash-triage/kallsyms-lookup/base-relative",
                         GINT_TO_POINTER(GEN_KALLSYMS_BASE_RELATIVE),
                         test_kallsyms_lookup);
    g_test_add_data_func("/crash-triage/kallsyms-lookup/place-relative",
                         GINT_TO_POINTER(GEN_KALLSYMS_PLACE_RELATIVE),
                         test_kallsyms_lookup);
    g_test_add_func("/crash-triage/no-crashing-cpu", test_no_crashing_cpu);
    return g_test_run();
}
