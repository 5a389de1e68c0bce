/*
 * Unit tests of crash triage (lib/kernel/triage.c) on whole generated
 * guests: QEMU ELF dumps of crashed guests of either byte order and
 * header layout, taken after the trigger or during the capture boot
 * (boot memory then only in its fadump copy, which is what must be read),
 * through vmcore_analyse() and kernel memory as /proc/vmcore exports it;
 * and guests that never registered fadump, through kernel/guest.h's facts
 * (QEMU's CPU notes, panic_cpu, VMCOREINFO found in memory).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kernel/triage.h"
#include "common/error.h"
#include "gen-dump.h"
#include "kernel/vmcore-mem.h"

typedef struct Triaged {
    GenDump *d;
    VmcoreAnalysis *a;          /* with fadump */
    KernelMem *k;
    KernelGuestFacts *f;        /* without */
    KernelTriage *t;
} Triaged;

static void triaged_free(Triaged *x)
{
    kernel_triage_free(x->t);
    kernel_guest_facts_free(x->f);
    kernel_mem_free(x->k);
    vmcore_analysis_free(x->a);
    gen_dump_free(x->d);
    g_free(x);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Triaged, triaged_free)

static Triaged *triage(const GenParams *p)
{
    Triaged *x = g_new0(Triaged, 1);
    g_autoptr(GError) err = NULL;

    x->d = gen_dump_new(p, NULL);
    if (p->no_fadump) {
        x->f = kernel_guest_facts(x->d->dump, &err);
        g_assert_no_error(err);
        x->t = kernel_triage_guest(x->f);
        return x;
    }
    x->a = vmcore_analyse(x->d->dump, NULL, &err);
    g_assert_no_error(err);
    x->k = kernel_mem_new_for_vmcore(x->d->dump, x->a);
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
                g_assert_cmpuint(x->d->img->note_cpu[2], ==, 2);
                g_assert_cmpmem(t->regs, sizeof(t->regs),
                                x->d->img->note_regs[2],
                                sizeof(x->d->img->note_regs[2]));

                n = x->d->img->printk_expected->len;
                g_assert_cmpuint(t->log->records->len, ==, n);
                for (guint i = 0; i < n; i++) {
                    const GenPrintkRecord *w =
                        x->d->img->printk_expected->pdata[i];

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
    g_assert_true((strstr(x->d->img->vmcoreinfo,
                          "SYMBOL(kallsyms_relative_base)=") != NULL) ==
                  (layout == GEN_KALLSYMS_BASE_RELATIVE));
    ks = kernel_kallsyms_load(x->k, x->d->img->vmcoreinfo, &err);
    g_assert_no_error(err);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = kernel_kallsyms_symbolize(ks, cases[i].addr);

        g_assert_cmpstr(s, ==, cases[i].want);
    }
}

static const KernelTriageFrame *frame(const KernelTriageCpu *c, guint i)
{
    return &g_array_index(c->frames, KernelTriageFrame, i);
}

/* CPU @cpu of the triage, and that it is at its place in the order */
static const KernelTriageCpu *triage_cpu(const KernelTriage *t,
                                         uint32_t cpu)
{
    for (guint i = 0; i < t->cpus->len; i++) {
        const KernelTriageCpu *c = t->cpus->pdata[i];

        if (c->cpu == cpu) {
            return c;
        }
    }
    g_assert_not_reached();
}

/* The frames are the generated stack's, and as the generator says */
static void check_frames(const KernelTriageCpu *c, const GArray *want)
{
    g_assert_cmpuint(c->frames->len, ==, want->len);
    for (guint i = 0; i < want->len; i++) {
        const SgenFrame *w = &g_array_index(want, SgenFrame, i);
        const KernelTriageFrame *f = frame(c, i);

        g_assert_cmpstr(kernel_unwind_frame_kind_name(f->kind), ==, w->kind);
        g_assert_cmphex(f->pc, ==, w->pc);
        g_assert_cmphex(f->sp, ==, w->sp);
        g_assert_cmpint(f->new_stack, ==, w->new_stack);
        if (f->kind == KERNEL_UNWIND_EXCEPTION ||
            (f->kind == KERNEL_UNWIND_USER && i)) {
            g_assert_true(f->have_trap);
            g_assert_cmphex(f->trap, ==, w->trap);
        } else {
            g_assert_false(f->have_trap);
        }
    }
}

/* Each frame's symbol, innermost first (NULL: none) */
static void check_symbols(const KernelTriageCpu *c,
                          const char *const *want)
{
    guint n = g_strv_length((char **)want);

    g_assert_cmpuint(c->frames->len, ==, n + 1);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpstr(frame(c, i)->symbol, ==, want[i]);
    }
}

