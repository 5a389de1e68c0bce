/*
 * Unit tests of the tree and check-report renderings (lib/report/fdt-text.c,
 * report/fdt-json.c): dtc-like text with decoded values, nested JSON, names
 * from hostile trees made safe for a terminal and for JSON.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <libfdt.h>
#include <string.h>

#include "fdt/check.h"
#include "report/fdt-json.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "fdt-test-trees.h"
#include "report/fdt-text.h"

static char *tree_text(const DtBlob *fdt, const char *path, gboolean raw)
{
    g_autoptr(GArray) idx = dt_index(fdt, NULL);
    GString *s = g_string_new(NULL);
    int start = dt_index_lookup(fdt, idx, path, NULL);

    g_assert_cmpint(start, >=, 0);
    report_fdt_text_tree(s, fdt, idx, start, raw);
    return g_string_free(s, FALSE);
}

static JsonNode *tree_json(const DtBlob *fdt, const char *path)
{
    g_autoptr(GArray) idx = dt_index(fdt, NULL);
    g_autoptr(JsonParser) p = json_parser_new();
    g_autofree char *text = NULL;
    JsonNode *node = report_fdt_json_tree(fdt, idx,
                                          dt_index_lookup(fdt, idx, path,
                                                          NULL), FALSE);

    /* what is written parses back */
    text = qf_json_to_string(node);
    g_assert_true(g_utf8_validate(text, -1, NULL));
    g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
    return node;
}

static void test_text_subtree(void)
{
    TTSpec spec = { .cpus = 1 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autofree char *cpus = tree_text(fdt, "/cpus", FALSE);
    g_autofree char *raw = tree_text(fdt, "/memory", TRUE);

    g_assert_cmpstr(cpus, ==,
        "/cpus {\n"
        "    #address-cells = <0x1>;\n"
        "    #size-cells = <0x0>;\n"
        "\n"
        "    PowerPC,POWER10@0 {\n"
        "        device_type = \"cpu\";\n"
        "        reg = 0x0;\n"
        "        ibm,ppc-interrupt-server#s = <0x0>;\n"
        "    };\n"
        "};\n");
    g_assert_cmpstr(raw, ==,
        "/memory@0 {\n"
        "    device_type = \"memory\";\n"
        "    reg = <0x0 0x0 0x1 0x0>;\n"
        "};\n");
}

static void test_text_rtas(void)
{
    uint8_t fdm[200];
    TTSpec spec = { .kernel_dump = fdm, .kernel_dump_len = 200 };
    g_autoptr(DtBlob) fdt = NULL;
    g_autofree char *text = NULL;

    tt_fdm(fdm, 0xde0);
    fdt = tt_tree(&spec);
    text = tree_text(fdt, "/rtas", FALSE);
    g_assert_true(g_str_has_prefix(text,
        "/rtas {\n"
        "    rtas-size = <0x2000>;\n"
        "    get-time-of-day = RTAS token 0x2001;\n"
        "    ibm,os-term = RTAS token 0x2013;\n"
        "    ibm,configure-kernel-dump = RTAS token 0x2024;\n"
        "    ibm,extended-os-term;\n"
        "    ibm,lrdr-capacity = max address 0x100000000, LMB size"
        " 0x10000000, max processors 4;\n"
        "    ibm,configure-kernel-dump-sizes = cpu-state (type 0x0001) 0xde0"
        " bytes, hpte (type 0x0002) 0x0 bytes;\n"
        "    ibm,configure-kernel-dump-version = dump format versions 1 to"
        " 1;\n"
        "    ibm,kernel-dump = dump memory structure, 200 bytes {\n"
        "        format version 1, 4 sections from offset 40 (200 bytes)\n"));
    g_assert_true(g_str_has_suffix(text,
        "            source 0x3ffff800, length 0x800, bytes dumped 0x800,"
        " destination 0x3ffff800\n"
        "    };\n"
        "};\n"));
}

static void test_json_tree(void)
{
    TTSpec spec = { .cpus = 2 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    JsonNode *root = tree_json(fdt, "/");
    JsonObject *node = json_object_get_object_member(
        json_node_get_object(root), "node");
    JsonArray *children = json_object_get_array_member(node, "children");
    JsonObject *cpus = json_array_get_object_element(children, 1);
    JsonObject *cpu1 = json_array_get_object_element(
        json_object_get_array_member(cpus, "children"), 1);
    JsonObject *prop = json_array_get_object_element(
        json_object_get_array_member(cpu1, "properties"), 0);

    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(root),
                                                  "origin"), ==, "test.dtb");
    g_assert_cmpstr(json_object_get_string_member(node, "path"), ==, "/");
    g_assert_cmpuint(json_array_get_length(children), ==, 4);
    g_assert_cmpstr(json_object_get_string_member(cpus, "path"), ==, "/cpus");
    g_assert_cmpstr(json_object_get_string_member(cpu1, "name"), ==,
                    "PowerPC,POWER10@1");
    g_assert_cmpstr(json_object_get_string_member(prop, "name"), ==,
                    "device_type");
    g_assert_cmpstr(json_object_get_string_member(prop, "kind"), ==,
                    "strings");
    g_assert_cmpstr(json_array_get_string_element(
                        json_object_get_array_member(prop, "value"), 0), ==,
                    "cpu");
    json_node_unref(root);
}

