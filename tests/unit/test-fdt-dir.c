/*
 * Unit tests of device tree directories (lib/fdt/dir.c): a tree
 * written out the way /proc/device-tree shows it reads back as the same
 * tree; links, special files and runaway nesting are refused.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <libfdt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "fdt/diff.h"
#include "fdt/dir.h"
#include "fdt/nodes.h"
#include "fdt-test-trees.h"
#include "report/fdt-text.h"

static void rm_rf(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        struct stat st;

        if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
            rm_rf(child);
        } else {
            g_unlink(child);
        }
    }
    g_rmdir(path);
}

/* Write the subtree of @fdt at @offset as directory @path, the way Linux
 * shows it: with a "name" property in each node */
static void write_dir(const DtBlob *fdt, int offset, const char *path)
{
    int child, prop;
    const char *node_name = fdt_get_name(fdt->blob, offset, NULL);
    g_autofree char *name_path = g_build_filename(path, "name", NULL);
    size_t base = strcspn(node_name, "@");
    g_autofree char *made_up = g_strndup(node_name, base);

    g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
    g_assert_true(g_file_set_contents(name_path, made_up, (gssize)base + 1,
                                      NULL));
    fdt_for_each_property_offset(prop, fdt->blob, offset) {
        const char *pname;
        int len;
        const void *v = fdt_getprop_by_offset(fdt->blob, prop, &pname, &len);
        g_autofree char *p = g_build_filename(path, pname, NULL);

        g_assert_true(g_file_set_contents(p, v, len, NULL));
    }
    fdt_for_each_subnode(child, fdt->blob, offset) {
        g_autofree char *p = g_build_filename(path, fdt_get_name(fdt->blob,
                                                                 child, NULL),
                                              NULL);

        write_dir(fdt, child, p);
    }
}

typedef struct Fixture {
    char *tmp;
    char *root;
    DtBlob *fdt;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    uint8_t fdm[200];
    TTSpec spec = { .kernel_dump = fdm, .kernel_dump_len = 200 };

    tt_fdm(fdm, 0xde0);
    f->tmp = g_dir_make_tmp("test-fdt-dir-XXXXXX", NULL);
    f->root = g_build_filename(f->tmp, "device-tree", NULL);
    f->fdt = tt_tree(&spec);
    write_dir(f->fdt, 0, f->root);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    rm_rf(f->tmp);
    g_free(f->tmp);
    g_free(f->root);
    dt_free(f->fdt);
}

static void test_same_tree(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DtBlob) dir = dt_load_dir(f->root, &err);
    g_autoptr(GArray) ia = NULL, ib = NULL;
    g_autoptr(DtDiff) d = NULL;
    g_autofree char *origin = g_strdup_printf("%s/", f->root);

    g_assert_no_error(err);
    g_assert_cmpstr(dir->origin, ==, origin);
    ia = dt_index(f->fdt, NULL);
    ib = dt_index(dir, NULL);
    g_assert_cmpuint(ia->len, ==, ib->len);
    /* same nodes and values (the made-up "name" properties left out) */
    d = dt_diff(f->fdt, ia, 0, dir, ib, 0, FALSE);
    if (d->entries->len) {
        g_autoptr(GString) s = g_string_new(NULL);

        report_fdt_text_diff(s, d, "dtb", "dir");
        g_printerr("%s", s->str);
    }
    g_assert_cmpuint(d->entries->len, ==, 0);
    g_assert_null(dt_getprop(dir, fdt_path_offset(dir->blob, "/rtas"),
                             "name", NULL));
}

static void test_real_name_kept(Fixture *f, gconstpointer data)
{
    g_autofree char *p = g_build_filename(f->root, "rtas", "name", NULL);
    g_autoptr(DtBlob) dir = NULL;
    int len;
    const uint8_t *v;

    /* a name property that is not just the node's name is a property */
    g_assert_true(g_file_set_contents(p, "firmware", 9, NULL));
    dir = dt_load_dir(f->root, NULL);
    g_assert_nonnull(dir);
    v = dt_getprop(dir, fdt_path_offset(dir->blob, "/rtas"), "name",
                           &len);
    g_assert_nonnull(v);
    g_assert_cmpmem(v, len, "firmware", 9);
}

static void test_symlink(Fixture *f, gconstpointer data)
{
    g_autofree char *loop = g_build_filename(f->root, "cpus", "loop", NULL);
    g_autofree char *link = g_build_filename(f->tmp, "link", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(DtBlob) via_link = NULL;

    /* the root may be a link, as /proc/device-tree is */
    g_assert_cmpint(symlink(f->root, link), ==, 0);
    via_link = dt_load_dir(link, &err);
    g_assert_no_error(err);
    /* a link inside is never followed: a loop back to the root */
    g_assert_cmpint(symlink(f->root, loop), ==, 0);
    g_assert_null(dt_load_dir(f->root, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "symbolic links are not"
                                          " followed"));
}

static void test_fifo(Fixture *f, gconstpointer data)
{
    g_autofree char *fifo = g_build_filename(f->root, "rtas", "pipe", NULL);
    g_autoptr(GError) err = NULL;

    /* opening it would block forever */
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    g_assert_null(dt_load_dir(f->root, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
}

static void test_deep(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) path = g_string_new(f->root);
    g_autoptr(GError) err = NULL;

    for (int i = 0; i < DT_MAX_DEPTH; i++) {
        g_string_append(path, "/n");
        g_assert_cmpint(g_mkdir(path->str, 0755), ==, 0);
    }
    g_assert_null(dt_load_dir(f->root, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "deeper than 64"));
}

static void test_too_big(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_build_filename(f->root, "chosen", "big", NULL);
    g_autofree char *zeros = g_malloc0(DT_MAX_SIZE / 2);
    g_autofree char *big2 = g_build_filename(f->root, "chosen", "big2", NULL);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(big, zeros, DT_MAX_SIZE / 2,
                                      NULL));
    g_assert_true(g_file_set_contents(big2, zeros, DT_MAX_SIZE / 2,
                                      NULL));
    g_assert_null(dt_load_dir(f->root, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "more than"));
}

static void test_missing(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(dt_load_dir("/nonexistent/device-tree", &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/fdt-dir/same-tree", test_same_tree);
    ADD("/fdt-dir/real-name-kept", test_real_name_kept);
    ADD("/fdt-dir/symlink", test_symlink);
    ADD("/fdt-dir/fifo", test_fifo);
    ADD("/fdt-dir/deep", test_deep);
    ADD("/fdt-dir/too-big", test_too_big);
    g_test_add_func("/fdt-dir/missing", test_missing);
    return g_test_run();
}
