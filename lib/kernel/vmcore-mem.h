/*
 * The crashed kernel's physical memory as the fadump capture kernel's
 * /proc/vmcore exports it: through the ELF core header's PT_LOADs, boot
 * memory from its fadump copy, the rest in place; the reserved area is
 * not there.  What kernel-mem.h reads by virtual address.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_VMCORE_MEMORY_H
#define KERNEL_VMCORE_MEMORY_H

#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "kernel/mem.h"

/**
 * kernel_mem_new_for_vmcore - kernel memory of an analysed dump
 * @dump: guest memory (must outlive the KernelMem)
 * @a: its analysis (idem)
 *
 * Reads fail with QF_ERROR_NOT_FOUND for memory outside every PT_LOAD.
 */
KernelMem *kernel_mem_new_for_vmcore(Dump *dump,
                                     const VmcoreAnalysis *a);

#endif /* KERNEL_VMCORE_MEMORY_H */
