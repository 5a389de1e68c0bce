/*
 * Writing a laid-out vmcore to a file: into a temporary file next to the
 * destination, renamed over it only once complete; on any failure the
 * temporary file is removed and the destination left as it was.
 * PT_LOAD data the dump stores as plain file bytes is copied with
 * copy_file_range() when the filesystem could share its blocks (same
 * offset within a 4 KiB block in both files); otherwise it is read, and
 * only its non-zero 4 KiB blocks are written.  Zero-filled memory becomes
 * a hole.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_WRITER_H
#define VMCORE_WRITER_H

#include <glib.h>
#include <signal.h>
#include <stdint.h>

#include "dump/reader.h"
#include "common/progress.h"
#include "vmcore/layout.h"

typedef struct VmcoreWriteOptions {
    gboolean no_copy_range;     /* never copy_file_range() */
    gboolean sync;              /* fdatasync() before the rename */
    const volatile sig_atomic_t *cancel;    /* stop when it turns non-0 */
    QfProgressFunc progress;            /* called between chunks */
    gpointer progress_data;
} VmcoreWriteOptions;

typedef struct VmcoreWriteStats {
    uint64_t file_size;
    uint64_t copy_range_bytes;  /* moved by copy_file_range() */
    uint64_t buffered_bytes;    /* read and written by us (non-zero) */
    uint64_t hole_bytes;        /* zero memory left as holes */
} VmcoreWriteStats;

/**
 * vmcore_write - write a vmcore
 * @layout: what to write
 * @dump: where PT_LOAD data comes from (guest physical addresses)
 * @path: the file to create or replace
 * @opts: (optional) options
 * @stats: (optional) what was done; untouched on failure
 * @error: QF_ERROR_IO for a failing system call (create, write,
 *     copy, rename: the message names it and the file),
 *     QF_ERROR_INVALID_ARG when cancelled, and the dump's read errors
 *
 * Returns: TRUE when @path holds the complete vmcore; on FALSE no
 * temporary file remains and @path is untouched.
 */
gboolean vmcore_write(const VmcoreLayout *layout,
                      Dump *dump, const char *path,
                      const VmcoreWriteOptions *opts,
                      VmcoreWriteStats *stats, GError **error);

#endif /* VMCORE_WRITER_H */
