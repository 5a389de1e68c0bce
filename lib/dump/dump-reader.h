/*
 * Reading guest physical memory out of a saved dump, whatever its format.
 *
 * A dump is opened once; its format is found by asking every known
 * format in turn (dump-format.h).  Afterwards it answers two questions:
 * which guest physical ranges it holds, and what bytes are at a guest
 * physical address.  The file is mapped, never read whole: memory use
 * does not grow with the guest's RAM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_DUMP_READER_H
#define FADUMP_DUMP_READER_H

#include <glib.h>
#include <stdint.h>

/* One range of guest physical memory a dump holds */
typedef struct FadumpMemRange {
    uint64_t paddr;         /* guest physical address of the first byte */
    uint64_t size;          /* bytes of guest memory */
    uint64_t file_offset;   /* where the first byte is in the file */
    uint64_t file_size;     /* bytes stored in the file; the rest reads 0 */
} FadumpMemRange;

/* What the caller knows about the input that its bytes cannot tell */
typedef struct FadumpDumpOptions {
    gboolean raw;           /* a raw RAM image: no header, just memory */
    uint64_t raw_base;      /* guest physical address of its first byte */
} FadumpDumpOptions;

/*
 * Where some guest memory is: @len bytes at @offset of file @fd, or, when
 * @fd is -1, @len bytes that read as zero.
 */
typedef struct FadumpExtent {
    int fd;
    uint64_t offset;
    uint64_t len;
} FadumpExtent;

typedef struct FadumpDump FadumpDump;

/**
 * fadump_dump_open - open a dump and recognise its format
 * @path: the file
 * @opts: what the caller knows (may be NULL)
 * @error: FADUMP_ERROR_IO when it cannot be opened or mapped,
 *     FADUMP_ERROR_UNSUPPORTED when no format recognises it, and any
 *     error of the format that recognised it (FADUMP_ERROR_TRUNCATED,
 *     FADUMP_ERROR_CORRUPT, ...); messages start with @path
 *
 * Returns: the dump, or NULL
 */
FadumpDump *fadump_dump_open(const char *path, const FadumpDumpOptions *opts,
                             GError **error);

void fadump_dump_free(FadumpDump *dump);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpDump, fadump_dump_free)

/* "elf", "raw", "kdump": the format that recognised the file */
const char *fadump_dump_format_name(const FadumpDump *dump);

/*
 * The ELF notes the dump's own header carries (kdump: the sub-header's
 * PRSTATUS etc. and VMCOREINFO), in the dump's byte order; NULL when it
 * has none or the format keeps none.  g_bytes_unref().
 */
GBytes *fadump_dump_notes(const FadumpDump *dump);

/* The VMCOREINFO text the dump's header carries, or NULL */
const char *fadump_dump_vmcoreinfo(const FadumpDump *dump);

/*
 * What is odd about the file though it opened (e.g. a kdump file marked
 * incomplete): fadump_dump_warning(dump, i) for i < n
 */
guint fadump_dump_n_warnings(const FadumpDump *dump);
const char *fadump_dump_warning(const FadumpDump *dump, guint i);

const char *fadump_dump_path(const FadumpDump *dump);

uint64_t fadump_dump_file_size(const FadumpDump *dump);

/*
 * The guest physical ranges the dump holds, sorted by address, never
 * overlapping (adjacent ranges are kept apart).  Valid until the dump is
 * freed.
 */
const FadumpMemRange *fadump_dump_ranges(const FadumpDump *dump, size_t *n);

/**
 * fadump_dump_covers - whether the dump holds [@paddr, @paddr + @len)
 */
gboolean fadump_dump_covers(const FadumpDump *dump, uint64_t paddr,
                            uint64_t len);

/*
 * How many of the @max bytes from @paddr the dump holds contiguously
 * (0 when @paddr is not in it); never wraps past 2^64.
 */
uint64_t fadump_dump_readable(const FadumpDump *dump, uint64_t paddr,
                              uint64_t max);

/**
 * fadump_dump_read - read guest physical memory
 * @dump: the dump
 * @paddr: guest physical address
 * @buf: where to put @len bytes
 * @len: bytes to read; the range may span adjacent dump ranges
 * @error: FADUMP_ERROR_NOT_FOUND when part of the range is not in the
 *     dump, or the format's read error
 *
 * Returns: TRUE when all @len bytes were read; @buf is undefined otherwise
 */
gboolean fadump_dump_read(FadumpDump *dump, uint64_t paddr, void *buf,
                          size_t len, GError **error);

/**
 * fadump_dump_extent - where the memory at @paddr is stored
 * @dump: the dump
 * @paddr: guest physical address
 * @len: bytes wanted
 * @ret: up to @len bytes of the range starting at @paddr, all in one file
 *     span or all zero; untouched on failure
 * @error: FADUMP_ERROR_NOT_FOUND when @paddr is not in the dump
 *
 * Returns: TRUE with @ret filled, FALSE when @paddr is not in the dump or
 * the format cannot say (compressed formats): the caller then reads.
 */
gboolean fadump_dump_extent(FadumpDump *dump, uint64_t paddr, uint64_t len,
                            FadumpExtent *ret, GError **error);

/*
 * The dump's ranges with adjacent ones joined: guest RAM as one list of
 * disjoint, non-touching ranges (file fields are meaningless).  g_free().
 */
FadumpMemRange *fadump_dump_ram_map(const FadumpDump *dump, size_t *n);

#endif /* FADUMP_DUMP_READER_H */
