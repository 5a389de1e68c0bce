/*
 * JSON rendering (json-glib) of decoded values, trees, check reports and
 * diffs.  Integers are JSON numbers; a 64-bit value above 2^63 - 1 (no
 * JSON integer json-glib can write) is a "0x..." string instead.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_FDT_JSON_H
#define REPORT_FDT_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "fdt/blob.h"
#include "fdt/check.h"
#include "fdt/decode.h"
#include "fdt/diff.h"
#include "common/json.h"

/**
 * report_fdt_json_value - Append the members of a decoded value to the open
 *     object of @b: "kind", "length", "raw" (hex), "value" (by kind), "error"
 *     (invalid)
 *
 * Cannot fail.
 */
void report_fdt_json_value(JsonBuilder *b, const DtValue *v);

/**
 * report_fdt_json_tree - a (sub)tree as nested objects
 * @fdt: a validated tree
 * @index: its node index
 * @start: position in @index of the subtree's root
 * @raw: values undecoded
 *
 * Returns: {"origin", "node": {"path", "name", "properties": [{"name",
 *     "kind", ...}], "children": [...]}} (json_node_unref()).
 */
JsonNode *report_fdt_json_tree(const DtBlob *fdt, GArray *index, int start,
                               gboolean raw);

/**
 * report_fdt_json_check - a check report as JSON: {"origin", "offered",
 *     "dump_active", "cpus", "memory_total", "ok", "problems": [{"path",
 *     "property", "message"}]}
 *
 * Cannot fail.
 */
JsonNode *report_fdt_json_check(const DtCheckReport *report,
                                const char *origin);

/**
 * report_fdt_json_diff - a diff as JSON: {"a", "b", "equal", "changes":
 *     [{"change", "path", ...}]}
 *
 * Cannot fail.
 */
JsonNode *report_fdt_json_diff(const DtDiff *diff, const char *a_name,
                               const char *b_name);

#endif /* REPORT_FDT_JSON_H */
