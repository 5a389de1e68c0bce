/*
 * Crash triage (see triage.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kernel/triage.h"
#include "elfcore/vmcoreinfo.h"

/* Records that start a kernel Oops/BUG report (arch/powerpc, lib/bug.c) */
static const char *const oops_starts[] = {
    "BUG: ", "kernel BUG at ", "Oops: ", "Unable to handle kernel ",
};
/* ... and how many records before the last one may belong to it */
#define OOPS_LEAD   4

void kernel_triage_free(KernelTriage *t)
{
    if (t) {
        g_free(t->crash_note);
        g_free(t->sources.vmcoreinfo);
        g_free(t->sources.registers);
        g_free(t->sources.crashing_cpu);
        g_free(t->osrelease);
        g_clear_pointer(&t->log, kernel_printk_log_free);
        g_free(t->log_error);
        g_free(t->panic_message);
        g_free(t->nip_symbol);
        g_free(t->link_symbol);
        g_free(t->symbols_error);
        if (t->cpus) {
            g_ptr_array_unref(t->cpus);
        }
        g_free(t);
    }
}

static const KernelPrintkRecord *record(const KernelTriage *t, gint64 i)
{
    return g_ptr_array_index(t->log->records, (guint)i);
}

static gboolean starts_oops(const char *text)
{
    for (size_t i = 0; i < G_N_ELEMENTS(oops_starts); i++) {
        if (g_str_has_prefix(text, oops_starts[i])) {
            return TRUE;
        }
    }
    return FALSE;
}

void kernel_triage_find_panic(KernelTriage *t)
{
    gint64 n = t->log ? t->log->records->len : 0;
    gint64 end, last = -1;

    t->panic = -1;
    t->oops_first = t->oops_end = -1;
    for (gint64 i = n - 1; i >= 0 && t->panic < 0; i--) {
        const char *text = record(t, i)->text;

        if (g_str_has_prefix(text, KERNEL_TRIAGE_PANIC_PREFIX)) {
            t->panic = i;
            t->panic_message =
                g_strchomp(g_strdup(text +
                                    strlen(KERNEL_TRIAGE_PANIC_PREFIX)));
        }
    }
    /* the report is the last Oops/BUG before the panic (or the end) */
    end = t->panic >= 0 ? t->panic : n;
    for (gint64 i = end - 1; i >= 0 && end - i <= KERNEL_TRIAGE_OOPS_WINDOW;
         i--) {
        if (starts_oops(record(t, i)->text)) {
            last = i;
            break;
        }
    }
    if (last < 0) {
        return;
    }
    t->oops_first = last;
    for (gint64 i = last - 1; i >= 0 && last - i <= OOPS_LEAD; i--) {
        if (starts_oops(record(t, i)->text)) {
            t->oops_first = i;
        }
    }
    t->oops_end = end;
}

static const char *const idle_functions[] = {
    KERNEL_TRIAGE_IDLE_FUNCTIONS
};

gboolean kernel_triage_idle_symbol(const char *symbol)
{
    size_t len;

    if (!symbol) {
        return FALSE;
    }
    len = strcspn(symbol, "+");
    for (size_t i = 0; i < G_N_ELEMENTS(idle_functions); i++) {
        if (strlen(idle_functions[i]) == len &&
            !strncmp(symbol, idle_functions[i], len)) {
            return TRUE;
        }
    }
    return FALSE;
}

static void frame_clear(gpointer p)
{
    g_free(((KernelTriageFrame *)p)->symbol);
}

void kernel_triage_cpu_free(KernelTriageCpu *c)
{
    if (c) {
        g_array_unref(c->frames);
        g_free(c->idle_symbol);
        g_free(c->end_reason);
        g_free(c);
    }
}

