/*
 * Unit tests of property decoding (lib/fdt/decode.c, fdt/rtas.c) and
 * of how each decoded kind is rendered, as text (report/fdt-text.c) and as JSON
 * (report/fdt-json.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "common/error.h"
#include "papr/fdm.h"
#include "fdt/decode.h"
#include "report/fdt-json.h"
#include "fdt/platform.h"
#include "fdt/rtas.h"
#include "fdt-test-trees.h"
#include "report/fdt-text.h"

static const DtDecodeCtx rtas_ctx = {
    .in_rtas = TRUE, .reg_cells_known = TRUE, .addr_cells = 2,
    .size_cells = 2,
};
static const DtDecodeCtx node_ctx = {
    .reg_cells_known = TRUE, .addr_cells = 2, .size_cells = 2,
};

static DtValue *decode(const DtDecodeCtx *ctx, const char *name,
                       const void *raw, int len)
{
    return dt_value_decode(ctx, name, raw, len);
}

/* The text of @v, lines joined with '\n' */
static char *text_of(const DtValue *v)
{
    g_auto(GStrv) lines = report_fdt_text_value_lines(v);

    return g_strjoinv("\n", lines);
}

/* The JSON members of @v as one compact object */
static char *json_of(const DtValue *v)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(b);
    report_fdt_json_value(b, v);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

static void expect(const DtValue *v, DtValueKind kind,
                   const char *text, const char *json)
{
    g_autofree char *t = text_of(v);
    g_autofree char *j = json_of(v);

    g_assert_cmpstr(dt_value_kind_name(v->kind), ==,
                    dt_value_kind_name(kind));
    g_assert_cmpstr(t, ==, text);
    if (json) {
        g_assert_cmpstr(j, ==, json);
    }
}

static void test_generic(void)
{
    static const uint8_t cells[] = { 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef };
    static const uint8_t bytes[] = { 0, 1, 0x0a };
    static const char strings[] = "a\"b\0second";
    static const char not_strings[] = "a\0\0b";
    g_autoptr(DtValue) e = decode(&node_ctx, "ibm,extended-os-term",
                                  NULL, 0);
    g_autoptr(DtValue) c = decode(&node_ctx, "x", cells, 8);
    g_autoptr(DtValue) b = decode(&node_ctx, "x", bytes, 3);
    g_autoptr(DtValue) s = decode(&node_ctx, "compatible", strings,
                                  sizeof(strings));
    g_autoptr(DtValue) ns = decode(&node_ctx, "x", not_strings,
                                   sizeof(not_strings));

    expect(e, DT_VALUE_EMPTY, "",
           "{\"kind\":\"empty\",\"length\":0,\"value\":true}");
    expect(c, DT_VALUE_CELLS, "<0x1 0xdeadbeef>",
           "{\"kind\":\"cells\",\"length\":8,\"raw\":\"00000001deadbeef\","
           "\"value\":[1,3735928559]}");
    expect(b, DT_VALUE_BYTES, "[00 01 0a]",
           "{\"kind\":\"bytes\",\"length\":3,\"raw\":\"00010a\","
           "\"value\":null}");
    expect(s, DT_VALUE_STRINGS, "\"a\\\"b\", \"second\"", NULL);
    g_assert_cmpstr(s->u.strings[0], ==, "a\"b");
    g_assert_cmpstr(s->u.strings[1], ==, "second");
    g_assert_null(s->u.strings[2]);
    /* an empty string inside: not strings; 5 bytes: not cells */
    g_assert_cmpint(ns->kind, ==, DT_VALUE_BYTES);
}

