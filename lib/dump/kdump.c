/*
 * kdump-compressed dumps ("diskdump", makedumpfile's format): QMP
 * dump-guest-memory's kdump-raw-zlib/-lzo/-snappy, and kdump-zlib/-lzo/
 * -snappy, the same file in makedumpfile's flattened stream, rebuilt
 * first into an unlinked temporary file (kdump-flat.h).  The layout is in
 * kdump-format.h; the byte order is the file's own, told by
 * header_version (a small number in the right order).
 *
 * Memory use does not grow with the guest's RAM: the file is mapped; a
 * pfn finds its page descriptor through bitmap 2 and a rank index (one
 * 64-bit count per RANK_PFNS pfns); a few decompressed pages are cached.
 * The memory ranges are the runs of bitmap 2 (pages in the dump).  Their
 * file_offset is that of the run's first page descriptor and their
 * file_size 0: the pages are wherever their descriptors say.
 *
 * Pages that all point at the one zero page QEMU and makedumpfile write
 * first in the page data are reported as zero extents, pages stored
 * uncompressed as file extents (so that the vmcore writer leaves holes
 * and copies with copy_file_range()); compressed pages are read.
 *
 * An incomplete dump (status 0x8: its writer ran out of space) opens
 * with a warning; a page it lost is an error only when read.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dump/format-internal.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "dump/kdump-compress.h"
#include "dump/kdump-flat.h"
#include "dump/kdump-format.h"
#include "elfcore/vmcoreinfo.h"

#define RANK_SHIFT      12
#define RANK_PFNS       (1u << RANK_SHIFT)
#define CACHE_PAGES     4
/* More dumped-page runs than this is refused (32 bytes each) */
#define KDUMP_MAX_RANGES    (1u << 22)
#define KDUMP_NOTES_MAX     (64u << 20)
#define DROP_AFTER_READ     (1u << 20)
/* Trailing zero pages looked through at open for the last data */
#define LAST_PAGE_SCAN      (1u << 20)

typedef enum PageKind {
    PAGE_ZERO,
    PAGE_RAW,
    PAGE_COMPRESSED,
} PageKind;

typedef struct PageDesc {
    uint64_t offset;
    uint32_t size;
    uint32_t flags;
    PageKind kind;
} PageDesc;

typedef struct CachedPage {
    uint64_t offset;        /* of the stored data; 0: empty slot */
    uint8_t *data;
} CachedPage;

typedef struct KdumpState {
    const DumpFile *file;
    int own_fd;             /* the rebuilt flattened stream, or -1 */
    const uint8_t *own_map;
    int fd;                 /* the kdump file proper */
    const uint8_t *map;
    uint64_t size;
    gboolean big_endian;
    uint32_t version;
    uint32_t status;
    uint32_t block_size;
    uint64_t max_mapnr;
    const uint8_t *bitmap2;
    uint64_t *rank;         /* set bits of bitmap 2 before pfn i*RANK_PFNS */
    uint64_t n_dumped;
    uint64_t desc_off;
    uint64_t n_desc_in_file;
    gboolean have_zero;
    uint64_t zero_off;
    GArray *ranges;
    GBytes *notes;
    char *vmcoreinfo;
    GPtrArray *warnings;
    CachedPage cache[CACHE_PAGES];
    unsigned int cache_next;
} KdumpState;

static void kdump_state_free(KdumpState *s)
{
    if (s->own_map) {
        munmap((void *)s->own_map, s->size);
    }
    if (s->own_fd >= 0) {
        close(s->own_fd);
    }
    g_free(s->rank);
    if (s->ranges) {
        g_array_unref(s->ranges);
    }
    if (s->notes) {
        g_bytes_unref(s->notes);
    }
    g_free(s->vmcoreinfo);
    if (s->warnings) {
        g_ptr_array_unref(s->warnings);
    }
    for (int i = 0; i < CACHE_PAGES; i++) {
        g_free(s->cache[i].data);
    }
    g_free(s);
}

static uint32_t get32(const KdumpState *s, uint64_t off)
{
    return qf_get32(s->map + off, s->big_endian);
}

static uint64_t get64(const KdumpState *s, uint64_t off)
{
    return qf_get64(s->map + off, s->big_endian);
}

static gboolean bit_set(const uint8_t *bitmap, uint64_t pfn)
{
    return (bitmap[pfn >> 3] >> (pfn & 7)) & 1;
}

