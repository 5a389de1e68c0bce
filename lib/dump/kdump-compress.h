/*
 * Compressing and decompressing one kdump page with the method a
 * page_desc flag names (kdump-format.h): zlib, LZO (lzo1x) or snappy,
 * the three QEMU's dump-guest-memory and makedumpfile write.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DUMP_KDUMP_COMPRESS_H
#define DUMP_KDUMP_COMPRESS_H

#include <glib.h>
#include <stdint.h>

/* "zlib", "lzo", "snappy", "zstd", or NULL for anything else */
const char *dump_kdump_compression_name(uint32_t flag);

/* Whether this build decompresses (and compresses) @flag */
gboolean dump_kdump_compression_supported(uint32_t flag);

/**
 * dump_kdump_decompress - inflate one page
 * @flag: KDUMP_ZLIB, KDUMP_LZO or KDUMP_SNAPPY
 * @in: the stored bytes
 * @in_len: their count
 * @out: the page
 * @out_len: the page size: exactly this many bytes must come out
 * @error: QF_ERROR_UNSUPPORTED for a method this build lacks,
 *     QF_ERROR_CORRUPT when the data does not decompress to exactly
 *     @out_len bytes
 */
gboolean dump_kdump_decompress(uint32_t flag, const uint8_t *in,
                               size_t in_len, uint8_t *out, size_t out_len,
                               GError **error);

typedef struct DumpKdumpCompressor DumpKdumpCompressor;

/* A compressor for pages of @page_size bytes; NULL if @flag unsupported */
DumpKdumpCompressor *dump_kdump_compressor_new(uint32_t flag,
                                               size_t page_size);
void dump_kdump_compressor_free(DumpKdumpCompressor *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DumpKdumpCompressor,
                              dump_kdump_compressor_free)

/*
 * Compress one page; returns the compressed bytes (valid until the next
 * call) and their count in *@len, or NULL when the method failed or the
 * result would not be smaller than the page (store it raw then).
 */
const uint8_t *dump_kdump_compress(DumpKdumpCompressor *c,
                                   const uint8_t *page, size_t *len);

#endif /* DUMP_KDUMP_COMPRESS_H */
