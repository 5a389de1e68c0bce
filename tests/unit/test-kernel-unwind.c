/*
 * Unit tests of the kernel stack unwinder (lib/kernel/unwind.c) on stacks
 * tests/gen/stack-gen.c builds as each kernel version lays them out
 * (6.1; 6.12 and 7.2 ELFv2; 6.12 ELFv1), in both byte orders: the
 * backtrace must be exactly the one the generator built, and a corrupt
 * stack must end the walk where the corruption is, with the reason.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "kernel/unwind.h"
#include "common/error.h"
#include "stack-gen.h"

#define T   SGEN_TEXT

typedef struct Version {
    const char *name;
    SgenLayout layout;
    const char *release;
    uint64_t thread_size;
    gboolean be_only;
} Version;

static const Version versions[] = {
    { "6.1", SGEN_LAYOUT_61, "6.1.0-28-powerpc64le", 16 * 1024, FALSE },
    { "6.12", SGEN_LAYOUT_612, "6.12.9+bpo-powerpc64le", 32 * 1024, FALSE },
    { "7.2", SGEN_LAYOUT_612, "7.2.13", 32 * 1024, FALSE },
    { "6.12-elfv1", SGEN_LAYOUT_612_V1, "6.12.9", 32 * 1024, TRUE },
};

static gboolean read_sgen(gpointer data, uint64_t paddr, void *buf,
                          size_t len, GError **error)
{
    if (!sgen_read(data, paddr, buf, len)) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "0x%" G_GINT64_MODIFIER "x: not in the test memory",
                    paddr);
        return FALSE;
    }
    return TRUE;
}

static KernelUnwind *unwind(SgenImage *img, gboolean be,
                            const KernelUnwindParams *p)
{
    g_autoptr(KernelMem) k = kernel_mem_new(read_sgen, img, NULL, be);

    return kernel_unwind(k, sgen_regs(img), p);
}

static const KernelUnwindFrame *frame(const KernelUnwind *u, guint i)
{
    return &g_array_index(u->frames, KernelUnwindFrame, i);
}

/* @u has the first @n frames of @e, exactly */
static void check_frames(const KernelUnwind *u, GArray *e, guint n)
{
    if (u->frames->len != n) {
        for (guint i = 0; i < u->frames->len; i++) {
            g_printerr("# got %s 0x%016" G_GINT64_MODIFIER "x sp 0x%016"
                       G_GINT64_MODIFIER "x\n",
                       kernel_unwind_frame_kind_name(frame(u, i)->kind),
                       frame(u, i)->pc, frame(u, i)->sp);
        }
        for (guint i = 0; i < e->len; i++) {
            const SgenFrame *f = &g_array_index(e, SgenFrame, i);

            g_printerr("# want %s 0x%016" G_GINT64_MODIFIER "x sp 0x%016"
                       G_GINT64_MODIFIER "x\n", f->kind, f->pc, f->sp);
        }
        g_printerr("# end %s: %s\n", kernel_unwind_end_name(u->end),
                   u->reason);
    }
    g_assert_cmpuint(u->frames->len, ==, n);
    g_assert_cmpuint(n, <=, e->len);
    for (guint i = 0; i < n; i++) {
        const KernelUnwindFrame *f = frame(u, i);
        const SgenFrame *w = &g_array_index(e, SgenFrame, i);
        gboolean regs = !strcmp(w->kind, "exception") ||
                        !strcmp(w->kind, "user");

        g_assert_cmpstr(kernel_unwind_frame_kind_name(f->kind), ==, w->kind);
        g_assert_cmphex(f->pc, ==, w->pc);
        g_assert_cmphex(f->sp, ==, w->sp);
        g_assert_cmpint(f->new_stack, ==, w->new_stack);
        g_assert_cmpint(f->have_regs, ==, regs);
        if (regs) {
            g_assert_cmphex(f->regs[PAPR_PT_NIP], ==, w->pc);
            g_assert_cmphex(f->regs[PAPR_PT_TRAP], ==, w->trap);
        }
    }
    g_assert_nonnull(u->reason);
}

