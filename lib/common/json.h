/*
 * Building JSON with json-glib: one helper per kind of member, shared by
 * every JSON report (fdt-inspect, fadump-extract).  Strings that are not
 * valid UTF-8 (names out of a hostile input) are made valid first:
 * json-glib must only see UTF-8.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_JSON_H
#define QF_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

/**
 * qf_json_add_u64 - member @member = @v as a JSON number, or as a
 *     "0x..." string above 2^63 - 1 (no JSON integer json-glib can write)
 */
void qf_json_add_u64(JsonBuilder *b, const char *member, uint64_t v);

/**
 * qf_json_add_hex - member @member = @v as a "0x..." string (addresses:
 *     JSON numbers lose precision past 2^53)
 */
void qf_json_add_hex(JsonBuilder *b, const char *member, uint64_t v);

/* The "0x..." string of qf_json_add_hex() as an array element */
void qf_json_add_hex_value(JsonBuilder *b, uint64_t v);

/* member @member = @v as a JSON number */
void qf_json_add_int(JsonBuilder *b, const char *member, gint64 v);

/**
 * qf_json_add_str - member @member = the string @v (made valid UTF-8),
 *     or null when @v is NULL
 */
void qf_json_add_str(JsonBuilder *b, const char *member, const char *v);

/* The string @v (made valid UTF-8) as an array element */
void qf_json_add_str_value(JsonBuilder *b, const char *v);

void qf_json_add_bool(JsonBuilder *b, const char *member, gboolean v);

/**
 * qf_json_add_strings - member @member = an array of the strings of
 *     @a (char *; NULL gives an empty array)
 */
void qf_json_add_strings(JsonBuilder *b, const char *member,
                         const GPtrArray *a);

/* Open member @member as an object (close it with json_builder_end_object) */
void qf_json_begin_object(JsonBuilder *b, const char *member);

/* Open member @member as an array (close it with json_builder_end_array) */
void qf_json_begin_array(JsonBuilder *b, const char *member);

/**
 * qf_json_to_string - @node as indented JSON text (2 spaces), with a
 *     final newline (g_free())
 *
 * Cannot fail.
 */
char *qf_json_to_string(JsonNode *node);

#endif /* QF_JSON_H */
