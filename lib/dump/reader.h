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
#ifndef DUMP_READER_H
#define DUMP_READER_H

#include <glib.h>
#include <stdint.h>

/* One range of guest physical memory a dump holds */
typedef struct DumpMemRange {
    uint64_t paddr;         /* guest physical address of the first byte */
    uint64_t size;          /* bytes of guest memory */
    uint64_t file_offset;   /* where the first byte is in the file */
    uint64_t file_size;     /* bytes stored in the file; the rest reads 0 */
} DumpMemRange;

/* What the caller knows about the input that its bytes cannot tell */
typedef struct DumpOptions {
    gboolean raw;           /* a raw RAM image: no header, just memory */
    uint64_t raw_base;      /* guest physical address of its first byte */
} DumpOptions;

/* How the memory of an extent is stored */
typedef enum DumpExtentKind {
    DUMP_EXTENT_FILE,       /* as is, @len bytes at @offset of file @fd */
    DUMP_EXTENT_ZERO,       /* not stored: @len bytes that read as zero */
    DUMP_EXTENT_READ,       /* encoded (compressed): dump_read() @len bytes */
} DumpExtentKind;

/* Where some guest memory is; @fd and @offset only for DUMP_EXTENT_FILE */
typedef struct DumpExtent {
    DumpExtentKind kind;
    int fd;
    uint64_t offset;
    uint64_t len;
} DumpExtent;

typedef struct Dump Dump;

/**
 * dump_open - open a dump and recognise its format
 * @path: the file
 * @opts: what the caller knows (may be NULL)
 * @error: QF_ERROR_IO when it cannot be opened or mapped,
 *     QF_ERROR_UNSUPPORTED when no format recognises it, and any
 *     error of the format that recognised it (QF_ERROR_TRUNCATED,
 *     QF_ERROR_CORRUPT, ...); messages start with @path
 *
 * Returns: the dump, or NULL
 */
Dump *dump_open(const char *path, const DumpOptions *opts,
                GError **error);

/**
 * dump_open_fd - dump_open() on a file the caller has open
 * @fd: open for reading; the dump owns it from now on, and closes it
 *     also when this fails
 * @path: the name that errors and dump_format_name() callers show
 * @opts: as for dump_open()
 * @error: as for dump_open()
 *
 * For a file that has no name to open by, such as the unlinked temporary
 * file that QMP acquisition writes.  The dump reads with pread() and
 * mmap(), never moving @fd's offset.
 */
Dump *dump_open_fd(int fd, const char *path, const DumpOptions *opts,
                   GError **error);

void dump_free(Dump *dump);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Dump, dump_free)

/* "elf", "raw", "kdump": the format that recognised the file */
const char *dump_format_name(const Dump *dump);

/*
 * The ELF notes the dump's own header carries (kdump: the sub-header's
 * PRSTATUS etc. and VMCOREINFO), in the dump's byte order; NULL when it
 * has none or the format keeps none.  g_bytes_unref().
 */
GBytes *dump_notes(const Dump *dump);

/* The VMCOREINFO text the dump's header carries, or NULL */
const char *dump_vmcoreinfo(const Dump *dump);

/*
 * What is odd about the file though it opened (e.g. a kdump file marked
 * incomplete): dump_warning(dump, i) for i < n
 */
guint dump_n_warnings(const Dump *dump);
const char *dump_warning(const Dump *dump, guint i);

const char *dump_path(const Dump *dump);

uint64_t dump_file_size(const Dump *dump);

/*
 * The guest physical ranges the dump holds, sorted by address, never
 * overlapping (adjacent ranges are kept apart).  Valid until the dump is
 * freed.
 */
const DumpMemRange *dump_ranges(const Dump *dump, size_t *n);

/**
 * dump_covers - whether the dump holds [@paddr, @paddr + @len)
 */
gboolean dump_covers(const Dump *dump, uint64_t paddr,
                     uint64_t len);

/*
 * How many of the @max bytes from @paddr the dump holds contiguously
 * (0 when @paddr is not in it); never wraps past 2^64.
 */
uint64_t dump_readable(const Dump *dump, uint64_t paddr,
                       uint64_t max);

/**
 * dump_read - read guest physical memory
 * @dump: the dump
 * @paddr: guest physical address
 * @buf: where to put @len bytes
 * @len: bytes to read; the range may span adjacent dump ranges
 * @error: QF_ERROR_NOT_FOUND when part of the range is not in the
 *     dump, or the format's read error
 *
 * Returns: TRUE when all @len bytes were read; @buf is undefined otherwise
 */
gboolean dump_read(Dump *dump, uint64_t paddr, void *buf,
                   size_t len, GError **error);

/**
 * dump_extent - where the memory at @paddr is stored
 * @dump: the dump
 * @paddr: guest physical address
 * @len: bytes wanted
 * @ret: the first 1 to @len bytes of the memory at @paddr that are stored
 *     one way: one file span, all zero, or to be read (compressed pages);
 *     untouched on failure
 * @error: QF_ERROR_NOT_FOUND when @paddr is not in the dump
 *
 * Returns: TRUE with @ret filled; FALSE with @error set
 */
gboolean dump_extent(Dump *dump, uint64_t paddr, uint64_t len,
                     DumpExtent *ret, GError **error);

/*
 * The dump's ranges with adjacent ones joined: guest RAM as one list of
 * disjoint, non-touching ranges (file fields are meaningless).  g_free().
 */
DumpMemRange *dump_ram_map(const Dump *dump, size_t *n);

#endif /* DUMP_READER_H */
