/*
 * Which CPU panicked, from the kernel's own memory: panic_cpu
 * (kernel/panic.c, an atomic_t, i.e. an int), set by the first CPU into
 * panic() (and by crash_kexec()/NMI paths) and PANIC_CPU_INVALID (-1)
 * until then.  Its address comes from SYMBOL(panic_cpu)= in VMCOREINFO
 * when a kernel exports it, else from kallsyms.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_PANIC_CPU_H
#define KERNEL_PANIC_CPU_H

#include <glib.h>
#include <stdint.h>

#include "kernel/kallsyms.h"
#include "kernel/mem.h"

/* A panic_cpu at or above this is refused as corrupt (NR_CPUS is 8192) */
#define KERNEL_PANIC_CPU_MAX    (1u << 16)

typedef struct KernelPanicCpu {
    gboolean panicked;          /* FALSE: panic_cpu is PANIC_CPU_INVALID */
    uint32_t cpu;               /* when panicked */
    uint64_t vaddr;             /* of panic_cpu */
    const char *addr_source;    /* "VMCOREINFO" or "kallsyms" */
} KernelPanicCpu;

/**
 * kernel_panic_cpu_read - read panic_cpu
 * @k: the kernel's memory
 * @vmcoreinfo: its VMCOREINFO text
 * @ks: (optional) its kallsyms, for kernels whose VMCOREINFO has no
 *     SYMBOL(panic_cpu)
 * @ret: filled on success
 * @error: QF_ERROR_NOT_FOUND when neither locates panic_cpu, the memory
 *     read's errors, QF_ERROR_CORRUPT for a value neither -1 nor a CPU
 *     number below KERNEL_PANIC_CPU_MAX; messages start with "panic_cpu"
 */
gboolean kernel_panic_cpu_read(KernelMem *k, const char *vmcoreinfo,
                               KernelKallsyms *ks, KernelPanicCpu *ret,
                               GError **error);

/*
 * "CPU 2 panicked (panic_cpu in kernel memory, located by kallsyms)" or
 * "no CPU panicked (panic_cpu = -1 in kernel memory)"; g_free()
 */
char *kernel_panic_cpu_describe(const KernelPanicCpu *p);

#endif /* KERNEL_PANIC_CPU_H */
