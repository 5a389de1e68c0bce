/*
 * panic_cpu (see panic-cpu.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kernel/panic-cpu.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

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
    p.panicked = v != -1;
    p.cpu = p.panicked ? (uint32_t)v : 0;
    *ret = p;
    return TRUE;
}

char *kernel_panic_cpu_describe(const KernelPanicCpu *p)
{
    if (!p->panicked) {
        return g_strdup_printf("no CPU panicked (panic_cpu = -1 in kernel "
                               "memory, located by %s)", p->addr_source);
    }
    return g_strdup_printf("CPU %u panicked (panic_cpu in kernel memory, "
                           "located by %s)", p->cpu, p->addr_source);
}
