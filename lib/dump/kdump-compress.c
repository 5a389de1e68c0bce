/*
 * Page compression for kdump files (see kdump-compress.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <zlib.h>

#include "common/error.h"
#include "dump/kdump-compress.h"
#include "dump/kdump-format.h"

#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif

struct DumpKdumpCompressor {
    uint32_t flag;
    size_t page_size;
    uint8_t *out;
    size_t out_size;
    void *work;             /* LZO's dictionary */
};

const char *dump_kdump_compression_name(uint32_t flag)
{
    switch (flag) {
    case KDUMP_ZLIB:
        return "zlib";
    case KDUMP_LZO:
        return "lzo";
    case KDUMP_SNAPPY:
        return "snappy";
    case KDUMP_ZSTD:
        return "zstd";
    }
    return NULL;
}

#ifdef HAVE_LZO
/* lzo_init() checks the library's build once per process, not per page */
static gboolean lzo_ready(void)
{
    static gsize state;     /* 0: not checked, 1: usable, 2: not */

    if (g_once_init_enter(&state)) {
        g_once_init_leave(&state, lzo_init() == LZO_E_OK ? 1 : 2);
    }
    return state == 1;
}
#endif

gboolean dump_kdump_compression_supported(uint32_t flag)
{
    switch (flag) {
    case KDUMP_ZLIB:
        return TRUE;
#ifdef HAVE_LZO
    case KDUMP_LZO:
        return lzo_ready();
#endif
#ifdef HAVE_SNAPPY
    case KDUMP_SNAPPY:
        return TRUE;
#endif
    }
    return FALSE;
}

static gboolean bad_data(GError **error, uint32_t flag, size_t in_len,
                         const char *why)
{
    g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                "%s page of %zu bytes does not decompress: %s",
                dump_kdump_compression_name(flag), in_len, why);
    return FALSE;
}

gboolean dump_kdump_decompress(uint32_t flag, const uint8_t *in,
                               size_t in_len, uint8_t *out, size_t out_len,
                               GError **error)
{
    if (!dump_kdump_compression_supported(flag)) {
        const char *name = dump_kdump_compression_name(flag);

        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "page compressed with %s (flags 0x%x), which this "
                    "build cannot decompress", name ? name : "an unknown "
                    "method", flag);
        return FALSE;
    }
    switch (flag) {
    case KDUMP_ZLIB: {
        uLongf n = out_len;
        int rc = uncompress(out, &n, in, in_len);

        if (rc != Z_OK) {
            return bad_data(error, flag, in_len, zError(rc));
        }
        if (n != out_len) {
            return bad_data(error, flag, in_len, "short output");
        }
        return TRUE;
    }
#ifdef HAVE_LZO
    case KDUMP_LZO: {
        lzo_uint n = out_len;
        int rc = lzo1x_decompress_safe(in, in_len, out, &n, NULL);

        if (rc != LZO_E_OK) {
            return bad_data(error, flag, in_len, rc == LZO_E_OUTPUT_OVERRUN
                            ? "longer than a page" : "invalid data");
        }
        if (n != out_len) {
            return bad_data(error, flag, in_len, "short output");
        }
        return TRUE;
    }
#endif
#ifdef HAVE_SNAPPY
    case KDUMP_SNAPPY: {
        size_t n;

        if (snappy_uncompressed_length((const char *)in, in_len, &n) !=
            SNAPPY_OK) {
            return bad_data(error, flag, in_len, "invalid header");
        }
        if (n != out_len) {
            return bad_data(error, flag, in_len, "not a page long");
        }
        if (snappy_uncompress((const char *)in, in_len, (char *)out, &n) !=
            SNAPPY_OK || n != out_len) {
            return bad_data(error, flag, in_len, "invalid data");
        }
        return TRUE;
    }
#endif
    }
    g_assert_not_reached();
}

DumpKdumpCompressor *dump_kdump_compressor_new(uint32_t flag,
                                               size_t page_size)
{
    DumpKdumpCompressor *c;

    if (!dump_kdump_compression_supported(flag)) {
        return NULL;
    }
    c = g_new0(DumpKdumpCompressor, 1);
    c->flag = flag;
    c->page_size = page_size;
    switch (flag) {
    case KDUMP_ZLIB:
        c->out_size = compressBound(page_size);
        break;
#ifdef HAVE_LZO
    case KDUMP_LZO:
        c->out_size = page_size + page_size / 16 + 64 + 3;
        c->work = g_malloc(LZO1X_1_MEM_COMPRESS);
        break;
#endif
#ifdef HAVE_SNAPPY
    case KDUMP_SNAPPY:
        c->out_size = snappy_max_compressed_length(page_size);
        break;
#endif
    }
    c->out = g_malloc(c->out_size);
    return c;
}

void dump_kdump_compressor_free(DumpKdumpCompressor *c)
{
    if (c) {
        g_free(c->out);
        g_free(c->work);
        g_free(c);
    }
}

const uint8_t *dump_kdump_compress(DumpKdumpCompressor *c,
                                   const uint8_t *page, size_t *len)
{
    size_t n = 0;

    switch (c->flag) {
    case KDUMP_ZLIB: {
        uLongf zn = c->out_size;

        /* QEMU and makedumpfile: Z_BEST_SPEED */
        if (compress2(c->out, &zn, page, c->page_size, Z_BEST_SPEED) !=
            Z_OK) {
            return NULL;
        }
        n = zn;
        break;
    }
#ifdef HAVE_LZO
    case KDUMP_LZO: {
        lzo_uint ln = c->out_size;

        if (lzo1x_1_compress(page, c->page_size, c->out, &ln, c->work) !=
            LZO_E_OK) {
            return NULL;
        }
        n = ln;
        break;
    }
#endif
#ifdef HAVE_SNAPPY
    case KDUMP_SNAPPY:
        n = c->out_size;
        if (snappy_compress((const char *)page, c->page_size,
                            (char *)c->out, &n) != SNAPPY_OK) {
            return NULL;
        }
        break;
#endif
    }
    if (n == 0 || n >= c->page_size) {
        return NULL;
    }
    *len = n;
    return c->out;
}