/* --- the stacks ----------------------------------------------------- */

typedef struct Scenario {
    const char *name;
    unsigned int n_stacks;
    void (*build)(SgenImage *img);
    KernelUnwindEnd end;
} Scenario;

/* kthread -> a -> b -> c, crash in c */
static void build_chain(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 64);
    sgen_call(img, T + 0x300, 48);
    sgen_crash(img, T + 0x400, 0);
}

/* ... c calls a leaf that makes no frame: c only in LR */
static void build_leaf(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 64);
    sgen_leaf(img, T + 0x250, FALSE);
    sgen_crash(img, T + 0x500, 0);
}

/* ... crash in a prologue, after std r0,16(r1), before stdu */
static void build_prologue(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 64);
    sgen_leaf(img, T + 0x250, TRUE);
    sgen_crash(img, T + 0x500, 0);
}

/* ... c has called something since: LR points into c */
static void build_stale_lr(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 64);
    sgen_crash(img, T + 0x400, T + 0x3f0);
}

/* a leaf called by the thread's first function: the base at once */
static void build_leaf_at_base(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_leaf(img, T + 0x100, FALSE);
    sgen_crash(img, T + 0x200, 0);
}

/* an interrupt in b, the handler crashes */
static void build_exception(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 128);
    sgen_exception(img, 0x300, T + 0x280, -1);
    sgen_call(img, T + 0x600, 112);     /* into the entry code */
    sgen_call(img, T + 0x700, 64);
    sgen_crash(img, T + 0x800, 0);
}

/* an interrupt in a leaf (its caller in pt_regs link only) */
static void build_exception_leaf(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 128);
    sgen_leaf(img, T + 0x240, FALSE);
    sgen_exception(img, 0x900, T + 0x2a0, -1);
    sgen_call(img, T + 0x600, 112);
    sgen_crash(img, T + 0x800, 0);
}

/* an interrupt in an interrupt handler, which crashes in a leaf */
static void build_nested(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_exception(img, 0x900, T + 0x180, -1);
    sgen_call(img, T + 0x600, 112);
    sgen_call(img, T + 0x680, 96);
    sgen_exception(img, 0x700, T + 0x6c0, -1);
    sgen_call(img, T + 0x640, 112);
    sgen_leaf(img, T + 0x740, FALSE);
    sgen_crash(img, T + 0x900, 0);
}

/* a system call from user mode */
static void build_syscall(SgenImage *img)
{
    sgen_user_base(img, 0, 0xc00, 0x7fff81001000ULL, 0x7fffffffe000ULL);
    sgen_call(img, T + 0x900, 112);
    sgen_call(img, T + 0xa00, 64);
    sgen_crash(img, T + 0xb00, 0);
}

/* the CPU in user mode */
static void build_user_cpu(SgenImage *img)
{
    sgen_user_cpu(img, 0x10001000, 0x7ffffff0e000ULL);
}

/* an external interrupt in a system call, handled on the IRQ stack */
static void irq_stack(SgenImage *img)
{
    sgen_user_base(img, 0, 0xc00, 0x7fff81001000ULL, 0x7fffffffe000ULL);
    sgen_call(img, T + 0x900, 112);
    sgen_exception(img, 0x500, T + 0x940, -1);
    sgen_call(img, T + 0x600, 112);     /* do_IRQ */
    sgen_switch_stack(img, 1, T + 0x650);
    sgen_call(img, T + 0x680, 112);     /* __do_irq */
}

static void build_irq_stack(SgenImage *img)
{
    irq_stack(img);
    sgen_call(img, T + 0x700, 64);
    sgen_crash(img, T + 0x720, 0);
}

/*
 * ... its softirq on the softirq stack, interrupted there by one handled
 * on an emergency stack
 */
