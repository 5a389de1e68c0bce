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
#ifndef VMCORE_LAYOUT_H
#define VMCORE_LAYOUT_H

#include <glib.h>
#include <stdint.h>

#define VMCORE_EHDR_SIZE    64
#define VMCORE_PHDR_SIZE    56

typedef struct VmcorePhdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
} VmcorePhdr;

/* The ELF core header the capture kernel builds (or reads, 6.1) */
typedef struct VmcoreCoreHeader {
    gboolean big_endian;
    uint8_t ehdr[VMCORE_EHDR_SIZE]; /* kernel order; e_phnum is rewritten */
    GArray *phdrs;                  /* VmcorePhdr */
    GPtrArray *note_data;           /* GBytes (p_memsz bytes) per PT_NOTE,
                                       NULL for other entries */
} VmcoreCoreHeader;

VmcoreCoreHeader *vmcore_core_header_new(gboolean big_endian);
void vmcore_core_header_free(VmcoreCoreHeader *hdr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmcoreCoreHeader, vmcore_core_header_free)

/* Append a program header; @note_data (PT_NOTE contents) is ref'ed */
void vmcore_core_header_add(VmcoreCoreHeader *hdr, const VmcorePhdr *ph,
                            GBytes *note_data);

/* One piece of PT_LOAD data: @size bytes of old memory from @src */
typedef struct VmcoreSegment {
    uint64_t file_offset;
    uint64_t size;
    uint64_t src;           /* physical address of the first byte */
    guint phdr;             /* index in the final program headers */
} VmcoreSegment;

typedef struct VmcoreLayout {
    gboolean big_endian;
    uint64_t page_size;
    GBytes *header;         /* elfsz bytes */
    GBytes *notes;          /* notes_sz bytes: the merged notes, zeros */
    uint64_t notes_len;     /* the merged PT_NOTE's p_filesz */
    GArray *phdrs;          /* VmcorePhdr, as written */
    GArray *segments;       /* VmcoreSegment, in file order */
    uint64_t file_size;
    GPtrArray *warnings;    /* char *: what the kernel would warn about */
} VmcoreLayout;

/**
 * vmcore_layout_build - lay out /proc/vmcore
 * @hdr: the ELF core header
 * @page_size: the capture kernel's PAGE_SIZE
 * @note_align: p_align of the merged PT_NOTE: 4 (Linux 6.12, 7.2) or 0
 *     (6.1)
 * @ret: the layout, vmcore_layout_free(); untouched on failure
 * @error: QF_ERROR_CORRUPT when the header fails the kernel's sanity
 *     checks (parse_crash_elf64_headers), has no PT_NOTE, or a PT_LOAD
 *     wraps around; QF_ERROR_INVALID_ARG for a page size that is not
 *     a power of two of at least 4096
 */
gboolean vmcore_layout_build(const VmcoreCoreHeader *hdr,
                             uint64_t page_size, uint32_t note_align,
                             VmcoreLayout **ret,
                             GError **error);

void vmcore_layout_free(VmcoreLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmcoreLayout, vmcore_layout_free)

/* Encode / decode a program header in the given byte order */
void vmcore_phdr_encode(const VmcorePhdr *ph, gboolean big_endian,
                        uint8_t out[VMCORE_PHDR_SIZE]);
void vmcore_phdr_decode(const uint8_t in[VMCORE_PHDR_SIZE],
                        gboolean big_endian, VmcorePhdr *ph);

#endif /* VMCORE_LAYOUT_H */
