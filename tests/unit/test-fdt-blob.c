/*
 * Unit tests of DTB loading and validation (lib/fdt/blob.c,
 * common/file.c): good trees load; truncated, oversized, overlapping and
 * malformed ones are refused with the right error, whatever their bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <libfdt.h>
#include <string.h>

#include "common/error.h"
#include "fdt/blob.h"
#include "common/file.h"
#include "fdt-test-trees.h"

/* Header fields (offsets into the DTB) */
#define H_TOTALSIZE     4
#define H_OFF_STRUCT    8
#define H_OFF_STRINGS   12
#define H_OFF_RSVMAP    16
#define H_VERSION       20
#define H_LAST_COMP     24
#define H_SIZE_STRINGS  32
#define H_SIZE_STRUCT   36

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint8_t *good_blob(size_t *len)
{
    TTSpec spec = { 0 };

    return tt_blob(&spec, len);
}

static void expect_error(const void *data, size_t len, int code,
                         const char *needle)
{
    g_autoptr(GError) err = NULL;
    DtBlob *fdt = dt_new_from_data(data, len, "bad.dtb", &err);

    g_assert_null(fdt);
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message, "bad.dtb: "));
    if (needle && !strstr(err->message, needle)) {
        g_error("error '%s' lacks '%s'", err->message, needle);
    }
}

static void test_good(void)
{
    g_autoptr(GError) err = NULL;
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *padded = g_malloc0(len + 100);
    g_autoptr(DtBlob) fdt = dt_new_from_data(blob, len, "good.dtb",
                                                        &err);
    g_autoptr(DtBlob) fdt2 = NULL;

    g_assert_no_error(err);
    g_assert_cmpuint(fdt->size, ==, len);
    g_assert_cmpuint(fdt->input_size, ==, len);
    g_assert_cmpstr(fdt->origin, ==, "good.dtb");
    g_assert_cmpmem(fdt->blob, len, blob, len);
    g_assert_cmpint(fdt_path_offset(fdt->blob, "/rtas"), >, 0);

    /* bytes past totalsize (a padded file) are ignored */
    memcpy(padded, blob, len);
    fdt2 = dt_new_from_data(padded, len + 100, "padded.dtb", &err);
    g_assert_no_error(err);
    g_assert_cmpuint(fdt2->size, ==, len);
    g_assert_cmpuint(fdt2->input_size, ==, len + 100);

    /* no alignment needed from the caller */
    memmove(padded + 1, blob, len);
    g_clear_pointer(&fdt2, dt_free);
    fdt2 = dt_new_from_data(padded + 1, len, "odd.dtb", &err);
    g_assert_no_error(err);
}

/*
 * Version 16, as the kernel's prom_init flattens Open Firmware's tree
 * (what a pseries guest booted by SLOF or VOF keeps in memory): no
 * size_dt_struct, the structure block runs to the next block
 */
static void test_version_16(void)
{
    g_autoptr(GError) err = NULL;
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autoptr(DtBlob) fdt = NULL;

    tt_put_be(blob + H_VERSION, 16, 4);
    tt_put_be(blob + H_LAST_COMP, 16, 4);
    tt_put_be(blob + H_SIZE_STRUCT, 0, 4);
    fdt = dt_new_from_data(blob, len, "v16.dtb", &err);
    g_assert_no_error(err);
    g_assert_cmpint(fdt_path_offset(fdt->blob, "/rtas"), >, 0);

    /* the structure block ends at the strings: FDT_END made a NOP */
    {
        g_autofree uint8_t *cut = g_memdup2(blob, len);
        uint32_t end = get_be32(cut + H_OFF_STRINGS);

        g_assert_cmphex(get_be32(cut + end - 4), ==, FDT_END);
        tt_put_be(cut + end - 4, FDT_NOP, 4);
        expect_error(cut, len, QF_ERROR_TRUNCATED, "without FDT_END");
    }
    /* 36 bytes are a whole version 16 header, not a version 17 one */
    expect_error(blob, 36, QF_ERROR_TRUNCATED, "only 36 present");
    tt_put_be(blob + H_VERSION, 17, 4);
    expect_error(blob, 36, QF_ERROR_TRUNCATED, "the header alone takes 40");
}

