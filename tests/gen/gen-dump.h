/*
 * A generated guest (fadump-gen.h) saved to a file in a fresh temporary
 * directory and opened with lib/dump: the setup the unit tests of the
 * kernel and vmcore modules share.  Unlike the generators, it uses the
 * library (the reader), so only the unit tests link it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef GEN_DUMP_H
#define GEN_DUMP_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "fadump-gen.h"

typedef struct GenDumpOptions {
    gboolean raw;               /* a raw RAM image, not QEMU's ELF */
    uint64_t raw_base;          /* ... read as starting at this address */
    GenElfLayout layout;        /* the ELF's header layout */
    unsigned int nloads;        /* its PT_LOADs */
    void (*patch)(GenImage *img);   /* (nullable) changes the RAM first */
} GenDumpOptions;

typedef struct GenDump {
    GenImage *img;
    char *dir;
    char *path;
    Dump *dump;
} GenDump;

/*
 * The guest of @p, written as @o says (NULL: QEMU 7.2+ ELF, 2 PT_LOADs)
 * and opened; test assertions on any failure
 */
GenDump *gen_dump_new(const GenParams *p, const GenDumpOptions *o);

/* Close the dump, remove its file and directory */
void gen_dump_free(GenDump *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GenDump, gen_dump_free)

#endif /* GEN_DUMP_H */
