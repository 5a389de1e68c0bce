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

#include "common/error.h"
#include "vmcore/output-file.h"

struct VmcoreOutputFile {
    char *path;
    char *tmp;
    int fd;
    gboolean committed;
    const volatile sig_atomic_t *cancel;
    QfProgressFunc progress;
    gpointer progress_data;
    uint64_t done;
    uint64_t total;
};

gboolean vmcore_output_file_io_error(GError **error, const char *what,
                                     const char *path)
{
    int e = errno;

    g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s %s: %s", what,
                path, g_strerror(e));
    return FALSE;
}

VmcoreOutputFile *vmcore_output_file_new(const char *path,
                                         const volatile sig_atomic_t *cancel,
                                         QfProgressFunc progress,
                                         gpointer progress_data,
                                         GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    VmcoreOutputFile *f = g_new0(VmcoreOutputFile, 1);

    f->path = g_strdup(path);
    f->tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    f->cancel = cancel;
    f->progress = progress;
    f->progress_data = progress_data;
    f->fd = mkostemp(f->tmp, O_CLOEXEC);
    if (f->fd < 0) {
        vmcore_output_file_io_error(error, "creating a temporary file for",
                                    path);
        f->committed = TRUE;    /* nothing to remove */
        vmcore_output_file_free(f);
        return NULL;
    }
    return f;
}

int vmcore_output_file_fd(const VmcoreOutputFile *f)
{
    return f->fd;
}

const char *vmcore_output_file_tmp_path(const VmcoreOutputFile *f)
{
    return f->tmp;
}

gboolean vmcore_output_file_write(VmcoreOutputFile *f, const void *data,
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
            return vmcore_output_file_io_error(error, "writing", f->tmp);
        }
        p += n;
        len -= n;
        off += n;
    }
    return TRUE;
}

gboolean vmcore_output_file_set_size(VmcoreOutputFile *f, uint64_t size,
                                     GError **error)
{
    if (ftruncate(f->fd, size) < 0) {
        return vmcore_output_file_io_error(error, "setting the size of",
                                           f->tmp);
    }
    return TRUE;
}

void vmcore_output_file_set_total(VmcoreOutputFile *f, uint64_t total)
{
    f->total = total;
}

gboolean vmcore_output_file_check_cancel(VmcoreOutputFile *f,
                                         GError **error)
{
    if (f->cancel && *f->cancel) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "interrupted");
        return FALSE;
    }
    return TRUE;
}

void vmcore_output_file_advance(VmcoreOutputFile *f, uint64_t n)
{
    f->done += n;
    if (f->progress) {
        f->progress(f->done, f->total, f->progress_data);
    }
}

gboolean vmcore_output_file_commit(VmcoreOutputFile *f, gboolean sync,
                                   const char *what, GError **error)
{
    g_autofree char *finished = NULL;
    int fd = f->fd;

    if (sync && fdatasync(fd) < 0) {
        return vmcore_output_file_io_error(error, "syncing", f->tmp);
    }
    f->fd = -1;
    if (close(fd) < 0) {
        return vmcore_output_file_io_error(error, "closing", f->tmp);
    }
    if (rename(f->tmp, f->path) < 0) {
        int e = errno;

        finished = g_strdup_printf("renaming the finished %s to", what);
        errno = e;
        return vmcore_output_file_io_error(error, finished, f->path);
    }
    f->committed = TRUE;
    return TRUE;
}

void vmcore_output_file_free(VmcoreOutputFile *f)
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
