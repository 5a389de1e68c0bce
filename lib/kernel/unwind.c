/*
 * ppc64 kernel stack backtraces without a vmlinux (see unwind.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <string.h>

#include "kernel/unwind.h"
#include "common/error.h"

/* STACK_FRAME_LR_SAVE (2 longs): the LR save slot of a frame */
#define LR_SAVE         16
/* STACK_FRAME_MIN_SIZE of ELFv2: the room a frame needs (validate_sp()) */
#define MIN_FRAME       32
/* The two top frames call_do_irq() may chain from (MIN_SIZE, OVERHEAD) */
#define TOP_FRAME_V2    32
#define TOP_FRAME_V1    112

typedef struct Layout {
    unsigned int bit;
    uint32_t marker;            /* offset of STACK_FRAME_REGS_MARKER */
    uint32_t regs;              /* offset of the pt_regs */
} Layout;

static const Layout layouts[] = {
    { KERNEL_UNWIND_REGS_AT_48, 32, 48 },
    { KERNEL_UNWIND_REGS_AT_112, 96, 112 },
};

typedef struct Walk {
    KernelMem *k;
    KernelUnwind *u;
    uint64_t thread_size;
    unsigned int layouts;
    unsigned int max_frames;
    /* the 16 KiB blocks the walk has been on, and its stack switches */
    uint64_t blocks[4 * KERNEL_UNWIND_MAX_STACKS];
    unsigned int n_blocks;
    unsigned int n_switches;
    gboolean new_stack;         /* for the next frame with an sp */
    gboolean lr_pending;        /* the context's LR is not shown yet */
    uint64_t lr;
} Walk;

void kernel_unwind_params_for_release(KernelUnwindParams *p,
                                      const char *osrelease,
                                      gboolean big_endian)
{
    guint64 major = 0, minor = 0;
    char *end = NULL;
    gboolean known = FALSE;

    memset(p, 0, sizeof(*p));
    p->layouts = KERNEL_UNWIND_REGS_ANY;
    p->thread_size = KERNEL_UNWIND_THREAD_SIZE_MAX;
    p->max_frames = KERNEL_UNWIND_MAX_FRAMES;
    if (osrelease && g_ascii_isdigit(osrelease[0])) {
        major = g_ascii_strtoull(osrelease, &end, 10);
        if (end && *end == '.' && g_ascii_isdigit(end[1])) {
            minor = g_ascii_strtoull(end + 1, NULL, 10);
            known = TRUE;
        }
    }
    if (!known) {
        return;
    }
    if (major < 6 || (major == 6 && minor <= 1)) {
        /* 6.1 asm/ptrace.h, arch/powerpc/Kconfig THREAD_SHIFT 14 */
        p->layouts = KERNEL_UNWIND_REGS_AT_112;
        p->thread_size = KERNEL_UNWIND_THREAD_SIZE_MIN;
    } else if (major > 6 || minor >= 12) {
        /* 6.12 and 7.2: ELFv2 (always when little-endian), or ELFv1 */
        p->layouts = big_endian ? KERNEL_UNWIND_REGS_ANY :
                                  KERNEL_UNWIND_REGS_AT_48;
    }
}

const char *kernel_unwind_frame_kind_name(KernelUnwindFrameKind kind)
{
    switch (kind) {
    case KERNEL_UNWIND_PC:
        return "pc";
    case KERNEL_UNWIND_LR:
        return "lr";
    case KERNEL_UNWIND_CALL:
        return "call";
    case KERNEL_UNWIND_EXCEPTION:
        return "exception";
    case KERNEL_UNWIND_USER:
        return "user";
    }
    return "?";
}

const char *kernel_unwind_end_name(KernelUnwindEnd end)
{
    switch (end) {
    case KERNEL_UNWIND_END_BASE:
        return "base";
    case KERNEL_UNWIND_END_USER:
        return "user";
    case KERNEL_UNWIND_END_CORRUPT:
        return "corrupt";
    case KERNEL_UNWIND_END_UNREADABLE:
        return "unreadable";
    case KERNEL_UNWIND_END_MAX_FRAMES:
        return "max-frames";
    }
    return "?";
}

void kernel_unwind_free(KernelUnwind *u)
{
    if (u) {
        g_array_unref(u->frames);
        g_free(u->reason);
        g_free(u);
    }
}

static uint64_t stack_base(const Walk *w, uint64_t sp)
{
    return sp & ~(w->thread_size - 1);
}

static gboolean in_linear_map(uint64_t addr)
{
    return addr >= KERNEL_PAGE_OFFSET &&
           addr - KERNEL_PAGE_OFFSET < KERNEL_LINEAR_MAP_SIZE;
}

/* A kernel text address LR may hold (modules are above the linear map) */
static gboolean kernel_text(uint64_t addr)
{
    return (addr >> 60) == (KERNEL_PAGE_OFFSET >> 60) && !(addr & 3);
}

