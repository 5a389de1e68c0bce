/*
 * The input of the kernel stack unwinder's fuzz target (fuzz-unwind.c),
 * shared with its seeds (seeds-unwind.c):
 *
 *   byte 0       flags: FUZZ_UNWIND_*
 *   bytes 1-7    unused
 *   bytes 8-39   r1, nip, link, msr: 64-bit big-endian
 *   the rest     guest physical memory from FUZZ_UNWIND_PHYS_BASE
 *                (kernel virtual 0xc000000000000000 + it)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FUZZ_UNWIND_H
#define FUZZ_UNWIND_H

#define FUZZ_UNWIND_BIG_ENDIAN      0x01
#define FUZZ_UNWIND_REGS_AT_112     0x02    /* neither: both layouts */
#define FUZZ_UNWIND_REGS_AT_48      0x04
#define FUZZ_UNWIND_16K             0x08    /* else 32 KiB stacks */
#define FUZZ_UNWIND_FEW_FRAMES      0x10    /* max_frames 5 */
#define FUZZ_UNWIND_HEADER          40
#define FUZZ_UNWIND_PHYS_BASE       0x4000000ULL

#endif /* FUZZ_UNWIND_H */
