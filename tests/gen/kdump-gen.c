/*
 * kdump-compressed test files (see tests/gen/kdump-gen.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>

#include "fadump-gen.h"
#include "kdump-gen.h"

void kgen_params_default(KgenParams *p)
{
    memset(p, 0, sizeof(*p));
    p->compression = KGEN_ZLIB;
    p->block_size = 65536;
}

static gboolean all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Compress one page as QEMU does; 0 when it does not shrink */
static size_t compress_page(uint32_t how, const uint8_t *in, size_t len,
                            uint8_t *out, size_t out_size)
{
    static lzo_align_t wrk[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1)
                           / sizeof(lzo_align_t)];
    size_t n = 0;

    switch (how) {
    case KGEN_ZLIB: {
        uLongf z = out_size;

        g_assert_cmpint(compress2(out, &z, in, len, Z_BEST_SPEED), ==, Z_OK);
        n = z;
        break;
    }
    case KGEN_LZO: {
        lzo_uint l = out_size;

        g_assert_cmpint(lzo_init(), ==, LZO_E_OK);
        g_assert_cmpint(lzo1x_1_compress(in, len, out, &l, wrk), ==,
                        LZO_E_OK);
        n = l;
        break;
    }
    case KGEN_SNAPPY:
        n = out_size;
        g_assert_cmpint(snappy_compress((const char *)in, len, (char *)out,
                                        &n), ==, SNAPPY_OK);
        break;
    }
    return n < len ? n : 0;
}

static void put_at(GByteArray *f, uint64_t off, uint64_t v, int size,
                   gboolean be)
{
    if (f->len < off + size) {
        uint64_t old = f->len;

        g_byte_array_set_size(f, off + size);
        memset(f->data + old, 0, f->len - old);
    }
    gen_put(f->data + off, v, size, be);
}

static void bytes_at(GByteArray *f, uint64_t off, const void *p, size_t n)
{
    if (f->len < off + n) {
        uint64_t old = f->len;

        g_byte_array_set_size(f, off + n);
        memset(f->data + old, 0, f->len - old);
    }
    memcpy(f->data + off, p, n);
}

static gboolean dumped(const KgenParams *p, uint64_t pfn)
{
    uint64_t a = pfn * p->block_size;

    return a < p->hole_start || a >= p->hole_end;
}

