/*
 * Helpers of the lib/dump fuzz targets: bytes as a dump file (a memfd
 * opened through /proc/self/fd, as dump_open() takes a path) and
 * small guests laid out by the generator (tests/gen/fadump-gen.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FUZZ_DUMP_H
#define FUZZ_DUMP_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "fadump-gen.h"
#include "fuzz-target.h"

/* A file holding some bytes, known by a path, for as long as it lives */
typedef struct FuzzFile {
    int fd;
    char path[64];      /* /proc/self/fd/N */
} FuzzFile;

/**
 * fuzz_file_new:
 * @data: (nullable): the file's contents
 * @size: bytes of @data
 *
 * A memfd with @size bytes of @data; aborts when the system says no
 * (not an input problem).
 */
FuzzFile *fuzz_file_new(const void *data, size_t size);
void fuzz_file_free(FuzzFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FuzzFile, fuzz_file_free)

/* Overwrite @size bytes at @offset (the file does not grow past @offset) */
void fuzz_file_pwrite(FuzzFile *f, const void *data, size_t size,
                      uint64_t offset);
/* Cut or extend the file to @size bytes */
void fuzz_file_truncate(FuzzFile *f, uint64_t size);

/*
 * Open @f as a dump; on failure check that the error says something and
 * return NULL.
 */
Dump *fuzz_dump_open(const FuzzFile *f, const DumpOptions *opts);

/**
 * fuzz_read_all:
 * @dump: an opened dump
 *
 * Read every range of @dump (a bounded sample of each), its RAM map and
 * the file extents of what it holds, checking the reader's invariants.
 */
void fuzz_read_all(Dump *dump);

/* The generator's parameters of a small guest: 1 MiB RAM, 4K pages */
void fuzz_gen_params(GenParams *p, GenKernel kernel, gboolean big_endian);

/* An image of @p's guest written by @write to a file, read back */
GBytes *fuzz_gen_file(const GenImage *img,
                      void (*write)(const GenImage *img, const char *path,
                                    const void *opaque),
                      const void *opaque);

/* Variants of the generated guest: kernel and byte order */
#define FUZZ_GUESTS 4

/* A generated guest and its RAM as a raw image file (base 0) */
typedef struct FuzzGuest {
    GenImage *img;
    FuzzFile *raw;
    const char *name;       /* "6.12-le", ... */
} FuzzGuest;

/*
 * Guest @variant (0..FUZZ_GUESTS-1: 6.12 LE, 6.12 BE, 6.1 LE, 6.1 BE),
 * built on first use and kept for the process (the fuzzer runs it many
 * times).
 */
const FuzzGuest *fuzz_guest(unsigned int variant);

/* The structures lib/dump finds in a guest, by what locates them */
typedef enum FuzzStruct {
    FUZZ_STRUCT_FDM,        /* the kernel's registered fdm */
    FUZZ_STRUCT_FDH,        /* the crash-info header at F */
    FUZZ_STRUCT_REGSAVE,    /* the register save area at A */
    FUZZ_STRUCT_VMCOREINFO, /* the VMCOREINFO note buffer */
    FUZZ_STRUCT_ELFCOREHDR, /* 6.1: the ELF core header after the fdh */
    FUZZ_STRUCTS
} FuzzStruct;

/*
 * Where structure @s is in @g's guest memory and how many bytes it
 * takes; FALSE when that kernel has none.
 */
gboolean fuzz_struct_at(const FuzzGuest *g, FuzzStruct s, uint64_t *addr,
                        uint64_t *len);
const char *fuzz_struct_name(FuzzStruct s);

/* Call @add with structure @s of every guest that has it */
void fuzz_struct_seeds(FuzzStruct s, FuzzSeedFunc add, void *opaque);

#endif /* FUZZ_DUMP_H */
