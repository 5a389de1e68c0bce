/*
 * Physical memory as /proc/vmcore has it (see vmcore-memory.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>

#include "kernel/vmcore-mem.h"
#include "common/error.h"

typedef struct VmcoreMemory {
    Dump *dump;
    const VmcoreAnalysis *analysis;
} VmcoreMemory;

static const VmcorePhdr *load_for(const GArray *phdrs, uint64_t paddr)
{
    for (guint i = 0; i < phdrs->len; i++) {
        const VmcorePhdr *ph = &g_array_index(phdrs, VmcorePhdr, i);

        if (ph->type == PT_LOAD && paddr >= ph->paddr &&
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
        const VmcorePhdr *load = load_for(m->analysis->elfcorehdr->phdrs,
                                          paddr);
        uint64_t n;

        if (!load) {
            g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                        "physical address 0x%" G_GINT64_MODIFIER "x is in "
                        "no PT_LOAD of the vmcore", paddr);
            return FALSE;
        }
        /* p_offset: where the data lives now (the boot memory copy) */
        n = MIN(len, load->memsz - (paddr - load->paddr));
        if (!dump_read(m->dump, load->offset + (paddr - load->paddr),
                       out, n, error)) {
            return FALSE;
        }
        out += n;
        paddr += n;
        len -= n;
    }
    return TRUE;
}

KernelMem *kernel_mem_new_for_vmcore(Dump *dump,
                                     const VmcoreAnalysis *a)
{
    VmcoreMemory *m = g_new0(VmcoreMemory, 1);

    m->dump = dump;
    m->analysis = a;
    return kernel_mem_new(read_vmcore, m, g_free, a->fdh.big_endian);
}
