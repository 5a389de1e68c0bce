/*
 * JSON building helpers (see fadump-json.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/json.h"

void qf_json_add_u64(JsonBuilder *b, const char *member, uint64_t v)
{
    if (v > (uint64_t)G_MAXINT64) {
        qf_json_add_hex(b, member, v);
        return;
    }
    qf_json_add_int(b, member, (gint64)v);
}

void qf_json_add_hex_value(JsonBuilder *b, uint64_t v)
{
    g_autofree char *s = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", v);

    json_builder_add_string_value(b, s);
}

void qf_json_add_hex(JsonBuilder *b, const char *member, uint64_t v)
{
    json_builder_set_member_name(b, member);
    qf_json_add_hex_value(b, v);
}

void qf_json_add_int(JsonBuilder *b, const char *member, gint64 v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_int_value(b, v);
}

/*
 * json-glib's escaping walks multi-byte sequences and could step past the
 * end of invalid UTF-8
 */
void qf_json_add_str_value(JsonBuilder *b, const char *v)
{
    if (!v) {
        json_builder_add_null_value(b);
    } else if (!g_utf8_validate(v, -1, NULL)) {
        g_autofree char *valid = g_utf8_make_valid(v, -1);

        json_builder_add_string_value(b, valid);
    } else {
        json_builder_add_string_value(b, v);
    }
}

void qf_json_add_str(JsonBuilder *b, const char *member, const char *v)
{
    json_builder_set_member_name(b, member);
    qf_json_add_str_value(b, v);
}

void qf_json_add_bool(JsonBuilder *b, const char *member, gboolean v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_boolean_value(b, v);
}

void qf_json_add_strings(JsonBuilder *b, const char *member,
                         const GPtrArray *a)
{
    qf_json_begin_array(b, member);
    for (guint i = 0; a && i < a->len; i++) {
        qf_json_add_str_value(b, g_ptr_array_index(a, i));
    }
    json_builder_end_array(b);
}

void qf_json_begin_object(JsonBuilder *b, const char *member)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
}

void qf_json_begin_array(JsonBuilder *b, const char *member)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
}

char *qf_json_to_string(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *s = NULL;

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, node);
    s = json_generator_to_data(gen, NULL);
    return g_strconcat(s, "\n", NULL);
}
