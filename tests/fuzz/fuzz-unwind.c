/*
 * Fuzz target of the kernel stack unwinder (lib/kernel/unwind.c):
 * whatever the registers and the stack memory hold, the walk ends, with
 * a reason, after at most max_frames frames that keep the unwinder's
 * promises (fuzz-unwind.h has the input).  libFuzzer calls
 * LLVMFuzzerTestOneInput(); so does fuzz-replay.c, with seeds-unwind.c's
 * stacks (tests/gen/stack-gen.c) as the generated inputs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "fuzz-target.h"
#include "fuzz-unwind.h"
#include "kernel/unwind.h"

typedef struct Memory {
    const uint8_t *bytes;
    size_t len;
} Memory;

static gboolean read_memory(gpointer data, uint64_t paddr, void *buf,
                            size_t len, GError **error)
{
    const Memory *m = data;
    uint64_t off = paddr - FUZZ_UNWIND_PHYS_BASE;

    if (paddr < FUZZ_UNWIND_PHYS_BASE || off > m->len ||
        len > m->len - off) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "0x%" G_GINT64_MODIFIER "x: not in the input", paddr);
        return FALSE;
    }
    memcpy(buf, m->bytes + off, len);
    return TRUE;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static void check(const KernelUnwind *u, const KernelUnwindParams *p)
{
    FUZZ_ASSERT(u->reason && *u->reason);
    FUZZ_ASSERT(u->end <= KERNEL_UNWIND_END_MAX_FRAMES);
    FUZZ_ASSERT(strcmp(kernel_unwind_end_name(u->end), "?"));
    FUZZ_ASSERT(u->frames->len >= 1 && u->frames->len <= p->max_frames);
    FUZZ_ASSERT(u->end != KERNEL_UNWIND_END_MAX_FRAMES ||
                u->frames->len == p->max_frames);
    for (guint i = 0; i < u->frames->len; i++) {
        const KernelUnwindFrame *f = &g_array_index(u->frames,
                                                    KernelUnwindFrame, i);
        gboolean last = i + 1 == u->frames->len;

        FUZZ_ASSERT(strcmp(kernel_unwind_frame_kind_name(f->kind), "?"));
        FUZZ_ASSERT((f->kind == KERNEL_UNWIND_PC) == (i == 0 &&
                    f->kind != KERNEL_UNWIND_USER));
        FUZZ_ASSERT(f->have_regs == (f->kind == KERNEL_UNWIND_EXCEPTION ||
                                     f->kind == KERNEL_UNWIND_USER));
        /*
         * LR has no frame (sp 0); the CPU's own frame (pc, or user mode)
         * has its r1, which may be anything, 0 included
         */
        FUZZ_ASSERT(f->kind != KERNEL_UNWIND_LR || f->sp == 0);
        FUZZ_ASSERT(f->kind == KERNEL_UNWIND_LR || f->sp || i == 0);
        FUZZ_ASSERT(!f->have_regs || f->regs[PAPR_PT_NIP] == f->pc);
        FUZZ_ASSERT(f->kind != KERNEL_UNWIND_USER ||
                    (last && u->end == KERNEL_UNWIND_END_USER));
        if (f->kind == KERNEL_UNWIND_CALL ||
            f->kind == KERNEL_UNWIND_EXCEPTION) {
            FUZZ_ASSERT(!(f->sp & 15));
            FUZZ_ASSERT(f->sp >= 0xc000000000000000ULL);
        }
        FUZZ_ASSERT(!f->new_stack || f->sp);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t regs[PAPR_PT_REGS_WORDS] = { 0 };
    KernelUnwindParams p = { 0 };
    Memory m = { 0 };
    uint8_t flags;

    if (size < FUZZ_UNWIND_HEADER) {
        return 0;
    }
    flags = data[0];
    regs[PAPR_PT_GPR0 + 1] = be64(data + 8);
    regs[PAPR_PT_NIP] = be64(data + 16);
    regs[PAPR_PT_LINK] = be64(data + 24);
    regs[PAPR_PT_MSR] = be64(data + 32);
    m.bytes = data + FUZZ_UNWIND_HEADER;
    m.len = size - FUZZ_UNWIND_HEADER;
    p.layouts = (flags & FUZZ_UNWIND_REGS_AT_112 ? KERNEL_UNWIND_REGS_AT_112 :
                 0) |
                (flags & FUZZ_UNWIND_REGS_AT_48 ? KERNEL_UNWIND_REGS_AT_48 :
                 0);
    p.thread_size = flags & FUZZ_UNWIND_16K ? 16384 : 32768;
    p.max_frames = flags & FUZZ_UNWIND_FEW_FRAMES ? 5 :
                   KERNEL_UNWIND_MAX_FRAMES;
    {
        g_autoptr(KernelMem) k = kernel_mem_new(read_memory, &m, NULL,
                                                flags &
                                                FUZZ_UNWIND_BIG_ENDIAN);
        g_autoptr(KernelUnwind) u = kernel_unwind(k, regs, &p);

        check(u, &p);
    }
    return 0;
}
