/*
 * What a dump format module provides to dump-reader.c: an operations
 * table, asked in turn by fadump_dump_open().  Private to lib/dump/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_DUMP_FORMAT_H
#define FADUMP_DUMP_FORMAT_H

#include "dump-reader.h"

/* The opened input, mapped read-only as a whole */
typedef struct FadumpDumpFile {
    const char *path;
    int fd;
    uint64_t size;
    const uint8_t *map;     /* size bytes; NULL for an empty file */
} FadumpDumpFile;

typedef enum FadumpProbe {
    FADUMP_PROBE_NOT_MINE,  /* not this format: ask the next one */
    FADUMP_PROBE_MINE,      /* recognised and opened */
    FADUMP_PROBE_ERROR,     /* this format, but unreadable: error set */
} FadumpProbe;

typedef struct FadumpDumpFormat {
    const char *name;
    /*
     * Recognise @file; on FADUMP_PROBE_MINE set *@state.  Errors carry no
     * file name (the caller prefixes it).
     */
    FadumpProbe (*probe)(const FadumpDumpFile *file,
                         const FadumpDumpOptions *opts, void **state,
                         GError **error);
    /* Sorted, non-overlapping ranges; valid until cleanup */
    const FadumpMemRange *(*ranges)(void *state, size_t *n);
    /* [paddr, paddr + len) lies inside range @r (one of ranges()) */
    gboolean (*read)(void *state, const FadumpMemRange *r, uint64_t paddr,
                     void *buf, size_t len, GError **error);
    /* Optional: where [paddr, paddr + len) of range @r is (see extent) */
    gboolean (*locate)(void *state, const FadumpMemRange *r, uint64_t paddr,
                       uint64_t len, FadumpExtent *ret);
    /* Optional: the ELF notes the dump's own header carries (a ref) */
    GBytes *(*notes)(void *state);
    /* Optional: the VMCOREINFO text the dump's header carries */
    const char *(*vmcoreinfo)(void *state);
    /* Optional: what is odd about the file (char *), valid until cleanup */
    const GPtrArray *(*warnings)(void *state);
    void (*cleanup)(void *state);
} FadumpDumpFormat;

extern const FadumpDumpFormat fadump_dump_format_raw;
extern const FadumpDumpFormat fadump_dump_format_elf;
extern const FadumpDumpFormat fadump_dump_format_kdump;

/*
 * Helpers for formats whose ranges are plain file spans (ELF, raw): read
 * or locate through the mapping of @file.
 */
gboolean fadump_dump_file_read(const FadumpDumpFile *file,
                               const FadumpMemRange *r, uint64_t paddr,
                               void *buf, size_t len, GError **error);
gboolean fadump_dump_file_locate(const FadumpDumpFile *file,
                                 const FadumpMemRange *r, uint64_t paddr,
                                 uint64_t len, FadumpExtent *ret);

#endif /* FADUMP_DUMP_FORMAT_H */
