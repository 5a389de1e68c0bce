/*
 * Test input generator: ppc64 Linux kernel stacks in a fake physical
 * memory, built the way the kernel builds them, written here without
 * lib/kernel: a stack is THREAD_SIZE bytes aligned to THREAD_SIZE, a
 * call stores its return address in the caller's frame at +16 (the
 * ELFv2/ELFv1 LR save slot) and makes a frame whose first word is the
 * caller's stack pointer; exception entry makes a frame with the "REGS"
 * marker and the interrupted context's pt_regs (at the offsets of each
 * kernel version), copy_thread() and head_64.S lay out the base of a
 * kernel thread's stack, syscall entry the base of a user task's, and
 * call_do_irq() chains an IRQ stack's top frame to the task's stack.
 *
 * While it builds, the generator records what each step puts on the
 * stack, and sgen_expected() gives that as the backtrace a reader of the
 * stack must find, innermost first.  Tests corrupt the stack afterwards
 * with sgen_put64().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_STACK_GEN_H
#define FADUMP_STACK_GEN_H

#include <glib.h>
#include <stdint.h>

/* Physical address of stack 0; kernel virtual = SGEN_PAGE_OFFSET + it */
#define SGEN_PHYS_BASE      0x4000000ULL
#define SGEN_PAGE_OFFSET    0xc000000000000000ULL

/* Kernel text addresses the tests use */
#define SGEN_TEXT           0xc000000000010000ULL

/* pt_regs words (asm/ptrace.h struct pt_regs, 64-bit) */
#define SGEN_REGS_WORDS     48
#define SGEN_R1             1
#define SGEN_NIP            32
#define SGEN_MSR            33
#define SGEN_LINK           36
#define SGEN_TRAP           40

/* MSR of the kernel and of user mode (MSR_PR) on a 64-bit guest */
#define SGEN_MSR_KERNEL_LE  0x8000000000009033ULL
#define SGEN_MSR_KERNEL_BE  0x8000000000009032ULL
#define SGEN_MSR_USER_LE    0x800000000000d033ULL
#define SGEN_MSR_PR         0x4000ULL

typedef enum SgenLayout {
    /*
     * Linux 6.1: marker at sp + 96 (STACK_FRAME_MARKER 12 longs), pt_regs
     * at sp + 112 (STACK_FRAME_OVERHEAD); copy_thread() puts a kernel
     * thread's pt_regs at the top and a 112-byte frame with back chain 0
     * under it
     */
    SGEN_LAYOUT_61,
    /*
     * Linux 6.12 and 7.2, ELFv2: marker at sp + 32 (STACK_INT_FRAME_MARKER),
     * pt_regs at sp + 48 (STACK_INT_FRAME_REGS); a kernel thread's base
     * frame is the top 32 bytes (STACK_FRAME_MIN_SIZE), back chain 0
     */
    SGEN_LAYOUT_612,
    /* 6.12 and 7.2 built ELFv1 (big-endian): 96 / 112, base frame 112 */
    SGEN_LAYOUT_612_V1,
} SgenLayout;

typedef struct SgenFrame {
    const char *kind;       /* "pc", "lr", "call", "exception", "user" */
    uint64_t pc;
    uint64_t sp;            /* 0 for "lr" */
    gboolean new_stack;     /* first frame on another stack */
    uint64_t trap;          /* "exception", "user" */
} SgenFrame;

typedef struct SgenImage SgenImage;

/**
 * sgen_new - fake memory for @n_stacks stacks of @thread_size bytes,
 *     filled with a pattern that is no address nor marker
 * @legacy_marker: mark exception frames "regshere" (older kernels;
 *     SGEN_LAYOUT_61 offsets only) instead of "REGS"
 */
SgenImage *sgen_new(gboolean big_endian, SgenLayout layout,
                    uint64_t thread_size, unsigned int n_stacks,
                    gboolean legacy_marker);
/* ... with stack 0 at physical @phys_base (a multiple of @thread_size) */
SgenImage *sgen_new_at(gboolean big_endian, SgenLayout layout,
                       uint64_t thread_size, unsigned int n_stacks,
                       gboolean legacy_marker, uint64_t phys_base);
void sgen_free(SgenImage *img);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SgenImage, sgen_free)

/* Kernel virtual address of the top (end) of stack @i */
uint64_t sgen_stack_top(const SgenImage *img, unsigned int i);
/* The current stack pointer */
uint64_t sgen_sp(const SgenImage *img);

/* Start on stack @i as a kernel thread (and idle tasks) starts */
void sgen_kthread_base(SgenImage *img, unsigned int i);
/*
 * Start on stack @i as a user task in the kernel: the interrupt (@trap,
 * 0xc00 for a system call) from user mode at @user_nip, r1 @user_sp
 */
void sgen_user_base(SgenImage *img, unsigned int i, uint64_t trap,
                    uint64_t user_nip, uint64_t user_sp);

/* The current function calls one returning to @ret, @frame_size bytes */
void sgen_call(SgenImage *img, uint64_t ret, uint64_t frame_size);
/*
 * ... calls a leaf that makes no frame (or is in its prologue: @saved,
 * LR stored at +16 already): its caller's address is only in LR
 */
void sgen_leaf(SgenImage *img, uint64_t ret, gboolean saved);
/*
 * An interrupt @trap at @nip of the current context: the exception frame
 * below the red zone, or at the top of stack @on_stack when it is not
 * the current one (an emergency stack); its pt_regs gpr[i] = 0x1000 + i
 * but for r1, nip, msr, link, trap
 */
void sgen_exception(SgenImage *img, uint64_t trap, uint64_t nip,
                    int on_stack);
/*
 * call_do_irq(): the current function (which called something
 * returning to @ret before) switches to stack @i's top frame
 */
void sgen_switch_stack(SgenImage *img, unsigned int i, uint64_t ret);
/*
 * The CPU stops at @nip in the current context: its registers; @stale_lr
 * (0: none) is an LR that is not the saved one, else LR is the saved one
 * (or the leaf's)
 */
void sgen_crash(SgenImage *img, uint64_t nip, uint64_t stale_lr);
/* The CPU is in user mode at @nip, r1 @sp */
void sgen_user_cpu(SgenImage *img, uint64_t nip, uint64_t sp);

/* The CPU's pt_regs words (host order) */
const uint64_t *sgen_regs(const SgenImage *img);
/* The backtrace built, innermost first: SgenFrame (g_array_unref()) */
GArray *sgen_expected(const SgenImage *img);

/* The memory: physical [phys_base, + len) */
const uint8_t *sgen_memory(const SgenImage *img, size_t *len);
gboolean sgen_read(const SgenImage *img, uint64_t paddr, void *buf,
                   size_t len);
/* A 64-bit word at kernel virtual @vaddr, in the guest's byte order */
void sgen_put64(SgenImage *img, uint64_t vaddr, uint64_t v);
uint64_t sgen_get64(const SgenImage *img, uint64_t vaddr);

#endif /* FADUMP_STACK_GEN_H */
