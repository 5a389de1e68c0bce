/*
 * Reading the crashed kernel's memory by kernel virtual address.
 *
 * Everything a kernel without a vmlinux tells about itself through
 * VMCOREINFO (SYMBOL(prb)=, ...) is a ppc64 linear-map address:
 * PAGE_OFFSET (0xc000000000000000) + physical address, the mapping
 * /proc/vmcore's p_vaddr states too.  KERNELOFFSET= (kaslr_offset(), 0 on
 * Book3S-64) is already part of every SYMBOL() value; x86's phys_base has
 * no ppc64 counterpart.  Physical memory comes from a reader: the one of
 * vmcore-memory.h reads it as the capture kernel's /proc/vmcore shows it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <glib.h>
#include <stdint.h>


#define KERNEL_PAGE_OFFSET      0xc000000000000000ULL
/*
 * The linear map ends where vmalloc starts: 0xc008000000000000 with radix
 * and with 64K-page hash (4K-page hash: 0xc000100000000000, more than any
 * guest's RAM); vmemmap is at 0xc00c000000000000
 */
#define KERNEL_LINEAR_MAP_SIZE  (1ULL << 51)

/*
 * Read @len bytes of the crashed kernel's physical memory at @paddr into
 * @buf; QF_ERROR_NOT_FOUND when they are not all there
 */
typedef gboolean (*KernelPhysReadFn)(gpointer data, uint64_t paddr,
                                     void *buf, size_t len, GError **error);

typedef struct KernelMem KernelMem;

/**
 * kernel_mem_new - kernel memory over a physical memory reader
 * @read: the reader
 * @data: its data
 * @free_data: (optional) frees @data with the KernelMem
 * @big_endian: the crashed kernel's byte order
 */
KernelMem *kernel_mem_new(KernelPhysReadFn read, gpointer data,
                          GDestroyNotify free_data, gboolean big_endian);

void kernel_mem_free(KernelMem *k);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelMem, kernel_mem_free)

gboolean kernel_mem_big_endian(const KernelMem *k);

/**
 * kernel_mem_vtop - a kernel virtual address to its physical address
 *     through the linear map
 * @error: QF_ERROR_UNSUPPORTED for an address outside the linear map
 *     (vmalloc, I/O, user): this reader does not walk page tables
 */
gboolean kernel_mem_vtop(uint64_t vaddr, uint64_t *paddr, GError **error);

/**
 * kernel_mem_check_vmcoreinfo - whether @vmcoreinfo describes a kernel
 *     whose symbols this reader reaches: every SYMBOL() in the linear map,
 *     or in the ppc64 kernel regions above it (0xc00X...: vmalloc, I/O,
 *     vmemmap), which this reader does not read
 * @kernel_offset: (optional) KERNELOFFSET=, 0 when absent
 * @error: QF_ERROR_UNSUPPORTED naming the first symbol outside it or
 *     an x86 NUMBER(phys_base)=, QF_ERROR_CORRUPT for a value that is
 *     not a number
 */
gboolean kernel_mem_check_vmcoreinfo(const char *vmcoreinfo,
                                     uint64_t *kernel_offset,
                                     GError **error);

/**
 * kernel_mem_read - read @len bytes at kernel virtual address @vaddr
 * @error: those of kernel_mem_vtop() and of the physical reader; the
 *     message names @vaddr
 */
gboolean kernel_mem_read(KernelMem *k, uint64_t vaddr, void *buf,
                         size_t len, GError **error);

/* An unsigned long / pointer (8 bytes, kernel order) at @vaddr */
gboolean kernel_mem_read_ulong(KernelMem *k, uint64_t vaddr,
                               uint64_t *ret, GError **error);

/* An unsigned integer of @size bytes (1, 2, 4, 8) in kernel order at @p */
uint64_t kernel_mem_get(const KernelMem *k, const uint8_t *p,
                        unsigned int size);

#endif /* KERNEL_MEM_H */