static void test_truncated(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);

    /* every cut of a good tree is an error, never a crash */
    for (size_t cut = 0; cut < len; cut++) {
        g_autofree uint8_t *copy = g_memdup2(blob, cut ? cut : 1);

        expect_error(copy, cut, QF_ERROR_TRUNCATED, NULL);
    }
    expect_error(blob, 100, QF_ERROR_TRUNCATED, "only 100 present");
}

static void test_bad_header(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = NULL;

    copy = g_memdup2(blob, len);
    copy[0] = 0xde;
    expect_error(copy, len, QF_ERROR_CORRUPT, "not a device tree blob");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_VERSION, 15, 4);
    expect_error(copy, len, QF_ERROR_UNSUPPORTED, "version 15");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_LAST_COMP, 18, 4);
    expect_error(copy, len, QF_ERROR_UNSUPPORTED, "compatible with 18");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_TOTALSIZE, 20, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "less than the header");
}

static void test_oversized(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *big = g_malloc0(DT_MAX_SIZE + 1);
    g_autofree char *dir = g_dir_make_tmp("test-fdt-blob-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "big.dtb", NULL);
    g_autoptr(GError) err = NULL;

    /* the header claims more than accepted */
    tt_put_be(blob + H_TOTALSIZE, DT_MAX_SIZE + 1, 4);
    expect_error(blob, len, QF_ERROR_UNSUPPORTED, "more than the");

    /* the input itself is too big */
    memcpy(big, blob, len);
    expect_error(big, DT_MAX_SIZE + 1, QF_ERROR_UNSUPPORTED,
                 "more than the");

    /* and so is the file: refused before it is read */
    g_assert_true(g_file_set_contents(path, (char *)big,
                                      DT_MAX_SIZE + 1, NULL));
    g_assert_null(dt_load_file(path, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_unlink(path);
    g_rmdir(dir);
}

static void test_offsets_past_end(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = g_memdup2(blob, len);

    tt_put_be(copy + H_OFF_STRUCT, ((uint32_t)len + 3) & ~3u, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "structure block ends");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_SIZE_STRUCT, 0xfffffff0, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "structure block ends");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_SIZE_STRINGS, get_be32(blob + H_SIZE_STRINGS) + 1, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "strings block ends");

    memcpy(copy, blob, len);
    tt_put_be(copy + H_OFF_STRINGS, 0xffffff00, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "strings block ends");

    /* a reservation map running off the end: no terminator */
    memcpy(copy, blob, len);
    tt_put_be(copy + H_OFF_RSVMAP, (uint32_t)len - 8, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, NULL);
    memcpy(copy, blob, len);
    tt_put_be(copy + H_OFF_RSVMAP, (uint32_t)(len - 16) & ~7u, 4);
    memset(copy + ((len - 16) & ~(size_t)7), 0xff, 16);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "no terminating entry");
}

/* The struct block of @blob, and its size */
static uint8_t *struct_block(uint8_t *blob, uint32_t *size)
{
    *size = get_be32(blob + H_SIZE_STRUCT);
    return blob + get_be32(blob + H_OFF_STRUCT);
}

/* Offset in the struct block of the first tag @tag after @from */
static uint32_t find_tag(const uint8_t *s, uint32_t size, uint32_t tag,
                         uint32_t from)
{
    for (uint32_t off = from; off + 4 <= size; off += 4) {
        if (get_be32(s + off) == tag) {
            return off;
        }
    }
    g_assert_not_reached();
}

static void test_overlapping(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = g_memdup2(blob, len);

    /* strings on top of the structure */
    tt_put_be(copy + H_OFF_STRINGS, get_be32(blob + H_OFF_STRUCT), 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "overlap");

    /* structure block pointing back into the header */
    memcpy(copy, blob, len);
    tt_put_be(copy + H_OFF_STRUCT, 0, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "after the header");

    /* structure block over the reservation map */
    memcpy(copy, blob, len);
    tt_put_be(copy + H_OFF_STRUCT, get_be32(blob + H_OFF_RSVMAP), 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "overlap");
}

