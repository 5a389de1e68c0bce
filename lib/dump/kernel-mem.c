/*
 * Reading the crashed kernel's memory (see kernel-mem.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kernel-mem.h"
#include "fadump-error.h"
#include "vmcoreinfo.h"

struct FadumpKmem {
    FadumpPhysReadFn read;
    gpointer data;
    GDestroyNotify free_data;
    gboolean big_endian;
};

FadumpKmem *fadump_kmem_new(FadumpPhysReadFn read, gpointer data,
                            GDestroyNotify free_data, gboolean big_endian)
{
    FadumpKmem *k = g_new0(FadumpKmem, 1);

    k->read = read;
    k->data = data;
    k->free_data = free_data;
    k->big_endian = big_endian;
    return k;
}

void fadump_kmem_free(FadumpKmem *k)
{
    if (k && k->free_data) {
        k->free_data(k->data);
    }
    g_free(k);
}

gboolean fadump_kmem_big_endian(const FadumpKmem *k)
{
    return k->big_endian;
}

gboolean fadump_kmem_vtop(uint64_t vaddr, uint64_t *paddr, GError **error)
{
    if (vaddr < FADUMP_PAGE_OFFSET ||
        vaddr - FADUMP_PAGE_OFFSET >= FADUMP_LINEAR_MAP_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "0x%" G_GINT64_MODIFIER "x is not a ppc64 linear-map "
                    "address (0x%" G_GINT64_MODIFIER "x + physical)", vaddr,
                    (uint64_t)FADUMP_PAGE_OFFSET);
        return FALSE;
    }
    *paddr = vaddr - FADUMP_PAGE_OFFSET;
    return TRUE;
}

gboolean fadump_kmem_check_vmcoreinfo(const char *vmcoreinfo,
                                      uint64_t *kernel_offset,
                                      GError **error)
{
    g_auto(GStrv) lines = g_strsplit(vmcoreinfo, "\n", -1);
    g_autofree char *offset = fadump_vmcoreinfo_get(vmcoreinfo,
                                                    "KERNELOFFSET");
    g_autofree char *phys_base = fadump_vmcoreinfo_get(vmcoreinfo,
                                                       "NUMBER(phys_base)");
    guint64 off = 0;

    if (phys_base) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "VMCOREINFO has NUMBER(phys_base)=%s: an x86_64 "
                    "kernel, not ppc64", phys_base);
        return FALSE;
    }
    if (offset && !g_ascii_string_to_unsigned(offset, 16, 0, G_MAXUINT64,
                                              &off, NULL)) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
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
        if (!fadump_vmcoreinfo_symbol(vmcoreinfo, name, &addr, error)) {
            g_prefix_error(error, "VMCOREINFO SYMBOL(%s): ", name);
            return FALSE;
        }
        /*
         * Above the linear map, in 0xc00X..., are the kernel's other
         * regions (vmalloc, I/O, vmemmap: 7.2 gives
         * SYMBOL(vmemmap)=c00c000000000000): still a ppc64 kernel, just
         * not read through the linear map
         */
        if ((addr >> 52) == (FADUMP_PAGE_OFFSET >> 52) &&
            addr - FADUMP_PAGE_OFFSET >= FADUMP_LINEAR_MAP_SIZE) {
            continue;
        }
        if (!fadump_kmem_vtop(addr, &pa, error)) {
            g_prefix_error(error, "VMCOREINFO SYMBOL(%s): ", name);
            return FALSE;
        }
    }
    if (kernel_offset) {
        *kernel_offset = off;
    }
    return TRUE;
}

gboolean fadump_kmem_read(FadumpKmem *k, uint64_t vaddr, void *buf,
                          size_t len, GError **error)
{
    uint64_t paddr;

    if (!fadump_kmem_vtop(vaddr, &paddr, error)) {
        return FALSE;
    }
    if (len && paddr + len - 1 < paddr) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_INVALID_ARG,
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

gboolean fadump_kmem_read_ulong(FadumpKmem *k, uint64_t vaddr,
                                uint64_t *ret, GError **error)
{
    uint8_t b[8];

    if (!fadump_kmem_read(k, vaddr, b, sizeof(b), error)) {
        return FALSE;
    }
    *ret = fadump_kmem_get(k, b, 8);
    return TRUE;
}

uint64_t fadump_kmem_get(const FadumpKmem *k, const uint8_t *p,
                         unsigned int size)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < size; i++) {
        v |= (uint64_t)p[k->big_endian ? size - 1 - i : i] << (8 * i);
    }
    return v;
}
