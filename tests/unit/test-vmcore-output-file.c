/*
 * Unit tests of a writer's output file (lib/vmcore/output-file.c): renamed
 * into place, mode 0600, only when complete; nothing left behind on
 * failure or cancellation; clear errors for a directory it cannot use.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "vmcore/output-file.h"

static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir, sorted, joined by spaces ("" for none) */
static char *dir_entries(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, cmp_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static char *make_dir(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("test-output-file-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

static void remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
            remove_dir(p);
        } else {
            g_assert_cmpint(g_unlink(p), ==, 0);
        }
    }
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void progress_cb(uint64_t done, uint64_t total, gpointer data)
{
    GArray *calls = data;
    uint64_t pair[2] = { done, total };

    g_array_append_vals(calls, pair, 2);
}

/* Complete: renamed over the old file, 0600, data and holes as written */
static void test_complete(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "vmcore", NULL);
    g_autofree char *ls = NULL;
    g_autofree char *tmp_name = NULL;
    g_autofree char *tmp_ls = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(GArray) calls = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    g_autoptr(VmcoreOutputFile) f = NULL;
    GError *err = NULL;
    gsize len;
    struct stat st;
    char want[8192] = { 0 };

    g_assert_true(g_file_set_contents(path, "old", 3, &err));
    g_assert_no_error(err);
    f = vmcore_output_file_new(path, NULL, progress_cb, calls, &err);
    g_assert_no_error(err);
    g_assert_nonnull(f);
    g_assert_cmpint(vmcore_output_file_fd(f), >=, 0);

    /* the temporary file sits next to the destination, hidden */
    tmp_name = g_path_get_basename(vmcore_output_file_tmp_path(f));
    g_assert_true(g_str_has_prefix(tmp_name, ".vmcore."));
    g_assert_cmpuint(strlen(tmp_name), ==, strlen(".vmcore.XXXXXX"));
    ls = dir_entries(dir);
    tmp_ls = g_strdup_printf("%s vmcore", tmp_name);
    g_assert_cmpstr(ls, ==, tmp_ls);
    g_clear_pointer(&ls, g_free);

    vmcore_output_file_set_total(f, 10);
    g_assert_true(vmcore_output_file_check_cancel(f, &err));
    g_assert_no_error(err);
    g_assert_true(vmcore_output_file_write(f, "header", 6, 0, &err));
    vmcore_output_file_advance(f, 6);
    g_assert_true(vmcore_output_file_write(f, "tail", 4, 4096, &err));
    vmcore_output_file_advance(f, 4);
    g_assert_true(vmcore_output_file_set_size(f, sizeof(want), &err));
    g_assert_no_error(err);

    /* not yet complete: the old file is still in place */
    g_assert_true(g_file_get_contents(path, &contents, &len, &err));
    g_assert_cmpstr(contents, ==, "old");
    g_clear_pointer(&contents, g_free);

    g_assert_true(vmcore_output_file_commit(f, TRUE, "vmcore", &err));
    g_assert_no_error(err);
    g_assert_cmpint(vmcore_output_file_fd(f), ==, -1);
    g_clear_pointer(&f, vmcore_output_file_free);

    ls = dir_entries(dir);
    g_assert_cmpstr(ls, ==, "vmcore");
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_true(g_file_get_contents(path, &contents, &len, &err));
    memcpy(want, "header", 6);
    memcpy(want + 4096, "tail", 4);
    g_assert_cmpmem(contents, len, want, sizeof(want));

    /* progress: (6, 10), then (10, 10) */
    g_assert_cmpuint(calls->len, ==, 4);
    g_assert_cmpuint(g_array_index(calls, uint64_t, 0), ==, 6);
    g_assert_cmpuint(g_array_index(calls, uint64_t, 1), ==, 10);
    g_assert_cmpuint(g_array_index(calls, uint64_t, 2), ==, 10);
    g_assert_cmpuint(g_array_index(calls, uint64_t, 3), ==, 10);
    remove_dir(dir);
}

/* Write part of a file for @path, then give up as a failing writer does */
static void write_and_give_up(const char *path)
{
    GError *err = NULL;
    VmcoreOutputFile *f = vmcore_output_file_new(path, NULL, NULL, NULL,
                                                 &err);

    g_assert_no_error(err);
    g_assert_true(vmcore_output_file_write(f, "partial", 7, 0, &err));
    g_assert_no_error(err);
    vmcore_output_file_free(f);
}

