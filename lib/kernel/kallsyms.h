/*
 * Symbol names without a vmlinux: the kernel's own kallsyms tables, which
 * VMCOREINFO locates on recent kernels (SYMBOL(kallsyms_names),
 * kallsyms_num_syms, kallsyms_token_table, kallsyms_token_index,
 * kallsyms_offsets, and up to 6.x kallsyms_relative_base;
 * kernel/vmcore_info.c).
 *
 * Names are compressed: each entry of kallsyms_names is a length (one
 * byte, or two when the first has bit 7 set: Linux 6.1+) and that many
 * token indexes; kallsyms_token_index gives each token's offset in
 * kallsyms_token_table; the expanded name starts with the symbol type.
 * Addresses are kallsyms_relative_base + the u32 of kallsyms_offsets
 * (the base-relative form of 6.1 and 6.12) or, when VMCOREINFO has no
 * relative base (7.2), the s32 of kallsyms_offsets added to its own
 * address (offset_to_ptr()); sorted.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include <glib.h>
#include <stdint.h>

#include "kernel/mem.h"

/* More symbols than this are refused (a distro kernel has ~200 000) */
#define KERNEL_KALLSYMS_MAX_SYMS    (1u << 22)

typedef struct KernelKallsyms KernelKallsyms;

/**
 * kernel_kallsyms_load - read the kallsyms tables
 * @k: the crashed kernel's memory
 * @vmcoreinfo: its VMCOREINFO text
 * @error: QF_ERROR_NOT_FOUND when VMCOREINFO does not locate them (a
 *     kernel that does not export them) or they are not in the dump,
 *     QF_ERROR_UNSUPPORTED for more than KERNEL_KALLSYMS_MAX_SYMS
 *     symbols; messages start with "kallsyms"
 *
 * Returns: the tables (kernel_kallsyms_free()), or NULL
 */
KernelKallsyms *kernel_kallsyms_load(KernelMem *k, const char *vmcoreinfo,
                                     GError **error);

void kernel_kallsyms_free(KernelKallsyms *ks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelKallsyms, kernel_kallsyms_free)

/**
 * kernel_kallsyms_symbolize - @addr as the kernel prints it with %pS:
 *     "name+0xoff/0xsize" (size: up to the next symbol's address)
 *
 * Returns: the string (g_free()), or NULL when @addr is below the first
 *     symbol or past the last one, or a name cannot be read
 */
char *kernel_kallsyms_symbolize(KernelKallsyms *ks, uint64_t addr);

/**
 * kernel_kallsyms_lookup - the address of the symbol named @name
 * @ks: the tables
 * @name: without its type letter: "panic_cpu"
 * @ret: its address
 * @error: QF_ERROR_NOT_FOUND when no symbol has that name, or the
 *     names table cannot be read to its end; messages start with
 *     "kallsyms"
 *
 * Walks every name (the table is not sorted by name): a global symbol
 * (upper-case type) wins over static ones of the same name, else the
 * first of these.
 */
gboolean kernel_kallsyms_lookup(KernelKallsyms *ks, const char *name,
                                uint64_t *ret, GError **error);

#endif /* KERNEL_KALLSYMS_H */
