/*
 * Fuzz target of the kdump-compressed reader (lib/dump/kdump.c,
 * dump/kdump-flat.c, dump/kdump-compress.c): whatever the bytes, opening them
 * as a dump either fails with an error or gives a dump whose ranges are sorted
 * and disjoint, every byte of which either reads or fails with an error, whose
 * extents stay within what was asked, and whose notes, VMCOREINFO and warnings
 * can be looked at.  The bytes go through a memfd, the reader's input being a
 * file.  libFuzzer calls LLVMFuzzerTestOneInput(); so does fuzz-replay.c, on
 * the seeds kdump-seeds.c generates and their mutations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dump/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz-kdump: %s:%d: invariant broken: %s\n", \
                    __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

/* Bytes read per input at most: the ranges may claim terabytes */
#define READ_BUDGET     (8u << 20)
#define READ_CHUNK      (256u << 10)

/* No text out of the file can be longer than the file (flattened: 3x) */
static uint64_t size_limit(Dump *dump)
{
    return 3 * dump_file_size(dump) + (16u << 20);
}

static void exercise(Dump *dump)
{
    size_t n;
    const DumpMemRange *r = dump_ranges(dump, &n);
    g_autofree uint8_t *buf = g_malloc(READ_CHUNK);
    g_autoptr(GBytes) notes = dump_notes(dump);
    const char *vmcoreinfo = dump_vmcoreinfo(dump);
    uint64_t budget = READ_BUDGET;

    for (guint i = 0; i < dump_n_warnings(dump); i++) {
        FUZZ_ASSERT(dump_warning(dump, i) != NULL);
    }
    FUZZ_ASSERT(!notes || g_bytes_get_size(notes) > 0);
    FUZZ_ASSERT(!vmcoreinfo || strlen(vmcoreinfo) < size_limit(dump));
    for (size_t i = 0; i < n && budget; i++) {
        FUZZ_ASSERT(r[i].size > 0);
        FUZZ_ASSERT(i == 0 ||
                    r[i].paddr > r[i - 1].paddr + r[i - 1].size - 1);
        for (uint64_t off = 0; off < r[i].size && budget;) {
            uint64_t len = MIN(MIN(READ_CHUNK, r[i].size - off), budget);
            g_autoptr(GError) err = NULL;
            DumpExtent ext;

            if (!dump_read(dump, r[i].paddr + off, buf, len, &err)) {
                FUZZ_ASSERT(err != NULL);
            }
            g_clear_error(&err);
            FUZZ_ASSERT(dump_extent(dump, r[i].paddr + off, len, &ext,
                                    &err));
            FUZZ_ASSERT(ext.len > 0 && ext.len <= len);
            FUZZ_ASSERT((ext.kind == DUMP_EXTENT_FILE) == (ext.fd >= 0));
            off += len;
            budget -= len;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-kdump", MFD_CLOEXEC);
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;

    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
    path = g_strdup_printf("/proc/self/fd/%d", fd);
    dump = dump_open(path, NULL, &err);
    if (dump) {
        FUZZ_ASSERT(err == NULL);
        exercise(dump);
    } else {
        FUZZ_ASSERT(err != NULL && err->message[0]);
    }
    g_clear_pointer(&dump, dump_free);
    close(fd);
    return 0;
}
