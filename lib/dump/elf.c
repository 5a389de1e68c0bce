/*
 * ELF cores: QMP dump-guest-memory's "elf" format (and any ELF64 core
 * whose PT_LOADs carry guest physical addresses in p_paddr).
 *
 * QEMU before 7.2 writes the ELF header, the program headers, then the
 * notes and memory, with a lone section header only when there are more
 * than 65535 program headers (PN_XNUM).  QEMU 7.2 and later put the
 * section headers right after the ELF header and the section data at the
 * very end of the file.  Neither order is assumed: everything is found
 * through e_phoff/e_shoff, and every offset and size is checked against
 * the file size before it is used.  The byte order is the file's own
 * (EI_DATA); libelf converts.  The PT_NOTE segments (QEMU's per-vCPU
 * NT_PRSTATUS etc.) are kept, in the file's byte order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gelf.h>
#include <string.h>

#include "dump/format-internal.h"
#include "common/byteorder.h"
#include "common/error.h"

/*
 * More program headers than this is refused: QEMU writes one PT_LOAD per
 * guest RAM block, a few on any real machine.
 */
#define ELF_MAX_PHDRS   (1u << 21)
/* The notes kept: QEMU writes a few KiB per vCPU */
#define ELF_NOTES_MAX   (64u << 20)

typedef struct ElfState {
    const DumpFile *file;
    GArray *ranges;         /* DumpMemRange, sorted by paddr */
    GByteArray *notes;      /* the PT_NOTE segments, one after the other */
} ElfState;

static void elf_state_free(ElfState *s)
{
    if (s->ranges) {
        g_array_unref(s->ranges);
    }
    if (s->notes) {
        g_byte_array_unref(s->notes);
    }
    g_free(s);
}

static int range_cmp(gconstpointer a, gconstpointer b)
{
    const DumpMemRange *x = a, *y = b;

    return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static gboolean libelf_failed(GError **error, const char *what)
{
    g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT, "%s: %s", what,
                elf_errmsg(-1));
    return FALSE;
}

/* Section headers: their table lies within the file */
static gboolean check_sections(Elf *elf, const GElf_Ehdr *eh,
                               uint64_t size, size_t *ret_shnum,
                               GError **error)
{
    size_t shnum;

    if (eh->e_shoff == 0) {
        *ret_shnum = 0;
        return TRUE;
    }
    if (eh->e_shentsize != sizeof(Elf64_Shdr)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "section header size %u, ELF64 has %zu",
                    eh->e_shentsize, sizeof(Elf64_Shdr));
        return FALSE;
    }
    if (!qf_span_ok(size, eh->e_shoff, sizeof(Elf64_Shdr))) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "section headers at 0x%" G_GINT64_MODIFIER "x, beyond "
                    "the end of the file (0x%" G_GINT64_MODIFIER "x bytes): "
                    "truncated dump", (uint64_t)eh->e_shoff, size);
        return FALSE;
    }
    if (elf_getshdrnum(elf, &shnum) < 0) {
        return libelf_failed(error, "section header count");
    }
    if (shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr)) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%zu section headers at 0x%" G_GINT64_MODIFIER "x end "
                    "beyond the end of the file (0x%" G_GINT64_MODIFIER
                    "x bytes): truncated dump", shnum,
                    (uint64_t)eh->e_shoff, size);
        return FALSE;
    }
    *ret_shnum = shnum;
    return TRUE;
}

/* Section data lies within the file (7.2+ puts it at the very end) */
static gboolean check_section_data(Elf *elf, size_t shnum, uint64_t size,
                                   GError **error)
{
    for (size_t i = 1; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(elf, i);
        GElf_Shdr sh;

        if (!scn || !gelf_getshdr(scn, &sh)) {
            return libelf_failed(error, "section header");
        }
        if (sh.sh_type != SHT_NOBITS &&
            !qf_span_ok(size, sh.sh_offset, sh.sh_size)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "section %zu: 0x%" G_GINT64_MODIFIER "x bytes at 0x%"
                        G_GINT64_MODIFIER "x, beyond the end of the file "
                        "(0x%" G_GINT64_MODIFIER "x bytes): truncated dump",
                        i, (uint64_t)sh.sh_size, (uint64_t)sh.sh_offset,
                        size);
            return FALSE;
        }
    }
    return TRUE;
}