static void test_tokens(void)
{
    static const uint8_t tok[] = { 0, 0, 0x20, 0x2d };
    g_autoptr(DtValue) t = decode(&rtas_ctx, "ibm,os-term", tok, 4);
    g_autoptr(DtValue) f = decode(&node_ctx, DT_PROP_TOKEN, tok, 4);
    g_autoptr(DtValue) elsewhere = decode(&node_ctx, "ibm,os-term",
                                          tok, 4);
    g_autoptr(DtValue) unknown = decode(&rtas_ctx, "rtas-size", tok, 4);
    g_autoptr(DtValue) bad = decode(&rtas_ctx, "power-off", tok, 3);

    expect(t, DT_VALUE_RTAS_TOKEN, "RTAS token 0x202d",
           "{\"kind\":\"rtas-token\",\"length\":4,\"raw\":\"0000202d\","
           "\"value\":{\"token\":8237}}");
    /* the fadump token is known by its name anywhere */
    g_assert_cmpint(f->kind, ==, DT_VALUE_RTAS_TOKEN);
    /* call names are tokens only in /rtas */
    g_assert_cmpint(elsewhere->kind, ==, DT_VALUE_CELLS);
    g_assert_cmpint(unknown->kind, ==, DT_VALUE_CELLS);
    expect(bad, DT_VALUE_INVALID, "[00 00 20] /* not a valid rtas-token:"
           " 3 bytes, an RTAS token is one 32-bit cell */", NULL);

    g_assert_true(dt_rtas_is_call("ibm,configure-kernel-dump"));
    g_assert_true(dt_rtas_is_call("start-cpu"));
    g_assert_false(dt_rtas_is_call("ibm,extended-os-term"));
    g_assert_false(dt_rtas_is_call("rtas-size"));
    g_assert_true(dt_rtas_is_fadump_prop("ibm,kernel-dump"));
    g_assert_false(dt_rtas_is_fadump_prop("ibm,os-term"));
}

