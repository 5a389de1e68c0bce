/*
 * A ppc64 Linux kernel stack backtrace without a vmlinux: the back chain
 * of the 64-bit ELF ABI (v2, and v1: the LR save slot is the same), the
 * kernel's exception frames, and nothing else -- what the kernel's own
 * show_stack() (arch/powerpc/kernel/process.c) walks, from a CPU's
 * registers and the crashed kernel's memory.
 *
 * A frame is 16-byte aligned; its first word is the back chain (the
 * caller's stack pointer, 0 at the base of a kernel thread's stack), and
 * a function saves its return address in its caller's frame at
 * STACK_FRAME_LR_SAVE (2 words: back chain + 16).  So frame 0 is the
 * CPU's nip, and each caller is *(back chain + 16).  A function that has
 * not saved LR yet (a leaf, or a crash in a prologue) has its return
 * address only in LR: LR is reported as a frame of its own unless it is
 * the caller's saved one, and marked as possibly stale, as the kernel
 * prints LR apart from its Call Trace.
 *
 * An exception frame has the marker STACK_FRAME_REGS_MARKER ("REGS" in
 * memory: 0x52454753 big-endian, 0x53474552 little-endian, as a long)
 * and the interrupted context's pt_regs (papr/ptregs.h) in it, at
 * offsets that changed with Linux 6.2 (STACK_INT_FRAME_MARKER):
 *
 *   up to 6.1, and ELFv1    marker at sp + 96, pt_regs at sp + 112
 *     (6.1 asm/ptrace.h: STACK_FRAME_MARKER 12 longs, STACK_FRAME_OVERHEAD
 *      112; 6.12/7.2 ELFv1: STACK_INT_FRAME_MARKER 112 - 16,
 *      STACK_INT_FRAME_REGS 112)
 *   6.12, 7.2 ELFv2         marker at sp + 32, pt_regs at sp + 48
 *     (STACK_INT_FRAME_MARKER = STACK_FRAME_MIN_SIZE 32,
 *      STACK_INT_FRAME_REGS = STACK_FRAME_MIN_SIZE + 16)
 *
 * The test guests' kernels (6.1.192, 6.12.95, 7.2.13 ppc64le) compile to
 * exactly these: system_call_common stores 0x53474552 at r1 + 96 (6.1)
 * or r1 + 32 and passes pt_regs at r1 + 112 or r1 + 48; call_do_irq()'s
 * stdu goes to THREAD_SIZE - 112 = 16272 (6.1) or THREAD_SIZE - 32 =
 * 32736 (6.12, 7.2); their configs have THREAD_SHIFT 14 and 15.
 *
 * Older kernels marked the frame "regshere" (0x7265677368657265) at the
 * first position; it is accepted there too.  The walk continues in the
 * interrupted context (pt_regs gpr1, nip, link); an interrupted user
 * context (MSR_PR in pt_regs msr) ends it.
 *
 * Every stack -- a task's, a CPU's hard and soft IRQ stacks, the
 * emergency stacks -- is THREAD_SIZE bytes aligned to THREAD_SIZE in the
 * linear map (Book3S-64 has no VMAP_STACK).  The walk goes strictly up
 * one stack; it may go to another stack (or down) only through an
 * exception frame's r1, or from a stack's top frame (call_do_irq() and
 * call_do_softirq() chain an IRQ stack's top frame, THREAD_SIZE - 32 or
 * - 112, to the interrupted stack), and never into a 16 KiB block of
 * memory it has been on: so a THREAD_SIZE guessed too big (32 KiB for a
 * 16 KiB kernel) still lets an IRQ stack next to a task's be walked.  A
 * corrupt stack ends the walk with a reason; every read goes through
 * KernelMem; at most max_frames frames and KERNEL_UNWIND_MAX_STACKS
 * stacks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_UNWIND_H
#define KERNEL_UNWIND_H

#include <glib.h>
#include <stdint.h>

#include "kernel/mem.h"
#include "papr/ptregs.h"

/*
 * The kernel's interrupt entry code (head_64.S, exceptions-64s.S,
 * interrupt_64.S: from the vectors up to __end_soft_masked, 0xc088 after
 * _stext in the 6.1, 6.12 and 7.2 guests) runs with the interrupted
 * context's r1 until it switches to the kernel stack: a CPU there with a
 * user r1 (below PAGE_OFFSET) is entering the kernel from user mode, not
 * a corrupt stack
 */
#define KERNEL_UNWIND_ENTRY_END         0x10000ULL

/* MSR_PR (problem state: user mode), asm/reg.h MSR_PR_LG 14 */
#define KERNEL_UNWIND_MSR_PR            (1ULL << 14)

/* STACK_FRAME_REGS_MARKER as read in the kernel's byte order */
#define KERNEL_UNWIND_MARKER_BE         0x52454753ULL
#define KERNEL_UNWIND_MARKER_LE         0x53474552ULL
/* ... and the marker of older kernels */
#define KERNEL_UNWIND_MARKER_REGSHERE   0x7265677368657265ULL

