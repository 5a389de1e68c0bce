/*
 * Loading and validating a DTB (see fdt-blob.h).
 *
 * The header and the structure block are checked here with explicit
 * bounds before libfdt is let loose on the blob: libfdt 1.6.1's
 * fdt_next_tag() adds an untrusted 32-bit property length to an int,
 * which only later versions guard against.  fdt_check_header() and
 * fdt_check_full() then give a second opinion.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/blob.h"
#include "fdt/fdt-config.h"
#include "common/file.h"
#include "common/byteorder.h"
#include "common/error.h"

#include <libfdt.h>
#include <string.h>

#define DTB_MAGIC           0xd00dfeedu
#define DTB_HEADER_SIZE     40      /* version 17 */
#define DTB_HEADER_SIZE_16  36      /* version 16: no size_dt_struct */
#define DTB_VERSION         17
#define DTB_VERSION_MIN     16      /* prom_init's flattened tree */
#define DTB_RSV_ENTRY_SIZE  16

/* Where the header says the blocks are */
typedef struct DtbLayout {
    uint32_t totalsize;
    uint32_t off_struct;
    uint32_t off_strings;
    uint32_t off_rsvmap;
    uint32_t version;
    uint32_t last_comp_version;
    uint32_t size_strings;
    uint32_t size_struct;       /* version 16: up to the next block */
    uint32_t header_size;
} DtbLayout;

const char *dt_strerror(int fdt_err)
{
    return fdt_strerror(fdt_err < 0 ? fdt_err : -fdt_err);
}

static int libfdt_error_code(int fdt_err)
{
    switch (-fdt_err) {
    case FDT_ERR_TRUNCATED:
        return QF_ERROR_TRUNCATED;
    case FDT_ERR_BADVERSION:
        return QF_ERROR_UNSUPPORTED;
    default:
        return QF_ERROR_CORRUPT;
    }
}

static gboolean check_header(const char *origin, const uint8_t *p, size_t len,
                             DtbLayout *l, GError **error)
{
    uint32_t magic;

    if (len < 8) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %zu bytes, too short for a device tree blob",
                    origin, len);
        return FALSE;
    }
    magic = qf_be32(p);
    if (magic != DTB_MAGIC) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: not a device tree blob (magic 0x%08x, expected"
                    " 0x%08x)", origin, magic, DTB_MAGIC);
        return FALSE;
    }
    if (len < DTB_HEADER_SIZE_16) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %zu bytes, the header alone takes %d", origin, len,
                    DTB_HEADER_SIZE_16);
        return FALSE;
    }
    l->totalsize = qf_be32(p + 4);
    l->off_struct = qf_be32(p + 8);
    l->off_strings = qf_be32(p + 12);
    l->off_rsvmap = qf_be32(p + 16);
    l->version = qf_be32(p + 20);
    l->last_comp_version = qf_be32(p + 24);
    l->size_strings = qf_be32(p + 32);

    if (l->version < DTB_VERSION_MIN ||
        l->last_comp_version > DTB_VERSION) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: device tree blob version %u (compatible with %u),"
                    " only versions %d and %d are read", origin, l->version,
                    l->last_comp_version, DTB_VERSION_MIN, DTB_VERSION);
        return FALSE;
    }
    l->header_size = l->version >= DTB_VERSION ? DTB_HEADER_SIZE
                                               : DTB_HEADER_SIZE_16;
    if (len < l->header_size) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %zu bytes, the header alone takes %u", origin, len,
                    l->header_size);
        return FALSE;
    }
    /*
     * Version 16 (what the kernel's prom_init flattens from Open
     * Firmware) does not say how long the structure block is: up to the
     * next block, or the end of the blob
     */
    if (l->version >= DTB_VERSION) {
        l->size_struct = qf_be32(p + 36);
    } else {
        uint32_t end = l->totalsize;

        if (l->off_strings > l->off_struct) {
            end = MIN(end, l->off_strings);
        }
        if (l->off_rsvmap > l->off_struct) {
            end = MIN(end, l->off_rsvmap);
        }
        l->size_struct = end > l->off_struct ? end - l->off_struct : 0;
    }
    if (l->totalsize > DT_MAX_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: header says %u bytes, more than the %u accepted",
                    origin, l->totalsize, DT_MAX_SIZE);
        return FALSE;
    }
    if (l->totalsize < l->header_size) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: header says %u bytes, less than the header itself",
                    origin, l->totalsize);
        return FALSE;
    }
    if (l->totalsize > len) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: header says %u bytes, only %zu present", origin,
                    l->totalsize, len);
        return FALSE;
    }
    return TRUE;
}

