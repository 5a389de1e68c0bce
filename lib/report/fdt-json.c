/*
 * JSON rendering (see fdt-json.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report/fdt-json.h"
#include "fdt/nodes.h"
#include "fdt/platform.h"
#include "common/byteorder.h"
#include "papr/fdm.h"
#include "report/fdm.h"
#include "common/json.h"

#include <string.h>

static void kernel_dump_json(JsonBuilder *b, const PaprFdm *fdm)
{
    json_builder_begin_object(b);
    report_fdm_json_members(b, fdm);
    json_builder_end_object(b);
}

static void value_json(JsonBuilder *b, const DtValue *v)
{
    switch (v->kind) {
    case DT_VALUE_EMPTY:
        json_builder_add_boolean_value(b, TRUE);
        break;
    case DT_VALUE_STRINGS:
        json_builder_begin_array(b);
        for (char **p = v->u.strings; *p; p++) {
            json_builder_add_string_value(b, *p);
        }
        json_builder_end_array(b);
        break;
    case DT_VALUE_CELLS:
        json_builder_begin_array(b);
        for (int off = 0; off + 4 <= v->len; off += 4) {
            json_builder_add_int_value(b, qf_be32(v->raw + off));
        }
        json_builder_end_array(b);
        break;
    case DT_VALUE_BYTES:
    case DT_VALUE_INVALID:
        json_builder_add_null_value(b);
        break;
    case DT_VALUE_REG:
        json_builder_begin_array(b);
        for (guint i = 0; i < v->u.reg.ranges->len; i++) {
            const DtMemRange *r = &g_array_index(v->u.reg.ranges,
                                                 DtMemRange, i);

            json_builder_begin_object(b);
            qf_json_add_u64(b, "address", r->start);
            if (v->u.reg.size_cells) {
                qf_json_add_u64(b, "size", r->size);
            }
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case DT_VALUE_RTAS_TOKEN:
        json_builder_begin_object(b);
        qf_json_add_u64(b, "token", v->u.token);
        json_builder_end_object(b);
        break;
    case DT_VALUE_DUMP_SIZES:
        json_builder_begin_array(b);
        for (guint i = 0; i < v->u.sizes->len; i++) {
            const DtDumpSize *d = &g_array_index(v->u.sizes,
                                                 DtDumpSize, i);

            json_builder_begin_object(b);
            qf_json_add_u64(b, "type", d->type);
            qf_json_add_str(b, "type_name", d->type > 0xffff ? "unknown" :
                    papr_section_type_name((uint16_t)d->type));
            qf_json_add_u64(b, "size", d->size);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case DT_VALUE_DUMP_VERSION:
        json_builder_begin_object(b);
        qf_json_add_u64(b, "min", v->u.version.min);
        qf_json_add_u64(b, "max", v->u.version.max);
        json_builder_end_object(b);
        break;
    case DT_VALUE_LRDR_CAPACITY:
        json_builder_begin_object(b);
        qf_json_add_u64(b, "max_address", v->u.lrdr.max_address);
        qf_json_add_u64(b, "lmb_size", v->u.lrdr.lmb_size);
        qf_json_add_u64(b, "max_processors", v->u.lrdr.max_processors);
        json_builder_end_object(b);
        break;
    case DT_VALUE_KERNEL_DUMP:
        kernel_dump_json(b, v->u.fdm);
        break;
    }
}

void report_fdt_json_value(JsonBuilder *b, const DtValue *v)
{
    qf_json_add_str(b, "kind", dt_value_kind_name(v->kind));
    qf_json_add_u64(b, "length", (uint64_t)v->len);
    if (v->len) {
        g_autoptr(GString) hex = g_string_sized_new((gsize)v->len * 2);

        for (int i = 0; i < v->len; i++) {
            g_string_append_printf(hex, "%02x", v->raw[i]);
        }
        qf_json_add_str(b, "raw", hex->str);
    }
    json_builder_set_member_name(b, "value");
    value_json(b, v);
    if (v->kind == DT_VALUE_INVALID) {
        qf_json_add_str(b, "expected", dt_value_kind_name(v->expected));
        qf_json_add_str(b, "error", v->error);
    }
}

/* Node @i and its subtree; recursion depth is bounded by the tree's */
static int node_json(JsonBuilder *b, const DtBlob *fdt, GArray *index,
                     int i, gboolean raw)
{
    const DtNode *n = dt_node(index, i);
    g_autoptr(GArray) props = dt_props(fdt, n->offset);
    int end = dt_subtree_end(index, i);
    DtDecodeCtx ctx;
    int j;

    dt_decode_ctx_for_node(fdt, index, i, raw, &ctx);
    json_builder_begin_object(b);
    qf_json_add_str(b, "path", n->path);
    qf_json_add_str(b, "name", n->name);
    qf_json_begin_array(b, "properties");
    for (guint k = 0; k < props->len; k++) {
        const DtProp *p = &g_array_index(props, DtProp, k);
        g_autoptr(DtValue) v = dt_value_decode(&ctx, p->name,
                                               p->value, p->len);

        json_builder_begin_object(b);
        qf_json_add_str(b, "name", p->name);
        report_fdt_json_value(b, v);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qf_json_begin_array(b, "children");
    for (j = i + 1; j < end;) {
        j = node_json(b, fdt, index, j, raw);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return end;
}

JsonNode *report_fdt_json_tree(const DtBlob *fdt, GArray *index, int start,
                               gboolean raw)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    qf_json_add_str(b, "origin", fdt->origin);
    json_builder_set_member_name(b, "node");
    node_json(b, fdt, index, start, raw);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

JsonNode *report_fdt_json_check(const DtCheckReport *report,
                                const char *origin)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    qf_json_add_str(b, "origin", origin);
    qf_json_add_bool(b, "ok", report->problems->len == 0);
    qf_json_add_bool(b, "offered", report->offered);
    qf_json_add_bool(b, "dump_active", report->dump_active);
    json_builder_set_member_name(b, "cpus");
    if (report->cpus_known) {
        json_builder_begin_object(b);
        qf_json_add_u64(b, "present", report->cpus.present);
        qf_json_add_u64(b, "threads_per_core",
                        report->cpus.threads_per_core);
        json_builder_set_member_name(b, "max");
        if (report->cpus.max_known) {
            json_builder_add_int_value(b, (gint64)MIN(report->cpus.max,
                                                      (uint64_t)G_MAXINT64));
        } else {
            json_builder_add_null_value(b);
        }
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    if (report->memory_known) {
        qf_json_add_u64(b, "memory_total", report->memory_total);
    } else {
        qf_json_add_str(b, "memory_total", NULL);
    }
    qf_json_begin_array(b, "problems");
    for (guint i = 0; i < report->problems->len; i++) {
        const DtProblem *p = g_ptr_array_index(report->problems, i);

        json_builder_begin_object(b);
        qf_json_add_str(b, "path", p->path);
        qf_json_add_str(b, "property", p->property);
        qf_json_add_str(b, "message", p->message);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static const char *diff_kind_name(DtDiffKind kind)
{
    switch (kind) {
    case DT_DIFF_NODE_REMOVED:
        return "node-removed";
    case DT_DIFF_NODE_ADDED:
        return "node-added";
    case DT_DIFF_PROP_REMOVED:
        return "property-removed";
    case DT_DIFF_PROP_ADDED:
        return "property-added";
    case DT_DIFF_PROP_CHANGED:
        return "property-changed";
    }
    return "?";
}

static void diff_value(JsonBuilder *b, const char *member,
                       const DtValue *v)
{
    qf_json_begin_object(b, member);
    report_fdt_json_value(b, v);
    json_builder_end_object(b);
}

JsonNode *report_fdt_json_diff(const DtDiff *diff, const char *a_name,
                               const char *b_name)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    qf_json_add_str(b, "a", a_name);
    qf_json_add_str(b, "b", b_name);
    qf_json_add_bool(b, "equal", diff->entries->len == 0);
    qf_json_begin_array(b, "changes");
    for (guint i = 0; i < diff->entries->len; i++) {
        const DtDiffEntry *e = g_ptr_array_index(diff->entries, i);

        json_builder_begin_object(b);
        qf_json_add_str(b, "change", diff_kind_name(e->kind));
        qf_json_add_str(b, "path", e->path);
        if (e->property) {
            qf_json_add_str(b, "property", e->property);
        } else {
            qf_json_add_u64(b, "properties", e->properties);
            qf_json_add_u64(b, "descendants", e->descendants);
        }
        if (e->old_value) {
            diff_value(b, "old", e->old_value);
        }
        if (e->new_value) {
            diff_value(b, "new", e->new_value);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}