static gboolean add_frame(Walk *w, KernelUnwindFrameKind kind, uint64_t pc,
                          uint64_t sp, const uint64_t *regs);

static void G_GNUC_PRINTF(3, 4) finish(Walk *w, KernelUnwindEnd end,
                                       const char *fmt, ...)
{
    va_list ap;

    /* what LR holds is known whatever the stack says */
    if (w->lr_pending) {
        w->lr_pending = FALSE;
        if (!add_frame(w, KERNEL_UNWIND_LR, w->lr, 0, NULL)) {
            return;
        }
    }
    w->u->end = end;
    va_start(ap, fmt);
    w->u->reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* FALSE (and the walk ended) when max_frames are there already */
static gboolean add_frame(Walk *w, KernelUnwindFrameKind kind, uint64_t pc,
                          uint64_t sp, const uint64_t *regs)
{
    KernelUnwindFrame f = { .kind = kind, .pc = pc, .sp = sp };

    if (w->u->frames->len >= w->max_frames) {
        w->lr_pending = FALSE;
        finish(w, KERNEL_UNWIND_END_MAX_FRAMES,
               "stopped after %u frames", w->max_frames);
        return FALSE;
    }
    if (sp) {
        f.new_stack = w->new_stack;
        w->new_stack = FALSE;
    }
    if (regs) {
        f.have_regs = TRUE;
        memcpy(f.regs, regs, sizeof(f.regs));
    }
    g_array_append_val(w->u->frames, f);
    return TRUE;
}

static gboolean read_ulong(Walk *w, uint64_t addr, uint64_t *v)
{
    g_autoptr(GError) err = NULL;

    if (!kernel_mem_read_ulong(w->k, addr, v, &err)) {
        finish(w, KERNEL_UNWIND_END_UNREADABLE, "%s", err->message);
        return FALSE;
    }
    return TRUE;
}

/* Stacks are told apart in blocks of the smallest THREAD_SIZE */
static uint64_t block_of(uint64_t sp)
{
    return sp & ~((uint64_t)KERNEL_UNWIND_THREAD_SIZE_MIN - 1);
}

static gboolean visited(const Walk *w, uint64_t block)
{
    for (unsigned int i = 0; i < w->n_blocks; i++) {
        if (w->blocks[i] == block) {
            return TRUE;
        }
    }
    return FALSE;
}

static void note_block(Walk *w, uint64_t sp)
{
    if (!visited(w, block_of(sp)) && w->n_blocks < G_N_ELEMENTS(w->blocks)) {
        w->blocks[w->n_blocks++] = block_of(sp);
    }
}

/*
 * A stack's top frame, which call_do_irq() chains to the interrupted
 * stack: THREAD_SIZE - STACK_FRAME_MIN_SIZE (ELFv2) or - 112 (6.1's
 * STACK_FRAME_OVERHEAD, ELFv1), for any THREAD_SIZE
 */
static gboolean top_frame(uint64_t sp)
{
    const uint64_t mask = KERNEL_UNWIND_THREAD_SIZE_MIN - 1;

    return !((sp + TOP_FRAME_V2) & mask) || !((sp + TOP_FRAME_V1) & mask);
}

/*
 * Whether the walk may go from the frame at @cur (0: none, @next is r1)
 * to @next, the @what found there (@via_regs: in pt_regs); the walk
 * ended when not.  Up the same stack, always; to another stack, or down,
 * only through pt_regs or from a top frame, and into a block of memory
 * the walk has not been on.
 */
static gboolean move(Walk *w, uint64_t cur, uint64_t next, gboolean via_regs,
                     const char *what)
{
    uint64_t base = stack_base(w, next);

    if (next & 15) {
        finish(w, KERNEL_UNWIND_END_CORRUPT,
               "%s 0x%016" G_GINT64_MODIFIER "x is not 16-byte aligned",
               what, next);
        return FALSE;
    }
    if (!in_linear_map(next)) {
        finish(w, KERNEL_UNWIND_END_CORRUPT,
               "%s 0x%016" G_GINT64_MODIFIER "x is not a kernel stack "
               "address", what, next);
        return FALSE;
    }
    if (next - base > w->thread_size - MIN_FRAME) {
        finish(w, KERNEL_UNWIND_END_CORRUPT,
               "%s 0x%016" G_GINT64_MODIFIER "x leaves no room for a "
               "frame below the top of its stack (0x%016"
               G_GINT64_MODIFIER "x)", what, next, base + w->thread_size);
        return FALSE;
    }
    if (!cur) {
        note_block(w, next);
        return TRUE;
    }
    if (next > cur && base == stack_base(w, cur)) {
        note_block(w, next);
        return TRUE;
    }
    if (!via_regs && !top_frame(cur)) {
        if (base == stack_base(w, cur)) {
            finish(w, KERNEL_UNWIND_END_CORRUPT,
                   "%s 0x%016" G_GINT64_MODIFIER "x of the frame at 0x%016"
                   G_GINT64_MODIFIER "x does not go up the stack", what,
                   next, cur);
        } else {
            finish(w, KERNEL_UNWIND_END_CORRUPT,
                   "%s 0x%016" G_GINT64_MODIFIER "x of the frame at 0x%016"
                   G_GINT64_MODIFIER "x leaves its stack, not from a "
                   "stack's top frame", what, next, cur);
        }
        return FALSE;
    }
    if (visited(w, block_of(next))) {
        finish(w, KERNEL_UNWIND_END_CORRUPT,
               "%s 0x%016" G_GINT64_MODIFIER "x of the frame at 0x%016"
               G_GINT64_MODIFIER "x %s (a loop)", what, next, cur,
               next <= cur && base == stack_base(w, cur) ?
               "does not go up the stack" :
               "goes back to a stack already walked");
        return FALSE;
    }
    if (w->n_switches == KERNEL_UNWIND_MAX_STACKS - 1) {
        finish(w, KERNEL_UNWIND_END_CORRUPT,
               "%s 0x%016" G_GINT64_MODIFIER "x would be the %dth stack of "
               "the walk", what, next, KERNEL_UNWIND_MAX_STACKS + 1);
        return FALSE;
    }
    w->n_switches++;
    note_block(w, next);
    w->new_stack = TRUE;
    return TRUE;
}

/*
 * Whether the frame at @sp is an exception frame: 1 with its pt_regs in
 * @regs, 0 not, -1 unreadable (the walk ended)
 */
static int exception_frame(Walk *w, uint64_t sp,
                           uint64_t regs[PAPR_PT_REGS_WORDS],
                           uint64_t *regs_at)
{
    uint64_t top = stack_base(w, sp) + w->thread_size;
    uint64_t want = kernel_mem_big_endian(w->k) ? KERNEL_UNWIND_MARKER_BE :
                                                  KERNEL_UNWIND_MARKER_LE;

    for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++) {
        const Layout *l = &layouts[i];
        uint8_t b[PAPR_PT_REGS_SIZE];
        g_autoptr(GError) err = NULL;
        uint64_t marker;

        if (!(w->layouts & l->bit) ||
            top - sp < l->regs + PAPR_PT_REGS_SIZE) {
            continue;
        }
        if (!read_ulong(w, sp + l->marker, &marker)) {
            return -1;
        }
        if (marker != want && !(l->bit == KERNEL_UNWIND_REGS_AT_112 &&
                                marker == KERNEL_UNWIND_MARKER_REGSHERE)) {
            continue;
        }
        if (!kernel_mem_read(w->k, sp + l->regs, b, sizeof(b), &err)) {
            finish(w, KERNEL_UNWIND_END_UNREADABLE, "%s", err->message);
            return -1;
        }
        for (unsigned int j = 0; j < PAPR_PT_REGS_WORDS; j++) {
            regs[j] = kernel_mem_get(w->k, b + 8 * j, 8);
        }
        *regs_at = sp + l->regs;
        return 1;
    }
    return 0;
}

