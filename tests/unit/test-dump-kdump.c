/*
 * Unit tests of the kdump-compressed reader (lib/dump/kdump.c,
 * dump/kdump-flat.c, dump/kdump-compress.c): guest memory from
 * tests/gen/fadump-gen.c, laid out as kdump files by the test's own generator
 * (tests/gen/kdump-gen.c) in every compression, both byte orders, raw and
 * flattened, with holes, shared zero pages and the incomplete flag; read back
 * byte for byte, through the whole fadump-extract pipeline, and corrupted or
 * truncated.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "common/error.h"
#include "fadump-gen.h"
#include "kdump-gen.h"
#include "vmcore/elf-writer.h"

static char *tmp_path(const char *name)
{
    static char *dir;

    if (!dir) {
        dir = g_dir_make_tmp("fadump-kdump-XXXXXX", NULL);
        g_assert_nonnull(dir);
    }
    return g_build_filename(dir, name, NULL);
}

typedef struct Case {
    const char *name;
    uint32_t compression;
    gboolean big_endian;
    gboolean flattened;
    gboolean hole;
    uint32_t block_size;
} Case;

#define TEXT_START  (20u << 20)
#define ZERO_START  (24u << 20)
#define ZERO_END    (30u << 20)

static GenImage *image(gboolean big_endian, uint64_t page_size)
{
    GenParams p;
    GenImage *img;

    gen_params_default(&p);
    p.big_endian = big_endian;
    p.page_size = page_size;
    img = gen_image_new(&p);
    /*
     * Free memory reads zero: [24 MiB, 30 MiB) holds nothing of the
     * fadump (the generator fills it), and is at the same distance from
     * the end in RAM and in the vmcore, whose last load ends with RAM
     */
    memset(img->ram + ZERO_START, 0, ZERO_END - ZERO_START);
    /* and [20 MiB, 24 MiB) compresses well */
    for (uint64_t a = TEXT_START; a < ZERO_START; a++) {
        img->ram[a] = 'a' + (a / 61) % 26;
    }
    memcpy(img->vmcore->data + img->vmcore->len - (p.ram_size - TEXT_START),
           img->ram + TEXT_START, ZERO_END - TEXT_START);
    return img;
}

static void case_params(const Case *c, KgenParams *kp)
{
    kgen_params_default(kp);
    kp->compression = c->compression;
    kp->big_endian = c->big_endian;
    kp->flattened = c->flattened;
    kp->block_size = c->block_size ? c->block_size : 65536;
    if (c->hole) {
        kp->hole_start = 18u << 20;
        kp->hole_end = 19u << 20;
    }
}

