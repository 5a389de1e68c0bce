/*
 * The ELF core header of a fadump capture kernel (see
 * fadump-elfcorehdr.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "vmcore/elfcorehdr.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "elfcore/notes.h"
#include "elfcore/vmcoreinfo.h"

/* fadump_init_elfcore_header() */
static void init_ehdr(uint8_t *e, gboolean be, uint32_t e_flags)
{
    memset(e, 0, VMCORE_EHDR_SIZE);
    memcpy(e, ELFMAG, SELFMAG);
    e[EI_CLASS] = ELFCLASS64;
    e[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
    e[EI_VERSION] = EV_CURRENT;
    e[EI_OSABI] = ELFOSABI_NONE;
    qf_put16(e + offsetof(Elf64_Ehdr, e_type), ET_CORE, be);
    qf_put16(e + offsetof(Elf64_Ehdr, e_machine), EM_PPC64, be);
    qf_put32(e + offsetof(Elf64_Ehdr, e_version), EV_CURRENT, be);
    qf_put64(e + offsetof(Elf64_Ehdr, e_phoff), VMCORE_EHDR_SIZE, be);
    qf_put32(e + offsetof(Elf64_Ehdr, e_flags), e_flags, be);
    qf_put16(e + offsetof(Elf64_Ehdr, e_ehsize), VMCORE_EHDR_SIZE, be);
    qf_put16(e + offsetof(Elf64_Ehdr, e_phentsize), VMCORE_PHDR_SIZE, be);
}

/* populate_elf_pt_load() */
static void add_load(VmcoreCoreHeader *hdr, uint64_t start, uint64_t size,
                     uint64_t offset)
{
    VmcorePhdr ph = {
        .type = PT_LOAD,
        .flags = PF_R | PF_W | PF_X,
        .offset = offset,
        .paddr = start,
        .vaddr = VMCORE_KERNEL_BASE + start,
        .filesz = size,
        .memsz = size,
        .align = 0,
    };

    vmcore_core_header_add(hdr, &ph, NULL);
}

VmcoreCoreHeader *vmcore_elfcorehdr_build(const VmcoreElfcorehdrParams *p,
                                          uint64_t *ret_ra_start,
                                          uint64_t *ret_ra_end)
{
    const VmcoreRegistration *reg = p->reg;
    VmcoreCoreHeader *hdr = vmcore_core_header_new(p->fdh->big_endian);
    uint64_t mask = p->page_size - 1;
    uint64_t dest = reg->boot_mem_dest;
    uint64_t ra_start, ra_end;
    VmcorePhdr note = { .type = PT_NOTE };

    init_ehdr(hdr->ehdr, p->fdh->big_endian, p->e_flags);

    /* CPU notes: the kernel points it at its own buffer; not exported */
    note.filesz = note.memsz = g_bytes_get_size(p->cpu_notes);
    vmcore_core_header_add(hdr, &note, p->cpu_notes);
    note.offset = note.paddr = p->fdh->vmcoreinfo_raddr;
    note.filesz = note.memsz = p->fdh->vmcoreinfo_size;
    vmcore_core_header_add(hdr, &note, p->vmcoreinfo);

    for (unsigned int i = 0; i < reg->n_boot; i++) {
        add_load(hdr, reg->boot[i].source, reg->boot[i].length, dest);
        dest += reg->boot[i].length;
    }

    /* get_fadump_area_size() in the capture kernel */
    ra_start = reg->cpu_state_dest;
    ra_end = ra_start +
             ((p->cpu_state_size + p->hpte_size + mask) & ~mask) +
             reg->boot_mem_size + p->fdh->size;
    for (size_t i = 0; i < p->n_ram; i++) {
        uint64_t ms = p->ram[i].paddr, me = ms + p->ram[i].size;

        if (ms < reg->boot_mem_top) {
            if (me > reg->boot_mem_top) {
                ms = reg->boot_mem_top;
            } else {
                continue;
            }
        }
        if (ra_start < me && ra_end > ms) {
            if (ms < ra_start && me > ra_end) {
                add_load(hdr, ms, ra_start - ms, ms);
                add_load(hdr, ra_end, me - ra_end, ra_end);
            } else if (ms < ra_start) {
                add_load(hdr, ms, ra_start - ms, ms);
            } else if (ra_end < me) {
                add_load(hdr, ra_end, me - ra_end, ra_end);
            } else {
                /* inside the reserved area: the slot stays all zero */
                VmcorePhdr null = { 0 };

                vmcore_core_header_add(hdr, &null, NULL);
            }
        } else {
            add_load(hdr, ms, me - ms, ms);
        }
    }
    if (ret_ra_start) {
        *ret_ra_start = ra_start;
    }
    if (ret_ra_end) {
        *ret_ra_end = ra_end;
    }
    return hdr;
}

void vmcore_elfcorehdr_set_cpu_notes(VmcoreCoreHeader *hdr,
                                     GBytes *cpu_notes)
{
    VmcorePhdr *ph;

    if (hdr->phdrs->len == 0) {
        return;
    }
    ph = &g_array_index(hdr->phdrs, VmcorePhdr, 0);
    if (ph->type != PT_NOTE) {
        return;
    }
    ph->filesz = ph->memsz = g_bytes_get_size(cpu_notes);
    if (hdr->note_data->pdata[0]) {
        g_bytes_unref(hdr->note_data->pdata[0]);
    }
    hdr->note_data->pdata[0] = g_bytes_ref(cpu_notes);
}

/* vmcore_elfcorehdr_read() without the "ELF core header at" prefix */
static gboolean read_header(Dump *dump, const PaprFdh *fdh,
                            VmcoreCoreHeader **ret, GError **error)
{
    uint64_t addr = fdh->elfcorehdr_addr;
    gboolean be = fdh->big_endian;
    g_autoptr(VmcoreCoreHeader) hdr = vmcore_core_header_new(be);
    g_autofree uint8_t *table = NULL;
    uint64_t note_total = 0;
    uint16_t phnum;

    if (!dump_read(dump, addr, hdr->ehdr, VMCORE_EHDR_SIZE, error)) {
        return FALSE;
    }
    if (memcmp(hdr->ehdr, ELFMAG, SELFMAG) != 0 ||
        hdr->ehdr[EI_CLASS] != ELFCLASS64 ||
        hdr->ehdr[EI_DATA] != (be ? ELFDATA2MSB : ELFDATA2LSB)) {
        return qf_fail(error, QF_ERROR_CORRUPT, "not an ELF64 header in the "
                       "kernel's byte order");
    }
    phnum = qf_get16(hdr->ehdr + offsetof(Elf64_Ehdr, e_phnum), be);
    if (qf_get64(hdr->ehdr + offsetof(Elf64_Ehdr, e_phoff), be) !=
        VMCORE_EHDR_SIZE ||
        phnum == 0 || phnum == PN_XNUM) {
        return qf_fail(error, QF_ERROR_CORRUPT, "program headers not right "
                       "after the ELF header, or %u of them", phnum);
    }
    table = g_malloc((size_t)phnum * VMCORE_PHDR_SIZE);
    if (!dump_read(dump, addr + VMCORE_EHDR_SIZE, table,
                   (size_t)phnum * VMCORE_PHDR_SIZE, error)) {
        return FALSE;
    }
    for (unsigned int i = 0; i < phnum; i++) {
        VmcorePhdr ph;
        g_autoptr(GBytes) data = NULL;

        vmcore_phdr_decode(table + i * VMCORE_PHDR_SIZE, be, &ph);
        if (ph.type == PT_NOTE && i == 0) {
            /* the capture kernel's notes: set_cpu_notes() */
            data = g_bytes_new_static("", 0);
        } else if (ph.type == PT_NOTE) {
            g_autofree uint8_t *buf = NULL;

            if (ph.memsz > ELFCORE_VMCOREINFO_MAX_SIZE - note_total) {
                return qf_fail(error, QF_ERROR_UNSUPPORTED, "PT_NOTE %u of 0x%"
                               G_GINT64_MODIFIER "x bytes: the note segments "
                               "would exceed %u bytes", i, ph.memsz,
                               ELFCORE_VMCOREINFO_MAX_SIZE);
            }
            note_total += ph.memsz;
            buf = g_malloc(ph.memsz);
            if (!dump_read(dump, ph.offset, buf, ph.memsz, error)) {
                g_prefix_error(error, "PT_NOTE %u: ", i);
                return FALSE;
            }
            data = g_bytes_new_take(g_steal_pointer(&buf), ph.memsz);
        }
        vmcore_core_header_add(hdr, &ph, data);
    }
    *ret = g_steal_pointer(&hdr);
    return TRUE;
}

gboolean vmcore_elfcorehdr_read(Dump *dump, const PaprFdh *fdh,
                                VmcoreCoreHeader **ret, GError **error)
{
    if (!read_header(dump, fdh, ret, error)) {
        g_prefix_error(error, "ELF core header at 0x%" G_GINT64_MODIFIER
                       "x: ", fdh->elfcorehdr_addr);
        return FALSE;
    }
    return TRUE;
}

VmcoreCoreHeader *vmcore_elfcorehdr_for_guest(GBytes *qemu_notes,
                                              const char *vmcoreinfo,
                                              gboolean big_endian,
                                              const DumpMemRange *ram,
                                              size_t n_ram)
{
    VmcoreCoreHeader *hdr = vmcore_core_header_new(big_endian);
    g_autoptr(GByteArray) vmci = g_byte_array_new();
    g_autoptr(GBytes) vmci_bytes = NULL;
    VmcorePhdr note = { .type = PT_NOTE };

    /* ELF ABI v2 for a little-endian kernel, v1 (0) for a big-endian one */
    init_ehdr(hdr->ehdr, big_endian, big_endian ? 0 : 2);
    if (qemu_notes && g_bytes_get_size(qemu_notes)) {
        note.filesz = note.memsz = g_bytes_get_size(qemu_notes);
        vmcore_core_header_add(hdr, &note, qemu_notes);
    }
    /* crash_save_vmcoreinfo()'s note: name "VMCOREINFO", type 0 */
    elfcore_note_append(vmci, big_endian, "VMCOREINFO", 0, vmcoreinfo,
                        (uint32_t)strlen(vmcoreinfo));
    vmci_bytes = g_byte_array_free_to_bytes(g_steal_pointer(&vmci));
    note.filesz = note.memsz = g_bytes_get_size(vmci_bytes);
    vmcore_core_header_add(hdr, &note, vmci_bytes);
    for (size_t i = 0; i < n_ram; i++) {
        add_load(hdr, ram[i].paddr, ram[i].size, ram[i].paddr);
    }
    return hdr;
}