static void build_softirq(SgenImage *img)
{
    irq_stack(img);
    sgen_call(img, T + 0x780, 112);     /* irq_exit -> do_softirq */
    sgen_switch_stack(img, 2, T + 0x790);
    sgen_call(img, T + 0x7a0, 128);
    sgen_exception(img, 0x900, T + 0x7b0, 3);
    sgen_call(img, T + 0x7c0, 112);
    sgen_crash(img, T + 0x7d0, 0);
}

/* a machine check on the emergency stack */
static void build_emergency(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_exception(img, 0x200, T + 0x140, 1);
    sgen_call(img, T + 0x600, 112);
    sgen_crash(img, T + 0x610, 0);
}

/* deeper than KERNEL_UNWIND_MAX_FRAMES */
static void build_deep(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    for (unsigned int i = 0; i < 280; i++) {
        sgen_call(img, T + 0x1000 + 4 * i, 48);
    }
    sgen_crash(img, T + 0x400, 0);
}

static const Scenario scenarios[] = {
    { "chain", 1, build_chain, KERNEL_UNWIND_END_BASE },
    { "leaf", 1, build_leaf, KERNEL_UNWIND_END_BASE },
    { "prologue", 1, build_prologue, KERNEL_UNWIND_END_BASE },
    { "stale-lr", 1, build_stale_lr, KERNEL_UNWIND_END_BASE },
    { "leaf-at-base", 1, build_leaf_at_base, KERNEL_UNWIND_END_BASE },
    { "exception", 1, build_exception, KERNEL_UNWIND_END_BASE },
    { "exception-leaf", 1, build_exception_leaf, KERNEL_UNWIND_END_BASE },
    { "nested", 1, build_nested, KERNEL_UNWIND_END_BASE },
    { "syscall", 1, build_syscall, KERNEL_UNWIND_END_USER },
    { "user-cpu", 1, build_user_cpu, KERNEL_UNWIND_END_USER },
    { "irq-stack", 2, build_irq_stack, KERNEL_UNWIND_END_USER },
    { "softirq", 4, build_softirq, KERNEL_UNWIND_END_USER },
    { "emergency", 2, build_emergency, KERNEL_UNWIND_END_BASE },
    { "deep", 1, build_deep, KERNEL_UNWIND_END_MAX_FRAMES },
};

static SgenImage *build(const Version *v, gboolean be, const Scenario *s,
                        gboolean legacy)
{
    SgenImage *img = sgen_new(be, v->layout, v->thread_size, s->n_stacks,
                              legacy);

    s->build(img);
    return img;
}

/* Every stack, every version, both byte orders, the version's params */
static void test_scenarios(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        for (int be = 0; be <= 1; be++) {
            KernelUnwindParams p;

            if (versions[v].be_only && !be) {
                continue;
            }
            kernel_unwind_params_for_release(&p, versions[v].release, be);
            for (size_t s = 0; s < G_N_ELEMENTS(scenarios); s++) {
                g_autoptr(SgenImage) img = build(&versions[v], be,
                                                 &scenarios[s], FALSE);
                g_autoptr(GArray) e = sgen_expected(img);
                g_autoptr(KernelUnwind) u = unwind(img, be, &p);
                guint n = scenarios[s].end == KERNEL_UNWIND_END_MAX_FRAMES ?
                          KERNEL_UNWIND_MAX_FRAMES : e->len;

                g_test_message("%s %s %s: %s", versions[v].name,
                               be ? "BE" : "LE", scenarios[s].name,
                               u->reason);
                check_frames(u, e, n);
                g_assert_cmpstr(kernel_unwind_end_name(u->end), ==,
                                kernel_unwind_end_name(scenarios[s].end));
            }
        }
    }
}

/*
 * Without the release: both layouts looked for, 32 KiB stacks assumed
 * (twice 6.1's): the same backtraces
 */
