/*
 * Unit tests of the facts of a guest dump without fadump
 * (lib/kernel/guest.c): generated guests that never registered fadump,
 * saved as QEMU ELF (with QEMU's CPU notes, pr_pid of QEMU 9.1+ or 0 of
 * older ones) or raw memory (no notes), either byte order, crashed or
 * live, with and without VMCOREINFO.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kernel/guest.h"
#include "common/error.h"
#include "gen-dump.h"

#define KBASE       ((uint64_t)0xc000000000000000ULL)
#define PANIC_CPU   0x480000

static void params(GenParams *p, gboolean be, int32_t panic_cpu)
{
    gen_params_default(p);
    p->big_endian = be;
    p->no_fadump = TRUE;
    p->kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
    p->panic_cpu_sym = TRUE;
    p->panic_cpu_paddr = PANIC_CPU;
    p->panic_cpu = panic_cpu;
    p->no_vmcoreinfo_note = TRUE;
    p->vmcoreinfo_data_paddr = 0x30000;
}

static GenDump *guest(const GenParams *p, gboolean raw)
{
    GenDumpOptions o = {
        .raw = raw, .layout = GEN_ELF_QEMU_NEW, .nloads = 2,
    };

    return gen_dump_new(p, &o);
}

/* v: bit 0 big endian, bit 1 QEMU before 9.1 (pr_pid 0) */
static void test_crashed(gconstpointer data)
{
    int v = GPOINTER_TO_INT(data);
    gboolean be = v & 1;
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;
    g_autoptr(GError) err = NULL;

    params(&p, be, 1);
    p.qemu_pr_pid_zero = v & 2;
    g = guest(&p, FALSE);
    f = kernel_guest_facts(g->dump, &err);
    g_assert_no_error(err);
    g_assert_nonnull(f);
    /* VMCOREINFO: the data page, and what finding it took */
    g_assert_cmpstr(f->vmcoreinfo.text, ==, g->img->vmcoreinfo);
    g_assert_cmphex(f->vmcoreinfo.paddr, ==, 0x30000);
    g_assert_cmpint(f->vmcoreinfo.form, ==, KERNEL_VMCOREINFO_DATA_PAGE);
    g_assert_cmpuint(f->vmcoreinfo.pages_probed, ==, 0x30000 / 4096 + 1);
    g_assert_cmpstr(f->release, ==, "6.12.95");
    /* registers: QEMU's notes, numbered by the rule of that QEMU */
    g_assert_true(f->have_cpus);
    g_assert_null(f->cpus_error);
    g_assert_cmpint(f->cpus.rule, ==, v & 2 ? ELFCORE_CPU_BY_NOTE_ORDER
                                            : ELFCORE_CPU_BY_PR_PID);
    g_assert_cmpuint(f->cpus.cpus->len, ==, 4);
    for (unsigned int cpu = 0; cpu < 4; cpu++) {
        const ElfcoreCpuRegs *r = elfcore_qemu_cpus_find(&f->cpus, cpu);

        g_assert_nonnull(r);
        g_assert_cmphex(r->regs[32], ==, gen_qemu_note_reg(cpu, 32));
        g_assert_cmphex(r->regs[1], ==, gen_qemu_note_reg(cpu, 1));
    }
    /* byte order from the notes */
    g_assert_cmpint(f->big_endian, ==, be);
    g_assert_cmpstr(f->byte_order_source, ==, "QEMU notes");
    /* the crashed CPU from kernel memory */
    g_assert_nonnull(f->ks);
    g_assert_null(f->kallsyms_error);
    g_assert_true(f->have_panic_cpu);
    g_assert_null(f->panic_cpu_error);
    g_assert_true(f->panic_cpu.panicked);
    g_assert_cmpuint(f->panic_cpu.cpu, ==, 1);
    g_assert_cmphex(f->panic_cpu.vaddr, ==, KBASE + PANIC_CPU);
    g_assert_cmpstr(f->panic_cpu.addr_source, ==, "kallsyms");
    g_assert_cmpstr(f->panic_cpu.source, ==, "panic_cpu in kernel memory");
}

