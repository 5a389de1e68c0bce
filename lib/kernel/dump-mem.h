/*
 * The kernel's physical memory of a guest without fadump: guest physical
 * memory as the dump holds it, 1:1 (no boot memory copy, no reserved
 * area to leave out).  What kernel/mem.h reads by virtual address.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_DUMP_MEM_H
#define KERNEL_DUMP_MEM_H

#include "dump/reader.h"
#include "kernel/mem.h"

/**
 * kernel_mem_new_for_dump - kernel memory straight from a dump
 * @dump: guest memory (must outlive the KernelMem)
 * @big_endian: the guest kernel's byte order (QEMU's notes, or a
 *     VMCOREINFO note's, tell it)
 *
 * Reads fail with QF_ERROR_NOT_FOUND for memory the dump does not hold.
 */
KernelMem *kernel_mem_new_for_dump(Dump *dump, gboolean big_endian);

#endif /* KERNEL_DUMP_MEM_H */
