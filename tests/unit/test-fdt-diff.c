/*
 * Unit tests of tree comparison (lib/fdt/diff.c) and of its text and
 * JSON renderings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fdt/diff.h"
#include "report/fdt-json.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "fdt-test-trees.h"
#include "report/fdt-text.h"

typedef struct Pair {
    DtBlob *a, *b;
    GArray *ia, *ib;
    DtDiff *diff;
} Pair;

static void pair_diff(Pair *p, const TTSpec *a, const TTSpec *b,
                      const char *path)
{
    int ra = 0, rb = 0;

    p->a = tt_tree(a);
    p->b = tt_tree(b);
    p->ia = dt_index(p->a, NULL);
    p->ib = dt_index(p->b, NULL);
    if (path) {
        ra = dt_index_lookup(p->a, p->ia, path, NULL);
        rb = dt_index_lookup(p->b, p->ib, path, NULL);
        g_assert_cmpint(ra, >=, 0);
        g_assert_cmpint(rb, >=, 0);
    }
    p->diff = dt_diff(p->a, p->ia, ra, p->b, p->ib, rb, FALSE);
}

static void pair_clear(Pair *p)
{
    dt_diff_free(p->diff);
    g_array_unref(p->ia);
    g_array_unref(p->ib);
    dt_free(p->a);
    dt_free(p->b);
}

static const DtDiffEntry *entry(const Pair *p, guint i)
{
    g_assert_cmpuint(i, <, p->diff->entries->len);
    return g_ptr_array_index(p->diff->entries, i);
}

static char *text_of(const Pair *p)
{
    GString *s = g_string_new(NULL);

    report_fdt_text_diff(s, p->diff, "a.dtb", "b.dtb");
    return g_string_free(s, FALSE);
}

static void test_equal(void)
{
    TTSpec spec = { 0 };
    Pair p;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    JsonNode *node;

    pair_diff(&p, &spec, &spec, NULL);
    g_assert_cmpuint(p.diff->entries->len, ==, 0);
    text = text_of(&p);
    g_assert_cmpstr(text, ==, "--- a.dtb\n+++ b.dtb\n");
    node = report_fdt_json_diff(p.diff, "a.dtb", "b.dtb");
    json = qf_json_to_string(node);
    json_node_unref(node);
    g_assert_nonnull(strstr(json, "\"equal\" : true"));
    pair_clear(&p);
}

/* First boot against capture boot: ibm,kernel-dump appears, decoded */
static void test_first_vs_capture(void)
{
    uint8_t fdm[200];
    TTSpec first = { 0 };
    TTSpec capture = { .kernel_dump = fdm };
    Pair p;
    const DtDiffEntry *e;
    g_autofree char *text = NULL;

    capture.kernel_dump_len = tt_fdm(fdm, 0xde0);
    pair_diff(&p, &first, &capture, NULL);
    g_assert_cmpuint(p.diff->entries->len, ==, 1);
    e = entry(&p, 0);
    g_assert_cmpint(e->kind, ==, DT_DIFF_PROP_ADDED);
    g_assert_cmpstr(e->path, ==, "/rtas");
    g_assert_cmpstr(e->property, ==, DT_PROP_KERNEL_DUMP);
    g_assert_null(e->old_value);
    g_assert_cmpint(e->new_value->kind, ==, DT_VALUE_KERNEL_DUMP);
    text = text_of(&p);
    g_assert_true(g_str_has_prefix(text, "--- a.dtb\n+++ b.dtb\n"
                                   "+ /rtas: ibm,kernel-dump = dump memory"
                                   " structure, 200 bytes {\n"
                                   "+         format version 1, 4 sections"));
    g_assert_nonnull(strstr(text, "+         section 2: real-mode"));
    g_assert_true(g_str_has_suffix(text, "\n+     }\n"));
    pair_clear(&p);

    /* the other way round: removed */
    pair_diff(&p, &capture, &first, "/rtas");
    g_assert_cmpuint(p.diff->entries->len, ==, 1);
    g_assert_cmpint(entry(&p, 0)->kind, ==, DT_DIFF_PROP_REMOVED);
    pair_clear(&p);
}

/* A changed structure: only the decoded lines that differ */
static void test_changed(void)
{
    uint8_t f1[200], f2[200];
    TTSpec a = { .kernel_dump = f1, .kernel_dump_len = 200 };
    TTSpec b = { .kernel_dump = f2, .kernel_dump_len = 200 };
    Pair p;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    JsonNode *node;

    tt_fdm(f1, 0xde0);
    tt_fdm(f2, 0xde0);
    tt_put_be(f2 + TT_SEC(2) + TT_SEC_DUMPED, 0x1000, 8);
    pair_diff(&p, &a, &b, NULL);
    g_assert_cmpuint(p.diff->entries->len, ==, 1);
    g_assert_cmpint(entry(&p, 0)->kind, ==, DT_DIFF_PROP_CHANGED);
    text = text_of(&p);
    g_assert_cmpstr(text, ==,
        "--- a.dtb\n+++ b.dtb\n"
        "~ /rtas: ibm,kernel-dump\n"
        "-             source 0x0, length 0x40000000, bytes dumped 0x40000000,"
        " destination 0x40010000\n"
        "+             source 0x0, length 0x40000000, bytes dumped 0x1000,"
        " destination 0x40010000\n");
    node = report_fdt_json_diff(p.diff, "a.dtb", "b.dtb");
    json = qf_json_to_string(node);
    json_node_unref(node);
    g_assert_nonnull(strstr(json, "\"change\" : \"property-changed\""));
    g_assert_nonnull(strstr(json, "\"bytes_dumped\" : \"0x1000\""));
    pair_clear(&p);
}

