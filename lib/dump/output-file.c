/*
 * A writer's output file (see output-file.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fadump-error.h"
#include "output-file.h"

struct FadumpOutputFile {
    char *path;
    char *tmp;
    int fd;
    gboolean committed;
    const volatile sig_atomic_t *cancel;
    FadumpProgressFunc progress;
    gpointer progress_data;
    uint64_t done;
    uint64_t total;
};

gboolean fadump_output_file_io_error(GError **error, const char *what,
                                     const char *path)
{
    int e = errno;

    g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s %s: %s", what,
                path, g_strerror(e));
    return FALSE;
}

FadumpOutputFile *fadump_output_file_new(const char *path,
                                         const volatile sig_atomic_t *cancel,
                                         FadumpProgressFunc progress,
                                         gpointer progress_data,
                                         GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    FadumpOutputFile *f = g_new0(FadumpOutputFile, 1);

    f->path = g_strdup(path);
    f->tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    f->cancel = cancel;
    f->progress = progress;
    f->progress_data = progress_data;
    f->fd = mkostemp(f->tmp, O_CLOEXEC);
    if (f->fd < 0) {
        fadump_output_file_io_error(error, "creating a temporary file for",
                                    path);
        f->committed = TRUE;    /* nothing to remove */
        fadump_output_file_free(f);
        return NULL;
    }
    return f;
}

int fadump_output_file_fd(const FadumpOutputFile *f)
{
    return f->fd;
}

const char *fadump_output_file_tmp_path(const FadumpOutputFile *f)
{
    return f->tmp;
}

gboolean fadump_output_file_write(FadumpOutputFile *f, const void *data,
                                  size_t len, uint64_t off, GError **error)
{
    const uint8_t *p = data;

    while (len) {
        ssize_t n = pwrite(f->fd, p, MIN(len, (size_t)1 << 30), off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return fadump_output_file_io_error(error, "writing", f->tmp);
        }
        p += n;
        len -= n;
        off += n;
    }
    return TRUE;
}

gboolean fadump_output_file_set_size(FadumpOutputFile *f, uint64_t size,
                                     GError **error)
{
    if (ftruncate(f->fd, size) < 0) {
        return fadump_output_file_io_error(error, "setting the size of",
                                           f->tmp);
    }
    return TRUE;
}

void fadump_output_file_set_total(FadumpOutputFile *f, uint64_t total)
{
    f->total = total;
}

gboolean fadump_output_file_check_cancel(FadumpOutputFile *f,
                                         GError **error)
{
    if (f->cancel && *f->cancel) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_INVALID_ARG,
                    "interrupted");
        return FALSE;
    }
    return TRUE;
}

void fadump_output_file_advance(FadumpOutputFile *f, uint64_t n)
{
    f->done += n;
    if (f->progress) {
        f->progress(f->done, f->total, f->progress_data);
    }
}

gboolean fadump_output_file_commit(FadumpOutputFile *f, gboolean sync,
                                   const char *what, GError **error)
{
    g_autofree char *finished = NULL;
    int fd = f->fd;

    if (sync && fdatasync(fd) < 0) {
        return fadump_output_file_io_error(error, "syncing", f->tmp);
    }
    f->fd = -1;
    if (close(fd) < 0) {
        return fadump_output_file_io_error(error, "closing", f->tmp);
    }
    if (rename(f->tmp, f->path) < 0) {
        int e = errno;

        finished = g_strdup_printf("renaming the finished %s to", what);
        errno = e;
        return fadump_output_file_io_error(error, finished, f->path);
    }
    f->committed = TRUE;
    return TRUE;
}

void fadump_output_file_free(FadumpOutputFile *f)
{
    if (!f) {
        return;
    }
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (!f->committed) {
        unlink(f->tmp);
    }
    g_free(f->tmp);
    g_free(f->path);
    g_free(f);
}
