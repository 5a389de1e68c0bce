/*
 * From an ELF core header as the capture kernel hands it to
 * fs/proc/vmcore.c, to the exact byte layout of /proc/vmcore:
 *
 *   [0, elfsz)              ELF header, program headers, zeros
 *   [elfsz, +notes_sz)      all PT_NOTE contents merged, zeros
 *   then, per PT_LOAD       the whole pages holding it, from old memory
 *
 * The merged PT_NOTE comes first, the other program headers follow in
 * their order; each PT_LOAD's p_offset moves into the file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_VMCORE_LAYOUT_H
#define FADUMP_VMCORE_LAYOUT_H

#include <glib.h>
#include <stdint.h>

#define FADUMP_EHDR_SIZE    64
#define FADUMP_PHDR_SIZE    56

typedef struct FadumpPhdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
} FadumpPhdr;

/* The ELF core header the capture kernel builds (or reads, 6.1) */
typedef struct FadumpElfcorehdr {
    gboolean big_endian;
    uint8_t ehdr[FADUMP_EHDR_SIZE]; /* kernel order; e_phnum is rewritten */
    GArray *phdrs;                  /* FadumpPhdr */
    GPtrArray *note_data;           /* GBytes (p_memsz bytes) per PT_NOTE,
                                       NULL for other entries */
} FadumpElfcorehdr;

FadumpElfcorehdr *fadump_elfcorehdr_new(gboolean big_endian);
void fadump_elfcorehdr_free(FadumpElfcorehdr *hdr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpElfcorehdr, fadump_elfcorehdr_free)

/* Append a program header; @note_data (PT_NOTE contents) is ref'ed */
void fadump_elfcorehdr_add(FadumpElfcorehdr *hdr, const FadumpPhdr *ph,
                           GBytes *note_data);

/* One piece of PT_LOAD data: @size bytes of old memory from @src */
typedef struct FadumpVmcoreSegment {
    uint64_t file_offset;
    uint64_t size;
    uint64_t src;           /* physical address of the first byte */
    guint phdr;             /* index in the final program headers */
} FadumpVmcoreSegment;

typedef struct FadumpVmcoreLayout {
    gboolean big_endian;
    uint64_t page_size;
    GBytes *header;         /* elfsz bytes */
    GBytes *notes;          /* notes_sz bytes: the merged notes, zeros */
    uint64_t notes_len;     /* the merged PT_NOTE's p_filesz */
    GArray *phdrs;          /* FadumpPhdr, as written */
    GArray *segments;       /* FadumpVmcoreSegment, in file order */
    uint64_t file_size;
    GPtrArray *warnings;    /* char *: what the kernel would warn about */
} FadumpVmcoreLayout;

/**
 * fadump_vmcore_layout_build - lay out /proc/vmcore
 * @hdr: the ELF core header
 * @page_size: the capture kernel's PAGE_SIZE
 * @note_align: p_align of the merged PT_NOTE: 4 (Linux 6.12, 7.2) or 0
 *     (6.1)
 * @ret: the layout, fadump_vmcore_layout_free(); untouched on failure
 * @error: FADUMP_ERROR_CORRUPT when the header fails the kernel's sanity
 *     checks (parse_crash_elf64_headers), has no PT_NOTE, or a PT_LOAD
 *     wraps around; FADUMP_ERROR_INVALID_ARG for a page size that is not
 *     a power of two of at least 4096
 */
gboolean fadump_vmcore_layout_build(const FadumpElfcorehdr *hdr,
                                    uint64_t page_size, uint32_t note_align,
                                    FadumpVmcoreLayout **ret,
                                    GError **error);

void fadump_vmcore_layout_free(FadumpVmcoreLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpVmcoreLayout, fadump_vmcore_layout_free)

/* Encode / decode a program header in the given byte order */
void fadump_phdr_encode(const FadumpPhdr *ph, gboolean big_endian,
                        uint8_t out[FADUMP_PHDR_SIZE]);
void fadump_phdr_decode(const uint8_t in[FADUMP_PHDR_SIZE],
                        gboolean big_endian, FadumpPhdr *ph);

#endif /* FADUMP_VMCORE_LAYOUT_H */