static void test_bad_structure(void)
{
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = g_memdup2(blob, len);
    uint32_t size, off;
    uint8_t *s = struct_block(copy, &size);

    /* an unknown tag */
    tt_put_be(s + find_tag(s, size, FDT_PROP, 0), 0x77, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "unknown tag 0x00000077");

    /* a property length reaching past the block (and past INT_MAX) */
    memcpy(copy, blob, len);
    off = find_tag(s, size, FDT_PROP, 0);
    tt_put_be(s + off + 4, 0x7ffffff0, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "property value");
    tt_put_be(s + off + 4, 0xfffffffc, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "property value");

    /* a property name outside the strings block */
    memcpy(copy, blob, len);
    tt_put_be(s + off + 8, 0x10000000, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "property name outside");

    /* the last node never closed: FDT_END inside a node */
    memcpy(copy, blob, len);
    tt_put_be(s + size - 8, FDT_NOP, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "FDT_END inside a node");

    /* no FDT_END at all */
    memcpy(copy, blob, len);
    tt_put_be(s + size - 4, FDT_NOP, 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "without FDT_END");

    /* a node name with '/' */
    memcpy(copy, blob, len);
    off = find_tag(s, size, FDT_BEGIN_NODE, 4);
    s[off + 4 + 2] = '/';
    expect_error(copy, len, QF_ERROR_CORRUPT, "'/'");

    /* a name running to the end of the block */
    memcpy(copy, blob, len);
    memset(s + off + 4, 'x', size - off - 4);
    expect_error(copy, len, QF_ERROR_TRUNCATED, "unterminated");

    /* the root node with a name */
    memcpy(copy, blob, len);
    s[4] = 'r';
    expect_error(copy, len, QF_ERROR_CORRUPT, "root node has a name");
}

/* Unbalanced and looping structures: every walk still ends */
static void test_looping(void)
{
    void *fdt = g_malloc0(4096);
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = g_memdup2(blob, len);
    uint32_t size;
    uint8_t *s = struct_block(copy, &size);

    /* a second root node after the first */
    g_assert_cmpint(fdt_create(fdt, 4096), ==, 0);
    g_assert_cmpint(fdt_finish_reservemap(fdt), ==, 0);
    g_assert_cmpint(fdt_begin_node(fdt, ""), ==, 0);
    g_assert_cmpint(fdt_end_node(fdt), ==, 0);
    g_assert_cmpint(fdt_begin_node(fdt, ""), ==, 0);
    g_assert_cmpint(fdt_end_node(fdt), ==, 0);
    g_assert_cmpint(fdt_finish(fdt), ==, 0);
    expect_error(fdt, fdt_totalsize(fdt), QF_ERROR_CORRUPT,
                 "a second root node");

    /* FDT_END_NODE before any node */
    tt_put_be(s, FDT_END_NODE, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "outside a node");

    /* a structure block of nothing but FDT_NOP: the walk stops at its end */
    memcpy(copy, blob, len);
    for (uint32_t off = 0; off < size; off += 4) {
        tt_put_be(s + off, FDT_NOP, 4);
    }
    expect_error(copy, len, QF_ERROR_TRUNCATED, "without FDT_END");

    /* nothing but FDT_END: no root */
    tt_put_be(s, FDT_END, 4);
    expect_error(copy, len, QF_ERROR_CORRUPT, "no root node");
    g_free(fdt);
}

static void *nested_tree(int levels, size_t *len)
{
    void *fdt = g_malloc0(65536);

    g_assert_cmpint(fdt_create(fdt, 65536), ==, 0);
    g_assert_cmpint(fdt_finish_reservemap(fdt), ==, 0);
    g_assert_cmpint(fdt_begin_node(fdt, ""), ==, 0);
    for (int i = 1; i < levels; i++) {
        g_assert_cmpint(fdt_begin_node(fdt, "n"), ==, 0);
    }
    for (int i = 0; i < levels; i++) {
        g_assert_cmpint(fdt_end_node(fdt), ==, 0);
    }
    g_assert_cmpint(fdt_finish(fdt), ==, 0);
    *len = fdt_totalsize(fdt);
    return fdt;
}

