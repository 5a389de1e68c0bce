/*
 * Unit tests of the dump memory structure's JSON schema (lib/report/fdm.c),
 * the one both fdt-inspect and fadump-extract write: member names, which
 * are numbers and which "0x..." strings, flag names as arrays, and 64-bit
 * values past 2^53 kept exact.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "common/json.h"
#include "report/fdm.h"

static JsonObject *render(const PaprFdm *fdm, JsonParser *parser)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *text = NULL;
    JsonNode *node;

    json_builder_begin_object(b);
    report_fdm_json_members(b, fdm);
    json_builder_end_object(b);
    node = json_builder_get_root(b);
    text = qf_json_to_string(node);
    json_node_unref(node);
    g_assert_true(json_parser_load_from_data(parser, text, -1, NULL));
    return json_node_get_object(json_parser_get_root(parser));
}

static void assert_number(JsonObject *o, const char *member, gint64 v)
{
    JsonNode *n = json_object_get_member(o, member);

    g_assert_nonnull(n);
    g_assert_cmpint(json_node_get_value_type(n), ==, G_TYPE_INT64);
    g_assert_cmpint(json_node_get_int(n), ==, v);
}

static void assert_hex(JsonObject *o, const char *member, const char *v)
{
    JsonNode *n = json_object_get_member(o, member);

    g_assert_nonnull(n);
    g_assert_cmpint(json_node_get_value_type(n), ==, G_TYPE_STRING);
    g_assert_cmpstr(json_node_get_string(n), ==, v);
}

static void assert_names(JsonObject *o, const char *member,
                         const char *const *names)
{
    JsonArray *a = json_object_get_array_member(o, member);
    guint n = g_strv_length((char **)names);

    g_assert_nonnull(a);
    g_assert_cmpuint(json_array_get_length(a), ==, n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpstr(json_array_get_string_element(a, i), ==, names[i]);
    }
}

static void test_schema(void)
{
    PaprFdm fdm = {
        .version = 1,
        .num_sections = 2,
        .status_flags = PAPR_STATUS_PERFORMED | PAPR_STATUS_TRIGGERED,
        .first_offset = PAPR_FDM_HEADER_SIZE,
        .dd_block_offset = 0x123456789abcdef0ULL,
        .dd_num_blocks = 7,
        .max_time_auto = 30,
    };
    g_autoptr(JsonParser) parser = json_parser_new();
    const char *const status[] = { "dump-performed", "dump-triggered", NULL };
    const char *const none[] = { NULL };
    const char *const errors[] = { "invalid-source", "destination-too-small",
                                   NULL };
    JsonObject *o, *s0, *s1;
    JsonArray *secs;

    fdm.sections[0] = (PaprSection) {
        .request_flag = PAPR_REQUEST_FLAG, .type = PAPR_TYPE_CPU_STATE,
        .destination = 0x40000000, .length = 0x13e0, .bytes_dumped = 0x13e0,
    };
    fdm.sections[1] = (PaprSection) {
        .request_flag = 0, .type = PAPR_TYPE_REAL_MODE,
        .error_flags = PAPR_SECERR_INVALID_SRC | PAPR_SECERR_DEST_SMALL,
        /* past 2^53: a JSON number would round */
        .source = 0xfffffffffffff001ULL, .length = 0x20000000000001ULL,
        .destination = 0x40010000,
    };
    o = render(&fdm, parser);
    assert_number(o, "version", 1);
    assert_number(o, "num_sections", 2);
    assert_number(o, "first_section_offset", PAPR_FDM_HEADER_SIZE);
    assert_number(o, "size", (gint64)papr_fdm_size(&fdm));
    assert_number(o, "status_flags", 0xc000);
    assert_names(o, "status", status);
    assert_number(o, "dd_block_size", 0);
    assert_hex(o, "dd_block_offset", "0x123456789abcdef0");
    assert_hex(o, "dd_num_blocks", "0x7");
    assert_number(o, "dd_offset_disk_path", 0);
    assert_number(o, "max_time_auto", 30);

    secs = json_object_get_array_member(o, "sections");
    g_assert_cmpuint(json_array_get_length(secs), ==, 2);
    s0 = json_array_get_object_element(secs, 0);
    s1 = json_array_get_object_element(secs, 1);
    assert_number(s0, "index", 0);
    assert_number(s0, "type", PAPR_TYPE_CPU_STATE);
    g_assert_cmpstr(json_object_get_string_member(s0, "type_name"), ==,
                    "cpu-state");
    assert_number(s0, "request_flag", 1);
    g_assert_true(json_object_get_boolean_member(s0, "requested"));
    assert_number(s0, "error_flags", 0);
    assert_names(s0, "errors", none);
    assert_hex(s0, "source", "0x0");
    assert_hex(s0, "length", "0x13e0");
    assert_hex(s0, "bytes_dumped", "0x13e0");
    assert_hex(s0, "destination", "0x40000000");

    assert_number(s1, "index", 1);
    assert_number(s1, "type", PAPR_TYPE_REAL_MODE);
    g_assert_false(json_object_get_boolean_member(s1, "requested"));
    assert_number(s1, "error_flags", 0x4800);
    assert_names(s1, "errors", errors);
    assert_hex(s1, "source", "0xfffffffffffff001");
    assert_hex(s1, "length", "0x20000000000001");
    g_assert_cmpuint(json_object_get_size(s1), ==, 11);
    g_assert_cmpuint(json_object_get_size(o), ==, 12);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report/fdm/schema", test_schema);
    return g_test_run();
}