KernelTriageCpu *kernel_triage_cpu_new(KernelMem *k, KernelKallsyms *ks,
                                       const KernelUnwindParams *params,
                                       uint32_t cpu,
                                       const uint64_t regs[PAPR_PT_REGS_WORDS])
{
    KernelTriageCpu *c = g_new0(KernelTriageCpu, 1);
    g_autoptr(KernelUnwind) u = kernel_unwind(k, regs, params);

    c->cpu = cpu;
    c->frames = g_array_sized_new(FALSE, TRUE, sizeof(KernelTriageFrame),
                                  u->frames->len);
    g_array_set_clear_func(c->frames, frame_clear);
    for (guint i = 0; i < u->frames->len; i++) {
        const KernelUnwindFrame *uf = &g_array_index(u->frames,
                                                     KernelUnwindFrame, i);
        KernelTriageFrame f = {
            .kind = uf->kind, .pc = uf->pc, .sp = uf->sp,
            .new_stack = uf->new_stack,
        };

        /* an exception frame's trap; not the CPU's own (user mode) */
        if (uf->have_regs && (uf->kind == KERNEL_UNWIND_EXCEPTION || i)) {
            f.have_trap = TRUE;
            f.trap = uf->regs[PAPR_PT_TRAP];
        }

        if (uf->kind == KERNEL_UNWIND_PC &&
            !(regs[PAPR_PT_MSR] & KERNEL_TRIAGE_MSR_IR) &&
            uf->pc < KERNEL_PAGE_OFFSET) {
            f.real_mode = TRUE;
            if (ks) {
                f.symbol = kernel_kallsyms_symbolize(ks, uf->pc |
                                                     KERNEL_PAGE_OFFSET);
            }
        } else if (ks && uf->kind != KERNEL_UNWIND_USER) {
            /* a user address means nothing to the kernel's symbols */
            f.symbol = kernel_kallsyms_symbolize(ks, uf->pc);
        }
        if (!c->idle && kernel_triage_idle_symbol(f.symbol)) {
            c->idle = TRUE;
            c->idle_symbol = g_strndup(f.symbol, strcspn(f.symbol, "+"));
        }
        g_array_append_val(c->frames, f);
    }
    c->end = u->end;
    c->end_reason = g_strdup(u->reason);
    return c;
}

/* A CPU's registers, as either source gives them */
typedef struct TriageCpuRegs {
    uint32_t cpu;
    const uint64_t *regs;       /* PAPR_PT_REGS_WORDS */
} TriageCpuRegs;

G_STATIC_ASSERT(ELFCORE_PRSTATUS_REG_WORDS == PAPR_PT_REGS_WORDS);

/* Every CPU's backtrace, in the order of @cpus */
static void triage_unwind(KernelTriage *t, KernelMem *k, KernelKallsyms *ks,
                          const TriageCpuRegs *cpus, guint n)
{
    KernelUnwindParams params;

    kernel_unwind_params_for_release(&params, t->osrelease,
                                     kernel_mem_big_endian(k));
    t->cpus = g_ptr_array_new_with_free_func(
        (GDestroyNotify)kernel_triage_cpu_free);
    for (guint i = 0; i < n; i++) {
        g_ptr_array_add(t->cpus, kernel_triage_cpu_new(k, ks, &params,
                                                       cpus[i].cpu,
                                                       cpus[i].regs));
    }
}

/*
 * With t->crashing_cpu decided: that CPU marked and moved first, its
 * registers and their symbols
 */
static void triage_crashing(KernelTriage *t, KernelKallsyms *ks,
                            const TriageCpuRegs *cpus, guint n)
{
    KernelTriageCpu *c = NULL;
    uint64_t link;

    for (guint i = 0; i < n && !t->have_regs; i++) {
        if (cpus[i].cpu == t->crashing_cpu) {
            t->have_regs = TRUE;
            memcpy(t->regs, cpus[i].regs, sizeof(t->regs));
            c = g_ptr_array_steal_index(t->cpus, i);
            c->crashing = TRUE;
            g_ptr_array_insert(t->cpus, 0, c);
        }
    }
    if (!c || !ks) {
        return;
    }
    /* as its backtrace has it (a real-mode nip: see there) */
    if (c->frames->len) {
        t->nip_symbol = g_strdup(g_array_index(c->frames, KernelTriageFrame,
                                               0).symbol);
    }
    /* in real mode, LR too holds a real address */
    link = t->regs[PAPR_PT_LINK];
    if (!(t->regs[PAPR_PT_MSR] & KERNEL_TRIAGE_MSR_IR) &&
        link < KERNEL_PAGE_OFFSET) {
        link |= KERNEL_PAGE_OFFSET;
    }
    t->link_symbol = kernel_kallsyms_symbolize(ks, link);
}