static void test_scenarios_any(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        for (int be = 0; be <= 1; be++) {
            if (versions[v].be_only && !be) {
                continue;
            }
            for (size_t s = 0; s < G_N_ELEMENTS(scenarios); s++) {
                g_autoptr(SgenImage) img = build(&versions[v], be,
                                                 &scenarios[s], FALSE);
                g_autoptr(GArray) e = sgen_expected(img);
                g_autoptr(KernelUnwind) u = unwind(img, be, NULL);
                guint n = scenarios[s].end == KERNEL_UNWIND_END_MAX_FRAMES ?
                          KERNEL_UNWIND_MAX_FRAMES : e->len;

                g_test_message("%s %s %s: %s", versions[v].name,
                               be ? "BE" : "LE", scenarios[s].name,
                               u->reason);
                check_frames(u, e, n);
                g_assert_cmpint(u->end, ==, scenarios[s].end);
            }
        }
    }
}

/* What the generator's stacks look like, spelled out once */
static void test_exact_6_12_le(void)
{
    g_autoptr(SgenImage) img = sgen_new(FALSE, SGEN_LAYOUT_612, 32 * 1024, 1,
                                        FALSE);
    g_autoptr(KernelUnwind) u = NULL;
    uint64_t top = sgen_stack_top(img, 0);
    /* the base frame; the exception frame below b's 128 bytes */
    uint64_t s0 = top - 32, sa = s0 - 112, sb = sa - 128;
    uint64_t se = sb - (288 + 48 + 384), sh = se - 112;
    const struct {
        KernelUnwindFrameKind kind;
        uint64_t pc, sp;
    } want[] = {
        { KERNEL_UNWIND_PC, T + 0x800, sh - 64 },
        { KERNEL_UNWIND_CALL, T + 0x700, sh },
        { KERNEL_UNWIND_CALL, T + 0x600, se },
        { KERNEL_UNWIND_EXCEPTION, T + 0x280, se },
        { KERNEL_UNWIND_CALL, T + 0x200, sa },
        { KERNEL_UNWIND_CALL, T + 0x100, s0 },
    };

    build_exception(img);
    g_assert_cmphex(sgen_regs(img)[1], ==, sh - 64);
    /* "REGS" in memory, pt_regs->gpr1 = b's frame */
    g_assert_cmphex(sgen_get64(img, se + 32), ==, 0x53474552);
    g_assert_cmphex(sgen_get64(img, se + 48 + 8), ==, sb);
    u = unwind(img, FALSE, NULL);
    g_assert_cmpuint(u->frames->len, ==, G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmpint(frame(u, i)->kind, ==, want[i].kind);
        g_assert_cmphex(frame(u, i)->pc, ==, want[i].pc);
        g_assert_cmphex(frame(u, i)->sp, ==, want[i].sp);
    }
    g_assert_cmphex(frame(u, 3)->regs[PAPR_PT_TRAP], ==, 0x300);
    g_assert_cmphex(frame(u, 3)->regs[PAPR_PT_GPR0 + 1], ==, sb);
    g_assert_cmphex(frame(u, 3)->regs[PAPR_PT_GPR0 + 7], ==, 0x1007);
    g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_BASE);
    g_assert_true(strstr(u->reason, "back chain 0"));
}

/* "regshere": the marker of older kernels, at 6.1's offset */
static void test_legacy_marker(void)
{
    for (int be = 0; be <= 1; be++) {
        for (int any = 0; any <= 1; any++) {
            g_autoptr(SgenImage) img = build(&versions[0], be,
                                             &scenarios[5], TRUE);
            g_autoptr(GArray) e = sgen_expected(img);
            KernelUnwindParams p;
            g_autoptr(KernelUnwind) u = NULL;

            kernel_unwind_params_for_release(&p, any ? NULL : "5.10.0", be);
            u = unwind(img, be, &p);
            check_frames(u, e, e->len);
            g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_BASE);
        }
    }
}

/* The layout of the other version: exception frames go unseen */
static void test_wrong_layout(void)
{
    for (size_t v = 0; v < 2; v++) {
        g_autoptr(SgenImage) img = build(&versions[v], FALSE,
                                         &scenarios[5], FALSE);
        KernelUnwindParams p = {
            .layouts = v ? KERNEL_UNWIND_REGS_AT_112 :
                           KERNEL_UNWIND_REGS_AT_48,
        };
        g_autoptr(KernelUnwind) u = unwind(img, FALSE, &p);

        for (guint i = 0; i < u->frames->len; i++) {
            g_assert_cmpint(frame(u, i)->kind, !=, KERNEL_UNWIND_EXCEPTION);
        }
        /* the exception frame's back chain is the interrupted r1 */
        g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_BASE);
    }
}

