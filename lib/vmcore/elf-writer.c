/*
 * Writing a vmcore (see vmcore-writer.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "vmcore/output-file.h"
#include "vmcore/elf-writer.h"

#define CHUNK   (64u << 20)     /* progress and cancel granularity */
#define BUFSZ   (4u << 20)      /* buffered copies */
#define ZERO_BLOCK 4096u        /* zeros read this large become holes */

typedef struct Writer {
    Dump *dump;
    VmcoreOutputFile *out;
    gboolean copy_range;
    uint8_t *buf;
    VmcoreWriteStats stats;
} Writer;

static gboolean write_nonzero(Writer *w, const uint8_t *p, size_t len,
                              uint64_t out_off, GError **error);

/*
 * Copy @len bytes of file @fd at @in_off to @out_off.  copy_file_range()
 * when both offsets sit alike in a filesystem block (ZERO_BLOCK), where a
 * filesystem that clones (btrfs, XFS) can share the blocks instead of
 * copying them; otherwise, as for QEMU's ELF dumps (PT_LOAD data at an
 * offset such as 0x1d70), nothing can be shared and copy_file_range()
 * would only write every zero of guest RAM (mostly zeros): read it and
 * write the non-zero blocks, leaving holes.
 */
static gboolean copy_range(Writer *w, int fd, uint64_t in_off, uint64_t len,
                           uint64_t out_off, GError **error)
{
    gboolean shareable = in_off % ZERO_BLOCK == out_off % ZERO_BLOCK;

    while (len && w->copy_range && shareable) {
        loff_t i = in_off, o = out_off;
        ssize_t n = copy_file_range(fd, &i, vmcore_output_file_fd(w->out),
                                    &o, MIN(len, CHUNK), 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                      errno == EOPNOTSUPP || errno == EBADF)) {
            /* Not between these files: copy through the buffer instead */
            w->copy_range = FALSE;
            break;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;    /* the input shrank under us */
            }
            return vmcore_output_file_io_error(
                error, "copying into", vmcore_output_file_tmp_path(w->out));
        }
        w->stats.copy_range_bytes += n;
        in_off += n;
        out_off += n;
        len -= n;
    }
    while (len) {
        size_t want = MIN(len, BUFSZ);
        ssize_t n = pread(fd, w->buf, want, in_off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return vmcore_output_file_io_error(error, "reading",
                                               dump_path(w->dump));
        }
        if (!write_nonzero(w, w->buf, n, out_off, error)) {
            return FALSE;
        }
        in_off += n;
        out_off += n;
        len -= n;
    }
    return TRUE;
}

/*
 * Write what was read, leaving holes for zero-filled blocks: the whole
 * ZERO_BLOCK blocks of the output (a hole elsewhere would free nothing)
 */
static gboolean write_nonzero(Writer *w, const uint8_t *p, size_t len,
                              uint64_t out_off, GError **error)
{
    size_t pos = 0;

    while (pos < len) {
        size_t start = pos, n;

        /* zero blocks */
        while (pos < len && (out_off + pos) % ZERO_BLOCK == 0 &&
               len - pos >= ZERO_BLOCK && qf_is_zero(p + pos, ZERO_BLOCK)) {
            pos += ZERO_BLOCK;
        }
        w->stats.hole_bytes += pos - start;
        /* then data, up to the next whole zero block */
        start = pos;
        while (pos < len) {
            size_t to_grid = ZERO_BLOCK - (out_off + pos) % ZERO_BLOCK;

            if (to_grid == ZERO_BLOCK && len - pos >= ZERO_BLOCK &&
                qf_is_zero(p + pos, ZERO_BLOCK)) {
                break;
            }
            pos += MIN(to_grid, len - pos);
        }
        n = pos - start;
        if (n && !vmcore_output_file_write(w->out, p + start, n,
                                           out_off + start, error)) {
            return FALSE;
        }
        w->stats.buffered_bytes += n;
    }
    return TRUE;
}

/* Through dump_read(), for formats that cannot locate bytes */
static gboolean copy_read(Writer *w, uint64_t src, uint64_t len,
                          uint64_t out_off, GError **error)
{
    while (len) {
        size_t n = MIN(len, BUFSZ);

        if (!dump_read(w->dump, src, w->buf, n, error) ||
            !write_nonzero(w, w->buf, n, out_off, error)) {
            return FALSE;
        }
        src += n;
        out_off += n;
        len -= n;
    }
    return TRUE;
}

static gboolean copy_segment(Writer *w, const VmcoreSegment *s,
                             GError **error)
{
    uint64_t pos = 0;

    while (pos < s->size) {
        uint64_t want = MIN(s->size - pos, CHUNK);
        DumpExtent ext;

        if (!vmcore_output_file_check_cancel(w->out, error) ||
            !dump_extent(w->dump, s->src + pos, want, &ext, error)) {
            return FALSE;
        }
        switch (ext.kind) {
        case DUMP_EXTENT_FILE:
            if (!copy_range(w, ext.fd, ext.offset, ext.len,
                            s->file_offset + pos, error)) {
                return FALSE;
            }
            break;
        case DUMP_EXTENT_ZERO:
            w->stats.hole_bytes += ext.len;     /* zeros: a hole */
            break;
        case DUMP_EXTENT_READ:
            if (!copy_read(w, s->src + pos, ext.len, s->file_offset + pos,
                           error)) {
                return FALSE;
            }
            break;
        }
        pos += ext.len;
        vmcore_output_file_advance(w->out, ext.len);
    }
    return TRUE;
}

gboolean vmcore_write(const VmcoreLayout *layout,
                      Dump *dump, const char *path,
                      const VmcoreWriteOptions *opts,
                      VmcoreWriteStats *stats, GError **error)
{
    static const VmcoreWriteOptions defaults = { 0 };
    g_autoptr(VmcoreOutputFile) out = NULL;
    g_autofree uint8_t *buf = g_malloc(BUFSZ);
    Writer w = { 0 };
    gsize hlen, nlen;
    const uint8_t *h = g_bytes_get_data(layout->header, &hlen);
    const uint8_t *n = g_bytes_get_data(layout->notes, &nlen);
    uint64_t total = 0;

    opts = opts ? opts : &defaults;
    w.dump = dump;
    w.buf = buf;
    w.copy_range = !opts->no_copy_range;
    w.stats.file_size = layout->file_size;
    for (guint i = 0; i < layout->segments->len; i++) {
        total += g_array_index(layout->segments, VmcoreSegment,
                               i).size;
    }
    out = vmcore_output_file_new(path, opts->cancel, opts->progress,
                                 opts->progress_data, error);
    if (!out) {
        return FALSE;
    }
    vmcore_output_file_set_total(out, total);
    w.out = out;
    if (!vmcore_output_file_write(out, h, hlen, 0, error) ||
        !vmcore_output_file_write(out, n, nlen, hlen, error)) {
        return FALSE;
    }
    for (guint i = 0; i < layout->segments->len; i++) {
        if (!copy_segment(&w, &g_array_index(layout->segments,
                                             VmcoreSegment, i),
                          error)) {
            return FALSE;
        }
    }
    if (!vmcore_output_file_set_size(out, layout->file_size, error) ||
        !vmcore_output_file_commit(out, opts->sync, "vmcore", error)) {
        return FALSE;
    }
    if (stats) {
        *stats = w.stats;
    }
    return TRUE;
}