/* Set bits of @bitmap in [from, to), both multiples of 8 or to's end */
static uint64_t count_bits(const uint8_t *bitmap, uint64_t from, uint64_t to)
{
    uint64_t n = 0;

    while (from < to && (from & 63)) {
        n += bit_set(bitmap, from++);
    }
    for (; from + 64 <= to; from += 64) {
        n += __builtin_popcountll(qf_le64(bitmap + from / 8));
    }
    while (from < to) {
        n += bit_set(bitmap, from++);
    }
    return n;
}

static gboolean kdump_header(KdumpState *s, GError **error)
{
    uint32_t le_version, sub_hdr_size, bitmap_blocks;
    uint64_t sub_off, bitmap_off, bitmap_len, bitmap_bits;

    if (s->size < KDUMP_HDR_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%" G_GUINT64_FORMAT " bytes, shorter than the %u-byte "
                    "kdump header", s->size, KDUMP_HDR_SIZE);
        return FALSE;
    }
    le_version = qf_le32(s->map + KDUMP_HDR_VERSION);
    s->big_endian = le_version > 0xffff;
    s->version = get32(s, KDUMP_HDR_VERSION);
    s->status = get32(s, KDUMP_HDR_STATUS);
    s->block_size = get32(s, KDUMP_HDR_BLOCK_SIZE);
    sub_hdr_size = get32(s, KDUMP_HDR_SUB_HDR_SIZE);
    bitmap_blocks = get32(s, KDUMP_HDR_BITMAP_BLOCKS);
    if (s->version == 0 || s->version > 0xffff) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump header_version 0x%x in either byte order",
                    le_version);
        return FALSE;
    }
    if (s->block_size < 4096 || s->block_size > (1u << 20) ||
        (s->block_size & (s->block_size - 1))) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump block size %u is not a power of two from 4 KiB "
                    "to 1 MiB", s->block_size);
        return FALSE;
    }
    if (sub_hdr_size == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump sub-header size is 0 blocks");
        return FALSE;
    }
    if (bitmap_blocks == 0 || (bitmap_blocks & 1)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump bitmap_blocks %u is not an even number of "
                    "blocks for two bitmaps", bitmap_blocks);
        return FALSE;
    }
    sub_off = s->block_size;
    bitmap_off = (uint64_t)s->block_size * (1 + (uint64_t)sub_hdr_size);
    bitmap_len = (uint64_t)s->block_size * (bitmap_blocks / 2);
    if (!qf_span_ok(s->size, sub_off, KDUMP_SUB_SIZE) ||
        !qf_span_ok(s->size, bitmap_off, 2 * bitmap_len)) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "the kdump sub-header (%u blocks) and bitmaps (%u "
                    "blocks of %u bytes) end beyond the end of the file "
                    "(0x%" G_GINT64_MODIFIER "x bytes): truncated dump",
                    sub_hdr_size, bitmap_blocks, s->block_size, s->size);
        return FALSE;
    }
    s->max_mapnr = s->version >= 6 ? get64(s, sub_off +
                                           KDUMP_SUB_MAX_MAPNR_64)
                                   : get32(s, KDUMP_HDR_MAX_MAPNR);
    bitmap_bits = bitmap_len * 8;
    if (s->max_mapnr == 0 || s->max_mapnr > bitmap_bits) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump max_mapnr %" G_GUINT64_FORMAT " is 0 or more "
                    "than the %" G_GUINT64_FORMAT " pfns its bitmaps hold",
                    s->max_mapnr, bitmap_bits);
        return FALSE;
    }
    if (s->max_mapnr - 1 > G_MAXUINT64 / s->block_size) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump max_mapnr %" G_GUINT64_FORMAT " pages of %u "
                    "bytes is beyond the 64-bit address space",
                    s->max_mapnr, s->block_size);
        return FALSE;
    }
    s->bitmap2 = s->map + bitmap_off + bitmap_len;
    s->desc_off = bitmap_off + 2 * bitmap_len;
    return TRUE;
}

/*
 * Where the sub-header says a piece (@what) is: @len 0 for none; an error
 * when it lies beyond the end of the file or is larger than @max
 */
static gboolean sub_span(KdumpState *s, uint64_t off_field,
                         uint64_t len_field, uint64_t max, const char *what,
                         uint64_t *off, uint64_t *len, GError **error)
{
    uint64_t sub = s->block_size;

    *off = get64(s, sub + off_field);
    *len = get64(s, sub + len_field);
    if (*len && (*len > max || !qf_span_ok(s->size, *off, *len))) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "kdump %s: 0x%" G_GINT64_MODIFIER "x bytes at "
                    "0x%" G_GINT64_MODIFIER "x, beyond the end of the "
                    "file (0x%" G_GINT64_MODIFIER "x bytes) or larger "
                    "than %u MiB", what, *len, *off, s->size,
                    (unsigned)(max >> 20));
        return FALSE;
    }
    return TRUE;
}