/* --- corrupt stacks -------------------------------------------------- */

typedef struct Corruption {
    const char *name;
    const char *reason;         /* in u->reason */
    gboolean not_base;          /* not for the base frame */
    uint64_t (*value)(const SgenImage *img, uint64_t sp);
} Corruption;

static uint64_t self(const SgenImage *img, uint64_t sp)
{
    return sp;
}

static uint64_t down(const SgenImage *img, uint64_t sp)
{
    return sp - 16;
}

static uint64_t misaligned(const SgenImage *img, uint64_t sp)
{
    return sgen_get64(img, sp) ? sgen_get64(img, sp) + 8 : sp + 72;
}

static uint64_t next_stack(const SgenImage *img, uint64_t sp)
{
    return sgen_stack_top(img, 0) + 0x100;
}

static uint64_t user_address(const SgenImage *img, uint64_t sp)
{
    return 0x7fffffffe000ULL;
}

static uint64_t no_room(const SgenImage *img, uint64_t sp)
{
    return sgen_stack_top(img, 0) - 16;
}

static const Corruption corruptions[] = {
    { "loop", "does not go up", FALSE, self },
    { "down", "does not go up", FALSE, down },
    { "misaligned", "not 16-byte aligned", FALSE, misaligned },
    { "off-stack", "leaves its stack", TRUE, next_stack },
    { "user", "not a kernel stack address", FALSE, user_address },
    { "no-room", "no room", FALSE, no_room },
};

/* The back chain of each frame of build_chain() corrupted in turn */
static void test_corrupt_back_chain(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        for (int be = 0; be <= 1; be++) {
            KernelUnwindParams p;

            if (versions[v].be_only && !be) {
                continue;
            }
            kernel_unwind_params_for_release(&p, versions[v].release, be);
            for (size_t c = 0; c < G_N_ELEMENTS(corruptions); c++) {
                for (guint i = 0; i < 4; i++) {
                    g_autoptr(SgenImage) img =
                        sgen_new(be, versions[v].layout,
                                 versions[v].thread_size, 2, FALSE);
                    g_autoptr(GArray) e = NULL;
                    g_autoptr(KernelUnwind) u = NULL;
                    uint64_t sp;

                    build_chain(img);
                    e = sgen_expected(img);
                    g_assert_cmpuint(e->len, ==, 4);
                    if (i == 3 && corruptions[c].not_base) {
                        continue;
                    }
                    sp = g_array_index(e, SgenFrame, i).sp;
                    sgen_put64(img, sp, corruptions[c].value(img, sp));
                    u = unwind(img, be, &p);
                    g_test_message("%s %s frame %u: %s", versions[v].name,
                                   corruptions[c].name, i, u->reason);
                    if (i == 0) {
                        /* LR, not checked against the caller's slot */
                        g_assert_cmpuint(u->frames->len, ==, 2);
                        g_assert_cmpint(frame(u, 1)->kind, ==,
                                        KERNEL_UNWIND_LR);
                        g_assert_cmphex(frame(u, 1)->pc, ==,
                                        g_array_index(e, SgenFrame, 1).pc);
                        g_array_set_size(u->frames, 1);
                    }
                    check_frames(u, e, i + 1);
                    g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_CORRUPT);
                    g_assert_nonnull(strstr(u->reason,
                                            corruptions[c].reason));
                }
            }
        }
    }
}

