/*
 * Laying out /proc/vmcore the way fs/proc/vmcore.c does (see
 * vmcore-layout.h): parse_crash_elf64_headers(), merge_note_headers_elf64()
 * and process_ptload_program_headers_elf64().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "vmcore/layout.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "common/error.h"

VmcoreCoreHeader *vmcore_core_header_new(gboolean big_endian)
{
    VmcoreCoreHeader *hdr = g_new0(VmcoreCoreHeader, 1);

    hdr->big_endian = big_endian;
    hdr->phdrs = g_array_new(FALSE, TRUE, sizeof(VmcorePhdr));
    hdr->note_data = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_bytes_unref);
    return hdr;
}

void vmcore_core_header_free(VmcoreCoreHeader *hdr)
{
    if (hdr) {
        g_array_unref(hdr->phdrs);
        g_ptr_array_unref(hdr->note_data);
        g_free(hdr);
    }
}

void vmcore_core_header_add(VmcoreCoreHeader *hdr, const VmcorePhdr *ph,
                            GBytes *note_data)
{
    g_array_append_val(hdr->phdrs, *ph);
    g_ptr_array_add(hdr->note_data,
                    note_data ? g_bytes_ref(note_data) : NULL);
}

void vmcore_layout_free(VmcoreLayout *layout)
{
    if (layout) {
        g_clear_pointer(&layout->header, g_bytes_unref);
        g_clear_pointer(&layout->notes, g_bytes_unref);
        g_clear_pointer(&layout->phdrs, g_array_unref);
        g_clear_pointer(&layout->segments, g_array_unref);
        g_clear_pointer(&layout->warnings, g_ptr_array_unref);
        g_free(layout);
    }
}

void vmcore_phdr_encode(const VmcorePhdr *ph, gboolean be,
                        uint8_t out[VMCORE_PHDR_SIZE])
{
    qf_put32(out + offsetof(Elf64_Phdr, p_type), ph->type, be);
    qf_put32(out + offsetof(Elf64_Phdr, p_flags), ph->flags, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_offset), ph->offset, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_vaddr), ph->vaddr, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_paddr), ph->paddr, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_filesz), ph->filesz, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_memsz), ph->memsz, be);
    qf_put64(out + offsetof(Elf64_Phdr, p_align), ph->align, be);
}

void vmcore_phdr_decode(const uint8_t in[VMCORE_PHDR_SIZE], gboolean be,
                        VmcorePhdr *ph)
{
    ph->type = qf_get32(in + offsetof(Elf64_Phdr, p_type), be);
    ph->flags = qf_get32(in + offsetof(Elf64_Phdr, p_flags), be);
    ph->offset = qf_get64(in + offsetof(Elf64_Phdr, p_offset), be);
    ph->vaddr = qf_get64(in + offsetof(Elf64_Phdr, p_vaddr), be);
    ph->paddr = qf_get64(in + offsetof(Elf64_Phdr, p_paddr), be);
    ph->filesz = qf_get64(in + offsetof(Elf64_Phdr, p_filesz), be);
    ph->memsz = qf_get64(in + offsetof(Elf64_Phdr, p_memsz), be);
    ph->align = qf_get64(in + offsetof(Elf64_Phdr, p_align), be);
}

/* The checks of parse_crash_elf64_headers() */
static gboolean ehdr_sane(const VmcoreCoreHeader *hdr, GError **error)
{
    const uint8_t *e = hdr->ehdr;
    gboolean be = hdr->big_endian;
    const char *why = NULL;
#define EHDR16(f) qf_get16(e + offsetof(Elf64_Ehdr, f), be)
#define EHDR32(f) qf_get32(e + offsetof(Elf64_Ehdr, f), be)

    if (memcmp(e, ELFMAG, SELFMAG) != 0) {
        why = "no ELF magic";
    } else if (e[EI_CLASS] != ELFCLASS64) {
        why = "not ELFCLASS64";
    } else if (e[EI_DATA] != (be ? ELFDATA2MSB : ELFDATA2LSB)) {
        why = "EI_DATA is not the kernel's byte order";
    } else if (e[EI_VERSION] != EV_CURRENT) {
        why = "EI_VERSION is not 1";
    } else if (EHDR16(e_type) != ET_CORE) {
        why = "e_type is not ET_CORE";
    } else if (EHDR16(e_machine) != EM_PPC64) {
        why = "e_machine is not EM_PPC64";
    } else if (EHDR32(e_version) != EV_CURRENT) {
        why = "e_version is not 1";
    } else if (EHDR16(e_ehsize) != VMCORE_EHDR_SIZE) {
        why = "e_ehsize is not 64";
    } else if (EHDR16(e_phentsize) != VMCORE_PHDR_SIZE) {
        why = "e_phentsize is not 56";
    } else if (hdr->phdrs->len == 0) {
        why = "no program headers";
    }
#undef EHDR16
#undef EHDR32
    if (why) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "ELF core header: %s (the capture kernel says \"Core "
                    "image elf header is not sane\")", why);
        return FALSE;
    }
    return TRUE;
}

