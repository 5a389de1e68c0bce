/*
 * Unit tests of a capture boot's fadump properties (lib/fdt/kernel-dump.c):
 * ibm,kernel-dump and ibm,configure-kernel-dump-sizes from trees built by
 * tests/gen/fdt-test-trees.c, the errors of each missing or broken piece,
 * and the file loader's bounds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "common/error.h"
#include "fdt/kernel-dump.h"
#include "fdt/rtas.h"
#include "fdt-test-trees.h"

static void test_capture_boot(void)
{
    uint8_t fdm[200];
    TTSpec spec = { .cpu_size = 0x13e0, .hpte_size = 0x1000000 };
    g_autofree void *blob = NULL;
    g_autoptr(GError) err = NULL;
    DtKernelDump kd;
    size_t len;

    spec.kernel_dump = fdm;
    spec.kernel_dump_len = tt_fdm(fdm, 0x13e0);
    blob = tt_blob(&spec, &len);
    g_assert_true(dt_kernel_dump_parse(blob, len, &kd, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(kd.fdm.num_sections, ==, 4);
    g_assert_cmphex(kd.fdm.status_flags, ==,
                    PAPR_STATUS_PERFORMED | PAPR_STATUS_TRIGGERED);
    g_assert_true(kd.have_sizes);
    g_assert_cmphex(kd.cpu_state_size, ==, 0x13e0);
    g_assert_cmphex(kd.hpte_size, ==, 0x1000000);
}

static void expect_error(const TTSpec *spec, int code, const char *what)
{
    g_autofree void *blob = NULL;
    g_autoptr(GError) err = NULL;
    DtKernelDump kd = { .cpu_state_size = 0xdead };
    size_t len;

    blob = tt_blob(spec, &len);
    g_assert_false(dt_kernel_dump_parse(blob, len, &kd, &err));
    g_assert_error(err, QF_ERROR, code);
    g_assert_nonnull(strstr(err->message, what));
    /* untouched on failure */
    g_assert_cmphex(kd.cpu_state_size, ==, 0xdead);
}

static void test_errors(void)
{
    uint8_t fdm[200];
    const uint8_t sizes[11] = { 0 };
    const TTProp bad_sizes = { "/rtas", DT_PROP_SIZES, sizes, sizeof(sizes) };
    const TTProp short_fdm = { "/rtas", DT_PROP_KERNEL_DUMP, fdm, 20 };
    TTSpec spec = { 0 };
    g_autoptr(GError) err = NULL;
    DtKernelDump kd;

    /* a first boot: no dump active */
    expect_error(&spec, QF_ERROR_NOT_FOUND, "no " DT_PROP_KERNEL_DUMP);

    spec.kernel_dump = fdm;
    spec.kernel_dump_len = tt_fdm(fdm, 0x13e0);
    /* a sizes property that is not a list of {type, hi, lo} triples */
    spec.props = &bad_sizes;
    spec.n_props = 1;
    expect_error(&spec, QF_ERROR_CORRUPT, DT_PROP_SIZES);
    /* a dump memory structure cut short */
    spec.props = &short_fdm;
    expect_error(&spec, QF_ERROR_TRUNCATED, DT_PROP_KERNEL_DUMP);

    g_assert_false(dt_kernel_dump_parse("not a device tree", 17, &kd, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
}

static void test_load(void)
{
    g_autofree char *dir = g_dir_make_tmp("kernel-dump-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "capture.dtb", NULL);
    g_autofree char *big = g_build_filename(dir, "big.dtb", NULL);
    g_autofree void *blob = NULL;
    g_autoptr(GError) err = NULL;
    uint8_t fdm[200];
    TTSpec spec = { .cpu_size = 0x13e0 };
    DtKernelDump kd;
    size_t len;
    FILE *f;

    spec.kernel_dump = fdm;
    spec.kernel_dump_len = tt_fdm(fdm, 0x13e0);
    blob = tt_blob(&spec, &len);
    g_assert_true(g_file_set_contents(path, blob, (gssize)len, NULL));
    g_assert_true(dt_kernel_dump_load(path, &kd, &err));
    g_assert_no_error(err);
    g_assert_cmphex(kd.cpu_state_size, ==, 0x13e0);

    /* larger than any tree: refused without reading it all */
    f = fopen(big, "w");
    g_assert_nonnull(f);
    g_assert_cmpint(fseeko(f, (off_t)DT_MAX_SIZE + 1, SEEK_SET), ==, 0);
    g_assert_cmpint(fputc(0, f), ==, 0);
    g_assert_cmpint(fclose(f), ==, 0);
    g_assert_false(dt_kernel_dump_load(big, &kd, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_true(g_str_has_prefix(err->message, big));
    g_clear_error(&err);

    /* a first boot's tree: the message names the file */
    spec.kernel_dump = NULL;
    spec.kernel_dump_len = 0;
    g_free(blob);
    blob = tt_blob(&spec, &len);
    g_assert_true(g_file_set_contents(path, blob, (gssize)len, NULL));
    g_assert_false(dt_kernel_dump_load(path, &kd, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_true(g_str_has_prefix(err->message, path));

    g_unlink(path);
    g_unlink(big);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt/kernel-dump/capture-boot", test_capture_boot);
    g_test_add_func("/fdt/kernel-dump/errors", test_errors);
    g_test_add_func("/fdt/kernel-dump/load", test_load);
    return g_test_run();
}