static void test_nodes(void)
{
    static const uint8_t one[] = { 0, 0, 0, 1 };
    static const TTProp bootargs[] = {
        { "/chosen", "bootargs", "quiet", 6 },
        { "/chosen", "linux,stdout", "hvc", 4 },
        { "/", "model", NULL, -1 },
        { "/", "new", one, 4 },
    };
    TTSpec a = { .cpus = 4 };
    TTSpec b = { .cpus = 2, .n_mem = 2, .props = bootargs,
                 .n_props = G_N_ELEMENTS(bootargs) };
    Pair p;
    g_autofree char *text = NULL;

    b.mem[0] = (DtMemRange){ 0, 0x40000000 };
    b.mem[1] = (DtMemRange){ 0x40000000, 0xc0000000 };
    pair_diff(&p, &a, &b, NULL);
    text = text_of(&p);
    g_assert_cmpstr(text, ==,
        "--- a.dtb\n+++ b.dtb\n"
        "- /: model = \"IBM pSeries (emulated by qemu)\"\n"
        "+ /: new = <0x1>\n"
        "~ /chosen: bootargs\n"
        "-     \"console=hvc0 fadump=on crashkernel=1G\"\n"
        "+     \"quiet\"\n"
        "+ /chosen: linux,stdout = \"hvc\"\n"
        "- node /cpus/PowerPC,POWER10@2 (3 properties, 0 nodes below)\n"
        "- node /cpus/PowerPC,POWER10@3 (3 properties, 0 nodes below)\n"
        "~ /memory@0: reg\n"
        "-     0x0 size 0x100000000\n"
        "+     0x0 size 0x40000000\n"
        "+ node /memory@40000000 (2 properties, 0 nodes below)\n"
        "~ /rtas: ibm,lrdr-capacity\n"
        "-     max address 0x100000000, LMB size 0x10000000, max processors"
        " 4\n"
        "+     max address 0x100000000, LMB size 0x10000000, max processors"
        " 2\n"
        "~ /rtas: ibm,configure-kernel-dump-sizes\n"
        "-     cpu-state (type 0x0001) 0xde0 bytes, hpte (type 0x0002) 0x0"
        " bytes\n"
        "+     cpu-state (type 0x0001) 0x700 bytes, hpte (type 0x0002) 0x0"
        " bytes\n");
    pair_clear(&p);

    /* a subtree only */
    pair_diff(&p, &a, &b, "/cpus");
    g_assert_cmpuint(p.diff->entries->len, ==, 2);
    g_assert_cmpint(entry(&p, 0)->kind, ==, DT_DIFF_NODE_REMOVED);
    g_assert_cmpuint(entry(&p, 0)->properties, ==, 3);
    pair_clear(&p);

    /* a whole subtree folded in one entry */
    pair_diff(&p, &b, &a, "/");
    g_assert_cmpint(entry(&p, 5)->kind, ==, DT_DIFF_NODE_ADDED);
    pair_clear(&p);
}

/* Different subtrees of two trees are matched below their roots */
static void test_subtree_roots(void)
{
    TTSpec spec = { .cpus = 2 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autoptr(GArray) idx = dt_index(fdt, NULL);
    int c0 = dt_index_lookup(fdt, idx, "/cpus/PowerPC,POWER10@0",
                             NULL);
    int c1 = dt_index_lookup(fdt, idx, "/cpus/PowerPC,POWER10@1",
                             NULL);
    g_autoptr(DtDiff) d = dt_diff(fdt, idx, c0, fdt, idx, c1,
                                  FALSE);
    const DtDiffEntry *e;

    /* reg and the interrupt server differ, device_type does not */
    g_assert_cmpuint(d->entries->len, ==, 2);
    e = g_ptr_array_index(d->entries, 0);
    g_assert_cmpint(e->kind, ==, DT_DIFF_PROP_CHANGED);
    g_assert_cmpstr(e->property, ==, "reg");
    g_assert_cmpint(e->old_value->kind, ==, DT_VALUE_REG);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-diff/equal", test_equal);
    g_test_add_func("/fdt-diff/first-vs-capture", test_first_vs_capture);
    g_test_add_func("/fdt-diff/changed", test_changed);
    g_test_add_func("/fdt-diff/nodes", test_nodes);
    g_test_add_func("/fdt-diff/subtree-roots", test_subtree_roots);
    return g_test_run();
}
