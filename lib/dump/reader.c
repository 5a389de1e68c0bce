/*
 * Opening a dump and reading guest memory out of it (see dump-reader.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/format-internal.h"
#include "common/byteorder.h"
#include "common/error.h"

/* Formats in the order they are asked; raw only answers when told to */
static const DumpFormat *const formats[] = {
    &dump_format_raw,
    &dump_format_elf,
    &dump_format_kdump,
};

/* Reads this large give their pages of the mapping back afterwards */
#define DROP_AFTER_READ     (1u << 20)
/* The smallest header of a format that has one: an ELF64 file header */
#define DUMP_MIN_SIZE       64

struct Dump {
    DumpFile file;
    char *path;
    const DumpFormat *format;
    void *state;
    const DumpMemRange *ranges;
    size_t n_ranges;
};

static void dump_close_file(Dump *dump)
{
    if (dump->file.map) {
        munmap((void *)dump->file.map, dump->file.size);
        dump->file.map = NULL;
    }
    if (dump->file.fd >= 0) {
        close(dump->file.fd);
        dump->file.fd = -1;
    }
}

void dump_free(Dump *dump)
{
    if (!dump) {
        return;
    }
    if (dump->format && dump->state) {
        dump->format->cleanup(dump->state);
    }
    dump_close_file(dump);
    g_free(dump->path);
    g_free(dump);
}

/*
 * Ranges come sorted by address.  Ends are compared inclusively
 * (paddr + size - 1): a range may end exactly at the top of the 64-bit
 * space, where paddr + size wraps to 0.
 */
static gboolean check_ranges(const DumpMemRange *r, size_t n,
                             GError **error)
{
    for (size_t i = 0; i < n; i++) {
        if (r[i].size == 0 || r[i].paddr + r[i].size - 1 < r[i].paddr) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "memory range %zu (0x%" G_GINT64_MODIFIER "x, 0x%"
                        G_GINT64_MODIFIER "x bytes) is empty or wraps",
                        i, r[i].paddr, r[i].size);
            return FALSE;
        }
        if (i && r[i].paddr <= r[i - 1].paddr + r[i - 1].size - 1) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "memory ranges overlap: [0x%" G_GINT64_MODIFIER
                        "x, 0x%" G_GINT64_MODIFIER "x] and [0x%"
                        G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x]",
                        r[i - 1].paddr, r[i - 1].paddr + r[i - 1].size - 1,
                        r[i].paddr, r[i].paddr + r[i].size - 1);
            return FALSE;
        }
    }
    return TRUE;
}

Dump *dump_open(const char *path, const DumpOptions *opts,
                GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        int e = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", path,
                    g_strerror(e));
        return NULL;
    }
    return dump_open_fd(fd, path, opts, error);
}

Dump *dump_open_fd(int fd, const char *path, const DumpOptions *opts,
                   GError **error)
{
    static const DumpOptions no_opts = { 0 };
    g_autoptr(Dump) dump = g_new0(Dump, 1);
    struct stat st;

    opts = opts ? opts : &no_opts;
    dump->path = g_strdup(path);
    dump->file.path = dump->path;
    dump->file.fd = fd;
    if (fstat(dump->file.fd, &st) < 0) {
        int e = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", path,
                    g_strerror(e));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "%s: not a regular file", path);
        return NULL;
    }
    dump->file.size = st.st_size;
    if (dump->file.size) {
        void *map = mmap(NULL, dump->file.size, PROT_READ, MAP_SHARED,
                         dump->file.fd, 0);

        if (map == MAP_FAILED) {
            int e = errno;

            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "%s: cannot map %" G_GUINT64_FORMAT " bytes: %s",
                        path, dump->file.size, g_strerror(e));
            return NULL;
        }
        dump->file.map = map;
    }

    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        void *state = NULL;
        GError *err = NULL;

        switch (formats[i]->probe(&dump->file, opts, &state, &err)) {
        case DUMP_PROBE_NOT_MINE:
            continue;
        case DUMP_PROBE_ERROR:
            g_propagate_prefixed_error(error, err, "%s: %s dump: ", path,
                                       formats[i]->name);
            return NULL;
        case DUMP_PROBE_MINE:
            break;
        }
        dump->format = formats[i];
        dump->state = state;
        dump->ranges = formats[i]->ranges(state, &dump->n_ranges);
        if (!check_ranges(dump->ranges, dump->n_ranges, &err)) {
            g_propagate_prefixed_error(error, err, "%s: %s dump: ", path,
                                       formats[i]->name);
            return NULL;
        }
        return g_steal_pointer(&dump);
    }
    if (dump->file.size < DUMP_MIN_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %s (%" G_GUINT64_FORMAT " bytes): shorter than "
                    "any dump this tool reads", path,
                    dump->file.size ? "not a dump" : "the file is empty",
                    dump->file.size);
        return NULL;
    }
    g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                "%s: not a dump this tool reads (an ELF core or a "
                "kdump-compressed file from QMP dump-guest-memory, or a raw "
                "RAM image with its base address given)", path);
    return NULL;
}

const char *dump_format_name(const Dump *dump)
{
    return dump->format->name;
}

GBytes *dump_notes(const Dump *dump)
{
    return dump->format->notes ? dump->format->notes(dump->state) : NULL;
}

const char *dump_vmcoreinfo(const Dump *dump)
{
    return dump->format->vmcoreinfo ? dump->format->vmcoreinfo(dump->state)
                                    : NULL;
}

