/*
 * Crash triage without a vmlinux: what a first look at a crash dump
 * wants, from what the crashed kernel left in memory and VMCOREINFO, for
 * a guest that registered fadump (kernel_triage(), from the analysis) and
 * for any other (kernel_triage_guest(), from kernel/guest.h's facts);
 * where each fact came from is in KernelTriageSources.
 *
 *                  fadump                      any guest
 *   VMCOREINFO     the crash-info header's     found in guest memory
 *                  pointer                     (vmcoreinfo-find.h)
 *   release        VMCOREINFO OSRELEASE=
 *   crash time     VMCOREINFO CRASHTIME= (crash_fadump() calls
 *                  crash_save_vmcoreinfo(), which appends it; a guest
 *                  without kdump or fadump has none)
 *   crashing CPU   the crash-info header's     panic_cpu in kernel memory,
 *                  crashing_cpu                else the log's panic report
 *                                              (panic-cpu.h); none: no CPU
 *                                              panicked
 *   registers      the register save area      QEMU's NT_PRSTATUS notes
 *                  (the crashing CPU: the      (elfcore/prstatus.h): where
 *                  header's pt_regs)           QEMU stopped each vCPU
 *   panic          the last "Kernel panic - not syncing: " record, and the
 *                  Oops/BUG report before it
 *   log            the printk ring buffer's records (printk-ring.h)
 *   symbols        NIP and LR as "name+0xoff/0xsize", through the kernel's
 *                  kallsyms tables when VMCOREINFO locates them
 *                  (kallsyms.h)
 *   backtraces     every CPU with a note: its kernel stack unwound
 *                  (unwind.h, the release's layouts), each frame's pc
 *                  symbolised, idle CPUs recognised by the idle loop's
 *                  functions in their frames
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_TRIAGE_H
#define KERNEL_TRIAGE_H

#include <glib.h>
#include <stdint.h>

#include "vmcore/analysis.h"
#include "kernel/guest.h"
#include "kernel/kallsyms.h"
#include "kernel/mem.h"
#include "kernel/printk.h"
#include "kernel/unwind.h"

#define KERNEL_TRIAGE_PANIC_PREFIX  "Kernel panic - not syncing: "
/* How far before the panic an Oops/BUG report is looked for */
#define KERNEL_TRIAGE_OOPS_WINDOW   256

/*
 * Functions only a CPU in the idle loop has on its stack (kernel/sched/
 * idle.c, arch/powerpc/platforms/pseries/setup.c, drivers/cpuidle/
 * cpuidle-pseries.c, arch/powerpc/kernel/idle.c): a frame whose symbol is
 * one of them makes the CPU idle
 */
#define KERNEL_TRIAGE_IDLE_FUNCTIONS \
    "do_idle", "cpu_startup_entry", "cpu_idle_poll", "arch_cpu_idle", \
    "default_idle_call", "cpuidle_enter", "cpuidle_enter_state", \
    "pseries_lpar_idle", "snooze_loop", "dedicated_cede_loop", \
    "shared_cede_loop", "power7_idle", "power9_idle", "power10_idle", \
    "power4_idle", "ppc64_runlatch_off", "check_and_cede_processor"

/* MSR_IR (instruction relocation), asm/reg.h MSR_IR_LG 5 */
#define KERNEL_TRIAGE_MSR_IR        (1ULL << 5)

typedef struct KernelTriageFrame {
    KernelUnwindFrameKind kind;
    uint64_t pc;
    /*
     * KERNEL_UNWIND_PC of a CPU in real mode (MSR_IR clear) at a pc below
     * PAGE_OFFSET: the kernel's real-mode code (symbolised at pc +
     * PAGE_OFFSET) or, when kallsyms does not know it, firmware (RTAS:
     * where QEMU stops a CPU calling ibm,os-term)
     */
    gboolean real_mode;
    uint64_t sp;                /* 0 for KERNEL_UNWIND_LR */
    gboolean new_stack;         /* the first frame on another stack */
    uint64_t trap;              /* EXCEPTION, USER with pt_regs: its trap
                                   (pt_regs word PAPR_PT_TRAP) */
    gboolean have_trap;
    char *symbol;               /* "name+0xoff/0xsize", or NULL */
} KernelTriageFrame;