/* An exception frame whose interrupted r1 is not a stack pointer */
static void test_corrupt_regs(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        g_autoptr(SgenImage) img = build(&versions[v], TRUE, &scenarios[5],
                                         FALSE);
        g_autoptr(GArray) e = sgen_expected(img);
        uint32_t regs_off = versions[v].layout == SGEN_LAYOUT_612 ? 48 : 112;
        uint64_t se = g_array_index(e, SgenFrame, 3).sp;
        KernelUnwindParams p;
        g_autoptr(KernelUnwind) u = NULL;

        g_assert_cmpstr(g_array_index(e, SgenFrame, 3).kind, ==,
                        "exception");
        sgen_put64(img, se + regs_off + 8, se + 8);
        kernel_unwind_params_for_release(&p, versions[v].release, TRUE);
        u = unwind(img, TRUE, &p);
        check_frames(u, e, 4);
        g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_CORRUPT);
        g_assert_nonnull(strstr(u->reason, "interrupted r1"));
    }
}

/*
 * copy_thread()'s zeroed pt_regs at the base of a user thread's stack
 * that has not entered user mode (6.12: process.c empty_user_regs())
 */
static void test_empty_user_regs(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        gboolean be = versions[v].be_only;
        g_autoptr(SgenImage) img = build(&versions[v], be, &scenarios[8],
                                         FALSE);
        g_autoptr(GArray) e = sgen_expected(img);
        uint64_t top = sgen_stack_top(img, 0);
        KernelUnwindParams p;
        g_autoptr(KernelUnwind) u = NULL;

        g_assert_cmpuint(e->len, ==, 4);
        sgen_put64(img, top - 384 + 8 * 33, 0);     /* msr */
        sgen_put64(img, top - 384 + 8 * 40, 0);     /* trap */
        kernel_unwind_params_for_release(&p, versions[v].release, be);
        u = unwind(img, be, &p);
        g_test_message("%s: %s", versions[v].name, u->reason);
        check_frames(u, e, 3);
        g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_BASE);
        g_assert_nonnull(strstr(u->reason, "empty pt_regs"));
    }
}

/*
 * A task stack's base frame chained to the IRQ stack that chains to it:
 * a loop from a top frame (6.12), or a chain leaving the stack from below
 * its top (6.1's base frame is under the pt_regs)
 */
static void test_stack_loop(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        g_autoptr(SgenImage) img = sgen_new(TRUE, versions[v].layout,
                                            versions[v].thread_size, 2,
                                            FALSE);
        g_autoptr(GArray) e = NULL;
        uint64_t base, irq_top;
        KernelUnwindParams p;
        g_autoptr(KernelUnwind) u = NULL;

        sgen_kthread_base(img, 0);
        base = sgen_sp(img);
        sgen_call(img, T + 0x100, 112);
        sgen_switch_stack(img, 1, T + 0x140);
        irq_top = sgen_sp(img);
        sgen_call(img, T + 0x180, 112);
        sgen_crash(img, T + 0x240, 0);
        e = sgen_expected(img);
        g_assert_cmpuint(e->len, ==, 4);
        sgen_put64(img, base, irq_top);
        kernel_unwind_params_for_release(&p, versions[v].release, TRUE);
        u = unwind(img, TRUE, &p);
        g_test_message("%s: %s", versions[v].name, u->reason);
        check_frames(u, e, 4);
        g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_CORRUPT);
        g_assert_nonnull(strstr(u->reason,
                                versions[v].layout == SGEN_LAYOUT_61 ?
                                "leaves its stack" : "loop"));
    }
}