static const char *const crash_symbols[] = {
    "crash_fadump+0x100/0x400",
    "crash_fadump+0x120/0x400",                 /* LR */
    "ppc_panic_fadump_handler+0x34/0x7c00",
    "atomic_notifier_call_chain+0x9c/0x48000",
    "panic+0x178/0x78000",
    "sysrq_handle_crash+0x44/0x9a400",
    "__handle_sysrq+0xf8/0x1000",
    "write_sysrq_trigger+0x98/0x164c00",
    "proc_reg_write+0x7c/0xfe000",
    "vfs_write+0xe4/0x1000",
    "ksys_write+0x80/0x1000",
    "system_call_exception+0x18c/0x1000",
    "system_call_common+0x15c/0x2000",
    NULL,                                       /* then user mode */
};

static const char *const idle_symbols[] = {
    "plpar_hcall_norets_notrace+0x18/0x1000",
    "pseries_lpar_idle+0x98/0x1000",            /* LR */
    "arch_cpu_idle+0x44/0x1000",
    "do_idle+0x14c/0x1000",
    "cpu_startup_entry+0x3c/0x1000",
    "start_secondary+0x2a4/0x1000",
    NULL,
};

static const char *const idle_irq_symbols[] = {
    "timer_interrupt+0x64/0xf000",
    "decrementer_common_virt+0x1a8/0xe000",
    "pseries_lpar_idle+0x60/0x1000",            /* interrupt 0x900 */
    "arch_cpu_idle+0x44/0x1000",
    "do_idle+0x14c/0x1000",
    "cpu_startup_entry+0x3c/0x1000",
    "start_secondary+0x2a4/0x1000",
    NULL,
};

/*
 * Every CPU's backtrace: the generated stacks of a whole guest, each
 * kernel's layout and THREAD_SIZE, either byte order, boot memory read
 * from its fadump copy or not
 */
static void test_backtraces(void)
{
    for (int v = 0; v < 2; v++) {
        for (int be = 0; be <= 1; be++) {
            for (int clobber = 0; clobber <= 1; clobber++) {
                GenParams p;
                g_autoptr(Triaged) x = NULL;
                const KernelTriage *t;
                const KernelTriageCpu *c;

                params(&p, v ? GEN_LINUX_61 : GEN_LINUX_612, be);
                p.kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
                p.backtraces = TRUE;
                p.clobber_boot = clobber;
                x = triage(&p);
                t = x->t;
                g_assert_null(t->symbols_error);
                /* the crashing CPU first, then the others in order */
                g_assert_cmpuint(t->cpus->len, ==, 4);
                g_assert_cmpuint(((KernelTriageCpu *)t->cpus->pdata[0])->cpu,
                                 ==, 2);
                for (guint i = 1; i < 4; i++) {
                    c = t->cpus->pdata[i];
                    g_assert_cmpuint(c->cpu, ==, i < 3 ? i - 1 : 3);
                    g_assert_false(c->crashing);
                }
                for (uint32_t cpu = 0; cpu < 4; cpu++) {
                    check_frames(triage_cpu(t, cpu),
                                 x->d->img->bt_expected[cpu]);
                }
                /* nip and LR as before, and as the frames say */
                g_assert_cmpstr(t->nip_symbol, ==, crash_symbols[0]);
                g_assert_cmpstr(t->link_symbol, ==, crash_symbols[1]);

                /* CPU 2: write(2) -> sysrq -> panic -> crash_fadump */
                g_assert_cmpint(x->d->img->bt_scenario[2], ==, GEN_BT_CRASH);
                c = triage_cpu(t, 2);
                g_assert_true(c->crashing);
                g_assert_false(c->idle);
                g_assert_null(c->idle_symbol);
                check_symbols(c, crash_symbols);
                g_assert_cmpint(frame(c, 1)->kind, ==, KERNEL_UNWIND_LR);
                g_assert_cmpint(frame(c, 13)->kind, ==, KERNEL_UNWIND_USER);
                g_assert_cmphex(frame(c, 13)->pc, ==, 0x7fff8a1b2c3cULL);
                g_assert_cmphex(frame(c, 13)->trap, ==, 0xc00);
                g_assert_cmpint(c->end, ==, KERNEL_UNWIND_END_USER);

                /* CPU 0: idle, ceding */
                g_assert_cmpint(x->d->img->bt_scenario[0], ==, GEN_BT_IDLE);
                c = triage_cpu(t, 0);
                g_assert_true(c->idle);
                g_assert_cmpstr(c->idle_symbol, ==, "pseries_lpar_idle");
                check_symbols(c, idle_symbols);
                g_assert_cmpstr(frame(c, 6)->symbol, ==,
                                "start_secondary_prolog+0x10/0x2000");
                g_assert_cmpint(c->end, ==, KERNEL_UNWIND_END_BASE);

                /* CPU 1: idle, in a decrementer interrupt */
                g_assert_cmpint(x->d->img->bt_scenario[1], ==,
                                GEN_BT_IDLE_IRQ);
                c = triage_cpu(t, 1);
                g_assert_true(c->idle);
                check_symbols(c, idle_irq_symbols);
                g_assert_cmpint(frame(c, 2)->kind, ==,
                                KERNEL_UNWIND_EXCEPTION);
                g_assert_cmphex(frame(c, 2)->trap, ==, 0x900);
                g_assert_cmpint(c->end, ==, KERNEL_UNWIND_END_BASE);

                /* CPU 3: in user mode, nothing to symbolise */
                c = triage_cpu(t, 3);
                g_assert_false(c->idle);
                g_assert_cmpuint(c->frames->len, ==, 1);
                g_assert_cmpint(frame(c, 0)->kind, ==, KERNEL_UNWIND_USER);
                g_assert_null(frame(c, 0)->symbol);
                g_assert_cmpint(c->end, ==, KERNEL_UNWIND_END_USER);
            }
        }
    }
}

