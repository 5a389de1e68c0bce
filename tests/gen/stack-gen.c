/*
 * Synthetic ppc64 kernel stacks (see tests/gen/stack-gen.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "stack-gen.h"

#define FILL            0xa5    /* 0xa5a5a5a5a5a5a5a5: no address, marker */
#define PT_REGS_SIZE    (SGEN_REGS_WORDS * 8)
#define REDZONE         288     /* KERNEL_REDZONE_SIZE */
#define LR_SAVE         16      /* STACK_FRAME_LR_SAVE * 8 */

struct SgenImage {
    gboolean big_endian;
    SgenLayout layout;
    uint64_t thread_size;
    unsigned int n_stacks;
    uint64_t phys_base;         /* of stack 0 */
    uint64_t marker;
    uint32_t marker_off, regs_off;
    uint32_t base_frame;        /* a kernel thread's base frame */
    uint32_t top_frame;         /* call_do_irq()'s frame at an IRQ top */
    uint8_t *mem;
    size_t len;

    uint64_t sp;
    uint64_t frame_ret;         /* the return address the frame was
                                   made for (its caller's LR slot) */
    gboolean in_leaf;
    uint64_t leaf_ret;
    uint64_t regs[SGEN_REGS_WORDS];
    GArray *truth;              /* SgenFrame, outermost first */
};

static void put(uint8_t *p, uint64_t v, gboolean be)
{
    for (int i = 0; i < 8; i++) {
        p[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get(const uint8_t *p, gboolean be)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)p[be ? 7 - i : i] << (8 * i);
    }
    return v;
}

static uint8_t *at(const SgenImage *img, uint64_t vaddr, size_t len)
{
    uint64_t off = vaddr - SGEN_PAGE_OFFSET - img->phys_base;

    g_assert(vaddr >= SGEN_PAGE_OFFSET + img->phys_base);
    g_assert(off <= img->len && len <= img->len - off);
    return img->mem + off;
}

void sgen_put64(SgenImage *img, uint64_t vaddr, uint64_t v)
{
    put(at(img, vaddr, 8), v, img->big_endian);
}

uint64_t sgen_get64(const SgenImage *img, uint64_t vaddr)
{
    return get(at(img, vaddr, 8), img->big_endian);
}

SgenImage *sgen_new(gboolean big_endian, SgenLayout layout,
                    uint64_t thread_size, unsigned int n_stacks,
                    gboolean legacy_marker)
{
    return sgen_new_at(big_endian, layout, thread_size, n_stacks,
                       legacy_marker, SGEN_PHYS_BASE);
}

SgenImage *sgen_new_at(gboolean big_endian, SgenLayout layout,
                       uint64_t thread_size, unsigned int n_stacks,
                       gboolean legacy_marker, uint64_t phys_base)
{
    SgenImage *img = g_new0(SgenImage, 1);

    g_assert(thread_size && !(thread_size & (thread_size - 1)));
    g_assert(phys_base % thread_size == 0);
    img->phys_base = phys_base;
    img->big_endian = big_endian;
    img->layout = layout;
    img->thread_size = thread_size;
    img->n_stacks = n_stacks;
    switch (layout) {
    case SGEN_LAYOUT_61:
        img->marker_off = 96;
        img->regs_off = 112;
        /* copy_thread(): pt_regs at the top, a 112-byte frame below */
        img->base_frame = PT_REGS_SIZE + 112;
        img->top_frame = 112;   /* THREAD_SIZE - STACK_FRAME_OVERHEAD */
        break;
    case SGEN_LAYOUT_612:
        img->marker_off = 32;
        img->regs_off = 48;
        img->base_frame = 32;   /* STACK_FRAME_MIN_SIZE */
        img->top_frame = 32;
        break;
    case SGEN_LAYOUT_612_V1:
        img->marker_off = 96;
        img->regs_off = 112;
        img->base_frame = 112;
        img->top_frame = 112;
        break;
    }
    g_assert(!legacy_marker || img->regs_off == 112);
    /* "REGS" in memory whatever the byte order; "regshere" a long */
    img->marker = legacy_marker ? 0x7265677368657265ULL :
                  big_endian ? 0x52454753ULL : 0x53474552ULL;
    img->len = thread_size * n_stacks;
    img->mem = g_malloc(img->len);
    memset(img->mem, FILL, img->len);
    img->truth = g_array_new(FALSE, TRUE, sizeof(SgenFrame));
    return img;
}