/* Stacks not in the dump */
static void test_unreadable(void)
{
    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        g_autoptr(SgenImage) img = sgen_new(FALSE, versions[v].layout,
                                            versions[v].thread_size, 1,
                                            FALSE);
        g_autoptr(KernelUnwind) u = NULL;
        g_autoptr(GArray) e = NULL;
        uint64_t regs[PAPR_PT_REGS_WORDS];

        /* r1 two stacks up: only the pc */
        build_leaf(img);
        e = sgen_expected(img);
        memcpy(regs, sgen_regs(img), sizeof(regs));
        regs[1] = sgen_stack_top(img, 0) + 2 * versions[v].thread_size - 64;
        {
            g_autoptr(KernelMem) k = kernel_mem_new(read_sgen, img, NULL,
                                                    FALSE);

            u = kernel_unwind(k, regs, NULL);
        }
        g_assert_cmpuint(u->frames->len, ==, 2);
        g_assert_cmpint(frame(u, 0)->kind, ==, KERNEL_UNWIND_PC);
        /* what LR says is known without the stack */
        g_assert_cmpint(frame(u, 1)->kind, ==, KERNEL_UNWIND_LR);
        g_assert_cmphex(frame(u, 1)->pc, ==, T + 0x250);
        g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_UNREADABLE);
        g_assert_nonnull(strstr(u->reason, "not in the test memory"));
    }
}

/* max_frames, a bad thread_size */
static void test_params(void)
{
    g_autoptr(SgenImage) img = build(&versions[1], FALSE, &scenarios[0],
                                     FALSE);
    g_autoptr(GArray) e = sgen_expected(img);
    KernelUnwindParams p = { .max_frames = 2, .thread_size = 3000 };
    g_autoptr(KernelUnwind) u = unwind(img, FALSE, &p);

    check_frames(u, e, 2);
    g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_MAX_FRAMES);
    g_assert_nonnull(strstr(u->reason, "2 frames"));
}