/* Live and idle: nobody panicked, and it says so */
static void test_live(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;

    params(&p, FALSE, -1);
    g = guest(&p, FALSE);
    f = kernel_guest_facts(g->dump, NULL);
    g_assert_nonnull(f);
    g_assert_true(f->have_panic_cpu);
    g_assert_false(f->panic_cpu.panicked);
}

/*
 * Raw memory: no notes.  A big-endian guest's VMCOREINFO note tells the
 * byte order; the registers are missing with a reason
 */
static void test_raw_note(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;

    params(&p, TRUE, 2);
    p.no_vmcoreinfo_note = FALSE;
    p.vmcoreinfo_data_paddr = 0;
    g = guest(&p, TRUE);
    f = kernel_guest_facts(g->dump, NULL);
    g_assert_nonnull(f);
    g_assert_cmphex(f->vmcoreinfo.paddr, ==, g->img->vmcoreinfo_paddr);
    g_assert_cmpint(f->vmcoreinfo.form, ==, KERNEL_VMCOREINFO_NOTE);
    g_assert_false(f->have_cpus);
    g_assert_error(f->cpus_error, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(f->cpus_error->message, ==,
                    "QEMU CPU notes: the dump (raw) carries no notes");
    g_assert_true(f->big_endian);
    g_assert_cmpstr(f->byte_order_source, ==, "VMCOREINFO note");
    g_assert_true(f->have_panic_cpu);
    g_assert_cmpuint(f->panic_cpu.cpu, ==, 2);
}

/* No kallsyms: VMCOREINFO and registers stand, panic_cpu says why not */
static void test_no_kallsyms(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;

    params(&p, FALSE, 2);
    p.kallsyms = GEN_KALLSYMS_NONE;
    p.panic_cpu_sym = FALSE;
    g = guest(&p, FALSE);
    f = kernel_guest_facts(g->dump, NULL);
    g_assert_nonnull(f);
    g_assert_true(f->have_cpus);
    g_assert_null(f->ks);
    g_assert_error(f->kallsyms_error, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_false(f->have_panic_cpu);
    g_assert_error(f->panic_cpu_error, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(f->panic_cpu_error->message, ==,
                    "panic_cpu: not in VMCOREINFO, and no kallsyms to look "
                    "it up in");
}

/*
 * kallsyms without panic_cpu (a kernel without CONFIG_KALLSYMS_ALL): the
 * log's panic tells the CPU (the generated Oops: "CPU: 2 PID: 99 ...")
 */
static void test_panic_from_log(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;

    params(&p, TRUE, 1);
    p.panic_cpu_sym = FALSE;
    p.printk = GEN_PRINTK_612;
    g = guest(&p, FALSE);
    f = kernel_guest_facts(g->dump, NULL);
    g_assert_nonnull(f);
    g_assert_nonnull(f->ks);
    g_assert_nonnull(f->log);
    g_assert_error(f->panic_cpu_error, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(f->panic_cpu_error->message, ==,
                    "panic_cpu: not in VMCOREINFO, and kallsyms: no symbol "
                    "panic_cpu among 8");
    g_assert_true(f->have_panic_cpu);
    g_assert_true(f->panic_cpu.panicked);
    g_assert_cmpuint(f->panic_cpu.cpu, ==, 2);
    g_assert_cmpstr(f->panic_cpu.source, ==,
                    "the log's CPU: line of the panic");
}

/* No VMCOREINFO anywhere: no facts, a clear error */
static void test_no_vmcoreinfo(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(GError) err = NULL;

    params(&p, FALSE, 2);
    p.vmcoreinfo_data_paddr = 0;
    g = guest(&p, FALSE);
    g_assert_null(kernel_guest_facts(g->dump, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_true(g_str_has_prefix(err->message,
                                   "VMCOREINFO: not in guest memory"));
}

/* fadump on a command line, as Linux's early_fadump_param() reads it */
static void test_fadump_param(void)
{
    g_assert_cmpint(kernel_fadump_param("console=hvc0 fadump=on "
                                        "crashkernel=1G"), ==,
                    KERNEL_FADUMP_PARAM_ON);
    g_assert_cmpint(kernel_fadump_param("fadump=nocma"), ==,
                    KERNEL_FADUMP_PARAM_ON);
    g_assert_cmpint(kernel_fadump_param("console=hvc0 quiet"), ==,
                    KERNEL_FADUMP_PARAM_OFF);
    g_assert_cmpint(kernel_fadump_param("fadump=on fadump=off"), ==,
                    KERNEL_FADUMP_PARAM_OFF);
    g_assert_cmpint(kernel_fadump_param("fadump=off\tfadump=on"), ==,
                    KERNEL_FADUMP_PARAM_ON);
    g_assert_cmpint(kernel_fadump_param("nofadump=on xfadump=on"), ==,
                    KERNEL_FADUMP_PARAM_OFF);
    g_assert_cmpint(kernel_fadump_param(""), ==, KERNEL_FADUMP_PARAM_OFF);
}

/* The boot's command line from the log: fadump on, off, or unknown */
static void test_fadump_from_log(void)
{
    static const char *const on[] = {
        "Kernel command line: console=hvc0 fadump=on crashkernel=1G",
        "Kernel panic - not syncing: Fatal exception", NULL,
    };
    static const char *const off[] = {
        "Kernel command line: console=hvc0",
        "Kernel panic - not syncing: Fatal exception", NULL,
    };
    const char *const *tails[] = { on, off, NULL };
    const KernelFadumpParam want[] = {
        KERNEL_FADUMP_PARAM_ON, KERNEL_FADUMP_PARAM_OFF,
        KERNEL_FADUMP_PARAM_UNKNOWN,        /* the default tail: no line */
    };

    for (unsigned int i = 0; i < G_N_ELEMENTS(want); i++) {
        GenParams p;
        g_autoptr(GenDump) g = NULL;
        g_autoptr(KernelGuestFacts) f = NULL;
        g_autoptr(GError) err = NULL;

        params(&p, FALSE, 1);
        p.printk = GEN_PRINTK_612;
        p.printk_tail = tails[i];
        g = guest(&p, FALSE);
        f = kernel_guest_facts(g->dump, &err);
        g_assert_no_error(err);
        g_assert_cmpint(f->fadump_param, ==, want[i]);
        if (tails[i]) {
            g_assert_cmpstr(f->cmdline, ==, tails[i][0] +
                            strlen(KERNEL_CMDLINE_PREFIX));
        } else {
            g_assert_null(f->cmdline);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/kernel-guest/crashed/le-pid", GINT_TO_POINTER(0),
                         test_crashed);
    g_test_add_data_func("/kernel-guest/crashed/be-pid", GINT_TO_POINTER(1),
                         test_crashed);
    g_test_add_data_func("/kernel-guest/crashed/le-pid0", GINT_TO_POINTER(2),
                         test_crashed);
    g_test_add_data_func("/kernel-guest/crashed/be-pid0", GINT_TO_POINTER(3),
                         test_crashed);
    g_test_add_func("/kernel-guest/live", test_live);
    g_test_add_func("/kernel-guest/raw-note", test_raw_note);
    g_test_add_func("/kernel-guest/no-kallsyms", test_no_kallsyms);
    g_test_add_func("/kernel-guest/no-vmcoreinfo", test_no_vmcoreinfo);
    g_test_add_func("/kernel-guest/panic-from-log", test_panic_from_log);
    g_test_add_func("/kernel-guest/fadump-param", test_fadump_param);
    g_test_add_func("/kernel-guest/fadump-from-log", test_fadump_from_log);
    return g_test_run();
}