void sgen_free(SgenImage *img)
{
    if (img) {
        g_array_unref(img->truth);
        g_free(img->mem);
        g_free(img);
    }
}

uint64_t sgen_stack_top(const SgenImage *img, unsigned int i)
{
    g_assert(i < img->n_stacks);
    return SGEN_PAGE_OFFSET + img->phys_base + (i + 1) * img->thread_size;
}

uint64_t sgen_sp(const SgenImage *img)
{
    return img->sp;
}

static void record(SgenImage *img, const char *kind, uint64_t pc,
                   uint64_t sp, uint64_t trap)
{
    SgenFrame f = { .kind = kind, .pc = pc, .sp = sp, .trap = trap };

    g_array_append_val(img->truth, f);
}

static uint64_t msr_kernel(const SgenImage *img)
{
    return img->big_endian ? SGEN_MSR_KERNEL_BE : SGEN_MSR_KERNEL_LE;
}

static uint64_t msr_user(const SgenImage *img)
{
    return img->big_endian ? SGEN_MSR_USER_LE & ~1ULL : SGEN_MSR_USER_LE;
}

/* The exception frame at @sp: back chain, marker, pt_regs */
static void exception_frame(SgenImage *img, uint64_t sp, const uint64_t *r)
{
    uint8_t *regs = at(img, sp + img->regs_off, PT_REGS_SIZE);

    sgen_put64(img, sp, r[SGEN_R1]);
    sgen_put64(img, sp + img->marker_off, img->marker);
    for (int i = 0; i < SGEN_REGS_WORDS; i++) {
        put(regs + 8 * i, r[i], img->big_endian);
    }
}

void sgen_kthread_base(SgenImage *img, unsigned int i)
{
    uint64_t top = sgen_stack_top(img, i);

    img->sp = top - img->base_frame;
    if (img->layout == SGEN_LAYOUT_61) {
        /* the kernel thread's zeroed pt_regs, gpr1 = the top */
        memset(at(img, top - PT_REGS_SIZE, PT_REGS_SIZE), 0, PT_REGS_SIZE);
        sgen_put64(img, top - PT_REGS_SIZE + 8, top);
    }
    sgen_put64(img, img->sp, 0);
    img->frame_ret = 0;
    img->in_leaf = FALSE;
}

void sgen_user_base(SgenImage *img, unsigned int i, uint64_t trap,
                    uint64_t user_nip, uint64_t user_sp)
{
    uint64_t r[SGEN_REGS_WORDS];

    for (int j = 0; j < SGEN_REGS_WORDS; j++) {
        r[j] = 0x2000 + j;
    }
    r[SGEN_R1] = user_sp;
    r[SGEN_NIP] = user_nip;
    r[SGEN_MSR] = msr_user(img);
    r[SGEN_LINK] = user_nip - 0x100;
    r[SGEN_TRAP] = trap;
    /* the pt_regs end at the top (current_pt_regs()) */
    img->sp = sgen_stack_top(img, i) - PT_REGS_SIZE - img->regs_off;
    exception_frame(img, img->sp, r);
    record(img, "user", user_nip, img->sp, trap);
    img->frame_ret = 0;
    img->in_leaf = FALSE;
}

void sgen_call(SgenImage *img, uint64_t ret, uint64_t frame_size)
{
    g_assert(!img->in_leaf);
    g_assert(frame_size >= 32 && frame_size % 16 == 0);
    /* the callee's prologue: std r0,16(r1); stdu r1,-size(r1) */
    sgen_put64(img, img->sp + LR_SAVE, ret);
    record(img, "call", ret, img->sp, 0);
    sgen_put64(img, img->sp - frame_size, img->sp);
    img->sp -= frame_size;
    img->frame_ret = ret;
}

void sgen_leaf(SgenImage *img, uint64_t ret, gboolean saved)
{
    g_assert(!img->in_leaf);
    if (saved) {
        sgen_put64(img, img->sp + LR_SAVE, ret);
    }
    record(img, "lr", ret, 0, 0);
    img->in_leaf = TRUE;
    img->leaf_ret = ret;
}

