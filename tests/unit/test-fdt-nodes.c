/*
 * Unit tests of the node index (lib/fdt/nodes.c) and of what a tree
 * says about its machine (fdt/platform.c): paths, lookups, subtrees,
 * cells, memory ranges and CPU counts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <libfdt.h>
#include <string.h>

#include "common/error.h"
#include "fdt/nodes.h"
#include "fdt/platform.h"
#include "fdt-test-trees.h"

static void test_index(void)
{
    TTSpec spec = { .cpus = 2 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autoptr(GError) err = NULL;
    g_autoptr(GArray) idx = dt_index(fdt, &err);
    static const char *const paths[] = {
        "/", "/chosen", "/cpus", "/cpus/PowerPC,POWER10@0",
        "/cpus/PowerPC,POWER10@1", "/memory@0", "/rtas",
    };
    static const int depths[] = { 0, 1, 1, 2, 2, 1, 1 };

    g_assert_no_error(err);
    g_assert_cmpuint(idx->len, ==, G_N_ELEMENTS(paths));
    for (guint i = 0; i < idx->len; i++) {
        const DtNode *n = dt_node(idx, (int)i);

        g_assert_cmpstr(n->path, ==, paths[i]);
        g_assert_cmpint(n->depth, ==, depths[i]);
        g_assert_cmpstr(n->name, ==, i ? strrchr(paths[i], '/') + 1 : "");
    }
    g_assert_cmpint(dt_node(idx, 0)->parent, ==, -1);
    g_assert_cmpint(dt_node(idx, 4)->parent, ==, 2);
    g_assert_cmpint(dt_subtree_end(idx, 0), ==, 7);
    g_assert_cmpint(dt_subtree_end(idx, 2), ==, 5);
    g_assert_cmpint(dt_subtree_end(idx, 3), ==, 4);
    g_assert_cmpint(dt_subtree_end(idx, 6), ==, 7);
}

static void test_lookup(void)
{
    TTSpec spec = { 0 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autoptr(GArray) idx = dt_index(fdt, NULL);
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(dt_index_lookup(fdt, idx, "/", NULL), ==, 0);
    g_assert_cmpstr(dt_node(idx, dt_index_lookup(
                        fdt, idx, "/rtas", NULL))->path, ==, "/rtas");
    /* no unit address: the first node of that name */
    g_assert_cmpstr(dt_node(idx, dt_index_lookup(
                        fdt, idx, "/memory", NULL))->path, ==, "/memory@0");
    g_assert_cmpint(dt_index_lookup(fdt, idx, "/nope", &err), ==, -1);
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_clear_error(&err);
    g_assert_cmpint(dt_index_lookup(fdt, idx, "rtas", &err), ==, -1);
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
}