/*
 * What both sources share, once the log and (when there are registers)
 * kallsyms are set: VMCOREINFO's release and crash time, the panic in
 * the log, every CPU's backtrace
 */
static void triage_common(KernelTriage *t, KernelMem *k, KernelKallsyms *ks,
                          const char *vmcoreinfo,
                          const TriageCpuRegs *cpus, guint n)
{
    g_autofree char *crashtime = elfcore_vmcoreinfo_get(vmcoreinfo,
                                                        "CRASHTIME");
    guint64 secs;

    t->osrelease = elfcore_vmcoreinfo_get(vmcoreinfo, "OSRELEASE");
    if (crashtime && g_ascii_string_to_unsigned(crashtime, 10, 0, G_MAXINT64,
                                                &secs, NULL)) {
        t->have_crashtime = TRUE;
        t->crashtime = (gint64)secs;
    }
    kernel_triage_find_panic(t);
    triage_unwind(t, k, ks, cpus, n);
}

KernelTriage *kernel_triage(KernelMem *k, const VmcoreAnalysis *a)
{
    g_autoptr(KernelKallsyms) ks = NULL;
    KernelTriage *t = g_new0(KernelTriage, 1);
    g_autoptr(GError) err = NULL;
    g_autofree TriageCpuRegs *cpus = g_new(TriageCpuRegs,
                                           a->cpu_notes->len + 1);

    t->fadump = TRUE;
    t->crashed = TRUE;
    t->sources.vmcoreinfo = g_strdup("the fadump crash-info header's "
                                     "pointer");
    t->crashing_cpu = a->fdh.crashing_cpu;
    if (t->crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        t->crash_note = g_strdup("the fadump crash-info header names no "
                                 "crashing CPU (not a crash_fadump() dump)");
    } else {
        t->sources.crashing_cpu = g_strdup("the fadump crash-info header");
    }
    if (a->cpu_notes->len) {
        t->sources.registers = g_strdup("the fadump register save area (the "
                                        "crashing CPU's: the crash-info "
                                        "header's pt_regs)");
    }
    for (guint i = 0; i < a->cpu_notes->len; i++) {
        const VmcoreCpuNote *n = &g_array_index(a->cpu_notes,
                                                VmcoreCpuNote, i);

        cpus[i] = (TriageCpuRegs){ .cpu = n->cpu, .regs = n->regs };
    }
    if (kernel_mem_check_vmcoreinfo(a->vmcoreinfo, &t->kernel_offset,
                                    &err)) {
        t->log = kernel_printk_log_read(k, a->vmcoreinfo, 0, &err);
    }
    if (!t->log) {
        t->log_error = g_strdup(err->message);
    }
    g_clear_error(&err);
    if (a->cpu_notes->len) {
        ks = kernel_kallsyms_load(k, a->vmcoreinfo, &err);
        if (!ks) {
            t->symbols_error = g_strdup(err->message);
        }
    }
    triage_common(t, k, ks, a->vmcoreinfo, cpus, a->cpu_notes->len);
    triage_crashing(t, ks, cpus, a->cpu_notes->len);
    return t;
}

static char *guest_vmcoreinfo_source(const KernelVmcoreinfoFound *v)
{
    return g_strdup_printf("guest memory: the kernel's %s at 0x%"
                           G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT
                           " pages probed)",
                           v->form == KERNEL_VMCOREINFO_NOTE
                           ? "VMCOREINFO note" : "vmcoreinfo_data page",
                           v->paddr, v->pages_probed);
}

/* Functions only a panicking CPU has on its stack (kernel/panic.c) */
static const char *const panic_functions[] = { "panic", "vpanic" };

/*
 * The CPU whose backtrace is in panic(): its number, or -1 for none,
 * -2 for more than one
 */
