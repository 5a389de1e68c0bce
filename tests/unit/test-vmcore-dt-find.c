/*
 * Unit tests of finding a capture boot's device tree in guest memory
 * (lib/vmcore/dt-find.c): raw RAM images holding trees built by
 * tests/gen/fdt-test-trees.c, decoys around them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "common/error.h"
#include "dump/reader.h"
#include "fdt-test-trees.h"
#include "vmcore/dt-find.h"

#define RAM     (16u << 20)
#define MiB     (1u << 20)

typedef struct Ram {
    uint8_t *mem;
    char *dir, *path;
    Dump *dump;
} Ram;

static void ram_free(Ram *r)
{
    dump_free(r->dump);
    if (r->path) {
        g_unlink(r->path);
        g_rmdir(r->dir);
    }
    g_free(r->path);
    g_free(r->dir);
    g_free(r->mem);
    g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ram, ram_free)

/* RAM full of 0xd0, the magic's first byte: every offset a probe */
static Ram *ram_new(void)
{
    Ram *r = g_new0(Ram, 1);

    r->mem = g_malloc(RAM);
    memset(r->mem, 0xd0, RAM);
    return r;
}

static Dump *ram_dump(Ram *r, size_t size)
{
    g_autoptr(GError) err = NULL;
    DumpOptions raw = { .raw = TRUE };

    dump_free(r->dump);
    if (!r->dir) {
        r->dir = g_dir_make_tmp("dt-find-XXXXXX", &err);
        g_assert_no_error(err);
        r->path = g_build_filename(r->dir, "ram", NULL);
    }
    g_assert_true(g_file_set_contents(r->path, (char *)r->mem, size, NULL));
    r->dump = dump_open(r->path, &raw, &err);
    g_assert_no_error(err);
    return r->dump;
}

/* A capture boot's tree (@dump: with ibm,kernel-dump) */
static uint8_t *tree(gboolean dump, size_t *len)
{
    static uint8_t fdm[200];
    TTSpec spec = { 0 };

    if (dump) {
        spec.kernel_dump = fdm;
        spec.kernel_dump_len = tt_fdm(fdm, 0xde0);
    }
    return tt_blob(&spec, len);
}

static void put(Ram *r, uint64_t at, const uint8_t *blob, size_t len)
{
    g_assert_cmpuint(at + len, <=, RAM);
    memcpy(r->mem + at, blob, len);
}

static void test_found(void)
{
    g_autoptr(Ram) r = ram_new();
    size_t len, len0;
    g_autofree uint8_t *good = tree(TRUE, &len);
    g_autofree uint8_t *plain = tree(FALSE, &len0);
    g_autofree uint8_t *v15 = g_memdup2(good, len);
    g_autoptr(GError) err = NULL;
    VmcoreDtFound f;

    tt_put_be(v15 + 20, 15, 4);
    put(r, 1 * MiB + 4, good, len);     /* off the 8-byte grid */
    put(r, 2 * MiB, v15, len);          /* a version not read */
    put(r, 3 * MiB, plain, len0);       /* no ibm,kernel-dump */
    put(r, 5 * MiB, good, len);
    put(r, 6 * MiB, good, len);         /* a second one: not reached */
    ram_dump(r, RAM);

    g_assert_true(vmcore_dt_find(r->dump, 0, 0, &f, &err));
    g_assert_no_error(err);
    g_assert_cmphex(f.addr, ==, 5 * MiB);
    g_assert_cmpuint(f.kd.fdm.num_sections, >=, 3);
    g_assert_true(f.kd.have_sizes);
    g_assert_cmphex(f.kd.cpu_state_size, ==, 0xde0);

    /* a window ending before it, one starting after: the next, none */
    g_assert_false(vmcore_dt_find(r->dump, 0, 5 * MiB, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
    g_assert_nonnull(strstr(err->message, "to 0x500000"));
    g_clear_error(&err);
    g_assert_true(vmcore_dt_find(r->dump, 5 * MiB + 1, 0, &f, &err));
    g_assert_cmphex(f.addr, ==, 6 * MiB);
    g_assert_false(vmcore_dt_find(r->dump, 6 * MiB + 8, 0, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
    g_assert_nonnull(strstr(err->message, "to the end"));
}

/* A tree cut by the end of the dump is not read past it */
static void test_cut_at_end(void)
{
    g_autoptr(Ram) r = ram_new();
    size_t len;
    g_autofree uint8_t *good = tree(TRUE, &len);
    g_autoptr(GError) err = NULL;
    VmcoreDtFound f;
    uint64_t at = (RAM - len) & ~(uint64_t)7;

    put(r, at, good, len);
    ram_dump(r, RAM);
    g_assert_true(vmcore_dt_find(r->dump, 0, 0, &f, &err));
    g_assert_cmphex(f.addr, ==, at);
    ram_dump(r, RAM - 8);
    g_assert_false(vmcore_dt_find(r->dump, 0, 0, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
}

/* Headers that look right but are not trees: at most so many decoded */
static void test_many_decoys(void)
{
    g_autoptr(Ram) r = ram_new();
    size_t len;
    g_autofree uint8_t *good = tree(TRUE, &len);
    g_autoptr(GError) err = NULL;
    VmcoreDtFound f;
    unsigned int i;

    for (i = 0; i < VMCORE_DT_MAX_TRIES; i++) {
        uint8_t *p = r->mem + i * 4096;

        memcpy(p, good, 28);            /* the header, then 0xd0s */
    }
    put(r, 8 * MiB, good, len);
    ram_dump(r, RAM);
    g_assert_false(vmcore_dt_find(r->dump, 0, 0, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
    g_assert_nonnull(strstr(err->message, "too many"));
    g_clear_error(&err);
    /* one fewer decoy: found */
    memset(r->mem, 0xd0, 28);
    ram_dump(r, RAM);
    g_assert_true(vmcore_dt_find(r->dump, 0, 0, &f, &err));
    g_assert_cmphex(f.addr, ==, 8 * MiB);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmcore/dt-find/found", test_found);
    g_test_add_func("/vmcore/dt-find/cut-at-end", test_cut_at_end);
    g_test_add_func("/vmcore/dt-find/many-decoys", test_many_decoys);
    return g_test_run();
}
