/*
 * Reading the crashed kernel's memory (see kernel-mem.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kernel/mem.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

struct KernelMem {
    KernelPhysReadFn read;
    gpointer data;
    GDestroyNotify free_data;
    gboolean big_endian;
};

KernelMem *kernel_mem_new(KernelPhysReadFn read, gpointer data,
                          GDestroyNotify free_data, gboolean big_endian)
{
    KernelMem *k = g_new0(KernelMem, 1);

    k->read = read;
    k->data = data;
    k->free_data = free_data;
    k->big_endian = big_endian;
    return k;
}

void kernel_mem_free(KernelMem *k)
{
    if (k && k->free_data) {
        k->free_data(k->data);
    }
    g_free(k);
}

gboolean kernel_mem_big_endian(const KernelMem *k)
{
    return k->big_endian;
}

gboolean kernel_mem_vtop(uint64_t vaddr, uint64_t *paddr, GError **error)
{
    if (vaddr < KERNEL_PAGE_OFFSET ||
        vaddr - KERNEL_PAGE_OFFSET >= KERNEL_LINEAR_MAP_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "0x%" G_GINT64_MODIFIER "x is not a ppc64 linear-map "
                    "address (0x%" G_GINT64_MODIFIER "x + physical)", vaddr,
                    (uint64_t)KERNEL_PAGE_OFFSET);
        return FALSE;
    }
    *paddr = vaddr - KERNEL_PAGE_OFFSET;
    return TRUE;
}

gboolean kernel_mem_check_vmcoreinfo(const char *vmcoreinfo,
                                     uint64_t *kernel_offset,
                                     GError **error)
{
    g_auto(GStrv) lines = g_strsplit(vmcoreinfo, "\n", -1);
    g_autofree char *offset = elfcore_vmcoreinfo_get(vmcoreinfo,
                                                     "KERNELOFFSET");
    g_autofree char *phys_base = elfcore_vmcoreinfo_get(vmcoreinfo,
                                                        "NUMBER(phys_base)");
    guint64 off = 0;

    if (phys_base) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "VMCOREINFO has NUMBER(phys_base)=%s: an x86_64 "
                    "kernel, not ppc64", phys_base);
        return FALSE;
    }
    if (offset && !g_ascii_string_to_unsigned(offset, 16, 0, G_MAXUINT64,
                                              &off, NULL)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "VMCOREINFO KERNELOFFSET=%s is not a hexadecimal "
                    "number", offset);
        return FALSE;
    }
    for (char **l = lines; *l; l++) {
        g_autofree char *name = NULL;
        const char *close;
        uint64_t addr, pa;

        if (!g_str_has_prefix(*l, "SYMBOL(") ||
            !(close = strstr(*l, ")="))) {
            continue;
        }
        name = g_strndup(*l + 7, close - (*l + 7));
        if (!elfcore_vmcoreinfo_symbol(vmcoreinfo, name, &addr, error)) {
            g_prefix_error(error, "VMCOREINFO SYMBOL(%s): ", name);
            return FALSE;
        }
        /*
         * Above the linear map, in 0xc00X..., are the kernel's other
         * regions (vmalloc, I/O, vmemmap: 7.2 gives
         * SYMBOL(vmemmap)=c00c000000000000): still a ppc64 kernel, just
         * not read through the linear map
         */
        if ((addr >> 52) == (KERNEL_PAGE_OFFSET >> 52) &&
            addr - KERNEL_PAGE_OFFSET >= KERNEL_LINEAR_MAP_SIZE) {
            continue;
        }
        if (!kernel_mem_vtop(addr, &pa, error)) {
            g_prefix_error(error, "VMCOREINFO SYMBOL(%s): ", name);
            return FALSE;
        }
    }
    if (kernel_offset) {
        *kernel_offset = off;
    }
    return TRUE;
}

gboolean kernel_mem_read(KernelMem *k, uint64_t vaddr, void *buf,
                         size_t len, GError **error)
{
    uint64_t paddr;

    if (!kernel_mem_vtop(vaddr, &paddr, error)) {
        return FALSE;
    }
    if (len && paddr + len - 1 < paddr) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "reading 0x%zx bytes at 0x%" G_GINT64_MODIFIER "x wraps "
                    "around", len, vaddr);
        return FALSE;
    }
    if (!k->read(k->data, paddr, buf, len, error)) {
        g_prefix_error(error, "kernel address 0x%" G_GINT64_MODIFIER "x: ",
                       vaddr);
        return FALSE;
    }
    return TRUE;
}

gboolean kernel_mem_read_ulong(KernelMem *k, uint64_t vaddr,
                               uint64_t *ret, GError **error)
{
    uint8_t b[8];

    if (!kernel_mem_read(k, vaddr, b, sizeof(b), error)) {
        return FALSE;
    }
    *ret = kernel_mem_get(k, b, 8);
    return TRUE;
}

uint64_t kernel_mem_get(const KernelMem *k, const uint8_t *p,
                        unsigned int size)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < size; i++) {
        v |= (uint64_t)p[k->big_endian ? size - 1 - i : i] << (8 * i);
    }
    return v;
}