static gint64 cpu_in_panic(const KernelTriage *t)
{
    gint64 found = -1;

    for (guint i = 0; i < t->cpus->len; i++) {
        const KernelTriageCpu *c = t->cpus->pdata[i];

        for (guint j = 0; j < c->frames->len; j++) {
            const char *sym = g_array_index(c->frames, KernelTriageFrame,
                                            j).symbol;
            size_t len = sym ? strcspn(sym, "+") : 0;
            gboolean in_panic = FALSE;

            for (size_t f = 0; f < G_N_ELEMENTS(panic_functions); f++) {
                in_panic |= len == strlen(panic_functions[f]) &&
                            !strncmp(sym, panic_functions[f], len);
            }
            if (in_panic) {
                if (found >= 0) {
                    return -2;
                }
                found = c->cpu;
                break;
            }
        }
    }
    return found;
}

/*
 * Which CPU crashed, from the kernel's own state: panic_cpu in kernel
 * memory when it can be located (it also says when none panicked); else
 * the one CPU with panic() on its stack; else the log's panic report;
 * none when the log has no panic and no CPU is in panic()
 */
static void guest_crashing_cpu(KernelTriage *t, const KernelGuestFacts *f)
{
    const KernelPanicCpu *p = &f->panic_cpu;
    gint64 stack = cpu_in_panic(t);

    t->crashing_cpu = PAPR_FDH_CPU_UNKNOWN;
    if (f->have_panic_cpu && p->addr_source && !p->panicked) {
        t->crash_note = kernel_panic_cpu_describe(p);
    } else if (f->have_panic_cpu && p->addr_source) {
        t->crashing_cpu = p->cpu;
        t->sources.crashing_cpu = g_strdup_printf(
            "panic_cpu in kernel memory (located by %s)", p->addr_source);
    } else if (stack >= 0) {
        t->crashing_cpu = (uint32_t)stack;
        t->sources.crashing_cpu = g_strdup_printf(
            "its stack, the only one in panic()%s",
            !f->have_panic_cpu ? ""
            : p->cpu == stack ? "; the log's CPU: line of the panic agrees"
            : "; the log's CPU: line of the panic names another CPU");
    } else if (f->have_panic_cpu) {
        t->crashing_cpu = p->cpu;
        t->sources.crashing_cpu = g_strdup(p->source);
    } else if (t->log && t->panic < 0 && stack == -1 && t->cpus->len &&
               f->ks) {
        t->crash_note = g_strdup_printf("no CPU panicked: no panic in the "
                                        "log and no CPU in panic() (%s)",
                                        f->panic_cpu_error->message);
    } else {
        t->crash_note = g_strdup_printf("unknown whether a CPU panicked: %s",
                                        f->panic_cpu_error
                                        ? f->panic_cpu_error->message
                                        : "several CPUs are in panic()");
    }
    t->crashed = t->crashing_cpu != PAPR_FDH_CPU_UNKNOWN;
}

KernelTriage *kernel_triage_guest(KernelGuestFacts *f)
{
    KernelTriage *t = g_new0(KernelTriage, 1);
    guint n = f->have_cpus ? f->cpus.cpus->len : 0;
    g_autofree TriageCpuRegs *cpus = g_new(TriageCpuRegs, n + 1);

    t->sources.vmcoreinfo = guest_vmcoreinfo_source(&f->vmcoreinfo);
    if (f->have_cpus) {
        t->sources.registers = g_strdup_printf(
            "QEMU's NT_PRSTATUS notes (where QEMU stopped each vCPU; "
            "numbered by %s)", elfcore_cpu_rule_describe(f->cpus.rule));
    }
    for (guint i = 0; i < n; i++) {
        const ElfcoreCpuRegs *r = &g_array_index(f->cpus.cpus,
                                                 ElfcoreCpuRegs, i);

        cpus[i] = (TriageCpuRegs){ .cpu = r->cpu, .regs = r->regs };
    }
    kernel_mem_check_vmcoreinfo(f->vmcoreinfo.text, &t->kernel_offset, NULL);
    t->log = g_steal_pointer(&f->log);
    if (!t->log) {
        t->log_error = g_strdup(f->log_error->message);
    }
    if (!f->ks && n) {
        t->symbols_error = g_strdup(f->kallsyms_error->message);
    }
    triage_common(t, f->k, f->ks, f->vmcoreinfo.text, cpus, n);
    guest_crashing_cpu(t, f);
    triage_crashing(t, f->ks, cpus, n);
    return t;
}