guint dump_n_warnings(const Dump *dump)
{
    const GPtrArray *w = dump->format->warnings
                         ? dump->format->warnings(dump->state) : NULL;

    return w ? w->len : 0;
}

const char *dump_warning(const Dump *dump, guint i)
{
    return dump->format->warnings(dump->state)->pdata[i];
}

const char *dump_path(const Dump *dump)
{
    return dump->path;
}

uint64_t dump_file_size(const Dump *dump)
{
    return dump->file.size;
}

const DumpMemRange *dump_ranges(const Dump *dump, size_t *n)
{
    *n = dump->n_ranges;
    return dump->ranges;
}

/* The range holding @paddr, or NULL */
static const DumpMemRange *find_range(const Dump *dump,
                                      uint64_t paddr)
{
    size_t lo = 0, hi = dump->n_ranges;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const DumpMemRange *r = &dump->ranges[mid];

        if (paddr < r->paddr) {
            hi = mid;
        } else if (paddr - r->paddr >= r->size) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

uint64_t dump_readable(const Dump *dump, uint64_t paddr,
                       uint64_t max)
{
    uint64_t done = 0;

    while (done < max) {
        const DumpMemRange *r = find_range(dump, paddr);
        uint64_t n;

        if (!r) {
            break;
        }
        n = MIN(max - done, r->size - (paddr - r->paddr));
        done += n;
        if (paddr + n < paddr) {
            break;      /* the range ends at 2^64 */
        }
        paddr += n;
    }
    return done;
}

gboolean dump_covers(const Dump *dump, uint64_t paddr,
                     uint64_t len)
{
    return dump_readable(dump, paddr, len) == len;
}

static void not_found(GError **error, uint64_t paddr, uint64_t len)
{
    g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                "guest memory at 0x%" G_GINT64_MODIFIER "x (0x%"
                G_GINT64_MODIFIER "x bytes wanted) is not in the dump",
                paddr, len);
}

/* The default read and locate: ranges that are plain spans of the file */
static void file_read(const DumpFile *file, const DumpMemRange *r,
                      uint64_t paddr, void *buf, size_t len)
{
    uint64_t off = paddr - r->paddr;
    size_t stored = 0;

    /* The format checked the span against the file size when it opened */
    if (off < r->file_size) {
        stored = MIN(len, r->file_size - off);
        g_assert(qf_span_ok(file->size, r->file_offset + off, stored));
        memcpy(buf, file->map + r->file_offset + off, stored);
        if (stored >= DROP_AFTER_READ) {
            /* Streaming reads must not pile the file up in our RSS */
            uintptr_t page = sysconf(_SC_PAGESIZE);
            uintptr_t s = (uintptr_t)(file->map + r->file_offset + off);
            uintptr_t e = s + stored;

            s = (s + page - 1) & ~(page - 1);
            e &= ~(page - 1);
            if (e > s) {
                madvise((void *)s, e - s, MADV_DONTNEED);
            }
        }
    }
    memset((uint8_t *)buf + stored, 0, len - stored);
}

static void file_locate(const DumpFile *file, const DumpMemRange *r,
                        uint64_t paddr, uint64_t len, DumpExtent *ret)
{
    uint64_t off = paddr - r->paddr;

    if (off < r->file_size) {
        ret->kind = DUMP_EXTENT_FILE;
        ret->fd = file->fd;
        ret->offset = r->file_offset + off;
        ret->len = MIN(len, r->file_size - off);
    } else {
        ret->kind = DUMP_EXTENT_ZERO;
        ret->fd = -1;
        ret->offset = 0;
        ret->len = len;
    }
}

gboolean dump_read(Dump *dump, uint64_t paddr, void *buf,
                   size_t len, GError **error)
{
    uint8_t *out = buf;

    if (len && paddr + len - 1 < paddr) {
        not_found(error, paddr, len);
        return FALSE;
    }
    while (len) {
        const DumpMemRange *r = find_range(dump, paddr);
        size_t n;

        if (!r) {
            not_found(error, paddr, len);
            return FALSE;
        }
        n = MIN(len, r->size - (paddr - r->paddr));
        if (!dump->format->read) {
            file_read(&dump->file, r, paddr, out, n);
        } else if (!dump->format->read(dump->state, r, paddr, out, n,
                                       error)) {
            return FALSE;
        }
        out += n;
        paddr += n;
        len -= n;
    }
    return TRUE;
}

gboolean dump_extent(Dump *dump, uint64_t paddr, uint64_t len,
                     DumpExtent *ret, GError **error)
{
    const DumpMemRange *r = find_range(dump, paddr);

    if (!r) {
        not_found(error, paddr, len);
        return FALSE;
    }
    len = MIN(len, r->size - (paddr - r->paddr));
    if (dump->format->locate) {
        dump->format->locate(dump->state, r, paddr, len, ret);
    } else {
        file_locate(&dump->file, r, paddr, len, ret);
    }
    return TRUE;
}

DumpMemRange *dump_ram_map(const Dump *dump, size_t *n)
{
    DumpMemRange *map = g_new0(DumpMemRange, MAX(dump->n_ranges, 1));
    size_t k = 0;

    for (size_t i = 0; i < dump->n_ranges; i++) {
        const DumpMemRange *r = &dump->ranges[i];

        if (k && map[k - 1].paddr + map[k - 1].size == r->paddr) {
            map[k - 1].size += r->size;
        } else {
            map[k].paddr = r->paddr;
            map[k].size = r->size;
            k++;
        }
    }
    *n = k;
    return map;
}

