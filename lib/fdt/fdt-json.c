/*
 * JSON rendering (see fdt-json.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt-json.h"
#include "fdt-nodes.h"
#include "fdt-platform.h"
#include "fadump-byteorder.h"
#include "fadump-fdm.h"
#include "fadump-json.h"

#include <string.h>

/* "a,b,0x0001" or "none" -> ["a", "b", "0x0001"] or [] */
static void add_flag_names(JsonBuilder *b, const char *member, char *names)
{
    g_auto(GStrv) v = g_strsplit(names, ",", -1);

    fadump_json_begin_array(b, member);
    for (char **p = v; *p; p++) {
        if (strcmp(*p, "none")) {
            json_builder_add_string_value(b, *p);
        }
    }
    json_builder_end_array(b);
    g_free(names);
}

static void kernel_dump_json(JsonBuilder *b, const FadumpFdm *fdm)
{
    json_builder_begin_object(b);
    fadump_json_add_u64(b, "version", fdm->version);
    fadump_json_add_u64(b, "num_sections", fdm->num_sections);
    fadump_json_add_u64(b, "status_flags", fdm->status_flags);
    add_flag_names(b, "status", fadump_status_flags_str(fdm->status_flags));
    fadump_json_add_u64(b, "first_section_offset", fdm->first_offset);
    fadump_json_add_u64(b, "size", fadump_fdm_size(fdm));
    fadump_json_add_u64(b, "dd_block_size", fdm->dd_block_size);
    fadump_json_add_u64(b, "dd_block_offset", fdm->dd_block_offset);
    fadump_json_add_u64(b, "dd_num_blocks", fdm->dd_num_blocks);
    fadump_json_add_u64(b, "dd_offset_disk_path", fdm->dd_offset_disk_path);
    fadump_json_add_u64(b, "max_time_auto", fdm->max_time_auto);
    fadump_json_begin_array(b, "sections");
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const FadumpSection *s = &fdm->sections[i];

        json_builder_begin_object(b);
        fadump_json_add_u64(b, "index", i);
        fadump_json_add_u64(b, "type", s->type);
        fadump_json_add_str(b, "type_name", fadump_section_type_name(s->type));
        fadump_json_add_u64(b, "request_flag", s->request_flag);
        fadump_json_add_bool(b, "requested",
                             s->request_flag & FADUMP_REQUEST_FLAG);
        fadump_json_add_u64(b, "error_flags", s->error_flags);
        add_flag_names(b, "errors",
                       fadump_section_error_flags_str(s->error_flags));
        fadump_json_add_u64(b, "source", s->source);
        fadump_json_add_u64(b, "length", s->length);
        fadump_json_add_u64(b, "bytes_dumped", s->bytes_dumped);
        fadump_json_add_u64(b, "destination", s->destination);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void value_json(JsonBuilder *b, const FadumpValue *v)
{
    switch (v->kind) {
    case FADUMP_VALUE_EMPTY:
        json_builder_add_boolean_value(b, TRUE);
        break;
    case FADUMP_VALUE_STRINGS:
        json_builder_begin_array(b);
        for (char **p = v->u.strings; *p; p++) {
            json_builder_add_string_value(b, *p);
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_CELLS:
        json_builder_begin_array(b);
        for (int off = 0; off + 4 <= v->len; off += 4) {
            json_builder_add_int_value(b, fadump_be32(v->raw + off));
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_BYTES:
    case FADUMP_VALUE_INVALID:
        json_builder_add_null_value(b);
        break;
    case FADUMP_VALUE_REG:
        json_builder_begin_array(b);
        for (guint i = 0; i < v->u.reg.ranges->len; i++) {
            const FadumpMemRange *r = &g_array_index(v->u.reg.ranges,
                                                     FadumpMemRange, i);

            json_builder_begin_object(b);
            fadump_json_add_u64(b, "address", r->start);
            if (v->u.reg.size_cells) {
                fadump_json_add_u64(b, "size", r->size);
            }
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_RTAS_TOKEN:
        json_builder_begin_object(b);
        fadump_json_add_u64(b, "token", v->u.token);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_DUMP_SIZES:
        json_builder_begin_array(b);
        for (guint i = 0; i < v->u.sizes->len; i++) {
            const FadumpDumpSize *d = &g_array_index(v->u.sizes,
                                                     FadumpDumpSize, i);

            json_builder_begin_object(b);
            fadump_json_add_u64(b, "type", d->type);
            fadump_json_add_str(b, "type_name", d->type > 0xffff ? "unknown" :
                    fadump_section_type_name((uint16_t)d->type));
            fadump_json_add_u64(b, "size", d->size);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_DUMP_VERSION:
        json_builder_begin_object(b);
        fadump_json_add_u64(b, "min", v->u.version.min);
        fadump_json_add_u64(b, "max", v->u.version.max);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_LRDR_CAPACITY:
        json_builder_begin_object(b);
        fadump_json_add_u64(b, "max_address", v->u.lrdr.max_address);
        fadump_json_add_u64(b, "lmb_size", v->u.lrdr.lmb_size);
        fadump_json_add_u64(b, "max_processors", v->u.lrdr.max_processors);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_KERNEL_DUMP:
        kernel_dump_json(b, v->u.fdm);
        break;
    }
}

void fadump_json_value(JsonBuilder *b, const FadumpValue *v)
{
    fadump_json_add_str(b, "kind", fadump_value_kind_name(v->kind));
    fadump_json_add_u64(b, "length", (uint64_t)v->len);
    if (v->len) {
        g_autoptr(GString) hex = g_string_sized_new((gsize)v->len * 2);

        for (int i = 0; i < v->len; i++) {
            g_string_append_printf(hex, "%02x", v->raw[i]);
        }
        fadump_json_add_str(b, "raw", hex->str);
    }
    json_builder_set_member_name(b, "value");
    value_json(b, v);
    if (v->kind == FADUMP_VALUE_INVALID) {
        fadump_json_add_str(b, "expected", fadump_value_kind_name(v->expected));
        fadump_json_add_str(b, "error", v->error);
    }
}

/* Node @i and its subtree; recursion depth is bounded by the tree's */
static int node_json(JsonBuilder *b, const FadumpFdt *fdt, GArray *index,
                     int i, gboolean raw)
{
    const FadumpFdtNode *n = fadump_fdt_node(index, i);
    g_autoptr(GArray) props = fadump_fdt_props(fdt, n->offset);
    int end = fadump_fdt_subtree_end(index, i);
    FadumpDecodeCtx ctx;
    int j;

    fadump_decode_ctx_for_node(fdt, index, i, raw, &ctx);
    json_builder_begin_object(b);
    fadump_json_add_str(b, "path", n->path);
    fadump_json_add_str(b, "name", n->name);
    fadump_json_begin_array(b, "properties");
    for (guint k = 0; k < props->len; k++) {
        const FadumpFdtProp *p = &g_array_index(props, FadumpFdtProp, k);
        g_autoptr(FadumpValue) v = fadump_value_decode(&ctx, p->name,
                                                       p->value, p->len);

        json_builder_begin_object(b);
        fadump_json_add_str(b, "name", p->name);
        fadump_json_value(b, v);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    fadump_json_begin_array(b, "children");
    for (j = i + 1; j < end;) {
        j = node_json(b, fdt, index, j, raw);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return end;
}

JsonNode *fadump_json_tree(const FadumpFdt *fdt, GArray *index, int start,
                           gboolean raw)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    fadump_json_add_str(b, "origin", fdt->origin);
    json_builder_set_member_name(b, "node");
    node_json(b, fdt, index, start, raw);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

JsonNode *fadump_json_check(const FadumpCheckReport *report,
                            const char *origin)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    fadump_json_add_str(b, "origin", origin);
    fadump_json_add_bool(b, "ok", report->problems->len == 0);
    fadump_json_add_bool(b, "offered", report->offered);
    fadump_json_add_bool(b, "dump_active", report->dump_active);
    json_builder_set_member_name(b, "cpus");
    if (report->cpus_known) {
        json_builder_begin_object(b);
        fadump_json_add_u64(b, "present", report->cpus.present);
        fadump_json_add_u64(b, "threads_per_core",
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
        fadump_json_add_u64(b, "memory_total", report->memory_total);
    } else {
        fadump_json_add_str(b, "memory_total", NULL);
    }
    fadump_json_begin_array(b, "problems");
    for (guint i = 0; i < report->problems->len; i++) {
        const FadumpProblem *p = g_ptr_array_index(report->problems, i);

        json_builder_begin_object(b);
        fadump_json_add_str(b, "path", p->path);
        fadump_json_add_str(b, "property", p->property);
        fadump_json_add_str(b, "message", p->message);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static const char *diff_kind_name(FadumpDiffKind kind)
{
    switch (kind) {
    case FADUMP_DIFF_NODE_REMOVED:
        return "node-removed";
    case FADUMP_DIFF_NODE_ADDED:
        return "node-added";
    case FADUMP_DIFF_PROP_REMOVED:
        return "property-removed";
    case FADUMP_DIFF_PROP_ADDED:
        return "property-added";
    case FADUMP_DIFF_PROP_CHANGED:
        return "property-changed";
    }
    return "?";
}

static void diff_value(JsonBuilder *b, const char *member,
                       const FadumpValue *v)
{
    fadump_json_begin_object(b, member);
    fadump_json_value(b, v);
    json_builder_end_object(b);
}

JsonNode *fadump_json_diff(const FadumpDiff *diff, const char *a_name,
                           const char *b_name)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    fadump_json_add_str(b, "a", a_name);
    fadump_json_add_str(b, "b", b_name);
    fadump_json_add_bool(b, "equal", diff->entries->len == 0);
    fadump_json_begin_array(b, "changes");
    for (guint i = 0; i < diff->entries->len; i++) {
        const FadumpDiffEntry *e = g_ptr_array_index(diff->entries, i);

        json_builder_begin_object(b);
        fadump_json_add_str(b, "change", diff_kind_name(e->kind));
        fadump_json_add_str(b, "path", e->path);
        if (e->property) {
            fadump_json_add_str(b, "property", e->property);
        } else {
            fadump_json_add_u64(b, "properties", e->properties);
            fadump_json_add_u64(b, "descendants", e->descendants);
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