/* Every byte the reader returns equals the image; extents agree */
static void check_memory(Dump *dump, const GenImage *img,
                         const KgenParams *kp, const KgenLayout *l)
{
    uint64_t ram = img->p.ram_size;
    uint64_t bs = kp->block_size;
    g_autofree uint8_t *buf = g_malloc(4u << 20);
    g_autoptr(GError) err = NULL;
    const DumpMemRange *r;
    size_t n;
    uint64_t zero_pages = 0, raw_pages = 0, compressed_pages = 0;

    r = dump_ranges(dump, &n);
    if (kp->hole_end) {
        g_assert_cmpuint(n, ==, 2);
        g_assert_cmpuint(r[0].paddr, ==, 0);
        g_assert_cmpuint(r[0].size, ==, kp->hole_start);
        g_assert_cmpuint(r[1].paddr, ==, kp->hole_end);
        g_assert_cmpuint(r[1].size, ==, ram - kp->hole_end);
        g_assert_false(dump_read(dump, kp->hole_start, buf, 8, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
        g_clear_error(&err);
    } else {
        g_assert_cmpuint(n, ==, 1);
        g_assert_cmpuint(r[0].paddr, ==, 0);
        g_assert_cmpuint(r[0].size, ==, ram);
    }
    for (size_t i = 0; i < n; i++) {
        for (uint64_t a = r[i].paddr; a < r[i].paddr + r[i].size;
             a += 4u << 20) {
            uint64_t len = MIN(4u << 20, r[i].paddr + r[i].size - a);

            g_assert_true(dump_read(dump, a, buf, len, &err));
            g_assert_no_error(err);
            g_assert_cmpmem(buf, len, img->ram + a, len);
        }
    }
    /* unaligned reads across pages, away from the hole */
    for (uint64_t a = bs - 5; a + 3 * bs < ram; a += 7 * bs + 333) {
        uint64_t len = 2 * bs + 10;

        if (a + len > kp->hole_start && a < kp->hole_end) {
            continue;
        }
        g_assert_true(dump_read(dump, a, buf, len, &err));
        g_assert_no_error(err);
        g_assert_cmpmem(buf, len, img->ram + a, len);
    }
    /* extents: zero pages as zeros, raw pages in the file */
    for (uint64_t a = 0; a < ram; a += bs) {
        DumpExtent ext;
        gboolean in_hole = a >= kp->hole_start && a < kp->hole_end;
        gboolean found = dump_extent(dump, a, bs, &ext, &err);

        if (in_hole) {
            g_assert_false(found);
            g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
            g_clear_error(&err);
            continue;
        }
        g_assert_no_error(err);
        g_assert_true(found);
        g_assert_cmpuint(ext.len, ==, bs);
        if (ext.kind == DUMP_EXTENT_READ) {
            compressed_pages++;
        } else if (ext.kind == DUMP_EXTENT_ZERO) {
            g_assert_cmpint(ext.fd, ==, -1);
            for (uint64_t k = 0; k < bs; k++) {
                g_assert_cmpuint(img->ram[a + k], ==, 0);
            }
            zero_pages++;
        } else {
            g_assert_cmpint(ext.kind, ==, DUMP_EXTENT_FILE);
            g_assert_cmpint(pread(ext.fd, buf, bs, ext.offset), ==, bs);
            g_assert_cmpmem(buf, bs, img->ram + a, bs);
            raw_pages++;
        }
    }
    g_assert_cmpuint(zero_pages, ==, l->n_zero);
    g_assert_cmpuint(compressed_pages, ==, l->n_compressed);
    g_assert_cmpuint(zero_pages + raw_pages + l->n_compressed, ==,
                     l->n_pages);
    /* multi-page extents stop at a change of kind, never beyond len */
    for (uint64_t a = 0; a < ram; a += 5 * bs) {
        DumpExtent ext;

        if (dump_extent(dump, a, 3 * bs, &ext, NULL)) {
            g_assert_cmpuint(ext.len, <=, 3 * bs);
            g_assert_cmpuint(ext.len % bs, ==, 0);
        }
    }
}

static void test_round_trip(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(GenImage) img = image(c->big_endian, 65536);
    g_autofree char *path = tmp_path("rt.kdump");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(GBytes) notes = NULL;
    static const uint8_t fake_notes[] = "CPU NOTES, 24 BYTES LONG";
    KgenParams kp;
    KgenLayout l;

    case_params(c, &kp);
    kp.notes = fake_notes;
    kp.notes_len = 24;
    kp.vmcoreinfo = "OSRELEASE=6.12.0-kgen\nPAGESIZE=65536\n";
    kgen_write(&kp, img->ram, img->p.ram_size, path, &l);
    g_assert_cmpuint(l.n_zero, >=, (ZERO_END - ZERO_START) / kp.block_size);
    if (c->compression) {
        g_assert_cmpuint(l.n_compressed, >, 10);
    }
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dump_format_name(dump), ==, "kdump");
    g_assert_cmpuint(dump_n_warnings(dump), ==, 0);
    check_memory(dump, img, &kp, &l);
    notes = dump_notes(dump);
    g_assert_nonnull(notes);
    g_assert_cmpuint(g_bytes_get_size(notes), >, 24);
    g_assert_cmpmem(g_bytes_get_data(notes, NULL), 24, fake_notes, 24);
    g_assert_cmpstr(dump_vmcoreinfo(dump), ==, kp.vmcoreinfo);
    g_unlink(path);
}

/* The whole pipeline: kdump of a crashed guest to the expected vmcore */
static void test_extract(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(GenImage) img = image(c->big_endian, 65536);
    g_autofree char *path = tmp_path("ex.kdump");
    g_autofree char *out = tmp_path("ex.vmcore");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autofree char *got = NULL;
    VmcoreWriteStats stats;
    KgenParams kp;
    gsize len;

    case_params(c, &kp);
    kgen_write(&kp, img->ram, img->p.ram_size, path, NULL);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(vmcore_write(a->layout, dump, out, NULL, &stats,
                                      &err));
    g_assert_no_error(err);
    g_assert_cmpuint(stats.hole_bytes, >, 0);
    g_assert_true(g_file_get_contents(out, &got, &len, &err));
    g_assert_cmpmem(got, len, img->vmcore->data, img->vmcore->len);
    g_unlink(path);
    g_unlink(out);
}

static void test_incomplete(void)
{
    g_autoptr(GenImage) img = image(FALSE, 65536);
    g_autofree char *path = tmp_path("inc.kdump");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    uint8_t buf[64];
    KgenParams kp;

    kgen_params_default(&kp);
    kp.written = 100;
    kgen_write(&kp, img->ram, img->p.ram_size, path, NULL);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(dump_n_warnings(dump), ==, 1);
    g_assert_nonnull(strstr(dump_warning(dump, 0), "incomplete"));
    /* what was written reads, what was lost is an error */
    g_assert_true(dump_read(dump, 99 * 65536 + 100, buf, 64, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 64, img->ram + 99 * 65536 + 100, 64);
    g_assert_false(dump_read(dump, 100 * 65536, buf, 64, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    g_assert_nonnull(strstr(err->message, "incomplete"));
    g_clear_error(&err);
    /* a fadump analysis needing the lost pages fails, with the warning */
    g_assert_null(vmcore_analyse(dump, NULL, &err));
    g_assert_nonnull(err);
    g_unlink(path);
}

/* A complete file whose @patch makes it unreadable */
typedef struct Corruption {
    const char *name;
    int error;              /* at open; -1: opens, reading fails */
    int read_error;
    void (*patch)(GByteArray *f, const KgenLayout *l);
} Corruption;

static void put32(GByteArray *f, uint64_t off, uint32_t v)
{
    gen_put(f->data + off, v, 4, FALSE);
}

static void put64(GByteArray *f, uint64_t off, uint64_t v)
{
    gen_put(f->data + off, v, 8, FALSE);
}

static void p_version(GByteArray *f, const KgenLayout *l)
{
    put32(f, 8, 0);
}

static void p_block_size(GByteArray *f, const KgenLayout *l)
{
    put32(f, KGEN_HDR_BLOCK_SIZE, 1000);
}

static void p_block_huge(GByteArray *f, const KgenLayout *l)
{
    put32(f, KGEN_HDR_BLOCK_SIZE, 1u << 31);
}

static void p_sub_hdr(GByteArray *f, const KgenLayout *l)
{
    put32(f, KGEN_HDR_SUB_HDR_SIZE, 0xffffffff);
}

static void p_bitmap_odd(GByteArray *f, const KgenLayout *l)
{
    put32(f, KGEN_HDR_BITMAP_BLOCKS, 3);
}

static void p_bitmap_huge(GByteArray *f, const KgenLayout *l)
{
    put32(f, KGEN_HDR_BITMAP_BLOCKS, 0xfffffffe);
}

static void p_mapnr(GByteArray *f, const KgenLayout *l)
{
    put64(f, 65536 + KGEN_SUB_MAX_MAPNR_64, G_MAXUINT64);
}

static void p_notes(GByteArray *f, const KgenLayout *l)
{
    put64(f, 65536 + KGEN_SUB_OFF_NOTE, f->len - 4);
    put64(f, 65536 + KGEN_SUB_SIZE_NOTE, 1000);
}

static void p_no_pages(GByteArray *f, const KgenLayout *l)
{
    memset(f->data + l->bitmap_off + l->bitmap_len, 0, l->bitmap_len);
}

/* the second dumped page: pfn 1 (generator memory is dumped from 0) */
static uint64_t desc1(const KgenLayout *l)
{
    return l->desc_off + 24;
}

static void p_desc_beyond(GByteArray *f, const KgenLayout *l)
{
    put64(f, desc1(l), f->len - 10);
}

static void p_desc_before(GByteArray *f, const KgenLayout *l)
{
    put64(f, desc1(l), 4096);
}

static void p_desc_size(GByteArray *f, const KgenLayout *l)
{
    put32(f, desc1(l) + 8, 65537);
    put32(f, desc1(l) + 12, KGEN_ZLIB);
}

static void p_desc_raw_short(GByteArray *f, const KgenLayout *l)
{
    put32(f, desc1(l) + 8, 100);
    put32(f, desc1(l) + 12, 0);
}

static void p_desc_two_methods(GByteArray *f, const KgenLayout *l)
{
    put32(f, desc1(l) + 12, KGEN_ZLIB | KGEN_LZO);
}

static void p_desc_unknown_method(GByteArray *f, const KgenLayout *l)
{
    put32(f, desc1(l) + 12, 0x20);     /* zstd: not in this build */
}

static void p_desc_lost(GByteArray *f, const KgenLayout *l)
{
    put64(f, desc1(l), 0);              /* offset 0 without 0x8 */
}

static void p_garbage(GByteArray *f, const KgenLayout *l)
{
    uint64_t off = gen_get(f->data + desc1(l), 8, FALSE);
    uint32_t size = gen_get(f->data + desc1(l) + 8, 4, FALSE);

    memset(f->data + off, 0x5a, size);
}

static void p_short_output(GByteArray *f, const KgenLayout *l)
{
    /* a valid zlib stream, of 100 bytes instead of a page */
    uint8_t zeros[100] = { 0 };
    uint8_t z[256];
    uLongf n = sizeof(z);
    uint64_t off = gen_get(f->data + desc1(l), 8, FALSE);

    g_assert_cmpint(compress2(z, &n, zeros, sizeof(zeros), 1), ==, Z_OK);
    memcpy(f->data + off, z, n);
    put32(f, desc1(l) + 8, n);
}

#define E_CORRUPT QF_ERROR_CORRUPT
#define E_TRUNCATED QF_ERROR_TRUNCATED
#define E_UNSUPPORTED QF_ERROR_UNSUPPORTED

static const Corruption corruptions[] = {
    { .name = "version", .error = E_CORRUPT, .patch = p_version },
    { .name = "block-size", .error = E_CORRUPT, .patch = p_block_size },
    { .name = "block-size-huge", .error = E_CORRUPT, .patch = p_block_huge },
    { .name = "sub-hdr-size", .error = E_TRUNCATED, .patch = p_sub_hdr },
    { .name = "bitmap-blocks-odd", .error = E_CORRUPT, .patch = p_bitmap_odd },
    { .name = "bitmap-blocks-huge", .error = E_TRUNCATED,
      .patch = p_bitmap_huge },
    { .name = "max-mapnr", .error = E_CORRUPT, .patch = p_mapnr },
    { .name = "notes", .error = E_CORRUPT, .patch = p_notes },
    { .name = "no-pages", .error = E_CORRUPT, .patch = p_no_pages },
    { .name = "desc-beyond", .error = -1, .read_error = E_TRUNCATED,
      .patch = p_desc_beyond },
    { .name = "desc-before-data", .error = -1, .read_error = E_CORRUPT,
      .patch = p_desc_before },
    { .name = "desc-size", .error = -1, .read_error = E_CORRUPT,
      .patch = p_desc_size },
    { .name = "desc-raw-short", .error = -1, .read_error = E_CORRUPT,
      .patch = p_desc_raw_short },
    { .name = "desc-two-methods", .error = -1, .read_error = E_CORRUPT,
      .patch = p_desc_two_methods },
    { .name = "desc-unknown-method", .error = -1, .read_error = E_UNSUPPORTED,
      .patch = p_desc_unknown_method },
    { .name = "desc-lost", .error = -1, .read_error = E_CORRUPT,
      .patch = p_desc_lost },
    { .name = "garbage", .error = -1, .read_error = E_CORRUPT,
      .patch = p_garbage },
    { .name = "short-output", .error = -1, .read_error = E_CORRUPT,
      .patch = p_short_output },
};

/* Memory whose page 1 is not zero and compresses */
static uint8_t *corruption_ram(uint64_t size)
{
    uint8_t *ram = g_malloc0(size);

    for (uint64_t i = 65536; i < size / 2; i++) {
        ram[i] = (i / 13) & 0x7f;
    }
    return ram;
}

static void test_corrupt(gconstpointer data)
{
    const Corruption *c = data;
    g_autofree uint8_t *ram = corruption_ram(4u << 20);
    g_autofree char *path = tmp_path("corrupt.kdump");
    g_autoptr(GByteArray) f = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autofree uint8_t *buf = g_malloc(65536);
    KgenParams kp;
    KgenLayout l;

    kgen_params_default(&kp);
    f = kgen_build(&kp, ram, 4u << 20, &l);
    g_assert_cmpuint(l.n_compressed, >, 0);
    c->patch(f, &l);
    g_assert_true(g_file_set_contents(path, (char *)f->data, f->len, NULL));
    dump = dump_open(path, NULL, &err);
    if (c->error >= 0) {
        g_assert_null(dump);
        g_assert_error(err, QF_ERROR, c->error);
        g_assert_true(g_str_has_prefix(err->message, path));
        g_test_message("%s", err->message);
        return;
    }
    g_assert_no_error(err);
    g_assert_false(dump_read(dump, 65536 + 10, buf, 100, &err));
    g_assert_error(err, QF_ERROR, c->read_error);
    g_assert_nonnull(strstr(err->message, "0x1"));  /* the pfn */
    g_test_message("%s", err->message);
    g_clear_error(&err);
    /* other pages still read */
    g_assert_true(dump_read(dump, 3 * 65536, buf, 65536, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 65536, ram + 3 * 65536, 65536);
}

/* Every cut of a file fails to open as truncated (or reads fail) */
static void test_truncated(gconstpointer data)
{
    gboolean flat = GPOINTER_TO_INT(data);
    g_autofree uint8_t *ram = corruption_ram(4u << 20);
    g_autofree char *path = tmp_path("cut.kdump");
    g_autoptr(GByteArray) f = NULL;
    KgenParams kp;
    KgenLayout l;
    uint64_t cuts[16];
    size_t n = 0;

    kgen_params_default(&kp);
    kp.flattened = flat;
    f = kgen_build(&kp, ram, 4u << 20, &l);
    cuts[n++] = 0;
    cuts[n++] = 7;
    cuts[n++] = 300;
    cuts[n++] = 4095;
    cuts[n++] = flat ? 4096 + 20 : 70000;
    cuts[n++] = f->len / 3;
    cuts[n++] = f->len / 2;
    cuts[n++] = f->len - 17;
    cuts[n++] = f->len - 1;
    if (!flat) {
        cuts[n++] = l.bitmap_off + 5;
        cuts[n++] = l.desc_off + 30;
        cuts[n++] = l.data_off + 10;
    }
    for (size_t i = 0; i < n; i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(Dump) dump = NULL;

        g_assert_true(g_file_set_contents(path, (char *)f->data, cuts[i],
                                          NULL));
        dump = dump_open(path, NULL, &err);
        g_assert_null(dump);
        g_assert_nonnull(err);
        g_test_message("cut at %" G_GUINT64_FORMAT ": %s", cuts[i],
                       err->message);
        if (cuts[i] >= 8) {
            g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
        }
    }
}

static void flat_patch(GByteArray *f, uint64_t off, int64_t v)
{
    gen_put(f->data + off, (uint64_t)v, 8, TRUE);
}

static void test_flat_corrupt(void)
{
    g_autofree uint8_t *ram = corruption_ram(4u << 20);
    g_autofree char *path = tmp_path("flat.kdump");
    static const struct {
        uint64_t at;
        int64_t v;
        int error;
    } patches[] = {
        { 16, 2, QF_ERROR_CORRUPT },                /* type */
        { 24, 7, QF_ERROR_CORRUPT },                /* version */
        { 4096, -5, QF_ERROR_CORRUPT },             /* offset < 0 */
        { 4104, -5, QF_ERROR_CORRUPT },             /* size < 0 */
        { 4096, G_MAXINT64 - 10, QF_ERROR_CORRUPT },/* sparse 2^63 */
        { 4104, 1u << 30, QF_ERROR_TRUNCATED },     /* past the end */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(patches); i++) {
        g_autoptr(GByteArray) f = NULL;
        g_autoptr(GError) err = NULL;
        g_autoptr(Dump) dump = NULL;
        KgenParams kp;

        kgen_params_default(&kp);
        kp.flattened = TRUE;
        f = kgen_build(&kp, ram, 4u << 20, NULL);
        flat_patch(f, patches[i].at, patches[i].v);
        g_assert_true(g_file_set_contents(path, (char *)f->data, f->len,
                                          NULL));
        dump = dump_open(path, NULL, &err);
        g_assert_null(dump);
        g_assert_error(err, QF_ERROR, patches[i].error);
        g_test_message("%s", err->message);
    }
}

#define Z KGEN_ZLIB
#define LZ KGEN_LZO
#define SN KGEN_SNAPPY

static const Case cases[] = {
    { .name = "zlib-le-raw", .compression = Z },
    { .name = "zlib-be-raw", .compression = Z, .big_endian = TRUE },
    { .name = "zlib-le-flat", .compression = Z, .flattened = TRUE },
    { .name = "zlib-be-flat-hole", .compression = Z, .big_endian = TRUE,
      .flattened = TRUE, .hole = TRUE },
    { .name = "lzo-le-raw", .compression = LZ },
    { .name = "lzo-be-flat", .compression = LZ, .big_endian = TRUE,
      .flattened = TRUE },
    { .name = "lzo-le-raw-hole", .compression = LZ, .hole = TRUE },
    { .name = "snappy-le-raw", .compression = SN },
    { .name = "snappy-be-raw", .compression = SN, .big_endian = TRUE },
    { .name = "snappy-le-flat", .compression = SN, .flattened = TRUE },
    { .name = "uncompressed-le-raw" },
    { .name = "uncompressed-be-flat-hole", .big_endian = TRUE,
      .flattened = TRUE, .hole = TRUE },
    { .name = "zlib-le-4k-blocks", .compression = Z, .hole = TRUE,
      .block_size = 4096 },
};

static const Case extract_cases[] = {
    { .name = "zlib-le-raw", .compression = Z },
    { .name = "lzo-be-flat", .compression = LZ, .big_endian = TRUE,
      .flattened = TRUE },
    { .name = "snappy-le-flat", .compression = SN, .flattened = TRUE },
    { .name = "uncompressed-be-raw", .big_endian = TRUE },
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/kdump/read/%s",
                                                cases[i].name);

        g_test_add_data_func(name, &cases[i], test_round_trip);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(extract_cases); i++) {
        g_autofree char *name = g_strdup_printf("/kdump/extract/%s",
                                                extract_cases[i].name);

        g_test_add_data_func(name, &extract_cases[i], test_extract);
    }
    g_test_add_func("/kdump/incomplete", test_incomplete);
    for (size_t i = 0; i < G_N_ELEMENTS(corruptions); i++) {
        g_autofree char *name = g_strdup_printf("/kdump/corrupt/%s",
                                                corruptions[i].name);

        g_test_add_data_func(name, &corruptions[i], test_corrupt);
    }
    g_test_add_data_func("/kdump/truncated/raw", GINT_TO_POINTER(FALSE),
                         test_truncated);
    g_test_add_data_func("/kdump/truncated/flat", GINT_TO_POINTER(TRUE),
                         test_truncated);
    g_test_add_func("/kdump/flat-corrupt", test_flat_corrupt);
    return g_test_run();
}
