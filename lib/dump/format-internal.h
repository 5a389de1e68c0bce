/*
 * What a dump format module provides to dump-reader.c: an operations
 * table, asked in turn by dump_open().  Private to lib/dump/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DUMP_FORMAT_INTERNAL_H
#define DUMP_FORMAT_INTERNAL_H

#include "dump/reader.h"

/* The opened input, mapped read-only as a whole */
typedef struct DumpFile {
    const char *path;
    int fd;
    uint64_t size;
    const uint8_t *map;     /* size bytes; NULL for an empty file */
} DumpFile;

typedef enum DumpProbe {
    DUMP_PROBE_NOT_MINE,  /* not this format: ask the next one */
    DUMP_PROBE_MINE,      /* recognised and opened */
    DUMP_PROBE_ERROR,     /* this format, but unreadable: error set */
} DumpProbe;

typedef struct DumpFormat {
    const char *name;
    /*
     * Recognise @file; on DUMP_PROBE_MINE set *@state.  Errors carry no
     * file name (the caller prefixes it).
     */
    DumpProbe (*probe)(const DumpFile *file,
                       const DumpOptions *opts, void **state,
                       GError **error);
    /* Sorted, non-overlapping ranges; valid until cleanup */
    const DumpMemRange *(*ranges)(void *state, size_t *n);
    /*
     * [paddr, paddr + len) lies inside range @r (one of ranges()).
     * NULL for formats whose ranges are plain spans of the dump file
     * (file_offset, file_size; zeros beyond file_size): the reader then
     * reads through the file's mapping.
     */
    gboolean (*read)(void *state, const DumpMemRange *r, uint64_t paddr,
                     void *buf, size_t len, GError **error);
    /*
     * Where [paddr, paddr + len) of range @r is: fill @ret with 1 to @len
     * bytes (see dump_extent()).  NULL as for read.
     */
    void (*locate)(void *state, const DumpMemRange *r, uint64_t paddr,
                   uint64_t len, DumpExtent *ret);
    /* Optional: the ELF notes the dump's own header carries (a ref) */
    GBytes *(*notes)(void *state);
    /* Optional: the VMCOREINFO text the dump's header carries */
    const char *(*vmcoreinfo)(void *state);
    /* Optional: what is odd about the file (char *), valid until cleanup */
    const GPtrArray *(*warnings)(void *state);
    void (*cleanup)(void *state);
} DumpFormat;

extern const DumpFormat dump_format_raw;
extern const DumpFormat dump_format_elf;
extern const DumpFormat dump_format_kdump;

#endif /* DUMP_FORMAT_INTERNAL_H */
