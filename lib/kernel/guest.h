/*
 * What a dump of any pseries guest tells without a fadump registration,
 * each fact with where it came from: VMCOREINFO found in guest memory
 * (vmcoreinfo-find.h), the vCPUs' registers from QEMU's NT_PRSTATUS notes
 * (elfcore/prstatus.h), which CPU panicked from the kernel's
 * panic_cpu (panic-cpu.h) and the printk log (printk.h), read through kernel memory taken 1:1 from the
 * dump (dump-mem.h).  The building blocks of a triage of guests that
 * never registered fadump; vmcore_analyse() stays the way for those that
 * did.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_GUEST_H
#define KERNEL_GUEST_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "elfcore/prstatus.h"
#include "kernel/kallsyms.h"
#include "kernel/mem.h"
#include "kernel/panic-cpu.h"
#include "kernel/printk.h"
#include "kernel/vmcoreinfo-find.h"

#define KERNEL_CMDLINE_PREFIX   "Kernel command line: "

typedef enum KernelFadumpParam {
    KERNEL_FADUMP_PARAM_UNKNOWN,
    KERNEL_FADUMP_PARAM_OFF,            /* none, or fadump=off */
    KERNEL_FADUMP_PARAM_ON,             /* fadump=on or fadump=nocma */
} KernelFadumpParam;

typedef struct KernelGuestFacts {
    KernelVmcoreinfoFound vmcoreinfo;   /* text, where, what it cost */
    char *release;                      /* OSRELEASE= */
    /* the vCPUs: registers and the rule that numbered them */
    gboolean have_cpus;
    ElfcoreQemuCpus cpus;
    GError *cpus_error;                 /* why not */
    /* the kernel's byte order and who said so */
    gboolean big_endian;
    const char *byte_order_source;      /* "QEMU notes", "VMCOREINFO note",
                                           "assumed: nothing tells" */
    KernelMem *k;                       /* guest physical memory 1:1 */
    KernelKallsyms *ks;                 /* NULL: see kallsyms_error */
    GError *kallsyms_error;
    /*
     * panic_cpu; when nothing locates it, the log's panic (then
     * panic_cpu_error stays, saying why not panic_cpu)
     */
    gboolean have_panic_cpu;
    KernelPanicCpu panic_cpu;
    GError *panic_cpu_error;
    KernelPrintkLog *log;               /* the printk ring; NULL: log_error */
    GError *log_error;
    /*
     * fadump=on (or nocma) on the kernel's command line, as the log's
     * "Kernel command line: " record of the boot says (the last fadump=
     * wins); without that record (log unreadable, or overwritten since
     * boot): unknown
     */
    KernelFadumpParam fadump_param;
    char *cmdline;                      /* that record's text, or NULL */
} KernelGuestFacts;

/**
 * kernel_guest_facts - the facts of a guest dump without fadump
 * @dump: the guest's memory (must outlive the facts)
 * @error: kernel_vmcoreinfo_find()'s: without VMCOREINFO nothing of the
 *     kernel can be read.  The other facts fail on their own (their
 *     *_error) and leave the rest standing.
 *
 * Returns: the facts (kernel_guest_facts_free()), or NULL
 */
KernelGuestFacts *kernel_guest_facts(Dump *dump, GError **error);

/**
 * kernel_fadump_param - whether a kernel command line enables fadump
 *     (arch/powerpc/kernel/fadump.c early_fadump_param(): "on" and "nocma"
 *     enable it, anything else does not; the last fadump= counts)
 */
KernelFadumpParam kernel_fadump_param(const char *cmdline);

void kernel_guest_facts_free(KernelGuestFacts *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelGuestFacts, kernel_guest_facts_free)

#endif /* KERNEL_GUEST_H */