static void test_params_for_release(void)
{
    static const struct {
        const char *release;
        gboolean be;
        unsigned int layouts;
        uint64_t thread_size;
    } t[] = {
        { "6.1.0-28-powerpc64le", FALSE, KERNEL_UNWIND_REGS_AT_112, 16384 },
        { "6.1.119", TRUE, KERNEL_UNWIND_REGS_AT_112, 16384 },
        { "5.10.0", FALSE, KERNEL_UNWIND_REGS_AT_112, 16384 },
        { "6.12.9+bpo-powerpc64le", FALSE, KERNEL_UNWIND_REGS_AT_48, 32768 },
        { "6.12.9", TRUE, KERNEL_UNWIND_REGS_ANY, 32768 },
        { "7.2.13", FALSE, KERNEL_UNWIND_REGS_AT_48, 32768 },
        { "10.0", FALSE, KERNEL_UNWIND_REGS_AT_48, 32768 },
        /* between what was read: both */
        { "6.6.30", FALSE, KERNEL_UNWIND_REGS_ANY, 32768 },
        { NULL, FALSE, KERNEL_UNWIND_REGS_ANY, 32768 },
        { "", FALSE, KERNEL_UNWIND_REGS_ANY, 32768 },
        { "6", FALSE, KERNEL_UNWIND_REGS_ANY, 32768 },
        { "linux-6.1", FALSE, KERNEL_UNWIND_REGS_ANY, 32768 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
        KernelUnwindParams p;

        kernel_unwind_params_for_release(&p, t[i].release, t[i].be);
        g_assert_cmpuint(p.layouts, ==, t[i].layouts);
        g_assert_cmpuint(p.thread_size, ==, t[i].thread_size);
        g_assert_cmpuint(p.max_frames, ==, KERNEL_UNWIND_MAX_FRAMES);
    }
}

/*
 * A CPU in the interrupt entry code with the user's r1 still (a real 6.12
 * guest's CPU at exc_virt_0x4900_decrementer, r1 0x00007fffd3d15c20):
 * entering the kernel from user mode; the same r1 elsewhere is corrupt
 */
static void test_interrupt_entry(void)
{
    g_autoptr(SgenImage) img = sgen_new(FALSE, SGEN_LAYOUT_612, 32 * 1024,
                                        1, FALSE);
    g_autoptr(KernelMem) k = kernel_mem_new(read_sgen, img, NULL, FALSE);
    uint64_t regs[PAPR_PT_REGS_WORDS] = { 0 };
    g_autoptr(KernelUnwind) entry = NULL, elsewhere = NULL;

    regs[1] = 0x00007fffd3d15c20ULL;
    regs[PAPR_PT_NIP] = 0xc000000000004900ULL;
    regs[PAPR_PT_MSR] = SGEN_MSR_KERNEL_LE;
    regs[PAPR_PT_LINK] = 0x100b99a4ULL;
    entry = kernel_unwind(k, regs, NULL);
    g_assert_cmpuint(entry->frames->len, ==, 1);
    g_assert_cmpint(frame(entry, 0)->kind, ==, KERNEL_UNWIND_PC);
    g_assert_cmphex(frame(entry, 0)->pc, ==, 0xc000000000004900ULL);
    g_assert_cmphex(frame(entry, 0)->sp, ==, 0x00007fffd3d15c20ULL);
    g_assert_cmpint(entry->end, ==, KERNEL_UNWIND_END_USER);
    g_assert_nonnull(strstr(entry->reason, "entering the kernel"));

    regs[PAPR_PT_NIP] = 0xc000000000000000ULL + KERNEL_UNWIND_ENTRY_END;
    elsewhere = kernel_unwind(k, regs, NULL);
    g_assert_cmpint(elsewhere->end, ==, KERNEL_UNWIND_END_CORRUPT);
}

/*
 * An NMI (system reset, on an emergency stack) that interrupted a context
 * in the interrupt entry code still on the user's r1 (a real 7.2 guest's
 * CPU stopped by smp_send_stop() at exc_virt_0x4900_decrementer): the
 * walk ends there, entering the kernel from user mode, not corrupt
 */
static void test_nmi_over_entry(void)
{
    g_autoptr(SgenImage) img = sgen_new(FALSE, SGEN_LAYOUT_612, 32 * 1024,
                                        2, FALSE);
    g_autoptr(GArray) e = NULL;
    g_autoptr(KernelUnwind) u = NULL;
    guint x = 0;

    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_exception(img, 0x100, 0xc000000000004900ULL, 1);
    sgen_call(img, T + 0x600, 112);
    sgen_crash(img, T + 0x800, 0);
    e = sgen_expected(img);
    while (strcmp(g_array_index(e, SgenFrame, x).kind, "exception")) {
        x++;
    }
    /* the interrupted context's r1 (pt_regs at sp + 48, gpr1): the user's */
    sgen_put64(img, g_array_index(e, SgenFrame, x).sp + 48 + 8,
               0x00007fffcafcc7a0ULL);
    u = unwind(img, FALSE, NULL);
    check_frames(u, e, x + 1);
    g_assert_cmpint(frame(u, x)->kind, ==, KERNEL_UNWIND_EXCEPTION);
    g_assert_cmphex(frame(u, x)->pc, ==, 0xc000000000004900ULL);
    g_assert_cmpint(u->end, ==, KERNEL_UNWIND_END_USER);
    g_assert_nonnull(strstr(u->reason,
                            "entering the kernel from user mode"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kernel-unwind/scenarios", test_scenarios);
    g_test_add_func("/kernel-unwind/nmi-over-entry", test_nmi_over_entry);
    g_test_add_func("/kernel-unwind/scenarios-any", test_scenarios_any);
    g_test_add_func("/kernel-unwind/exact-6.12-le", test_exact_6_12_le);
    g_test_add_func("/kernel-unwind/legacy-marker", test_legacy_marker);
    g_test_add_func("/kernel-unwind/wrong-layout", test_wrong_layout);
    g_test_add_func("/kernel-unwind/corrupt-back-chain",
                    test_corrupt_back_chain);
    g_test_add_func("/kernel-unwind/corrupt-regs", test_corrupt_regs);
    g_test_add_func("/kernel-unwind/empty-user-regs", test_empty_user_regs);
    g_test_add_func("/kernel-unwind/stack-loop", test_stack_loop);
    g_test_add_func("/kernel-unwind/unreadable", test_unreadable);
    g_test_add_func("/kernel-unwind/interrupt-entry", test_interrupt_entry);
    g_test_add_func("/kernel-unwind/params", test_params);
    g_test_add_func("/kernel-unwind/params-for-release",
                    test_params_for_release);
    return g_test_run();
}