GByteArray *kgen_build(const KgenParams *p, const uint8_t *ram,
                       uint64_t ram_size, KgenLayout *layout)
{
    GByteArray *f = g_byte_array_new();
    gboolean be = p->big_endian;
    uint64_t bs = p->block_size;
    uint64_t max_mapnr = ram_size / bs;
    uint64_t bitmap_len = ((max_mapnr + 7) / 8 + bs - 1) / bs * bs;
    uint64_t note_off = bs + 104;
    GByteArray *notes = g_byte_array_new();
    uint64_t sub_blocks, bitmap_off, desc_off, data_off, pos, idx = 0;
    size_t cbuf_size = bs * 2 + 1024;
    g_autofree uint8_t *cbuf = g_malloc(cbuf_size);
    KgenLayout l = { 0 };

    if (p->notes_len) {
        g_byte_array_append(notes, p->notes, p->notes_len);
    }
    if (p->vmcoreinfo) {
        /* a "VMCOREINFO" note: 12-byte header, name padded to 12 */
        size_t dlen = strlen(p->vmcoreinfo);
        uint8_t h[12 + 12] = { 0 };

        gen_put(h, 11, 4, be);
        gen_put(h + 4, dlen, 4, be);
        gen_put(h + 8, 0, 4, be);
        memcpy(h + 12, "VMCOREINFO", 11);
        g_byte_array_append(notes, h, sizeof(h));
        g_byte_array_append(notes, (const uint8_t *)p->vmcoreinfo, dlen);
        while (notes->len % 4) {
            g_byte_array_append(notes, (const uint8_t *)"", 1);
        }
    }
    sub_blocks = (104 + notes->len + bs - 1) / bs;
    bitmap_off = bs * (1 + sub_blocks);
    desc_off = bitmap_off + 2 * bitmap_len;

    /* disk_dump_header */
    bytes_at(f, 0, "KDUMP   ", 8);
    put_at(f, 8, 6, 4, be);
    bytes_at(f, 12, "Linux", 5);
    bytes_at(f, 12 + 65, "kgen", 4);
    bytes_at(f, 12 + 130, "6.12.0-kgen", 11);
    bytes_at(f, 12 + 260, "ppc64le", 7);
    put_at(f, KGEN_HDR_STATUS, p->compression |
           (p->written ? KGEN_INCOMPLETE : 0), 4, be);
    put_at(f, KGEN_HDR_BLOCK_SIZE, bs, 4, be);
    put_at(f, KGEN_HDR_SUB_HDR_SIZE, sub_blocks, 4, be);
    put_at(f, KGEN_HDR_BITMAP_BLOCKS, 2 * bitmap_len / bs, 4, be);
    put_at(f, KGEN_HDR_MAX_MAPNR, MIN(max_mapnr, G_MAXUINT32), 4, be);
    put_at(f, 460, 4, 4, be);                       /* nr_cpus */
    /* kdump_sub_header */
    put_at(f, bs + 8, 1, 4, be);                    /* dump_level */
    put_at(f, bs + 24, max_mapnr, 8, be);           /* end_pfn */
    if (p->vmcoreinfo) {
        put_at(f, bs + 32, note_off + notes->len -
               ((strlen(p->vmcoreinfo) + 3) & ~3u), 8, be);
        put_at(f, bs + 40, strlen(p->vmcoreinfo), 8, be);
    }
    put_at(f, bs + KGEN_SUB_OFF_NOTE, notes->len ? note_off : 0, 8, be);
    put_at(f, bs + KGEN_SUB_SIZE_NOTE, notes->len, 8, be);
    put_at(f, bs + 88, max_mapnr, 8, be);           /* end_pfn_64 */
    put_at(f, bs + KGEN_SUB_MAX_MAPNR_64, max_mapnr, 8, be);
    if (notes->len) {
        bytes_at(f, note_off, notes->data, notes->len);
    }
    /* the bitmaps, both the same as QEMU writes them */
    put_at(f, desc_off - 1, 0, 1, be);
    for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
        if (dumped(p, pfn)) {
            f->data[bitmap_off + pfn / 8] |= 1u << (pfn % 8);
            f->data[bitmap_off + bitmap_len + pfn / 8] |= 1u << (pfn % 8);
            l.n_pages++;
        }
    }
    /* the shared zero page first, then the pages in pfn order */
    data_off = desc_off + l.n_pages * 24;
    put_at(f, data_off + bs - 1, 0, 1, be);
    pos = data_off + bs;
    for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
        const uint8_t *page = ram + pfn * bs;
        uint64_t d = desc_off + idx * 24;
        size_t n;

        if (!dumped(p, pfn)) {
            continue;
        }
        if (p->written && idx >= p->written) {
            put_at(f, d + 23, 0, 1, be);            /* lost: all zero */
            idx++;
            continue;
        }
        if (all_zero(page, bs)) {
            put_at(f, d, data_off, 8, be);
            put_at(f, d + 8, bs, 4, be);
            put_at(f, d + 12, 0, 4, be);
            put_at(f, d + 16, 0, 8, be);
            l.n_zero++;
        } else if (p->compression &&
                   (n = compress_page(p->compression, page, bs, cbuf,
                                      cbuf_size))) {
            put_at(f, d, pos, 8, be);
            put_at(f, d + 8, n, 4, be);
            put_at(f, d + 12, p->compression, 4, be);
            put_at(f, d + 16, 0, 8, be);
            bytes_at(f, pos, cbuf, n);
            pos += n;
            l.n_compressed++;
        } else {
            put_at(f, d, pos, 8, be);
            put_at(f, d + 8, bs, 4, be);
            put_at(f, d + 12, 0, 4, be);
            put_at(f, d + 16, 0, 8, be);
            bytes_at(f, pos, page, bs);
            pos += bs;
        }
        idx++;
    }
    l.file_size = f->len;
    l.bitmap_off = bitmap_off;
    l.bitmap_len = bitmap_len;
    l.desc_off = desc_off;
    l.data_off = data_off;
    if (layout) {
        *layout = l;
    }
    g_byte_array_unref(notes);
    if (p->flattened) {
        GByteArray *flat = kgen_flatten(f->data, f->len, 3000);

        g_byte_array_unref(f);
        return flat;
    }
    return f;
}

GByteArray *kgen_flatten(const uint8_t *file, uint64_t len, size_t chunk)
{
    GByteArray *out = g_byte_array_sized_new(len + len / 64 + 8192);
    uint8_t hdr[4096] = { 0 };
    uint8_t rec[16];
    uint64_t n_chunks = (len + chunk - 1) / chunk;

    memcpy(hdr, "makedumpfile", 12);
    gen_put(hdr + 16, 1, 8, TRUE);
    gen_put(hdr + 24, 1, 8, TRUE);
    g_byte_array_append(out, hdr, sizeof(hdr));
    /* last piece first; all-zero pieces are left out (sparse gaps) */
    for (uint64_t i = n_chunks; i-- > 0;) {
        uint64_t off = i * chunk;
        uint64_t n = MIN(chunk, len - off);

        if (all_zero(file + off, n) && i != n_chunks - 1) {
            continue;
        }
        gen_put(rec, off, 8, TRUE);
        gen_put(rec + 8, n, 8, TRUE);
        g_byte_array_append(out, rec, 16);
        g_byte_array_append(out, file + off, n);
    }
    memset(rec, 0xff, sizeof(rec));
    g_byte_array_append(out, rec, 16);
    return out;
}

