/*
 * panic_cpu (see panic-cpu.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kernel/panic-cpu.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

#include <stdlib.h>
#include <string.h>

#define PANIC_PREFIX    "Kernel panic - not syncing: "

gboolean kernel_panic_cpu_read(KernelMem *k, const char *vmcoreinfo,
                               KernelKallsyms *ks, KernelPanicCpu *ret,
                               GError **error)
{
    KernelPanicCpu p = { 0 };
    g_autoptr(GError) err = NULL;
    uint8_t b[4];
    int32_t v;

    if (vmcoreinfo &&
        elfcore_vmcoreinfo_symbol(vmcoreinfo, "panic_cpu", &p.vaddr, NULL)) {
        p.addr_source = "VMCOREINFO";
    } else if (ks && kernel_kallsyms_lookup(ks, "panic_cpu", &p.vaddr, &err)) {
        p.addr_source = "kallsyms";
    } else {
        return qf_fail(error, QF_ERROR_NOT_FOUND,
                       "panic_cpu: not in VMCOREINFO, and %s",
                       err ? err->message : "no kallsyms to look it up in");
    }
    if (!kernel_mem_read(k, p.vaddr, b, 4, error)) {
        g_prefix_error(error, "panic_cpu: ");
        return FALSE;
    }
    v = (int32_t)kernel_mem_get(k, b, 4);
    if (v != -1 && (v < 0 || (uint32_t)v >= KERNEL_PANIC_CPU_MAX)) {
        return qf_fail(error, QF_ERROR_CORRUPT,
                       "panic_cpu: %d at 0x%" G_GINT64_MODIFIER "x is neither "
                       "-1 (no panic) nor a CPU number", v, p.vaddr);
    }
    p.source = "panic_cpu in kernel memory";
    p.panicked = v != -1;
    p.cpu = p.panicked ? (uint32_t)v : 0;
    *ret = p;
    return TRUE;
}

/* The N of a record "CPU: N ..." (dump_stack_print_info()) */
static gboolean cpu_line(const KernelPrintkRecord *r, uint32_t *cpu)
{
    char *end;
    unsigned long v;

    if (!g_str_has_prefix(r->text, "CPU: ") ||
        !g_ascii_isdigit(r->text[5])) {
        return FALSE;
    }
    v = strtoul(r->text + 5, &end, 10);
    if (*end != ' ' || v >= KERNEL_PANIC_CPU_MAX) {
        return FALSE;
    }
    *cpu = v;
    return TRUE;
}

gboolean kernel_panic_cpu_from_log(const KernelPrintkLog *log,
                                   KernelPanicCpu *ret)
{
    GPtrArray *recs = log->records;
    guint panic = recs->len;
    uint32_t cpu;

    for (guint i = recs->len; i-- > 0;) {
        const KernelPrintkRecord *r = recs->pdata[i];

        if (g_str_has_prefix(r->text, PANIC_PREFIX)) {
            panic = i;
            break;
        }
    }
    if (panic == recs->len) {
        return FALSE;
    }
    for (guint i = panic + 1; i < recs->len; i++) {
        if (cpu_line(recs->pdata[i], &cpu)) {
            goto found;
        }
    }
    for (guint i = panic; i-- > 0;) {
        if (cpu_line(recs->pdata[i], &cpu)) {
            goto found;
        }
    }
    return FALSE;
found:
    *ret = (KernelPanicCpu) {
        .panicked = TRUE,
        .cpu = cpu,
        .source = "the log's CPU: line of the panic",
    };
    return TRUE;
}

char *kernel_panic_cpu_describe(const KernelPanicCpu *p)
{
    if (!p->addr_source) {
        return g_strdup_printf("CPU %u panicked (%s)", p->cpu, p->source);
    }
    if (!p->panicked) {
        return g_strdup_printf("no CPU panicked (panic_cpu = -1 in kernel "
                               "memory, located by %s)", p->addr_source);
    }
    return g_strdup_printf("CPU %u panicked (panic_cpu in kernel memory, "
                           "located by %s)", p->cpu, p->addr_source);
}