/*
 * A kernel context in the interrupt entry code with a user r1: entering
 * the kernel from user mode, before the switch to its kernel stack
 */
static gboolean entering_from_user(uint64_t nip, uint64_t sp)
{
    return sp < KERNEL_PAGE_OFFSET && nip >= KERNEL_PAGE_OFFSET &&
           nip - KERNEL_PAGE_OFFSET < KERNEL_UNWIND_ENTRY_END;
}

static void start_context(Walk *w, uint64_t pc, uint64_t lr)
{
    w->lr = lr;
    w->lr_pending = kernel_text(lr) && lr != pc;
}

static void walk(Walk *w, uint64_t sp)
{
    for (;;) {
        uint64_t regs[PAPR_PT_REGS_WORDS];
        uint64_t regs_at = 0, next, ret;
        int exc = exception_frame(w, sp, regs, &regs_at);

        if (exc < 0) {
            return;
        }
        if (exc) {
            uint64_t nip = regs[PAPR_PT_NIP], msr = regs[PAPR_PT_MSR];
            uint64_t trap = regs[PAPR_PT_TRAP];

            if (w->lr_pending) {
                w->lr_pending = FALSE;
                if (!add_frame(w, KERNEL_UNWIND_LR, w->lr, 0, NULL)) {
                    return;
                }
            }
            if (msr & KERNEL_UNWIND_MSR_PR) {
                if (add_frame(w, KERNEL_UNWIND_USER, nip, sp, regs)) {
                    finish(w, KERNEL_UNWIND_END_USER,
                           "interrupt 0x%" G_GINT64_MODIFIER "x from user "
                           "mode at 0x%016" G_GINT64_MODIFIER "x", trap,
                           nip);
                }
                return;
            }
            /* copy_thread()'s zeroed pt_regs (process.c empty_user_regs) */
            if (!msr && !trap &&
                !((regs_at + PAPR_PT_REGS_SIZE) &
                  (KERNEL_UNWIND_THREAD_SIZE_MIN - 1))) {
                finish(w, KERNEL_UNWIND_END_BASE,
                       "empty pt_regs at the base of the stack (0x%016"
                       G_GINT64_MODIFIER "x): a kernel thread that has not "
                       "entered user mode yet", regs_at + PAPR_PT_REGS_SIZE);
                return;
            }
            if (!add_frame(w, KERNEL_UNWIND_EXCEPTION, nip, sp, regs)) {
                return;
            }
            next = regs[PAPR_PT_GPR0 + 1];
            if (entering_from_user(nip, next)) {
                /* e.g. an NMI while a decrementer came in from user mode */
                finish(w, KERNEL_UNWIND_END_USER,
                       "interrupted r1 0x%016" G_GINT64_MODIFIER "x is the "
                       "user's: the context was entering the kernel from "
                       "user mode (interrupt entry code at 0x%016"
                       G_GINT64_MODIFIER "x)", next, nip);
                return;
            }
            if (!move(w, sp, next, TRUE, "interrupted r1")) {
                return;
            }
            start_context(w, nip, regs[PAPR_PT_LINK]);
            sp = next;
            continue;
        }
        if (!read_ulong(w, sp, &next)) {
            return;
        }
        if (!next) {
            finish(w, KERNEL_UNWIND_END_BASE,
                   "back chain 0 at 0x%016" G_GINT64_MODIFIER "x: the base "
                   "of a kernel thread's stack", sp);
            return;
        }
        if (!move(w, sp, next, FALSE, "back chain") ||
            !read_ulong(w, next + LR_SAVE, &ret)) {
            return;
        }
        if (w->lr_pending) {
            w->lr_pending = FALSE;
            if (w->lr != ret &&
                !add_frame(w, KERNEL_UNWIND_LR, w->lr, 0, NULL)) {
                return;
            }
        }
        if (!add_frame(w, KERNEL_UNWIND_CALL, ret, next, NULL)) {
            return;
        }
        sp = next;
    }
}