/* [a, a + alen) and [b, b + blen) share a byte */
static gboolean ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                               uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static gboolean check_layout(const char *origin, const uint8_t *p,
                             const DtbLayout *l, GError **error)
{
    uint64_t rsv_end;
    const char *what = NULL;

    if (l->off_rsvmap < l->header_size || l->off_rsvmap % 8) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: memory reservation map at offset %u (must be 8-byte"
                    " aligned, after the header)", origin, l->off_rsvmap);
        return FALSE;
    }
    if (l->off_struct < l->header_size || l->off_struct % 4 ||
        l->size_struct % 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: structure block at offset %u, %u bytes (must be"
                    " 4-byte aligned, after the header)", origin,
                    l->off_struct, l->size_struct);
        return FALSE;
    }
    if (l->off_strings < l->header_size) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: strings block at offset %u, inside the header",
                    origin, l->off_strings);
        return FALSE;
    }
    if (!qf_span_ok(l->totalsize, l->off_struct, l->size_struct)) {
        what = "structure block";
    } else if (!qf_span_ok(l->totalsize, l->off_strings,
                           l->size_strings)) {
        what = "strings block";
    }
    if (what) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %s ends past the blob's %u bytes", origin, what,
                    l->totalsize);
        return FALSE;
    }
    /* The reservation map ends with an all-zero entry */
    for (rsv_end = l->off_rsvmap;; rsv_end += DTB_RSV_ENTRY_SIZE) {
        if (!qf_span_ok(l->totalsize, rsv_end, DTB_RSV_ENTRY_SIZE)) {
            g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                        "%s: memory reservation map has no terminating"
                        " entry", origin);
            return FALSE;
        }
        if (!qf_be64(p + rsv_end) && !qf_be64(p + rsv_end + 8)) {
            rsv_end += DTB_RSV_ENTRY_SIZE;
            break;
        }
    }
    if (ranges_overlap(l->off_struct, l->size_struct, l->off_strings,
                       l->size_strings)) {
        what = "structure and strings blocks";
    } else if (ranges_overlap(l->off_rsvmap, rsv_end - l->off_rsvmap,
                              l->off_struct, l->size_struct)) {
        what = "memory reservation map and structure block";
    } else if (ranges_overlap(l->off_rsvmap, rsv_end - l->off_rsvmap,
                              l->off_strings, l->size_strings)) {
        what = "memory reservation map and strings block";
    }
    if (what) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: the %s overlap", origin, what);
        return FALSE;
    }
    return TRUE;
}

static gboolean struct_error(GError **error, int code, const char *origin,
                             uint64_t pos, const char *msg)
{
    g_set_error(error, QF_ERROR, code,
                "%s: structure block offset %" G_GUINT64_FORMAT ": %s",
                origin, pos, msg);
    return FALSE;
}

/*
 * Walk the structure block tag by tag with explicit bounds: every name
 * NUL-terminated inside its block, every value inside the structure
 * block, one root node, bounded nesting, FDT_END at depth 0.
 */
