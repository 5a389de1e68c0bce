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
#include "kernel/printk.h"

/* A panic_cpu at or above this is refused as corrupt (NR_CPUS is 8192) */
#define KERNEL_PANIC_CPU_MAX    (1u << 16)

typedef struct KernelPanicCpu {
    gboolean panicked;          /* FALSE: panic_cpu is PANIC_CPU_INVALID */
    uint32_t cpu;               /* when panicked */
    uint64_t vaddr;             /* of panic_cpu */
    const char *addr_source;    /* "VMCOREINFO" or "kallsyms"; NULL when
                                   from the log */
    const char *source;         /* "panic_cpu in kernel memory", or "the
                                   log's CPU: line of the panic" */
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

/**
 * kernel_panic_cpu_from_log - the panicked CPU as the log tells it, for
 *     kernels whose panic_cpu nothing locates (no CONFIG_KALLSYMS_ALL)
 * @log: the printk log
 * @ret: filled on success (panicked TRUE)
 *
 * The last "Kernel panic - not syncing: " record; the "CPU: N ..." line
 * dump_stack() prints right after it, else (an Oops that panicked, which
 * printed its stack before) the last one before it.
 *
 * Returns: FALSE when the log has no panic record or no CPU: line for it
 */
gboolean kernel_panic_cpu_from_log(const KernelPrintkLog *log,
                                   KernelPanicCpu *ret);

/*
 * "CPU 2 panicked (panic_cpu in kernel memory, located by kallsyms)",
 * "CPU 2 panicked (the log's CPU: line of the panic)" or "no CPU
 * panicked (panic_cpu = -1 in kernel memory, located by kallsyms)";
 * g_free()
 */
char *kernel_panic_cpu_describe(const KernelPanicCpu *p);

#endif /* KERNEL_PANIC_CPU_H */