/* Where the exception frame keeps its marker and pt_regs (bits) */
#define KERNEL_UNWIND_REGS_AT_112       0x1u    /* 6.1, ELFv1: 96, 112 */
#define KERNEL_UNWIND_REGS_AT_48        0x2u    /* 6.2+ ELFv2: 32, 48 */
#define KERNEL_UNWIND_REGS_ANY          0x3u

/*
 * THREAD_SIZE: 1 << CONFIG_THREAD_SHIFT, default 14 on ppc64 in 6.1 and
 * 15 on pseries/powernv in 6.12 and 7.2 (arch/powerpc/Kconfig); 32 KiB
 * is the most any 64-bit configuration has
 */
#define KERNEL_UNWIND_THREAD_SIZE_MIN   (16u * 1024)
#define KERNEL_UNWIND_THREAD_SIZE_MAX   (32u * 1024)

#define KERNEL_UNWIND_MAX_FRAMES        128     /* the default */
#define KERNEL_UNWIND_MAX_STACKS        8       /* stacks one walk visits */

typedef struct KernelUnwindParams {
    unsigned int layouts;       /* KERNEL_UNWIND_REGS_AT_*; 0: any */
    uint64_t thread_size;       /* power of 2; 0: _THREAD_SIZE_MAX */
    unsigned int max_frames;    /* 0: KERNEL_UNWIND_MAX_FRAMES */
} KernelUnwindParams;

/**
 * kernel_unwind_params_for_release - the parameters for a kernel
 * @osrelease: (optional) its release (VMCOREINFO OSRELEASE=)
 * @big_endian: its byte order
 *
 * Up to 6.1: REGS_AT_112, 16 KiB; 6.12 and later: REGS_AT_48 (and
 * REGS_AT_112 too when big-endian: ELFv1 or v2, the release does not
 * tell), 32 KiB; a release between, or none: both layouts, 32 KiB.
 */
void kernel_unwind_params_for_release(KernelUnwindParams *p,
                                      const char *osrelease,
                                      gboolean big_endian);

typedef enum KernelUnwindFrameKind {
    KERNEL_UNWIND_PC,           /* the CPU's nip; sp: its r1 */
    KERNEL_UNWIND_LR,           /* a context's LR, possibly stale; sp 0 */
    KERNEL_UNWIND_CALL,         /* *(sp + 16): a return address into
                                   the function whose frame is at sp */
    KERNEL_UNWIND_EXCEPTION,    /* the exception frame at sp; pc: the
                                   interrupted kernel context's nip */
    KERNEL_UNWIND_USER,         /* the interrupted user context (the
                                   exception frame at sp, or the CPU in
                                   user mode); pc: its nip; the last */
} KernelUnwindFrameKind;

typedef struct KernelUnwindFrame {
    KernelUnwindFrameKind kind;
    uint64_t pc;
    uint64_t sp;
    gboolean new_stack;         /* sp is on another stack than before */
    /* EXCEPTION and USER: the pt_regs, host order */
    gboolean have_regs;
    uint64_t regs[PAPR_PT_REGS_WORDS];
} KernelUnwindFrame;

typedef enum KernelUnwindEnd {
    KERNEL_UNWIND_END_BASE,     /* back chain 0: the base of a kernel
                                   thread's stack (idle tasks included) */
    KERNEL_UNWIND_END_USER,     /* a user context (or the CPU in the
                                   interrupt entry code with a user r1:
                                   KERNEL_UNWIND_ENTRY_END) */
    KERNEL_UNWIND_END_CORRUPT,  /* a stack pointer or back chain that
                                   breaks the rules above */
    KERNEL_UNWIND_END_UNREADABLE,   /* memory not in the dump */
    KERNEL_UNWIND_END_MAX_FRAMES,   /* params->max_frames reached */
} KernelUnwindEnd;

typedef struct KernelUnwind {
    GArray *frames;             /* KernelUnwindFrame, innermost first */
    KernelUnwindEnd end;
    char *reason;               /* how the walk ended, in words */
} KernelUnwind;

/**
 * kernel_unwind - walk the kernel stack of a CPU
 * @k: the crashed kernel's memory
 * @regs: the CPU's registers (pt_regs words, host order: gpr1, nip, msr,
 *     link are used)
 * @params: (optional) NULL: any layout, 32 KiB stacks, 128 frames
 *
 * Never fails: how far it got is in the frames, why it stopped in @end
 * and @reason.
 *
 * Returns: the backtrace (kernel_unwind_free())
 */
KernelUnwind *kernel_unwind(KernelMem *k,
                            const uint64_t regs[PAPR_PT_REGS_WORDS],
                            const KernelUnwindParams *params);

void kernel_unwind_free(KernelUnwind *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelUnwind, kernel_unwind_free)

/* "pc", "lr", "call", "exception", "user" */
const char *kernel_unwind_frame_kind_name(KernelUnwindFrameKind kind);

/* "base", "user", "corrupt", "unreadable", "max-frames" */
const char *kernel_unwind_end_name(KernelUnwindEnd end);

#endif /* KERNEL_UNWIND_H */