static void test_depth(void)
{
    g_autoptr(GError) err = NULL;
    size_t len;
    g_autofree void *ok = nested_tree(DT_MAX_DEPTH, &len);
    g_autoptr(DtBlob) fdt = dt_new_from_data(ok, len, "deep.dtb",
                                                        &err);
    g_autofree void *deep = NULL;

    g_assert_no_error(err);
    g_assert_nonnull(fdt);
    deep = nested_tree(DT_MAX_DEPTH + 1, &len);
    expect_error(deep, len, QF_ERROR_UNSUPPORTED, "deeper than 64");
    g_free(deep);
    deep = nested_tree(5000, &len);
    expect_error(deep, len, QF_ERROR_UNSUPPORTED, "deeper than 64");
}

static void test_files(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("test-fdt-blob-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "tree.dtb", NULL);
    g_autofree char *bad = g_build_filename(dir, "nodir", "tree.dtb", NULL);
    g_autofree char *data = NULL;
    size_t len, got;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autoptr(DtBlob) fdt = dt_new_from_data(blob, len, "t", NULL);
    g_autoptr(DtBlob) back = NULL;

    g_assert_true(dt_save_file(fdt, path, &err));
    g_assert_no_error(err);
    back = dt_load_file(path, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(back->origin, ==, path);
    g_assert_cmpmem(back->blob, back->size, blob, len);

    /* a failed save leaves nothing behind */
    g_assert_false(dt_save_file(fdt, bad, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_assert_false(g_file_test(bad, G_FILE_TEST_EXISTS));
    g_clear_error(&err);

    g_assert_null(dt_load_file(bad, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_clear_error(&err);
    g_assert_null(dt_load_file(dir, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_clear_error(&err);

    /* the bounded reader: exactly max is fine, one more is not */
    g_assert_true(qf_read_file_bounded(path, len, &data, &got, &err));
    g_assert_cmpuint(got, ==, len);
    g_assert_cmpint(data[got], ==, 0);
    g_assert_false(qf_read_file_bounded(path, len - 1, &data, &got,
                                            &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    /* a file whose size is made up (like /proc's) is read as it comes */
    g_clear_pointer(&data, g_free);
    g_assert_true(qf_read_file_bounded("/proc/self/stat", 65536, &data,
                                           &got, &err));
    g_assert_cmpuint(got, >, 0);

    g_unlink(path);
    g_rmdir(dir);
}

/* Every byte of a good tree set to a few values: errors, never a crash */
static void test_mutations(void)
{
    static const uint8_t values[] = { 0x00, 0x01, 0x03, 0x7f, 0x80, 0xff };
    size_t len;
    g_autofree uint8_t *blob = good_blob(&len);
    g_autofree uint8_t *copy = g_memdup2(blob, len);
    unsigned int ok = 0, refused = 0;

    for (size_t i = 0; i < len; i++) {
        for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
            g_autoptr(GError) err = NULL;
            g_autoptr(DtBlob) fdt = NULL;

            copy[i] = values[v];
            fdt = dt_new_from_data(copy, len, "m", &err);
            if (fdt) {
                ok++;
                g_assert_no_error(err);
            } else {
                refused++;
                g_assert_nonnull(err);
                g_assert_true(err->domain == QF_ERROR);
            }
            copy[i] = blob[i];
        }
    }
    /* value bytes change freely; header and tag bytes mostly do not */
    g_assert_cmpuint(ok, >, 0);
    g_assert_cmpuint(refused, >, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-blob/good", test_good);
    g_test_add_func("/fdt-blob/truncated", test_truncated);
    g_test_add_func("/fdt-blob/bad-header", test_bad_header);
    g_test_add_func("/fdt-blob/version-16", test_version_16);
    g_test_add_func("/fdt-blob/oversized", test_oversized);
    g_test_add_func("/fdt-blob/offsets-past-end", test_offsets_past_end);
    g_test_add_func("/fdt-blob/overlapping", test_overlapping);
    g_test_add_func("/fdt-blob/bad-structure", test_bad_structure);
    g_test_add_func("/fdt-blob/looping", test_looping);
    g_test_add_func("/fdt-blob/depth", test_depth);
    g_test_add_func("/fdt-blob/files", test_files);
    g_test_add_func("/fdt-blob/mutations", test_mutations);
    return g_test_run();
}
