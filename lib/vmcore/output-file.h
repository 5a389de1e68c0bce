/*
 * The file a writer (vmcore-writer, kdump-writer) produces: created as a
 * temporary file next to the destination (mode 0600: it holds guest
 * memory), renamed over the destination only once complete, and removed
 * on any failure or cancellation so that the destination is left as it
 * was.  It also carries the writer's cancel flag and progress callback.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_OUTPUT_FILE_H
#define VMCORE_OUTPUT_FILE_H

#include <glib.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/progress.h"

typedef struct VmcoreOutputFile VmcoreOutputFile;

/**
 * vmcore_output_file_new - create the temporary file for @path
 * @path: the file to create or replace once complete
 * @cancel: (nullable) stop when it turns non-0
 * @progress: (nullable) called by vmcore_output_file_advance()
 * @progress_data: for @progress
 * @error: QF_ERROR_IO when the temporary file cannot be created (an
 *     unwritable or missing directory): the message names @path
 *
 * The temporary file is ".<name>.XXXXXX" in @path's directory, mode 0600.
 *
 * Returns: the file (vmcore_output_file_free()), NULL on error
 */
VmcoreOutputFile *vmcore_output_file_new(const char *path,
                                         const volatile sig_atomic_t *cancel,
                                         QfProgressFunc progress,
                                         gpointer progress_data,
                                         GError **error);

/**
 * vmcore_output_file_fd - the temporary file's descriptor
 * @f: the file
 *
 * Returns: the descriptor, owned by @f (-1 once committed)
 */
int vmcore_output_file_fd(const VmcoreOutputFile *f);

/**
 * vmcore_output_file_tmp_path - the temporary file's name, for messages
 * @f: the file
 *
 * Returns: the name, owned by @f
 */
const char *vmcore_output_file_tmp_path(const VmcoreOutputFile *f);

/**
 * vmcore_output_file_io_error - set a QF_ERROR_IO error from errno
 * @error: where to set it
 * @what: what failed ("writing", "reading", ...)
 * @path: the file it failed on
 *
 * Sets "@what @path: <strerror(errno)>".
 *
 * Returns: FALSE, to be returned by the caller
 */
gboolean vmcore_output_file_io_error(GError **error, const char *what,
                                     const char *path);

/**
 * vmcore_output_file_write - write all of @data at @off
 * @f: the file
 * @data: the bytes
 * @len: how many
 * @off: where in the file
 * @error: QF_ERROR_IO naming the temporary file
 *
 * Returns: TRUE when all @len bytes were written
 */
gboolean vmcore_output_file_write(VmcoreOutputFile *f, const void *data,
                                  size_t len, uint64_t off, GError **error);

/**
 * vmcore_output_file_set_size - truncate or extend the file to @size
 * @f: the file
 * @size: its final size (what lies beyond the data written is a hole)
 * @error: QF_ERROR_IO naming the temporary file
 *
 * Returns: TRUE on success
 */
gboolean vmcore_output_file_set_size(VmcoreOutputFile *f, uint64_t size,
                                     GError **error);

/**
 * vmcore_output_file_set_total - how much vmcore_output_file_advance()
 *     will count up to
 * @f: the file
 * @total: the units (bytes) the progress callback is told of as the total
 */
void vmcore_output_file_set_total(VmcoreOutputFile *f, uint64_t total);

/**
 * vmcore_output_file_check_cancel - stop if the cancel flag is set
 * @f: the file
 * @error: QF_ERROR_INVALID_ARG "interrupted" when it is
 *
 * Writers call it before each piece of work.
 *
 * Returns: TRUE to go on, FALSE when cancelled
 */
gboolean vmcore_output_file_check_cancel(VmcoreOutputFile *f,
                                         GError **error);

/**
 * vmcore_output_file_advance - count @n more units done, report progress
 * @f: the file
 * @n: units (bytes) just done
 */
void vmcore_output_file_advance(VmcoreOutputFile *f, uint64_t n);

/**
 * vmcore_output_file_commit - finish: sync if asked, close, rename
 * @f: the file
 * @sync: fdatasync() before the rename
 * @what: what the file is, for the rename error ("vmcore", ...)
 * @error: QF_ERROR_IO for a failing sync, close or rename
 *
 * On failure the temporary file is still removed by
 * vmcore_output_file_free().
 *
 * Returns: TRUE when the destination holds the file
 */
gboolean vmcore_output_file_commit(VmcoreOutputFile *f, gboolean sync,
                                   const char *what, GError **error);

/**
 * vmcore_output_file_free - close and, unless committed, remove the
 *     temporary file
 * @f: (nullable) the file
 */
void vmcore_output_file_free(VmcoreOutputFile *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmcoreOutputFile, vmcore_output_file_free)

#endif /* VMCORE_OUTPUT_FILE_H */
