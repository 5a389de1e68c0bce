/*
 * Reading a whole file whose size is not trusted: never more than a
 * stated bound is allocated, whatever the file claims or turns out to be
 * (regular file, pipe, /proc or sysfs entry).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_FILE_H
#define QF_FILE_H

#include <glib.h>
#include <stddef.h>

/**
 * qf_read_file_bounded - read a file of at most @max bytes
 * @path: the file
 * @max: the largest size accepted
 * @data: the contents (g_free()), NUL-terminated past @len
 * @len: their size
 * @error: QF_ERROR_IO when the file cannot be opened or read,
 *     QF_ERROR_UNSUPPORTED when it holds more than @max bytes
 *
 * Returns: TRUE on success; on failure @data and @len are untouched.
 */
gboolean qf_read_file_bounded(const char *path, size_t max,
                              char **data, size_t *len, GError **error);

#endif /* QF_FILE_H */