/* The notes and VMCOREINFO the sub-header points at */
static gboolean kdump_notes(KdumpState *s, GError **error)
{
    uint64_t off, len;

    if (s->version >= 4) {
        if (!sub_span(s, KDUMP_SUB_OFF_NOTE, KDUMP_SUB_SIZE_NOTE,
                      KDUMP_NOTES_MAX, "notes", &off, &len, error)) {
            return FALSE;
        }
        if (len) {
            s->notes = g_bytes_new(s->map + off, len);
        }
    }
    if (s->version >= 3) {
        if (!sub_span(s, KDUMP_SUB_OFF_VMCOREINFO, KDUMP_SUB_SIZE_VMCOREINFO,
                      ELFCORE_VMCOREINFO_MAX_SIZE, "VMCOREINFO", &off, &len,
                      error)) {
            return FALSE;
        }
        if (len) {
            s->vmcoreinfo = g_strndup((const char *)s->map + off, len);
        }
    }
    if (!s->vmcoreinfo && s->notes) {
        gsize n;
        const uint8_t *p = g_bytes_get_data(s->notes, &n);

        /* QEMU sets no offset_vmcoreinfo without the guest's note */
        s->vmcoreinfo = elfcore_vmcoreinfo_from_notes(p, n, s->big_endian, 0,
                                                      NULL);
    }
    return TRUE;
}

/* The rank index and the runs of bitmap 2 */
static gboolean kdump_index(KdumpState *s, GError **error)
{
    uint64_t n_rank = (s->max_mapnr + RANK_PFNS - 1) / RANK_PFNS;
    uint64_t count = 0;
    uint64_t run_start = 0;
    gboolean in_run = FALSE;

    s->rank = g_try_new(uint64_t, n_rank);
    if (!s->rank) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "kdump max_mapnr %" G_GUINT64_FORMAT ": no memory for "
                    "its %" G_GUINT64_FORMAT "-entry page index",
                    s->max_mapnr, n_rank);
        return FALSE;
    }
    for (uint64_t i = 0; i < n_rank; i++) {
        uint64_t from = i * RANK_PFNS;
        uint64_t to = MIN(from + RANK_PFNS, s->max_mapnr);

        s->rank[i] = count;
        count += count_bits(s->bitmap2, from, to);
    }
    s->n_dumped = count;
    for (uint64_t pfn = 0; pfn <= s->max_mapnr; pfn++) {
        gboolean set;

        /* skip whole bytes that do not change the run state */
        if (pfn < s->max_mapnr && !(pfn & 7) && pfn + 8 <= s->max_mapnr &&
            s->bitmap2[pfn >> 3] == (in_run ? 0xff : 0)) {
            pfn += 7;
            continue;
        }
        set = pfn < s->max_mapnr && bit_set(s->bitmap2, pfn);
        if (set && !in_run) {
            run_start = pfn;
            in_run = TRUE;
        } else if (!set && in_run) {
            DumpMemRange r = {
                .paddr = run_start * s->block_size,
                .size = (pfn - run_start) * s->block_size,
            };

            if (s->ranges->len >= KDUMP_MAX_RANGES) {
                g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                            "more than %u runs of dumped pages in the "
                            "kdump bitmap", KDUMP_MAX_RANGES);
                return FALSE;
            }
            r.file_offset = s->desc_off + s->rank[run_start >> RANK_SHIFT]
                            * KDUMP_PD_LEN +
                            count_bits(s->bitmap2, run_start &
                                       ~(uint64_t)(RANK_PFNS - 1),
                                       run_start) * KDUMP_PD_LEN;
            g_array_append_val(s->ranges, r);
            in_run = FALSE;
        }
    }
    if (count == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "the kdump bitmap holds no page: nothing of the "
                    "guest's RAM is in this dump");
        return FALSE;
    }
    return TRUE;
}