typedef struct KernelTriageCpu {
    uint32_t cpu;
    gboolean crashing;          /* the crash-info header's crashing CPU */
    gboolean idle;              /* an idle-loop function in its frames */
    char *idle_symbol;          /* ... that one (the innermost), or NULL */
    GArray *frames;             /* KernelTriageFrame, innermost first */
    KernelUnwindEnd end;
    char *end_reason;           /* the unwinder's words */
} KernelTriageCpu;

/* Where the facts of a triage came from, in words */
typedef struct KernelTriageSources {
    char *vmcoreinfo;
    char *registers;            /* NULL: no CPU registers */
    char *crashing_cpu;         /* NULL: none or unknown (crash_note) */
} KernelTriageSources;

typedef struct KernelTriage {
    gboolean fadump;            /* from a fadump registration */
    gboolean crashed;           /* fadump triggered, or a CPU panicked */
    char *crash_note;           /* !crashed, or the crashing CPU unknown:
                                   why, in words */
    KernelTriageSources sources;
    char *osrelease;            /* NULL: not in VMCOREINFO */
    gboolean have_crashtime;
    gint64 crashtime;           /* seconds since the epoch */
    uint64_t kernel_offset;     /* KERNELOFFSET=, 0 when absent */
    uint32_t crashing_cpu;      /* PAPR_FDH_CPU_UNKNOWN: none, unknown */
    gboolean have_regs;         /* a note for the crashing CPU */
    uint64_t regs[PAPR_PT_REGS_WORDS];
    char *nip_symbol;           /* NULL: not symbolised */
    char *link_symbol;
    char *symbols_error;        /* why not, or NULL */
    KernelPrintkLog *log;       /* every record; NULL when unreadable */
    char *log_error;            /* why it is unreadable, or NULL */
    gint64 panic;               /* index in log->records, or -1 */
    char *panic_message;        /* the text after the prefix, or NULL */
    gint64 oops_first;          /* first record of the Oops/BUG report */
    gint64 oops_end;            /* ... up to (not including); -1: none */
    /* KernelTriageCpu *, one per CPU note: the crashing CPU first, then
       the others in note order */
    GPtrArray *cpus;
} KernelTriage;

/* TRUE when @symbol ("name+0x..") names an idle-loop function */
gboolean kernel_triage_idle_symbol(const char *symbol);

/**
 * kernel_triage_cpu_new - unwind and symbolise one CPU
 * @k: the crashed kernel's memory
 * @ks: (optional) its kallsyms: NULL leaves the symbols unset
 * @params: the release's unwind parameters
 * @cpu: the CPU number
 * @regs: its registers (pt_regs words, host order)
 *
 * Returns: the CPU's backtrace (kernel_triage_cpu_free())
 */
KernelTriageCpu *kernel_triage_cpu_new(KernelMem *k, KernelKallsyms *ks,
                                       const KernelUnwindParams *params,
                                       uint32_t cpu,
                                       const uint64_t regs[PAPR_PT_REGS_WORDS]);
void kernel_triage_cpu_free(KernelTriageCpu *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelTriageCpu, kernel_triage_cpu_free)

/**
 * kernel_triage_find_panic - find the panic message and the report before
 *     it in @t->log (already set); kernel_triage() calls it
 */
void kernel_triage_find_panic(KernelTriage *t);

/**
 * kernel_triage - triage the crash of an analysed dump
 * @k: the crashed kernel's memory (vmcore-memory.h)
 * @a: the analysis
 *
 * Never fails: what cannot be found is left unset, and a printk ring
 * buffer that cannot be read gives @log_error.
 *
 * Returns: the triage (kernel_triage_free())
 */
KernelTriage *kernel_triage(KernelMem *k, const VmcoreAnalysis *a);

/**
 * kernel_triage_guest - triage a guest from its own memory and QEMU's
 *     notes, fadump or not, crashed or live
 * @f: the guest's facts (kernel_guest_facts()); the triage takes its
 *     printk log (@f->log is NULL after) and uses its memory and kallsyms
 *
 * A CPU that panicked is the crashing CPU; its registers are where QEMU
 * stopped it: after a panic on pseries, in firmware (the RTAS call
 * ibm,os-term, which -action panic=pause stops at) with r1 still on the
 * kernel stack, so its backtrace starts with a pc the kernel's symbols
 * do not know and goes on through the kernel's frames.
 *
 * Returns: the triage (kernel_triage_free())
 */
KernelTriage *kernel_triage_guest(KernelGuestFacts *f);

void kernel_triage_free(KernelTriage *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelTriage, kernel_triage_free)

#endif /* KERNEL_TRIAGE_H */
