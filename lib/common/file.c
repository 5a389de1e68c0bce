/*
 * Reading files of untrusted size (see fdt-file.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/file.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gboolean qf_read_file_bounded(const char *path, size_t max,
                              char **data, size_t *len, GError **error)
{
    struct stat st;
    size_t cap, used = 0;
    g_autofree char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        int e = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", path,
                    g_strerror(e));
        close(fd);
        return FALSE;
    }
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: is a directory", path);
        close(fd);
        return FALSE;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: %" G_GUINT64_FORMAT " bytes, more than the %zu"
                    " accepted", path, (uint64_t)st.st_size, max);
        close(fd);
        return FALSE;
    }
    /* Grow as data comes: sizes of /proc and sysfs files are made up */
    cap = MIN(max, (size_t)64 * 1024) + 1;
    buf = g_malloc(cap + 1);
    for (;;) {
        ssize_t n;

        if (used == cap) {
            if (cap > max) {
                g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                            "%s: more than the %zu bytes accepted", path,
                            max);
                close(fd);
                return FALSE;
            }
            cap = MIN(cap * 2, max + 1);
            buf = g_realloc(buf, cap + 1);
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;

            g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", path,
                        g_strerror(e));
            close(fd);
            return FALSE;
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    close(fd);
    if (used > max) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: more than the %zu bytes accepted", path, max);
        return FALSE;
    }
    buf[used] = '\0';
    *data = g_steal_pointer(&buf);
    *len = used;
    return TRUE;
}