/* The number of program headers, PN_XNUM resolved through section 0 */
static gboolean phdr_count(Elf *elf, const GElf_Ehdr *eh, size_t shnum,
                           uint64_t size, size_t *ret, GError **error)
{
    size_t phnum = eh->e_phnum;

    if (eh->e_phnum == PN_XNUM) {
        Elf_Scn *scn;
        GElf_Shdr sh0;

        if (shnum == 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "e_phnum is PN_XNUM but there is no section header "
                        "0 to hold the program header count");
            return FALSE;
        }
        scn = elf_getscn(elf, 0);
        if (!scn || !gelf_getshdr(scn, &sh0)) {
            return libelf_failed(error, "section header 0");
        }
        phnum = sh0.sh_info;
    }
    if (phnum == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "no program headers: no memory in this core");
        return FALSE;
    }
    if (phnum > ELF_MAX_PHDRS) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%zu program headers, more than the %u this tool takes",
                    phnum, ELF_MAX_PHDRS);
        return FALSE;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "program header size %u, ELF64 has %zu",
                    eh->e_phentsize, sizeof(Elf64_Phdr));
        return FALSE;
    }
    if (!qf_span_ok(size, eh->e_phoff,
                    (uint64_t)phnum * sizeof(Elf64_Phdr))) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%zu program headers at 0x%" G_GINT64_MODIFIER "x end "
                    "beyond the end of the file (0x%" G_GINT64_MODIFIER
                    "x bytes): truncated dump", phnum,
                    (uint64_t)eh->e_phoff, size);
        return FALSE;
    }
    *ret = phnum;
    return TRUE;
}

static gboolean read_segments(Elf *elf, const DumpFile *file, size_t phnum,
                              GArray *ranges, GByteArray *notes,
                              GError **error)
{
    uint64_t size = file->size;
    size_t have;

    /* libelf clamps its count to the file; ours was checked against it */
    if (elf_getphdrnum(elf, &have) < 0 || have < phnum) {
        return libelf_failed(error, "program headers");
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        DumpMemRange r;

        if (!gelf_getphdr(elf, i, &ph)) {
            return libelf_failed(error, "program header");
        }
        if (ph.p_type == PT_NOTE &&
            !qf_span_ok(size, ph.p_offset, ph.p_filesz)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "PT_NOTE %zu: 0x%" G_GINT64_MODIFIER "x bytes at 0x%"
                        G_GINT64_MODIFIER "x, beyond the end of the file "
                        "(0x%" G_GINT64_MODIFIER "x bytes): truncated dump",
                        i, (uint64_t)ph.p_filesz, (uint64_t)ph.p_offset,
                        size);
            return FALSE;
        }
        if (ph.p_type == PT_NOTE) {
            /* QEMU's CPU notes; whole notes are 4-byte multiples */
            if (notes->len + ph.p_filesz > ELF_NOTES_MAX) {
                g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                            "PT_NOTE %zu: more than 0x%x bytes of notes", i,
                            ELF_NOTES_MAX);
                return FALSE;
            }
            g_byte_array_append(notes, file->map + ph.p_offset,
                                ph.p_filesz);
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "PT_LOAD %zu: p_filesz 0x%" G_GINT64_MODIFIER "x "
                        "exceeds p_memsz 0x%" G_GINT64_MODIFIER "x", i,
                        (uint64_t)ph.p_filesz, (uint64_t)ph.p_memsz);
            return FALSE;
        }
        if (ph.p_paddr + ph.p_memsz - 1 < ph.p_paddr) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "PT_LOAD %zu: 0x%" G_GINT64_MODIFIER "x bytes at "
                        "guest 0x%" G_GINT64_MODIFIER "x wrap around", i,
                        (uint64_t)ph.p_memsz, (uint64_t)ph.p_paddr);
            return FALSE;
        }
        if (!qf_span_ok(size, ph.p_offset, ph.p_filesz)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "PT_LOAD %zu (guest 0x%" G_GINT64_MODIFIER "x, 0x%"
                        G_GINT64_MODIFIER "x bytes) needs the file up to "
                        "0x%" G_GINT64_MODIFIER "x, it ends at 0x%"
                        G_GINT64_MODIFIER "x: truncated dump", i,
                        (uint64_t)ph.p_paddr, (uint64_t)ph.p_memsz,
                        (uint64_t)ph.p_offset + ph.p_filesz, size);
            return FALSE;
        }
        r.paddr = ph.p_paddr;
        r.size = ph.p_memsz;
        r.file_offset = ph.p_offset;
        r.file_size = ph.p_filesz;
        g_array_append_val(ranges, r);
    }
    if (ranges->len == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "no PT_LOAD with memory: nothing of the guest's RAM is "
                    "in this core");
        return FALSE;
    }
    g_array_sort(ranges, range_cmp);
    return TRUE;
}

