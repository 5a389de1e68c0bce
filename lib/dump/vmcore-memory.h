/*
 * The crashed kernel's physical memory as the fadump capture kernel's
 * /proc/vmcore exports it: through the ELF core header's PT_LOADs, boot
 * memory from its fadump copy, the rest in place; the reserved area is
 * not there.  What kernel-mem.h reads by virtual address.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_VMCORE_MEMORY_H
#define FADUMP_VMCORE_MEMORY_H

#include "dump-reader.h"
#include "fadump-analysis.h"
#include "kernel-mem.h"

/**
 * fadump_kmem_new_for_vmcore - kernel memory of an analysed dump
 * @dump: guest memory (must outlive the FadumpKmem)
 * @a: its analysis (idem)
 *
 * Reads fail with FADUMP_ERROR_NOT_FOUND for memory outside every PT_LOAD.
 */
FadumpKmem *fadump_kmem_new_for_vmcore(FadumpDump *dump,
                                       const FadumpAnalysis *a);

#endif /* FADUMP_VMCORE_MEMORY_H */