/* Without kallsyms: the same frames, unnamed, and no CPU called idle */
static void test_backtraces_no_symbols(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;

    params(&p, GEN_LINUX_612, TRUE);
    p.backtraces = TRUE;
    x = triage(&p);
    g_assert_nonnull(strstr(x->t->symbols_error, "kallsyms"));
    g_assert_cmpuint(x->t->cpus->len, ==, 4);
    for (uint32_t cpu = 0; cpu < 4; cpu++) {
        const KernelTriageCpu *c = triage_cpu(x->t, cpu);

        check_frames(c, x->d->img->bt_expected[cpu]);
        g_assert_false(c->idle);
        for (guint i = 0; i < c->frames->len; i++) {
            g_assert_null(frame(c, i)->symbol);
        }
    }
}

/* The idle loop's functions, by name only */
static void test_idle_symbol(void)
{
    g_assert_true(kernel_triage_idle_symbol("do_idle+0x14c/0x1000"));
    g_assert_true(kernel_triage_idle_symbol("snooze_loop+0x4/0x100"));
    g_assert_true(kernel_triage_idle_symbol("power10_idle"));
    g_assert_false(kernel_triage_idle_symbol("do_idle_x+0x4/0x10"));
    g_assert_false(kernel_triage_idle_symbol("do_idl+0x4/0x10"));
    g_assert_false(kernel_triage_idle_symbol("panic+0x178/0x400"));
    g_assert_false(kernel_triage_idle_symbol(NULL));
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

/* A guest without fadump: p as fadump-gen --no-fadump --backtraces */
static void guest_params(GenParams *p, gboolean be, int32_t panic_cpu)
{
    params(p, GEN_LINUX_612, be);
    p->no_fadump = TRUE;
    p->no_vmcoreinfo_note = TRUE;
    p->vmcoreinfo_data_paddr = 0x30000;
    p->kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
    p->panic_cpu_sym = TRUE;
    p->panic_cpu_paddr = 0x480000;
    p->panic_cpu = panic_cpu;
    p->backtraces = TRUE;
}

/*
 * Without fadump, the same triage: the CPU panic_cpu names is the
 * crashing one, registers and backtraces from QEMU's notes, each fact's
 * source said; the facts' log is taken, not read again
 */
static void test_guest(void)
{
    for (int be = 0; be <= 1; be++) {
        GenParams p;
        g_autoptr(Triaged) x = NULL;
        const KernelTriage *t;

        guest_params(&p, be, 2);
        x = triage(&p);
        t = x->t;
        g_assert_false(t->fadump);
        g_assert_true(t->crashed);
        g_assert_null(t->crash_note);
        g_assert_cmpuint(t->crashing_cpu, ==, 2);
        g_assert_cmpstr(t->sources.crashing_cpu, ==,
                        "panic_cpu in kernel memory (located by kallsyms)");
        g_assert_true(g_str_has_prefix(t->sources.vmcoreinfo,
                                       "guest memory: the kernel's "
                                       "vmcoreinfo_data page at 0x30000"));
        g_assert_true(g_str_has_prefix(t->sources.registers,
                                       "QEMU's NT_PRSTATUS notes"));
        g_assert_cmpstr(t->osrelease, ==, "6.12.95");
        g_assert_true(t->have_regs);
        /* QEMU writes the GPRs, nip, msr, ctr, link, xer, ccr */
        g_assert_cmpmem(t->regs, 34 * 8, x->d->img->bt_regs[2], 34 * 8);
        g_assert_cmphex(t->regs[PAPR_PT_LINK], ==,
                        x->d->img->bt_regs[2][PAPR_PT_LINK]);
        g_assert_cmpstr(t->nip_symbol, ==, crash_symbols[0]);
        g_assert_cmpstr(t->link_symbol, ==, crash_symbols[1]);
        g_assert_null(x->f->log);
        g_assert_nonnull(t->log);
        g_assert_cmpstr(t->panic_message, ==, "Fatal exception");
        g_assert_null(t->symbols_error);
        g_assert_cmpuint(t->cpus->len, ==, 4);
        g_assert_cmpuint(((KernelTriageCpu *)t->cpus->pdata[0])->cpu, ==, 2);
        for (uint32_t cpu = 0; cpu < 4; cpu++) {
            const KernelTriageCpu *c = triage_cpu(t, cpu);

            g_assert_cmpint(c->crashing, ==, cpu == 2);
            check_frames(c, x->d->img->bt_expected[cpu]);
        }
        check_symbols(triage_cpu(t, 2), crash_symbols);
        check_symbols(triage_cpu(t, 0), idle_symbols);
        check_symbols(triage_cpu(t, 1), idle_irq_symbols);
    }
}

/* A live guest: no CPU panicked, said so; nobody's registers singled out */
static void test_guest_live(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;

    guest_params(&p, FALSE, -1);
    x = triage(&p);
    g_assert_false(x->t->fadump);
    g_assert_false(x->t->crashed);
    g_assert_cmphex(x->t->crashing_cpu, ==, PAPR_FDH_CPU_UNKNOWN);
    g_assert_null(x->t->sources.crashing_cpu);
    g_assert_cmpstr(x->t->crash_note, ==, "no CPU panicked (panic_cpu = -1 "
                    "in kernel memory, located by kallsyms)");
    g_assert_false(x->t->have_regs);
    g_assert_null(x->t->nip_symbol);
    g_assert_cmpuint(x->t->cpus->len, ==, 4);
    for (guint i = 0; i < 4; i++) {
        const KernelTriageCpu *c = x->t->cpus->pdata[i];

        g_assert_cmpuint(c->cpu, ==, i);
        g_assert_false(c->crashing);
        check_frames(c, x->d->img->bt_expected[i]);
    }
}

/*
 * QEMU stopped the panicking CPU in ibm,os-term: its nip in the firmware,
 * in real mode, LR a real address; the backtrace goes on from r1
 */
static void test_guest_os_term(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;
    const KernelTriageCpu *c;

    guest_params(&p, FALSE, 2);
    p.os_term = TRUE;
    x = triage(&p);
    g_assert_true(x->t->have_regs);
    g_assert_cmphex(x->t->regs[PAPR_PT_NIP], ==, GEN_OS_TERM_NIP);
    g_assert_null(x->t->nip_symbol);
    g_assert_cmpstr(x->t->link_symbol, ==, crash_symbols[1]);
    c = triage_cpu(x->t, 2);
    g_assert_true(c->crashing);
    g_assert_cmpint(frame(c, 0)->kind, ==, KERNEL_UNWIND_PC);
    g_assert_true(frame(c, 0)->real_mode);
    g_assert_null(frame(c, 0)->symbol);
    g_assert_cmphex(frame(c, 0)->pc, ==, GEN_OS_TERM_NIP);
    /* no LR frame: a real address is not the kernel's return address */
    g_assert_cmpint(frame(c, 1)->kind, ==, KERNEL_UNWIND_CALL);
    for (guint i = 1; i < c->frames->len; i++) {
        g_assert_false(frame(c, i)->real_mode);
        g_assert_cmpstr(frame(c, i)->symbol, ==, crash_symbols[i + 1]);
    }
    /* crash_symbols less the LR, its NULL the user frame's */
    g_assert_cmpuint(c->frames->len, ==, G_N_ELEMENTS(crash_symbols) - 1);
    g_assert_cmpint(c->end, ==, KERNEL_UNWIND_END_USER);
}

/* A real-mode pc inside the kernel's text is symbolised as the kernel's */
static void test_real_mode_kernel_pc(void)
{
    GenParams p;
    g_autoptr(Triaged) x = NULL;
    g_autoptr(KernelTriageCpu) c = NULL;
    KernelUnwindParams up;
    uint64_t regs[PAPR_PT_REGS_WORDS];

    guest_params(&p, TRUE, 2);
    x = triage(&p);
    memcpy(regs, x->d->img->bt_regs[2], sizeof(regs));
    regs[PAPR_PT_NIP] &= ~0xc000000000000000ULL;
    regs[PAPR_PT_MSR] &= ~(KERNEL_TRIAGE_MSR_IR | 0x10);
    kernel_unwind_params_for_release(&up, "6.12.95", TRUE);
    c = kernel_triage_cpu_new(x->f->k, x->f->ks, &up, 2, regs);
    g_assert_true(frame(c, 0)->real_mode);
    g_assert_cmpstr(frame(c, 0)->symbol, ==, crash_symbols[0]);
    /* with MSR_IR set, the same low pc is no kernel address */
    regs[PAPR_PT_MSR] |= KERNEL_TRIAGE_MSR_IR;
    g_clear_pointer(&c, kernel_triage_cpu_free);
    c = kernel_triage_cpu_new(x->f->k, x->f->ks, &up, 2, regs);
    g_assert_false(frame(c, 0)->real_mode);
    g_assert_null(frame(c, 0)->symbol);
}

/* The texts of a live guest's log: no Oops, no panic */
static const char *const live_tail[] = {
    "random: crng init done",
    "Run /init as init process",
    NULL,
};

/*
 * panic_cpu not locatable (no CONFIG_KALLSYMS_ALL, as the test guests'
 * kernels): the one CPU with panic() on its stack crashed, and the log's
 * panic report agrees; with no panic in the log and no CPU in panic(),
 * none panicked; without kallsyms the stacks cannot tell
 */
static void test_guest_crashing_from_stacks(void)
{
    for (int v = 0; v < 3; v++) {
        GenParams p;
        g_autoptr(Triaged) x = NULL;

        guest_params(&p, v == 1, -1);
        p.panic_cpu_sym = FALSE;
        if (v == 1) {
            p.crashing_cpu = 0xffffffff;
            p.printk_tail = live_tail;
        } else if (v == 2) {
            p.crashing_cpu = 0xffffffff;
            p.printk_tail = live_tail;
            p.kallsyms = GEN_KALLSYMS_NONE;
        }
        x = triage(&p);
        /* panic_cpu not read from memory (v 0: the log's CPU line) */
        g_assert_cmpint(x->f->have_panic_cpu, ==, v == 0);
        g_assert_null(x->f->panic_cpu.addr_source);
        if (v == 0) {
            g_assert_true(x->t->crashed);
            g_assert_cmpuint(x->t->crashing_cpu, ==, 2);
            g_assert_cmpstr(x->t->sources.crashing_cpu, ==,
                            "its stack, the only one in panic(); the log's "
                            "CPU: line of the panic agrees");
            g_assert_true(x->t->have_regs);
            g_assert_true(((KernelTriageCpu *)x->t->cpus->pdata[0])->crashing);
            g_assert_cmpuint(((KernelTriageCpu *)x->t->cpus->pdata[0])->cpu,
                             ==, 2);
            continue;
        }
        g_assert_false(x->t->crashed);
        g_assert_cmphex(x->t->crashing_cpu, ==, PAPR_FDH_CPU_UNKNOWN);
        g_assert_false(x->t->have_regs);
        g_assert_cmpint(x->t->panic, ==, -1);
        g_assert_true(g_str_has_prefix(x->t->crash_note, v == 1
                                       ? "no CPU panicked: no panic in the "
                                         "log and no CPU in panic() ("
                                       : "unknown whether a CPU panicked: "));
        for (guint i = 0; i < x->t->cpus->len; i++) {
            g_assert_false(((KernelTriageCpu *)x->t->cpus->pdata[i])->crashing);
        }
    }
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
    g_test_add_func("/crash-triage/backtraces", test_backtraces);
    g_test_add_func("/crash-triage/backtraces-no-symbols",
                    test_backtraces_no_symbols);
    g_test_add_func("/crash-triage/idle-symbol", test_idle_symbol);
    g_test_add_func("/crash-triage/guest", test_guest);
    g_test_add_func("/crash-triage/guest-live", test_guest_live);
    g_test_add_func("/crash-triage/guest-os-term", test_guest_os_term);
    g_test_add_func("/crash-triage/guest-crashing-from-stacks",
                    test_guest_crashing_from_stacks);
    g_test_add_func("/crash-triage/real-mode-kernel-pc",
                    test_real_mode_kernel_pc);
    return g_test_run();
}
