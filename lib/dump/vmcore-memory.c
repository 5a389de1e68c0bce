/*
 * Physical memory as /proc/vmcore has it (see vmcore-memory.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore-memory.h"
#include "fadump-error.h"

typedef struct VmcoreMemory {
    FadumpDump *dump;
    const FadumpAnalysis *analysis;
} VmcoreMemory;

static const FadumpPhdr *load_for(const GArray *phdrs, uint64_t paddr)
{
    for (guint i = 0; i < phdrs->len; i++) {
        const FadumpPhdr *ph = &g_array_index(phdrs, FadumpPhdr, i);

        if (ph->type == 1 /* PT_LOAD */ && paddr >= ph->paddr &&
            paddr - ph->paddr < ph->memsz) {
            return ph;
        }
    }
    return NULL;
}

static gboolean read_vmcore(gpointer data, uint64_t paddr, void *buf,
                            size_t len, GError **error)
{
    VmcoreMemory *m = data;
    uint8_t *out = buf;

    while (len) {
        const FadumpPhdr *load = load_for(m->analysis->elfcorehdr->phdrs,
                                          paddr);
        uint64_t n;

        if (!load) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                        "physical address 0x%" G_GINT64_MODIFIER "x is in "
                        "no PT_LOAD of the vmcore", paddr);
            return FALSE;
        }
        /* p_offset: where the data lives now (the boot memory copy) */
        n = MIN(len, load->memsz - (paddr - load->paddr));
        if (!fadump_dump_read(m->dump, load->offset + (paddr - load->paddr),
                              out, n, error)) {
            return FALSE;
        }
        out += n;
        paddr += n;
        len -= n;
    }
    return TRUE;
}

FadumpKmem *fadump_kmem_new_for_vmcore(FadumpDump *dump,
                                       const FadumpAnalysis *a)
{
    VmcoreMemory *m = g_new0(VmcoreMemory, 1);

    m->dump = dump;
    m->analysis = a;
    return fadump_kmem_new(read_vmcore, m, g_free, a->fdh.big_endian);
}
