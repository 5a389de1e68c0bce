/*
 * Generated inputs of the kernel stack unwinder's fuzz target
 * (fuzz-unwind.c): stacks tests/gen/stack-gen.c builds -- a call chain
 * with a leaf, an exception frame, a system call from user mode through
 * an IRQ stack -- for each kernel layout and byte order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fuzz-target.h"
#include "fuzz-unwind.h"
#include "stack-gen.h"

#define T   SGEN_TEXT

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

static void chain(SgenImage *img)
{
    sgen_kthread_base(img, 0);
    sgen_call(img, T + 0x100, 112);
    sgen_call(img, T + 0x200, 128);
    sgen_leaf(img, T + 0x240, FALSE);
    sgen_exception(img, 0x300, T + 0x280, -1);
    sgen_call(img, T + 0x600, 112);
    sgen_crash(img, T + 0x800, 0);
}

static void irq(SgenImage *img)
{
    sgen_user_base(img, 0, 0xc00, 0x7fff81001000ULL, 0x7fffffffe000ULL);
    sgen_call(img, T + 0x900, 112);
    sgen_exception(img, 0x500, T + 0x940, -1);
    sgen_call(img, T + 0x600, 112);
    sgen_switch_stack(img, 1, T + 0x650);
    sgen_call(img, T + 0x680, 112);
    sgen_leaf(img, T + 0x6a0, TRUE);
    sgen_crash(img, T + 0x720, 0);
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    static const struct {
        const char *name;
        SgenLayout layout;
        uint8_t flags;
        uint64_t thread_size;
    } v[] = {
        { "6.1", SGEN_LAYOUT_61, FUZZ_UNWIND_REGS_AT_112 | FUZZ_UNWIND_16K,
          16384 },
        { "6.12", SGEN_LAYOUT_612, FUZZ_UNWIND_REGS_AT_48, 32768 },
        { "6.12-any", SGEN_LAYOUT_612, 0, 32768 },
        { "6.12-elfv1", SGEN_LAYOUT_612_V1, FUZZ_UNWIND_BIG_ENDIAN, 32768 },
    };

    G_STATIC_ASSERT(FUZZ_UNWIND_PHYS_BASE == SGEN_PHYS_BASE);
    for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
        for (int be = 0; be <= 1; be++) {
            for (int s = 0; s < 2; s++) {
                g_autoptr(SgenImage) img = NULL;
                g_autofree uint8_t *buf = NULL;
                g_autofree char *name = NULL;
                const uint64_t *regs;
                const uint8_t *mem;
                size_t len;

                if (v[i].layout == SGEN_LAYOUT_612_V1 && !be) {
                    continue;
                }
                img = sgen_new(be, v[i].layout, v[i].thread_size, 2, FALSE);
                (s ? irq : chain)(img);
                mem = sgen_memory(img, &len);
                regs = sgen_regs(img);
                buf = g_malloc0(FUZZ_UNWIND_HEADER + len);
                buf[0] = v[i].flags | (be ? FUZZ_UNWIND_BIG_ENDIAN : 0);
                put_be64(buf + 8, regs[SGEN_R1]);
                put_be64(buf + 16, regs[SGEN_NIP]);
                put_be64(buf + 24, regs[SGEN_LINK]);
                put_be64(buf + 32, regs[SGEN_MSR]);
                memcpy(buf + FUZZ_UNWIND_HEADER, mem, len);
                name = g_strdup_printf("%s-%s-%s", v[i].name,
                                       be ? "be" : "le",
                                       s ? "irq" : "chain");
                add(name, buf, FUZZ_UNWIND_HEADER + len, opaque);
            }
        }
    }
}