KernelUnwind *kernel_unwind(KernelMem *k,
                            const uint64_t regs[PAPR_PT_REGS_WORDS],
                            const KernelUnwindParams *params)
{
    KernelUnwind *u = g_new0(KernelUnwind, 1);
    Walk w = {
        .k = k,
        .u = u,
        .layouts = KERNEL_UNWIND_REGS_ANY,
        .thread_size = KERNEL_UNWIND_THREAD_SIZE_MAX,
        .max_frames = KERNEL_UNWIND_MAX_FRAMES,
    };
    uint64_t sp = regs[PAPR_PT_GPR0 + 1], nip = regs[PAPR_PT_NIP];

    u->frames = g_array_new(FALSE, TRUE, sizeof(KernelUnwindFrame));
    if (params) {
        if (params->layouts & KERNEL_UNWIND_REGS_ANY) {
            w.layouts = params->layouts & KERNEL_UNWIND_REGS_ANY;
        }
        /* a power of 2 that a pt_regs frame fits in, at most 1 MiB */
        if (params->thread_size >= 4096 && params->thread_size <= 1u << 20 &&
            !(params->thread_size & (params->thread_size - 1))) {
            w.thread_size = params->thread_size;
        }
        if (params->max_frames) {
            w.max_frames = params->max_frames;
        }
    }
    if (regs[PAPR_PT_MSR] & KERNEL_UNWIND_MSR_PR) {
        if (add_frame(&w, KERNEL_UNWIND_USER, nip, sp, regs)) {
            finish(&w, KERNEL_UNWIND_END_USER, "the CPU was in user mode");
        }
        return u;
    }
    if (entering_from_user(nip, sp)) {
        if (add_frame(&w, KERNEL_UNWIND_PC, nip, sp, NULL)) {
            finish(&w, KERNEL_UNWIND_END_USER,
                   "r1 0x%016" G_GINT64_MODIFIER "x is the user's: the CPU "
                   "is entering the kernel from user mode (interrupt entry "
                   "code at 0x%016" G_GINT64_MODIFIER "x, before the switch "
                   "to its kernel stack)", sp, nip);
        }
        return u;
    }
    if (add_frame(&w, KERNEL_UNWIND_PC, nip, sp, NULL)) {
        start_context(&w, nip, regs[PAPR_PT_LINK]);
        if (move(&w, 0, sp, FALSE, "r1")) {
            walk(&w, sp);
        }
    }
    return u;
}