void sgen_exception(SgenImage *img, uint64_t trap, uint64_t nip,
                    int on_stack)
{
    uint64_t r[SGEN_REGS_WORDS];
    uint64_t size = REDZONE + img->regs_off + PT_REGS_SIZE;
    uint64_t sp;

    for (int j = 0; j < SGEN_REGS_WORDS; j++) {
        r[j] = 0x1000 + j;
    }
    r[SGEN_R1] = img->sp;
    r[SGEN_NIP] = nip;
    r[SGEN_MSR] = msr_kernel(img);
    r[SGEN_LINK] = img->in_leaf ? img->leaf_ret : img->frame_ret;
    r[SGEN_TRAP] = trap;
    /* exception entry: subi r1,r1,INT_FRAME_SIZE (from emergency_sp) */
    sp = (on_stack >= 0 ? sgen_stack_top(img, (unsigned)on_stack) :
          img->sp) - size;
    exception_frame(img, sp, r);
    record(img, "exception", nip, sp, trap);
    img->sp = sp;
    img->frame_ret = 0;
    img->in_leaf = FALSE;
}

void sgen_switch_stack(SgenImage *img, unsigned int i, uint64_t ret)
{
    uint64_t sp = sgen_stack_top(img, i) - img->top_frame;

    g_assert(!img->in_leaf);
    /* what an earlier call of the switching function left in its slot */
    sgen_put64(img, img->sp + LR_SAVE, ret);
    record(img, "call", ret, img->sp, 0);
    /* stdu r1,THREAD_SIZE-STACK_FRAME_MIN_SIZE(irqsp) */
    sgen_put64(img, sp, img->sp);
    img->sp = sp;
    img->frame_ret = ret;
}

void sgen_crash(SgenImage *img, uint64_t nip, uint64_t stale_lr)
{
    g_assert(!(stale_lr && img->in_leaf));
    for (int j = 0; j < SGEN_REGS_WORDS; j++) {
        img->regs[j] = 0x3000 + j;
    }
    img->regs[SGEN_R1] = img->sp;
    img->regs[SGEN_NIP] = nip;
    img->regs[SGEN_MSR] = msr_kernel(img);
    img->regs[SGEN_LINK] = stale_lr ? stale_lr :
                           img->in_leaf ? img->leaf_ret : img->frame_ret;
    img->regs[SGEN_TRAP] = 0;
    if (stale_lr) {
        record(img, "lr", stale_lr, 0, 0);
    }
    record(img, "pc", nip, img->sp, 0);
    img->in_leaf = FALSE;
}

void sgen_user_cpu(SgenImage *img, uint64_t nip, uint64_t sp)
{
    for (int j = 0; j < SGEN_REGS_WORDS; j++) {
        img->regs[j] = 0x4000 + j;
    }
    img->regs[SGEN_R1] = sp;
    img->regs[SGEN_NIP] = nip;
    img->regs[SGEN_MSR] = msr_user(img);
    img->regs[SGEN_LINK] = nip - 0x40;
    img->regs[SGEN_TRAP] = 0;
    record(img, "user", nip, sp, 0);
}

const uint64_t *sgen_regs(const SgenImage *img)
{
    return img->regs;
}

GArray *sgen_expected(const SgenImage *img)
{
    GArray *e = g_array_new(FALSE, TRUE, sizeof(SgenFrame));
    gboolean have_base = FALSE;
    uint64_t base = 0;

    for (guint i = img->truth->len; i-- > 0;) {
        SgenFrame f = g_array_index(img->truth, SgenFrame, i);

        if (f.sp) {
            uint64_t b = f.sp & ~(img->thread_size - 1);

            f.new_stack = have_base && b != base;
            have_base = TRUE;
            base = b;
        }
        g_array_append_val(e, f);
    }
    return e;
}

const uint8_t *sgen_memory(const SgenImage *img, size_t *len)
{
    *len = img->len;
    return img->mem;
}

gboolean sgen_read(const SgenImage *img, uint64_t paddr, void *buf,
                   size_t len)
{
    if (paddr < img->phys_base || paddr - img->phys_base > img->len ||
        len > img->len - (paddr - img->phys_base)) {
        return FALSE;
    }
    memcpy(buf, img->mem + (paddr - img->phys_base), len);
    return TRUE;
}