static void warn(KdumpState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void warn(KdumpState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(s->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/*
 * Fail with an error about descriptor @idx, named by its pfn when the
 * caller knows it (G_MAXUINT64 when not).  Formatted only on failure:
 * get_desc() runs for every page.
 */
static gboolean desc_error(GError **error, uint64_t idx, uint64_t pfn,
                           int code, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

static gboolean desc_error(GError **error, uint64_t idx, uint64_t pfn,
                           int code, const char *fmt, ...)
{
    g_autofree char *why = NULL;
    va_list ap;

    if (!error) {
        return FALSE;       /* asked only whether it decodes */
    }
    va_start(ap, fmt);
    why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (pfn == G_MAXUINT64) {
        g_set_error(error, QF_ERROR, code, "page descriptor %"
                    G_GUINT64_FORMAT "%s", idx, why);
    } else {
        g_set_error(error, QF_ERROR, code, "page 0x%" G_GINT64_MODIFIER
                    "x (pfn)%s", pfn, why);
    }
    return FALSE;
}

/* Decode page descriptor @idx; FALSE with @error when it is unusable */
static gboolean get_desc(KdumpState *s, uint64_t idx, uint64_t pfn,
                         PageDesc *pd, GError **error)
{
    uint64_t at = s->desc_off + idx * KDUMP_PD_LEN;
    uint32_t comp;

    if (idx >= s->n_desc_in_file) {
        return desc_error(error, idx, pfn, QF_ERROR_TRUNCATED,
                          ": the descriptor is beyond the end of the file: "
                          "truncated dump");
    }
    pd->offset = get64(s, at + KDUMP_PD_OFFSET);
    pd->size = get32(s, at + KDUMP_PD_SIZE);
    pd->flags = get32(s, at + KDUMP_PD_FLAGS);
    if (pd->offset == 0 && (s->status & KDUMP_INCOMPLETE)) {
        return desc_error(error, idx, pfn, QF_ERROR_TRUNCATED,
                          " was not written: the kdump file is incomplete "
                          "(status 0x%x)", s->status);
    }
    comp = pd->flags & KDUMP_COMPRESSION_MASK;
    if (comp & (comp - 1) || pd->size == 0 || pd->size > s->block_size ||
        (!comp && pd->size != s->block_size)) {
        return desc_error(error, idx, pfn, QF_ERROR_CORRUPT,
                          ": descriptor with %u bytes, flags 0x%x (pages "
                          "are %u bytes)", pd->size, pd->flags,
                          s->block_size);
    }
    if (pd->offset < s->desc_off ||
        !qf_span_ok(s->size, pd->offset, pd->size)) {
        return desc_error(error, idx, pfn,
                          pd->offset < s->desc_off ? QF_ERROR_CORRUPT
                                                   : QF_ERROR_TRUNCATED,
                          ": %u bytes at 0x%" G_GINT64_MODIFIER "x, "
                          "outside the page data (the file has 0x%"
                          G_GINT64_MODIFIER "x bytes)", pd->size,
                          pd->offset, s->size);
    }
    pd->kind = comp ? PAGE_COMPRESSED
               : s->have_zero && pd->offset == s->zero_off ? PAGE_ZERO
               : PAGE_RAW;
    return TRUE;
}

/* The descriptor of dumped page @pfn */
static gboolean pfn_desc(KdumpState *s, uint64_t pfn, PageDesc *pd,
                         GError **error)
{
    uint64_t idx = s->rank[pfn >> RANK_SHIFT] +
                   count_bits(s->bitmap2, pfn & ~(uint64_t)(RANK_PFNS - 1),
                              pfn);

    return get_desc(s, idx, pfn, pd, error);
}

/* Page data checks that cost one look at the file, done at open */
static gboolean kdump_check_data(KdumpState *s, GError **error)
{
    uint64_t data_off;
    uint64_t room = s->size - s->desc_off;
    PageDesc pd;
    gboolean incomplete = s->status & KDUMP_INCOMPLETE;

    s->n_desc_in_file = MIN(s->n_dumped, room / KDUMP_PD_LEN);
    if (s->n_desc_in_file < s->n_dumped && !incomplete) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%" G_GUINT64_FORMAT " page descriptors at 0x%"
                    G_GINT64_MODIFIER "x end beyond the end of the file "
                    "(0x%" G_GINT64_MODIFIER "x bytes): truncated dump",
                    s->n_dumped, s->desc_off, s->size);
        return FALSE;
    }
    /* QEMU and makedumpfile write the shared zero page first */
    data_off = s->desc_off + s->n_dumped * KDUMP_PD_LEN;
    if (qf_span_ok(s->size, data_off, s->block_size)) {
        const uint8_t *p = s->map + data_off;

        s->have_zero = p[0] == 0 &&
                       memcmp(p, p + 1, s->block_size - 1) == 0;
        s->zero_off = data_off;
    }
    if (incomplete) {
        warn(s, "the kdump file is marked incomplete (status 0x%x): its "
             "writer ran out of space, pages it did not write cannot be "
             "read", s->status);
        return TRUE;
    }
    /*
     * Pages are written in pfn order after the zero page: the last one
     * not sharing it ends the file.  Is it all there?
     */
    for (uint64_t i = s->n_dumped, k = 0; i-- > 0 && k < LAST_PAGE_SCAN;
         k++) {
        if (!get_desc(s, i, G_MAXUINT64, &pd, error)) {
            return FALSE;
        }
        if (pd.kind != PAGE_ZERO) {
            break;
        }
    }
    return TRUE;
}

static DumpProbe kdump_probe(const DumpFile *file,
                             const DumpOptions *opts, void **state,
                             GError **error)
{
    gboolean flat = file->map && dump_kdump_flat_detect(file->map,
                                                        file->size);
    KdumpState *s;

    if (opts->raw) {
        return DUMP_PROBE_NOT_MINE;
    }
    if (!flat && (file->size < KDUMP_SIG_LEN ||
                  memcmp(file->map, KDUMP_SIGNATURE, KDUMP_SIG_LEN) != 0)) {
        return DUMP_PROBE_NOT_MINE;
    }
    s = g_new0(KdumpState, 1);
    s->file = file;
    s->own_fd = -1;
    s->fd = file->fd;
    s->map = file->map;
    s->size = file->size;
    s->ranges = g_array_new(FALSE, FALSE, sizeof(DumpMemRange));
    s->warnings = g_ptr_array_new_with_free_func(g_free);
    if (flat) {
        void *map;

        if (!dump_kdump_flat_rebuild(file->map, file->size, file->path,
                                       &s->own_fd, &s->size, error)) {
            goto fail;
        }
        if (s->size < KDUMP_SIG_LEN) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "the flattened stream rebuilds into %"
                        G_GUINT64_FORMAT " bytes, no kdump header", s->size);
            goto fail;
        }
        map = mmap(NULL, s->size, PROT_READ, MAP_SHARED, s->own_fd, 0);
        if (map == MAP_FAILED) {
            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "cannot map the rebuilt flattened dump: %s",
                        g_strerror(errno));
            goto fail;
        }
        s->own_map = s->map = map;
        s->fd = s->own_fd;
        if (memcmp(s->map, KDUMP_SIGNATURE, KDUMP_SIG_LEN) != 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "the flattened stream does not hold a kdump file "
                        "(makedumpfile -F of an ELF dump?)");
            goto fail;
        }
    }
    if (!kdump_header(s, error) || !kdump_notes(s, error) ||
        !kdump_index(s, error) || !kdump_check_data(s, error)) {
        goto fail;
    }
    *state = s;
    return DUMP_PROBE_MINE;