/* Node and property names that are not text */
static void test_hostile_names(void)
{
    void *buf = g_malloc0(4096);
    g_autoptr(GError) err = NULL;
    g_autoptr(DtBlob) fdt = NULL;
    g_autofree char *text = NULL;
    JsonNode *root;
    g_autofree char *json = NULL;

    g_assert_cmpint(fdt_create(buf, 4096), ==, 0);
    g_assert_cmpint(fdt_finish_reservemap(buf), ==, 0);
    g_assert_cmpint(fdt_begin_node(buf, ""), ==, 0);
    g_assert_cmpint(fdt_begin_node(buf, "esc\x1b[31mape\xff\xfe"), ==, 0);
    g_assert_cmpint(fdt_property(buf, "p\xc3\x28\x07", "v", 2), ==, 0);
    g_assert_cmpint(fdt_end_node(buf), ==, 0);
    g_assert_cmpint(fdt_end_node(buf), ==, 0);
    g_assert_cmpint(fdt_finish(buf), ==, 0);
    fdt = dt_new_from_data(buf, fdt_totalsize(buf), "hostile.dtb",
                                   &err);
    g_assert_no_error(err);

    text = tree_text(fdt, "/", FALSE);
    g_assert_cmpstr(text, ==,
        "/ {\n"
        "\n"
        "    esc\\x1b[31mape\\xff\\xfe {\n"
        "        p\\xc3(\\x07 = \"v\";\n"
        "    };\n"
        "};\n");
    root = tree_json(fdt, "/");
    json = qf_json_to_string(root);
    g_assert_null(strchr(json, '\x1b'));
    g_assert_true(g_utf8_validate(json, -1, NULL));
    json_node_unref(root);
    g_free(buf);
}

static void test_check_report(void)
{
    static const TTProp no_ext[] = {
        { "/rtas", DT_PROP_EXT_OS_TERM, NULL, -1 },
    };
    TTSpec spec = { .props = no_ext, .n_props = 1 };
    g_autoptr(DtBlob) fdt = tt_tree(&spec);
    g_autoptr(GArray) idx = dt_index(fdt, NULL);
    g_autoptr(DtCheckReport) r = dt_check(fdt, idx);
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(JsonParser) p = json_parser_new();
    g_autofree char *json = NULL;
    JsonNode *node;
    JsonObject *o, *problem;

    report_fdt_text_check(s, r);
    report_fdt_text_check_summary(s, r, "test.dtb");
    g_assert_cmpstr(s->str, ==,
        "/rtas: ibm,extended-os-term: missing: Linux does not call"
        " ibm,os-term without it, so the dump is never triggered\n"
        "test.dtb: fadump offered; 4 CPUs present, at most 4; memory"
        " 0x100000000 bytes; 1 problem\n");

    node = report_fdt_json_check(r, "test.dtb");
    json = qf_json_to_string(node);
    json_node_unref(node);
    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    o = json_node_get_object(json_parser_get_root(p));
    g_assert_false(json_object_get_boolean_member(o, "ok"));
    g_assert_true(json_object_get_boolean_member(o, "offered"));
    g_assert_false(json_object_get_boolean_member(o, "dump_active"));
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(o, "cpus"), "present"),
                    ==, 4);
    g_assert_cmpint(json_object_get_int_member(o, "memory_total"), ==,
                    4ll << 30);
    problem = json_array_get_object_element(
        json_object_get_array_member(o, "problems"), 0);
    g_assert_cmpstr(json_object_get_string_member(problem, "path"), ==,
                    "/rtas");
    g_assert_cmpstr(json_object_get_string_member(problem, "property"), ==,
                    DT_PROP_EXT_OS_TERM);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-render/text-subtree", test_text_subtree);
    g_test_add_func("/fdt-render/text-rtas", test_text_rtas);
    g_test_add_func("/fdt-render/json-tree", test_json_tree);
    g_test_add_func("/fdt-render/hostile-names", test_hostile_names);
    g_test_add_func("/fdt-render/check-report", test_check_report);
    return g_test_run();
}