void kgen_write(const KgenParams *p, const uint8_t *ram, uint64_t ram_size,
                const char *path, KgenLayout *layout)
{
    g_autoptr(GByteArray) f = kgen_build(p, ram, ram_size, layout);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, (const char *)f->data, f->len,
                                      &err));
    g_assert_no_error(err);
}

void kgen_parse(const uint8_t *d, uint64_t len, KgenFile *f)
{
    uint64_t sub;

    memset(f, 0, sizeof(*f));
    f->d = d;
    f->len = len;
    g_assert_cmpuint(len, >=, 464);
    g_assert_cmpmem(d, 8, "KDUMP   ", 8);
    f->be = d[8] == 0;
    f->version = gen_get(d + 8, 4, f->be);
    f->status = gen_get(d + KGEN_HDR_STATUS, 4, f->be);
    f->bs = gen_get(d + KGEN_HDR_BLOCK_SIZE, 4, f->be);
    sub = f->bs;
    g_assert_cmpuint(len, >=, sub + 104);
    f->max_mapnr = gen_get(d + sub + KGEN_SUB_MAX_MAPNR_64, 8, f->be);
    f->bitmap_off = (uint64_t)f->bs *
                    (1 + gen_get(d + KGEN_HDR_SUB_HDR_SIZE, 4, f->be));
    f->bitmap_len = (uint64_t)f->bs *
                    gen_get(d + KGEN_HDR_BITMAP_BLOCKS, 4, f->be) / 2;
    f->desc_off = f->bitmap_off + 2 * f->bitmap_len;
    g_assert_cmpuint(f->max_mapnr, <=, f->bitmap_len * 8);
    f->vi_off = gen_get(d + sub + 32, 8, f->be);
    f->vi_size = gen_get(d + sub + 40, 8, f->be);
    f->note_off = gen_get(d + sub + KGEN_SUB_OFF_NOTE, 8, f->be);
    f->note_size = gen_get(d + sub + KGEN_SUB_SIZE_NOTE, 8, f->be);
    g_assert_cmpuint(f->note_off + f->note_size, <=, f->bitmap_off);
    g_assert_cmpuint(f->vi_off + f->vi_size, <=, f->bitmap_off);
    memcpy(f->release, d + 12 + 2 * 65, 65);
    memcpy(f->machine, d + 12 + 4 * 65, 65);
}

gboolean kgen_page(const KgenFile *f, uint64_t pfn, uint8_t *out,
                   uint64_t *data_off, uint32_t *flags)
{
    const uint8_t *bm1 = f->d + f->bitmap_off;
    const uint8_t *bm2 = bm1 + f->bitmap_len;
    const uint8_t *pd;
    uint64_t idx = 0, off;
    uint32_t size;

    if (pfn >= f->max_mapnr || !(bm2[pfn / 8] & (1u << (pfn % 8)))) {
        return FALSE;
    }
    g_assert_true(bm1[pfn / 8] & (1u << (pfn % 8)));
    for (uint64_t i = 0; i < pfn; i++) {
        idx += (bm2[i / 8] >> (i % 8)) & 1;
    }
    pd = f->d + f->desc_off + idx * 24;
    g_assert_cmpuint(f->desc_off + idx * 24 + 24, <=, f->len);
    off = gen_get(pd, 8, f->be);
    size = gen_get(pd + 8, 4, f->be);
    *flags = gen_get(pd + 12, 4, f->be);
    *data_off = off;
    g_assert_cmpuint(off + size, <=, f->len);
    switch (*flags) {
    case 0:
        g_assert_cmpuint(size, ==, f->bs);
        memcpy(out, f->d + off, f->bs);
        break;
    case KGEN_ZLIB: {
        uLongf n = f->bs;

        g_assert_cmpint(uncompress(out, &n, f->d + off, size), ==, Z_OK);
        g_assert_cmpuint(n, ==, f->bs);
        break;
    }
    case KGEN_LZO: {
        lzo_uint n = f->bs;

        g_assert_cmpint(lzo1x_decompress_safe(f->d + off, size, out, &n,
                                              NULL), ==, LZO_E_OK);
        g_assert_cmpuint(n, ==, f->bs);
        break;
    }
    case KGEN_SNAPPY: {
        size_t n = f->bs;

        g_assert_cmpint(snappy_uncompress((const char *)f->d + off, size,
                                          (char *)out, &n), ==, SNAPPY_OK);
        g_assert_cmpuint(n, ==, f->bs);
        break;
    }
    default:
        g_error("page 0x%" G_GINT64_MODIFIER "x: flags 0x%x", pfn, *flags);
    }
    g_assert_cmpuint(size, <=, f->bs);
    return TRUE;
}