fail:
    kdump_state_free(s);
    return DUMP_PROBE_ERROR;
}

static const DumpMemRange *kdump_ranges(void *state, size_t *n)
{
    KdumpState *s = state;

    *n = s->ranges->len;
    return (const DumpMemRange *)(void *)s->ranges->data;
}

/* The decompressed page of @pd: from the cache, or into it */
static const uint8_t *cached_page(KdumpState *s, const PageDesc *pd,
                                  GError **error)
{
    CachedPage *c;

    for (int i = 0; i < CACHE_PAGES; i++) {
        if (s->cache[i].offset == pd->offset && s->cache[i].data) {
            return s->cache[i].data;
        }
    }
    c = &s->cache[s->cache_next];
    s->cache_next = (s->cache_next + 1) % CACHE_PAGES;
    if (!c->data) {
        c->data = g_malloc(s->block_size);
    }
    c->offset = 0;
    if (!dump_kdump_decompress(pd->flags & KDUMP_COMPRESSION_MASK,
                               s->map + pd->offset, pd->size, c->data,
                               s->block_size, error)) {
        return NULL;
    }
    c->offset = pd->offset;
    return c->data;
}

static void drop_pages(const uint8_t *from, const uint8_t *to)
{
    uintptr_t page = sysconf(_SC_PAGESIZE);
    uintptr_t s = ((uintptr_t)from + page - 1) & ~(page - 1);
    uintptr_t e = (uintptr_t)to & ~(page - 1);

    if (e > s) {
        madvise((void *)s, e - s, MADV_DONTNEED);
    }
}