static void test_props_and_cells(void)
{
    static const uint8_t five[] = { 0, 0, 0, 5 };
    static const uint8_t wide[] = { 0, 0, 0, 1, 0, 0, 0, 1 };
    TTProp p[] = {
        { "/", "#address-cells", five, 4 },
        { "/", "#size-cells", wide, 8 },
    };
    TTSpec spec = { .props = p, .n_props = 2 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autoptr(GArray) props = dt_props(fdt, 0);
    g_autoptr(GError) err = NULL;
    uint32_t cells;
    int len;

    g_assert_cmpuint(props->len, ==, 4);
    g_assert_cmpstr(g_array_index(props, DtProp, 2).name, ==,
                    "compatible");
    g_assert_cmpint(g_array_index(props, DtProp, 2).len, ==, 13);
    g_assert_nonnull(dt_getprop(fdt, 0, "model", &len));
    g_assert_cmpint(len, ==, 31);
    g_assert_null(dt_getprop(fdt, 0, "nope", &len));
    g_assert_null(dt_getprop(fdt, -1, "model", &len));

    g_assert_false(dt_node_cells(fdt, 0, "#address-cells", 2, &cells,
                                         &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_clear_error(&err);
    g_assert_false(dt_node_cells(fdt, 0, "#size-cells", 1, &cells,
                                         &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_true(dt_node_cells(fdt, 0, "#interrupt-cells", 7,
                                        &cells, NULL));
    g_assert_cmpuint(cells, ==, 7);
    g_assert_true(dt_node_is_type(fdt, fdt_path_offset(fdt->blob,
                                                       "/memory"),
                                  "memory"));
    g_assert_false(dt_node_is_type(fdt, 0, "memory"));
}

static void test_memory(void)
{
    TTSpec spec = { .n_mem = 3 };
    g_autoptr(DtBlob) fdt = NULL;
    g_autoptr(GArray) idx = NULL;
    DtMemory mem;
    const DtMemRange *r;

    /* out of order, adjacent and overlapping: merged */
    spec.mem[0] = (DtMemRange){ 0x40000000, 0x40000000 };
    spec.mem[1] = (DtMemRange){ 0, 0x40000000 };
    spec.mem[2] = (DtMemRange){ 0x100000000ull, 0x10000000 };
    fdt = tt_tree(&spec);
    idx = dt_index(fdt, NULL);
    g_assert_true(dt_memory(fdt, idx, &mem, NULL));
    g_assert_cmpuint(mem.ranges->len, ==, 3);
    g_assert_cmpuint(mem.merged->len, ==, 2);
    r = &g_array_index(mem.merged, DtMemRange, 0);
    g_assert_cmphex(r->start, ==, 0);
    g_assert_cmphex(r->size, ==, 0x80000000);
    g_assert_cmphex(mem.total, ==, 0x90000000);
    g_assert_true(dt_memory_contains(&mem, 0x3ffff000, 0x2000));
    g_assert_true(dt_memory_contains(&mem, 0x7fffffff, 1));
    g_assert_false(dt_memory_contains(&mem, 0x7fffffff, 2));
    g_assert_false(dt_memory_contains(&mem, 0x80000000, 0));
    g_assert_true(dt_memory_contains(&mem, 0x100000000ull,
                                     0x10000000));
    g_assert_false(dt_memory_contains(&mem, 0xffffffffffffff00ull,
                                      0x1000));
    dt_memory_clear(&mem);
    g_assert_null(mem.merged);

    /* overlapping nodes */
    spec.mem[2] = (DtMemRange){ 0x20000000, 0x80000000 };
    g_clear_pointer(&fdt, dt_free);
    g_clear_pointer(&idx, g_array_unref);
    fdt = tt_tree(&spec);
    idx = dt_index(fdt, NULL);
    g_assert_true(dt_memory(fdt, idx, &mem, NULL));
    g_assert_cmpuint(mem.merged->len, ==, 1);
    g_assert_cmphex(mem.total, ==, 0xa0000000);
    dt_memory_clear(&mem);
}

static void test_memory_errors(void)
{
    static const uint8_t short_reg[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    uint8_t wrap[16];
    TTProp p = { "/memory@0", "reg", short_reg, sizeof(short_reg) };
    TTSpec spec = { .props = &p, .n_props = 1 };
    g_autoptr(GError) err = NULL;
    DtMemory mem;

    for (int i = 0; i < 2; i++) {
        g_autoptr(DtBlob) fdt = tt_tree(&spec);
        g_autoptr(GArray) idx = dt_index(fdt, NULL);

        g_assert_false(dt_memory(fdt, idx, &mem, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
        g_assert_nonnull(strstr(err->message, "/memory@0"));
        g_assert_null(mem.merged);
        g_clear_error(&err);
        tt_put_be(wrap, 0xffffffff00000000ull, 8);
        tt_put_be(wrap + 8, 0x100000001ull, 8);
        p.value = wrap;
        p.len = 16;
    }
    g_assert_false(dt_parse_reg(wrap, 16, 3, 2, &(GArray *){ NULL },
                                        &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
}

static void test_cpus(void)
{
    TTSpec spec = { .cpus = 3, .threads = 8, .max_cores = 6 };
    static const TTProp no_lrdr[] = {
        { "/rtas", "ibm,lrdr-capacity", NULL, -1 },
    };
    static const uint8_t odd[] = { 0, 0, 0, 0, 1 };
    TTProp bad = { "/cpus/PowerPC,POWER10@8", "ibm,ppc-interrupt-server#s",
                   odd, 5 };
    DtCpus cpus;
    g_autoptr(GError) err = NULL;

    {
        g_autoptr(DtBlob) fdt = tt_tree(&spec);
        g_autoptr(GArray) idx = dt_index(fdt, NULL);

        g_assert_true(dt_cpus(fdt, idx, &cpus, NULL));
        g_assert_cmpuint(cpus.nodes, ==, 3);
        g_assert_cmpuint(cpus.present, ==, 24);
        g_assert_cmpuint(cpus.threads_per_core, ==, 8);
        g_assert_true(cpus.max_known);
        g_assert_cmpuint(cpus.max, ==, 48);
    }
    spec.props = no_lrdr;
    spec.n_props = 1;
    {
        g_autoptr(DtBlob) fdt = tt_tree(&spec);
        g_autoptr(GArray) idx = dt_index(fdt, NULL);

        g_assert_true(dt_cpus(fdt, idx, &cpus, NULL));
        g_assert_false(cpus.max_known);
    }
    spec.props = &bad;
    {
        g_autoptr(DtBlob) fdt = tt_tree(&spec);
        g_autoptr(GArray) idx = dt_index(fdt, NULL);

        g_assert_false(dt_cpus(fdt, idx, &cpus, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
        g_assert_nonnull(strstr(err->message, "not whole cells"));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-nodes/index", test_index);
    g_test_add_func("/fdt-nodes/lookup", test_lookup);
    g_test_add_func("/fdt-nodes/props-and-cells", test_props_and_cells);
    g_test_add_func("/fdt-nodes/memory", test_memory);
    g_test_add_func("/fdt-nodes/memory-errors", test_memory_errors);
    g_test_add_func("/fdt-nodes/cpus", test_cpus);
    return g_test_run();
}