/* Freed before the commit (a failing writer): only the old file stays */
static void test_failure(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "out.kdump", NULL);
    g_autofree char *ls = NULL;
    g_autofree char *contents = NULL;
    GError *err = NULL;

    /* no old file: the directory ends up empty */
    write_and_give_up(path);
    ls = dir_entries(dir);
    g_assert_cmpstr(ls, ==, "");
    g_clear_pointer(&ls, g_free);

    /* an old file is left as it was */
    g_assert_true(g_file_set_contents(path, "old", 3, &err));
    g_assert_no_error(err);
    write_and_give_up(path);
    ls = dir_entries(dir);
    g_assert_cmpstr(ls, ==, "out.kdump");
    g_assert_true(g_file_get_contents(path, &contents, NULL, &err));
    g_assert_cmpstr(contents, ==, "old");
    remove_dir(dir);
}

/* Cancelled: "interrupted", no progress, nothing left in the directory */
static void test_cancel(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "vmcore", NULL);
    g_autofree char *ls = NULL;
    g_autoptr(GArray) calls = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    volatile sig_atomic_t cancel = 0;
    VmcoreOutputFile *f;
    GError *err = NULL;

    f = vmcore_output_file_new(path, &cancel, progress_cb, calls, &err);
    g_assert_no_error(err);
    g_assert_true(vmcore_output_file_check_cancel(f, &err));
    g_assert_true(vmcore_output_file_write(f, "some", 4, 0, &err));
    cancel = 1;
    g_assert_false(vmcore_output_file_check_cancel(f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_assert_cmpstr(err->message, ==, "interrupted");
    g_clear_error(&err);
    vmcore_output_file_free(f);
    g_assert_cmpuint(calls->len, ==, 0);
    ls = dir_entries(dir);
    g_assert_cmpstr(ls, ==, "");
    remove_dir(dir);
}

/* Creating the output file for @path fails with @errnum, named clearly */
static void expect_create_error(const char *path, int errnum)
{
    g_autofree char *want = g_strdup_printf(
        "creating a temporary file for %s: %s", path, g_strerror(errnum));
    GError *err = NULL;

    g_assert_null(vmcore_output_file_new(path, NULL, NULL, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_assert_cmpstr(err->message, ==, want);
    g_error_free(err);
}

/*
 * A destination directory that is missing, a file, or not writable (the
 * last one only when not root: root writes anywhere)
 */
static void test_bad_dir(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *missing = g_build_filename(dir, "no", "vmcore", NULL);
    g_autofree char *ro = g_build_filename(dir, "ro", NULL);
    g_autofree char *path = g_build_filename(ro, "vmcore", NULL);
    g_autofree char *ls = NULL;
    GError *err = NULL;

    expect_create_error(missing, ENOENT);

    /* its "directory" is a file */
    g_assert_true(g_file_set_contents(ro, "", 0, &err));
    g_assert_no_error(err);
    expect_create_error(path, ENOTDIR);
    g_assert_cmpint(g_unlink(ro), ==, 0);

    g_assert_cmpint(g_mkdir(ro, 0500), ==, 0);
    if (access(ro, W_OK) == 0) {
        g_test_message("skipped the read-only directory: running as root");
    } else {
        expect_create_error(path, EACCES);
        ls = dir_entries(ro);
        g_assert_cmpstr(ls, ==, "");
    }
    g_assert_cmpint(g_chmod(ro, 0700), ==, 0);
    remove_dir(dir);
}

/* The rename fails (a directory is in the way): error, no file left */
static void test_commit_fails(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "vmcore", NULL);
    g_autofree char *inner = g_build_filename(path, "keep", NULL);
    g_autofree char *ls = NULL;
    VmcoreOutputFile *f;
    GError *err = NULL;

    g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
    g_assert_true(g_file_set_contents(inner, "x", 1, &err));
    f = vmcore_output_file_new(path, NULL, NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(vmcore_output_file_write(f, "data", 4, 0, &err));
    g_assert_false(vmcore_output_file_commit(f, FALSE, "kdump file", &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_assert_true(g_str_has_prefix(err->message,
                                   "renaming the finished kdump file to "));
    g_assert_nonnull(strstr(err->message, path));
    g_clear_error(&err);
    vmcore_output_file_free(f);
    ls = dir_entries(dir);
    g_assert_cmpstr(ls, ==, "vmcore");
    g_clear_pointer(&ls, g_free);
    ls = dir_entries(path);
    g_assert_cmpstr(ls, ==, "keep");
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/output-file/complete", test_complete);
    g_test_add_func("/output-file/failure", test_failure);
    g_test_add_func("/output-file/cancel", test_cancel);
    g_test_add_func("/output-file/bad-dir", test_bad_dir);
    g_test_add_func("/output-file/commit-fails", test_commit_fails);
    return g_test_run();
}