static gboolean kdump_read(void *state, const DumpMemRange *r,
                           uint64_t paddr, void *buf, size_t len,
                           GError **error)
{
    KdumpState *s = state;
    uint8_t *out = buf;
    const uint8_t *lo = NULL, *hi = NULL;

    while (len) {
        uint64_t pfn = paddr / s->block_size;
        uint64_t in_page = paddr % s->block_size;
        size_t n = MIN(len, s->block_size - in_page);
        const uint8_t *src;
        PageDesc pd;
        GError *err = NULL;

        if (!pfn_desc(s, pfn, &pd, &err)) {
            g_propagate_prefixed_error(error, err, "guest 0x%"
                                       G_GINT64_MODIFIER "x: ", paddr);
            return FALSE;
        }
        switch (pd.kind) {
        case PAGE_ZERO:
            memset(out, 0, n);
            break;
        case PAGE_RAW:
            src = s->map + pd.offset;
            memcpy(out, src + in_page, n);
            lo = lo && lo < src ? lo : src;
            hi = hi && hi > src + pd.size ? hi : src + pd.size;
            break;
        case PAGE_COMPRESSED:
            if (n == s->block_size) {
                if (!dump_kdump_decompress(pd.flags &
                                             KDUMP_COMPRESSION_MASK,
                                           s->map + pd.offset, pd.size,
                                           out, n, &err)) {
                    src = NULL;
                } else {
                    src = out;
                }
            } else {
                src = cached_page(s, &pd, &err);
                if (src) {
                    memcpy(out, src + in_page, n);
                }
            }
            if (!src) {
                g_propagate_prefixed_error(error, err, "guest 0x%"
                                           G_GINT64_MODIFIER "x: ", paddr);
                return FALSE;
            }
            lo = lo && lo < s->map + pd.offset ? lo : s->map + pd.offset;
            hi = hi && hi > s->map + pd.offset + pd.size
                 ? hi : s->map + pd.offset + pd.size;
            break;
        }
        out += n;
        paddr += n;
        len -= n;
    }
    if (lo && hi - lo >= DROP_AFTER_READ) {
        /* Streaming reads must not pile the file up in our RSS */
        drop_pages(lo, hi);
    }
    return TRUE;
}

static void kdump_locate(void *state, const DumpMemRange *r,
                         uint64_t paddr, uint64_t len, DumpExtent *ret)
{
    KdumpState *s = state;
    uint64_t pfn = paddr / s->block_size;
    uint64_t in_page = paddr % s->block_size;
    uint64_t got;
    PageDesc first, pd;

    got = MIN(len, s->block_size - in_page);
    ret->kind = DUMP_EXTENT_READ;
    ret->fd = -1;
    ret->offset = 0;
    ret->len = got;
    if (!pfn_desc(s, pfn, &first, NULL)) {
        return;             /* read it, and get the error there */
    }
    for (uint64_t k = 1; got < len; k++) {
        if (!pfn_desc(s, pfn + k, &pd, NULL) || pd.kind != first.kind ||
            (pd.kind == PAGE_RAW &&
             pd.offset != first.offset + k * s->block_size)) {
            break;
        }
        got += MIN(len - got, s->block_size);
    }
    ret->len = got;
    switch (first.kind) {
    case PAGE_COMPRESSED:
        break;
    case PAGE_ZERO:
        ret->kind = DUMP_EXTENT_ZERO;
        break;
    case PAGE_RAW:
        ret->kind = DUMP_EXTENT_FILE;
        ret->fd = s->fd;
        ret->offset = first.offset + in_page;
        break;
    }
}

static GBytes *kdump_notes_op(void *state)
{
    KdumpState *s = state;

    return s->notes ? g_bytes_ref(s->notes) : NULL;
}

static const char *kdump_vmcoreinfo_op(void *state)
{
    KdumpState *s = state;

    return s->vmcoreinfo;
}

static const GPtrArray *kdump_warnings(void *state)
{
    KdumpState *s = state;

    return s->warnings;
}

static void kdump_cleanup(void *state)
{
    kdump_state_free(state);
}

const DumpFormat dump_format_kdump = {
    .name = "kdump",
    .probe = kdump_probe,
    .ranges = kdump_ranges,
    .read = kdump_read,
    .locate = kdump_locate,
    .notes = kdump_notes_op,
    .vmcoreinfo = kdump_vmcoreinfo_op,
    .warnings = kdump_warnings,
    .cleanup = kdump_cleanup,
};
