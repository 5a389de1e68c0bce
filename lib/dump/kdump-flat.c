/*
 * Rebuilding a flattened kdump stream (see kdump-flat.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "dump/kdump-flat.h"
#include "dump/kdump-format.h"

#define FLAT_SLACK      (16u << 20)

gboolean dump_kdump_flat_detect(const uint8_t *map, uint64_t size)
{
    return size >= sizeof(KDUMP_FLAT_SIGNATURE) &&
           memcmp(map, KDUMP_FLAT_SIGNATURE,
                  sizeof(KDUMP_FLAT_SIGNATURE)) == 0;
}

static int open_tmpfile(const char *near, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(near);
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

    if (fd < 0) {
        fd = open(g_get_tmp_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    }
    if (fd < 0) {
        int e = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "cannot create a temporary file to rebuild the "
                    "flattened dump in (in %s or %s): %s", dir,
                    g_get_tmp_dir(), g_strerror(e));
    }
    return fd;
}

static gboolean write_at(int fd, const uint8_t *p, uint64_t len,
                         uint64_t off, GError **error)
{
    while (len) {
        ssize_t n = pwrite(fd, p, MIN(len, (uint64_t)1 << 30), off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;

            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "rebuilding the flattened dump in a temporary "
                        "file: %s", g_strerror(e));
            return FALSE;
        }
        p += n;
        len -= n;
        off += n;
    }
    return TRUE;
}

static gboolean check_header(const uint8_t *map, uint64_t size,
                             GError **error)
{
    int64_t type, version;

    if (size < KDUMP_FLAT_HDR_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%" G_GUINT64_FORMAT " bytes, shorter than the %u-byte "
                    "flattened header", size, KDUMP_FLAT_HDR_SIZE);
        return FALSE;
    }
    type = (int64_t)qf_be64(map + 16);
    version = (int64_t)qf_be64(map + 24);
    if (type != KDUMP_FLAT_TYPE || version != KDUMP_FLAT_VERSION) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "flattened header type %" G_GINT64_FORMAT " version %"
                    G_GINT64_FORMAT ", only type 1 version 1 is known",
                    type, version);
        return FALSE;
    }
    return TRUE;
}

gboolean dump_kdump_flat_rebuild(const uint8_t *map, uint64_t size,
                                 const char *near, int *ret_fd,
                                 uint64_t *ret_size, GError **error)
{
    uint64_t pos = KDUMP_FLAT_HDR_SIZE;
    uint64_t end = 0;
    uint64_t limit = size > (G_MAXUINT64 - FLAT_SLACK) / 2
                     ? G_MAXUINT64 : size * 2 + FLAT_SLACK;
    int fd;

    if (!check_header(map, size, error)) {
        return FALSE;
    }
    fd = open_tmpfile(near, error);
    if (fd < 0) {
        return FALSE;
    }
    for (;;) {
        int64_t off, len;

        if (!qf_span_ok(size, pos, KDUMP_FLAT_RECORD_HDR)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "flattened stream ends at 0x%" G_GINT64_MODIFIER
                        "x without its end record: truncated dump", size);
            goto fail;
        }
        off = (int64_t)qf_be64(map + pos);
        len = (int64_t)qf_be64(map + pos + 8);
        if (off == -1 && len == -1) {
            break;
        }
        pos += KDUMP_FLAT_RECORD_HDR;
        if (len >= 0 && !qf_span_ok(size, pos, len)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "flattened record at 0x%" G_GINT64_MODIFIER "x "
                        "needs %" G_GINT64_FORMAT " bytes, the stream ends "
                        "at 0x%" G_GINT64_MODIFIER "x: truncated dump",
                        pos - KDUMP_FLAT_RECORD_HDR, len, size);
            goto fail;
        }
        if (off < 0 || len < 0 || (uint64_t)off > limit ||
            (uint64_t)len > limit - (uint64_t)off) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "flattened record at 0x%" G_GINT64_MODIFIER "x: "
                        "%" G_GINT64_FORMAT " bytes at offset %"
                        G_GINT64_FORMAT " is negative or beyond what the "
                        "stream can rebuild", pos - KDUMP_FLAT_RECORD_HDR,
                        len, off);
            goto fail;
        }
        if (!write_at(fd, map + pos, len, off, error)) {
            goto fail;
        }
        end = MAX(end, (uint64_t)off + len);
        pos += len;
    }
    *ret_fd = fd;
    *ret_size = end;
    return TRUE;

fail:
    close(fd);
    return FALSE;
}