static void test_dump_sizes(void)
{
    uint8_t raw[36];
    g_autoptr(DtValue) v = NULL;
    g_autoptr(DtValue) bad = NULL;
    g_autoptr(GArray) sizes = NULL;
    g_autoptr(GError) err = NULL;

    tt_put_be(raw, 1, 4);
    tt_put_be(raw + 4, 0, 4);
    tt_put_be(raw + 8, 0xde0, 4);
    tt_put_be(raw + 12, 2, 4);
    tt_put_be(raw + 16, 1, 4);
    tt_put_be(raw + 20, 0, 4);
    tt_put_be(raw + 24, 0x01000000, 4);
    tt_put_be(raw + 28, 0, 4);
    tt_put_be(raw + 32, 5, 4);
    v = decode(&rtas_ctx, DT_PROP_SIZES, raw, 36);
    expect(v, DT_VALUE_DUMP_SIZES, "cpu-state (type 0x0001) 0xde0 bytes,"
           " hpte (type 0x0002) 0x100000000 bytes, unknown (type 0x1000000)"
           " 0x5 bytes", NULL);
    g_assert_cmpuint(v->u.sizes->len, ==, 3);
    g_assert_cmphex(g_array_index(v->u.sizes, DtDumpSize, 1).size, ==,
                    1ull << 32);
    {
        g_autofree char *j = json_of(v);

        g_assert_nonnull(strstr(j, "{\"type\":1,\"type_name\":\"cpu-state\","
                                   "\"size\":3552}"));
        g_assert_nonnull(strstr(j, "{\"type\":16777216,\"type_name\":"
                                   "\"unknown\",\"size\":5}"));
    }
    bad = decode(&rtas_ctx, DT_PROP_SIZES, raw, 13);
    g_assert_cmpint(bad->kind, ==, DT_VALUE_INVALID);
    g_assert_cmpint(bad->expected, ==, DT_VALUE_DUMP_SIZES);
    g_assert_false(dt_decode_dump_sizes(raw, 0, &sizes, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
}

static void test_dump_version(void)
{
    static const uint8_t ver[] = { 0, 1, 0, 2 };
    g_autoptr(DtValue) v = decode(&rtas_ctx, DT_PROP_VERSION, ver, 4);
    g_autoptr(DtValue) bad = decode(&rtas_ctx, DT_PROP_VERSION, ver,
                                    8 / 4);

    expect(v, DT_VALUE_DUMP_VERSION, "dump format versions 1 to 2",
           "{\"kind\":\"fadump-version\",\"length\":4,\"raw\":\"00010002\","
           "\"value\":{\"min\":1,\"max\":2}}");
    expect(bad, DT_VALUE_INVALID, "[00 01] /* not a valid fadump-version:"
           " 2 bytes, not two 16-bit versions (min, max) */", NULL);
}

static void test_lrdr(void)
{
    uint8_t raw[20];
    g_autoptr(DtValue) v = NULL;
    g_autoptr(DtValue) bad = NULL;

    tt_put_be(raw, 0x100000000ull, 8);
    tt_put_be(raw + 8, 0x10000000, 8);
    tt_put_be(raw + 16, 4, 4);
    v = decode(&rtas_ctx, DT_PROP_LRDR_CAPACITY, raw, 20);
    expect(v, DT_VALUE_LRDR_CAPACITY, "max address 0x100000000, LMB size"
           " 0x10000000, max processors 4", NULL);
    bad = decode(&rtas_ctx, DT_PROP_LRDR_CAPACITY, raw, 16);
    g_assert_cmpint(bad->kind, ==, DT_VALUE_INVALID);
}

static void test_reg(void)
{
    uint8_t raw[32];
    DtDecodeCtx one = { .reg_cells_known = TRUE, .addr_cells = 1 };
    DtDecodeCtx pci = { .reg_cells_known = TRUE, .addr_cells = 3,
                            .size_cells = 2 };
    g_autoptr(DtValue) v = NULL;
    g_autoptr(DtValue) cpu = NULL;
    g_autoptr(DtValue) wrap = NULL;
    g_autoptr(DtValue) three = NULL;

    tt_put_be(raw, 0, 8);
    tt_put_be(raw + 8, 0x40000000, 8);
    tt_put_be(raw + 16, 0x100000000ull, 8);
    tt_put_be(raw + 24, 0x80000000, 8);
    v = decode(&node_ctx, "reg", raw, 32);
    expect(v, DT_VALUE_REG, "0x0 size 0x40000000, 0x100000000 size"
           " 0x80000000", NULL);
    {
        g_autofree char *j = json_of(v);

        g_assert_nonnull(strstr(j, "\"value\":[{\"address\":0,\"size\":"
                                   "1073741824},{\"address\":4294967296,"
                                   "\"size\":2147483648}]"));
    }
    /* #size-cells 0 (cpu nodes): addresses only */
    cpu = decode(&one, "reg", raw + 12, 4);
    expect(cpu, DT_VALUE_REG, "0x40000000",
           "{\"kind\":\"reg\",\"length\":4,\"raw\":\"40000000\","
           "\"value\":[{\"address\":1073741824}]}");
    /* a range past 2^64 */
    tt_put_be(raw, 0xffffffffffff0000ull, 8);
    wrap = decode(&node_ctx, "reg", raw, 16);
    g_assert_cmpint(wrap->kind, ==, DT_VALUE_INVALID);
    g_assert_nonnull(strstr(wrap->error, "wraps past 2^64"));
    /* 3 address cells (PCI): shown as cells */
    three = decode(&pci, "reg", raw, 20);
    g_assert_cmpint(three->kind, ==, DT_VALUE_CELLS);
}

static void test_kernel_dump(void)
{
    uint8_t fdm[200];
    g_autoptr(DtValue) v = NULL;
    g_autoptr(DtValue) bad = NULL;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *value, *sec;

    tt_fdm(fdm, 0xde0);
    tt_put_be(fdm + 6, 0xe000, 2);
    tt_put_be(fdm + TT_SEC(2) + TT_SEC_ERROR, 0x4800, 2);
    tt_put_be(fdm + TT_SEC(2) + TT_SEC_DUMPED, 0, 8);
    v = decode(&rtas_ctx, DT_PROP_KERNEL_DUMP, fdm, 200);
    g_assert_cmpint(v->kind, ==, DT_VALUE_KERNEL_DUMP);
    g_assert_cmpuint(v->u.fdm->num_sections, ==, 4);
    text = text_of(v);
    g_assert_cmpstr(text, ==,
        "dump memory structure, 200 bytes {\n"
        "    format version 1, 4 sections from offset 40 (200 bytes)\n"
        "    status flags 0xe000: dump-performed,dump-triggered,dump-error\n"
        "    disk dump: block size 0, block offset 0x0, blocks 0, path offset"
        " 0; automatic dump-reboot time 0\n"
        "    section 0: cpu-state (type 0x0001), request flag 0x1"
        " (requested), error flags 0x0000: none\n"
        "        source 0x0, length 0xde0, bytes dumped 0xde0, destination"
        " 0x40000000\n"
        "    section 1: hpte (type 0x0002), request flag 0x1 (requested),"
        " error flags 0x0000: none\n"
        "        source 0x0, length 0x0, bytes dumped 0x0, destination"
        " 0x40000de0\n"
        "    section 2: real-mode (type 0x0011), request flag 0x1"
        " (requested), error flags 0x4800: invalid-source,"
        "destination-too-small\n"
        "        source 0x0, length 0x40000000, bytes dumped 0x0,"
        " destination 0x40010000\n"
        "    section 3: param-area (type 0x0100), request flag 0x1"
        " (requested), error flags 0x0000: none\n"
        "        source 0x3ffff800, length 0x800, bytes dumped 0x800,"
        " destination 0x3ffff800\n"
        "}");

    json = json_of(v);
    g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
    value = json_object_get_object_member(
        json_node_get_object(json_parser_get_root(parser)), "value");
    g_assert_cmpint(json_object_get_int_member(value, "status_flags"), ==,
                    0xe000);
    g_assert_cmpuint(json_array_get_length(
                         json_object_get_array_member(value, "status")), ==,
                     3);
    g_assert_cmpuint(json_array_get_length(
                         json_object_get_array_member(value, "sections")), ==,
                     4);
    sec = json_array_get_object_element(
        json_object_get_array_member(value, "sections"), 2);
    g_assert_cmpstr(json_object_get_string_member(sec, "type_name"), ==,
                    "real-mode");
    g_assert_cmpstr(json_object_get_string_member(sec, "destination"), ==,
                    "0x40010000");
    g_assert_cmpint(json_object_get_int_member(sec, "error_flags"), ==,
                    0x4800);
    g_assert_cmpstr(json_array_get_string_element(
                        json_object_get_array_member(sec, "errors"), 1), ==,
                    "destination-too-small");
    g_assert_true(json_object_get_boolean_member(sec, "requested"));

    /* truncated: raw with the reason */
    bad = decode(&rtas_ctx, DT_PROP_KERNEL_DUMP, fdm, 120);
    g_assert_cmpint(bad->kind, ==, DT_VALUE_INVALID);
    g_assert_cmpint(bad->expected, ==, DT_VALUE_KERNEL_DUMP);
    g_assert_nonnull(strstr(bad->error, "need 200 bytes, 120 available"));
}

static void test_big_values(void)
{
    uint8_t fdm[200];
    g_autoptr(DtValue) v = NULL;
    g_autofree char *json = NULL;

    /* 64-bit values json-glib cannot write as numbers: strings */
    tt_fdm(fdm, 0xde0);
    tt_put_be(fdm + TT_SEC(2) + TT_SEC_DEST, 0xfedcba9876543210ull, 8);
    v = decode(&rtas_ctx, DT_PROP_KERNEL_DUMP, fdm, 200);
    json = json_of(v);
    g_assert_nonnull(strstr(json, "\"destination\":\"0xfedcba9876543210\""));
}

static void test_raw(void)
{
    static const uint8_t ver[] = { 0, 1, 0, 1 };
    DtDecodeCtx raw = rtas_ctx;
    g_autoptr(DtValue) v = NULL;

    raw.raw = TRUE;
    v = decode(&raw, DT_PROP_VERSION, ver, 4);
    expect(v, DT_VALUE_CELLS, "<0x10001>", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-decode/generic", test_generic);
    g_test_add_func("/fdt-decode/tokens", test_tokens);
    g_test_add_func("/fdt-decode/dump-sizes", test_dump_sizes);
    g_test_add_func("/fdt-decode/dump-version", test_dump_version);
    g_test_add_func("/fdt-decode/lrdr-capacity", test_lrdr);
    g_test_add_func("/fdt-decode/reg", test_reg);
    g_test_add_func("/fdt-decode/kernel-dump", test_kernel_dump);
    g_test_add_func("/fdt-decode/big-values", test_big_values);
    g_test_add_func("/fdt-decode/raw", test_raw);
    return g_test_run();
}