static gboolean check_structure(const char *origin, const uint8_t *blob,
                                const DtbLayout *l, GError **error)
{
    const uint8_t *p = blob + l->off_struct;
    const char *strings = (const char *)blob + l->off_strings;
    uint64_t size = l->size_struct;
    uint64_t pos = 0;
    unsigned int depth = 0;
    gboolean root_seen = FALSE;

    for (;;) {
        uint64_t tag_pos = pos;
        uint32_t tag;

        if (!qf_span_ok(size, pos, 4)) {
            return struct_error(error, QF_ERROR_TRUNCATED, origin, pos,
                                "structure block ends without FDT_END");
        }
        tag = qf_be32(p + pos);
        pos += 4;
        switch (tag) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p + pos;
            const char *nul = memchr(name, '\0', size - pos);
            uint64_t name_len;

            if (!nul) {
                return struct_error(error, QF_ERROR_TRUNCATED, origin,
                                    tag_pos, "unterminated node name");
            }
            name_len = (uint64_t)(nul - name);
            if (root_seen && depth == 0) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "a second root node");
            }
            if (depth == 0 && name_len) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "the root node has a name");
            }
            if (depth > 0 && !name_len) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "a node without a name");
            }
            if (memchr(name, '/', name_len)) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "a node name with '/'");
            }
            if (depth >= DT_MAX_DEPTH) {
                g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                            "%s: structure block offset %" G_GUINT64_FORMAT
                            ": nodes nested deeper than %d levels", origin,
                            tag_pos, DT_MAX_DEPTH);
                return FALSE;
            }
            root_seen = TRUE;
            depth++;
            /* name, NUL, padding to 4; the padding may be cut at the end */
            pos += name_len + 1;
            pos = MIN((pos + 3) & ~(uint64_t)3, size);
            break;
        }
        case FDT_END_NODE:
            if (depth == 0) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "FDT_END_NODE outside a node");
            }
            depth--;
            break;
        case FDT_PROP: {
            uint32_t len, nameoff;

            if (!qf_span_ok(size, pos, 8)) {
                return struct_error(error, QF_ERROR_TRUNCATED, origin,
                                    tag_pos, "truncated property");
            }
            len = qf_be32(p + pos);
            nameoff = qf_be32(p + pos + 4);
            pos += 8;
            if (depth == 0) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "a property outside any node");
            }
            if (!qf_span_ok(size, pos, len)) {
                return struct_error(error, QF_ERROR_TRUNCATED, origin,
                                    tag_pos, "property value ends past the"
                                    " structure block");
            }
            if (nameoff >= l->size_strings ||
                !memchr(strings + nameoff, '\0',
                        l->size_strings - nameoff)) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "property name outside the"
                                    " strings block");
            }
            pos += len;
            pos = MIN((pos + 3) & ~(uint64_t)3, size);
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            if (!root_seen) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "no root node");
            }
            if (depth) {
                return struct_error(error, QF_ERROR_CORRUPT, origin,
                                    tag_pos, "FDT_END inside a node");
            }
            return TRUE;
        default: {
            g_autofree char *msg = g_strdup_printf("unknown tag 0x%08x",
                                                   tag);

            return struct_error(error, QF_ERROR_CORRUPT, origin, tag_pos,
                                msg);
        }
        }
    }
}

DtBlob *dt_new_from_data(const void *data, size_t len,
                         const char *origin, GError **error)
{
    g_autoptr(DtBlob) fdt = NULL;
    DtbLayout l;
    int err;

    if (len > DT_MAX_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: %zu bytes, more than the %u accepted for a device"
                    " tree blob", origin, len, DT_MAX_SIZE);
        return NULL;
    }
    if (!check_header(origin, data, len, &l, error)) {
        return NULL;
    }
    fdt = g_new0(DtBlob, 1);
    fdt->origin = g_strdup(origin);
    fdt->size = l.totalsize;
    fdt->input_size = len;
    /* g_malloc() memory is aligned for any type: libfdt wants 8 bytes */
    fdt->blob = g_malloc(l.totalsize);
    memcpy(fdt->blob, data, l.totalsize);

    if (!check_layout(origin, fdt->blob, &l, error) ||
        !check_structure(origin, fdt->blob, &l, error)) {
        return NULL;
    }
    err = fdt_check_header(fdt->blob);
#if HAVE_FDT_CHECK_FULL
    if (!err) {
        err = fdt_check_full(fdt->blob, fdt->size);
    }
#endif
    if (err) {
        g_set_error(error, QF_ERROR, libfdt_error_code(err),
                    "%s: libfdt: %s", origin, dt_strerror(err));
        return NULL;
    }
    return g_steal_pointer(&fdt);
}

DtBlob *dt_load_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    size_t len;

    if (!qf_read_file_bounded(path, DT_MAX_SIZE, &data, &len,
                              error)) {
        return NULL;
    }
    return dt_new_from_data(data, len, path, error);
}

gboolean dt_save_file(const DtBlob *fdt, const char *path,
                      GError **error)
{
    g_autoptr(GError) err = NULL;

    /* A temporary file renamed over @path: never half a file */
    if (!g_file_set_contents(path, fdt->blob, (gssize)fdt->size, &err)) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s", err->message);
        return FALSE;
    }
    return TRUE;
}

void dt_free(DtBlob *fdt)
{
    if (fdt) {
        g_free(fdt->blob);
        g_free(fdt->origin);
        g_free(fdt);
    }
}