/* The merged notes and their size (merge_note_headers_elf64) */
static gboolean merge_notes(const VmcoreCoreHeader *hdr, GByteArray *notes,
                            guint *ret_nr_ptnote, GPtrArray *warnings,
                            GError **error)
{
    guint nr_ptnote = 0;

    for (guint i = 0; i < hdr->phdrs->len; i++) {
        const VmcorePhdr *ph = &g_array_index(hdr->phdrs, VmcorePhdr, i);
        GBytes *data = g_ptr_array_index(hdr->note_data, i);
        const uint8_t *buf;
        gsize len;
        uint64_t real;
        gboolean dropped;

        if (ph->type != PT_NOTE) {
            continue;
        }
        nr_ptnote++;
        if (!data) {
            g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                        "program header %u: PT_NOTE without its contents",
                        i);
            return FALSE;
        }
        buf = g_bytes_get_data(data, &len);
        real = elfcore_notes_real_size(buf, MIN(len, ph->memsz),
                                       hdr->big_endian, &dropped);
        if (dropped) {
            g_ptr_array_add(warnings, g_strdup_printf(
                "PT_NOTE %u: a note runs past p_memsz 0x%" G_GINT64_MODIFIER
                "x and is dropped (\"Warning: Exceeded p_memsz, dropping "
                "PT_NOTE entry\")", i, ph->memsz));
        }
        g_byte_array_append(notes, buf, real);
    }
    if (nr_ptnote == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "ELF core header has no PT_NOTE");
        return FALSE;
    }
    *ret_nr_ptnote = nr_ptnote;
    return TRUE;
}

gboolean vmcore_layout_build(const VmcoreCoreHeader *hdr,
                             uint64_t page_size, uint32_t note_align,
                             VmcoreLayout **ret,
                             GError **error)
{
    g_autoptr(VmcoreLayout) l = g_new0(VmcoreLayout, 1);
    g_autoptr(GByteArray) notes = g_byte_array_new();
    uint64_t mask = page_size - 1;
    uint64_t elfsz, notes_sz, off;
    guint nr_ptnote, phnum;
    uint8_t *header;
    VmcorePhdr merged = { 0 };

    if (page_size < 4096 || (page_size & mask)) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "page size %" G_GUINT64_FORMAT " is not a power of two "
                    "of at least 4096", page_size);
        return FALSE;
    }
    if (!ehdr_sane(hdr, error)) {
        return FALSE;
    }
    l->big_endian = hdr->big_endian;
    l->page_size = page_size;
    l->phdrs = g_array_new(FALSE, TRUE, sizeof(VmcorePhdr));
    l->segments = g_array_new(FALSE, TRUE, sizeof(VmcoreSegment));
    l->warnings = g_ptr_array_new_with_free_func(g_free);

    if (!merge_notes(hdr, notes, &nr_ptnote, l->warnings, error)) {
        return FALSE;
    }
    phnum = hdr->phdrs->len - nr_ptnote + 1;
    if (phnum >= PN_XNUM) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%u program headers do not fit e_phnum", phnum);
        return FALSE;
    }

    /*
     * The merged PT_NOTE goes in slot 0; the kernel then drops the
     * nr_ptnote - 1 entries after it, which are the other PT_NOTEs when
     * they come first, as they do in every header fadump builds.
     */
    elfsz = (VMCORE_EHDR_SIZE + (uint64_t)phnum * VMCORE_PHDR_SIZE + mask) &
            ~mask;
    notes_sz = (notes->len + mask) & ~mask;
    merged.type = PT_NOTE;
    merged.offset = elfsz;
    merged.filesz = merged.memsz = notes->len;
    merged.align = note_align;
    g_array_append_val(l->phdrs, merged);
    for (guint i = nr_ptnote; i < hdr->phdrs->len; i++) {
        g_array_append_val(l->phdrs,
                           g_array_index(hdr->phdrs, VmcorePhdr, i));
    }

    /* process_ptload_program_headers_elf64() */
    off = elfsz + notes_sz;
    for (guint i = 0; i < l->phdrs->len; i++) {
        VmcorePhdr *ph = &g_array_index(l->phdrs, VmcorePhdr, i);
        VmcoreSegment seg;
        uint64_t start, end;

        if (ph->type != PT_LOAD) {
            continue;
        }
        if (ph->offset + ph->memsz < ph->offset ||
            ph->offset + ph->memsz + mask < ph->offset + ph->memsz) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "PT_LOAD %u: 0x%" G_GINT64_MODIFIER "x bytes at 0x%"
                        G_GINT64_MODIFIER "x wrap around", i, ph->memsz,
                        ph->offset);
            return FALSE;
        }
        start = ph->offset & ~mask;
        end = (ph->offset + ph->memsz + mask) & ~mask;
        seg.file_offset = off;
        seg.size = end - start;
        seg.src = start;
        seg.phdr = i;
        if (off + seg.size < off) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "PT_LOAD %u: the vmcore would exceed 2^64 bytes", i);
            return FALSE;
        }
        if (seg.size) {
            g_array_append_val(l->segments, seg);
        }
        ph->offset = off + (ph->offset - start);
        off += seg.size;
    }
    l->file_size = off;
    l->notes_len = notes->len;

    header = g_malloc0(elfsz);
    memcpy(header, hdr->ehdr, VMCORE_EHDR_SIZE);
    qf_put16(header + 56, phnum, hdr->big_endian);
    for (guint i = 0; i < phnum; i++) {
        vmcore_phdr_encode(&g_array_index(l->phdrs, VmcorePhdr, i),
                           hdr->big_endian,
                           header + VMCORE_EHDR_SIZE + i * VMCORE_PHDR_SIZE);
    }
    l->header = g_bytes_new_take(header, elfsz);
    g_byte_array_set_size(notes, notes_sz);
    if (notes_sz > l->notes_len) {  /* no notes at all: data is NULL */
        memset(notes->data + l->notes_len, 0, notes_sz - l->notes_len);
    }
    l->notes = g_byte_array_free_to_bytes(g_steal_pointer(&notes));
    *ret = g_steal_pointer(&l);
    return TRUE;
}