static gboolean elf_open(const DumpFile *file, ElfState *s,
                         GError **error)
{
    Elf *elf;
    GElf_Ehdr eh;
    size_t shnum, phnum;
    gboolean ok = FALSE;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        return libelf_failed(error, "libelf");
    }
    /* libelf only reads: the mapping is PROT_READ */
    elf = elf_memory((char *)file->map, file->size);
    if (!elf) {
        return libelf_failed(error, "ELF header");
    }
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        libelf_failed(error, "ELF header");
        goto out;
    }
    if (eh.e_type != ET_CORE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "ELF type %u, not a core file", eh.e_type);
        goto out;
    }
    if (check_sections(elf, &eh, file->size, &shnum, error) &&
        phdr_count(elf, &eh, shnum, file->size, &phnum, error) &&
        read_segments(elf, file, phnum, s->ranges, s->notes, error) &&
        check_section_data(elf, shnum, file->size, error)) {
        ok = TRUE;
    }
out:
    elf_end(elf);
    return ok;
}

static DumpProbe elf_probe(const DumpFile *file,
                           const DumpOptions *opts, void **state,
                           GError **error)
{
    ElfState *s;

    if (file->size < SELFMAG || memcmp(file->map, ELFMAG, SELFMAG) != 0) {
        return DUMP_PROBE_NOT_MINE;
    }
    if (file->size < sizeof(Elf64_Ehdr)) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%" G_GUINT64_FORMAT " bytes, shorter than an ELF64 "
                    "header", file->size);
        return DUMP_PROBE_ERROR;
    }
    if (file->map[EI_CLASS] != ELFCLASS64) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "ELF class %u, only ELF64 cores are read",
                    file->map[EI_CLASS]);
        return DUMP_PROBE_ERROR;
    }
    if (file->map[EI_DATA] != ELFDATA2LSB &&
        file->map[EI_DATA] != ELFDATA2MSB) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "ELF byte order (EI_DATA) %u is neither little nor big "
                    "endian", file->map[EI_DATA]);
        return DUMP_PROBE_ERROR;
    }
    s = g_new0(ElfState, 1);
    s->file = file;
    s->ranges = g_array_new(FALSE, FALSE, sizeof(DumpMemRange));
    s->notes = g_byte_array_new();
    if (!elf_open(file, s, error)) {
        elf_state_free(s);
        return DUMP_PROBE_ERROR;
    }
    *state = s;
    return DUMP_PROBE_MINE;
}

static const DumpMemRange *elf_ranges(void *state, size_t *n)
{
    ElfState *s = state;

    *n = s->ranges->len;
    return (const DumpMemRange *)(void *)s->ranges->data;
}

static GBytes *elf_notes(void *state)
{
    ElfState *s = state;

    return s->notes->len ? g_bytes_new(s->notes->data, s->notes->len) : NULL;
}

static void elf_cleanup(void *state)
{
    elf_state_free(state);
}

const DumpFormat dump_format_elf = {
    .name = "elf",
    .probe = elf_probe,
    .ranges = elf_ranges,
    .notes = elf_notes,
    .cleanup = elf_cleanup,
};
