/*
 * Crash triage (see crash-triage.h).
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

        /* a user address means nothing to the kernel's symbols */
        if (ks && uf->kind != KERNEL_UNWIND_USER) {
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

/* Every CPU note's backtrace, the crashing CPU's first */
static void triage_cpus(KernelTriage *t, KernelMem *k, KernelKallsyms *ks,
                        const VmcoreAnalysis *a)
{
    KernelUnwindParams params;

    kernel_unwind_params_for_release(&params, a->osrelease,
                                     kernel_mem_big_endian(k));
    t->cpus = g_ptr_array_new_with_free_func(
        (GDestroyNotify)kernel_triage_cpu_free);
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < a->cpu_notes->len; i++) {
            const VmcoreCpuNote *n = &g_array_index(a->cpu_notes,
                                                    VmcoreCpuNote, i);
            gboolean crashing = n->cpu == t->crashing_cpu;
            KernelTriageCpu *c;

            if (crashing != !pass) {
                continue;
            }
            c = kernel_triage_cpu_new(k, ks, &params, n->cpu, n->regs);
            c->crashing = crashing;
            g_ptr_array_add(t->cpus, c);
        }
    }
}

KernelTriage *kernel_triage(KernelMem *k, const VmcoreAnalysis *a)
{
    g_autoptr(KernelKallsyms) ks = NULL;
    KernelTriage *t = g_new0(KernelTriage, 1);
    g_autofree char *crashtime = elfcore_vmcoreinfo_get(a->vmcoreinfo,
                                                        "CRASHTIME");
    g_autoptr(GError) err = NULL;
    guint64 secs;

    t->osrelease = g_strdup(a->osrelease);
    if (crashtime && g_ascii_string_to_unsigned(crashtime, 10, 0, G_MAXINT64,
                                                &secs, NULL)) {
        t->have_crashtime = TRUE;
        t->crashtime = (gint64)secs;
    }
    t->crashing_cpu = a->fdh.crashing_cpu;
    for (guint i = 0; i < a->cpu_notes->len; i++) {
        const VmcoreCpuNote *n = &g_array_index(a->cpu_notes,
                                                VmcoreCpuNote, i);

        if (n->cpu == t->crashing_cpu) {
            t->have_regs = TRUE;
            memcpy(t->regs, n->regs, sizeof(t->regs));
        }
    }
    if (kernel_mem_check_vmcoreinfo(a->vmcoreinfo, &t->kernel_offset,
                                     &err)) {
        t->log = kernel_printk_log_read(k, a->vmcoreinfo, 0, &err);
    }
    if (!t->log) {
        t->log_error = g_strdup(err->message);
    }
    kernel_triage_find_panic(t);
    g_clear_error(&err);
    if (t->have_regs || a->cpu_notes->len) {
        ks = kernel_kallsyms_load(k, a->vmcoreinfo, &err);
        if (!ks) {
            t->symbols_error = g_strdup(err->message);
        }
    }
    if (t->have_regs && ks) {
        t->nip_symbol = kernel_kallsyms_symbolize(ks, t->regs[PAPR_PT_NIP]);
        t->link_symbol = kernel_kallsyms_symbolize(ks, t->regs[PAPR_PT_LINK]);
    }
    triage_cpus(t, k, ks, a);
    return t;
}
