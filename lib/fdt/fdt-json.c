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

#include <string.h>

static void add_u64(JsonBuilder *b, const char *member, uint64_t v)
{
    json_builder_set_member_name(b, member);
    if (v <= (uint64_t)G_MAXINT64) {
        json_builder_add_int_value(b, (gint64)v);
    } else {
        g_autofree char *s = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", v);

        json_builder_add_string_value(b, s);
    }
}

/*
 * Names in a hostile tree are any bytes: json-glib must only see UTF-8
 * (its escaping walks multi-byte sequences and could step past the end)
 */
static void add_str(JsonBuilder *b, const char *member, const char *v)
{
    json_builder_set_member_name(b, member);
    if (v && !g_utf8_validate(v, -1, NULL)) {
        g_autofree char *valid = g_utf8_make_valid(v, -1);

        json_builder_add_string_value(b, valid);
    } else if (v) {
        json_builder_add_string_value(b, v);
    } else {
        json_builder_add_null_value(b);
    }
}

static void add_bool(JsonBuilder *b, const char *member, gboolean v)
{
    json_builder_set_member_name(b, member);
    json_builder_add_boolean_value(b, v);
}

/* "a,b,0x0001" or "none" -> ["a", "b", "0x0001"] or [] */
static void add_flag_names(JsonBuilder *b, const char *member, char *names)
{
    g_auto(GStrv) v = g_strsplit(names, ",", -1);

    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
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
    add_u64(b, "version", fdm->version);
    add_u64(b, "num_sections", fdm->num_sections);
    add_u64(b, "status_flags", fdm->status_flags);
    add_flag_names(b, "status", fadump_status_flags_str(fdm->status_flags));
    add_u64(b, "first_section_offset", fdm->first_offset);
    add_u64(b, "size", fadump_fdm_size(fdm));
    add_u64(b, "dd_block_size", fdm->dd_block_size);
    add_u64(b, "dd_block_offset", fdm->dd_block_offset);
    add_u64(b, "dd_num_blocks", fdm->dd_num_blocks);
    add_u64(b, "dd_offset_disk_path", fdm->dd_offset_disk_path);
    add_u64(b, "max_time_auto", fdm->max_time_auto);
    json_builder_set_member_name(b, "sections");
    json_builder_begin_array(b);
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const FadumpSection *s = &fdm->sections[i];

        json_builder_begin_object(b);
        add_u64(b, "index", i);
        add_u64(b, "type", s->type);
        add_str(b, "type_name", fadump_section_type_name(s->type));
        add_u64(b, "request_flag", s->request_flag);
        add_bool(b, "requested", s->request_flag & FADUMP_REQUEST_FLAG);
        add_u64(b, "error_flags", s->error_flags);
        add_flag_names(b, "errors",
                       fadump_section_error_flags_str(s->error_flags));
        add_u64(b, "source", s->source);
        add_u64(b, "length", s->length);
        add_u64(b, "bytes_dumped", s->bytes_dumped);
        add_u64(b, "destination", s->destination);
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
            add_u64(b, "address", r->start);
            if (v->u.reg.size_cells) {
                add_u64(b, "size", r->size);
            }
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_RTAS_TOKEN:
        json_builder_begin_object(b);
        add_u64(b, "token", v->u.token);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_DUMP_SIZES:
        json_builder_begin_array(b);
        for (guint i = 0; i < v->u.sizes->len; i++) {
            const FadumpDumpSize *d = &g_array_index(v->u.sizes,
                                                     FadumpDumpSize, i);

            json_builder_begin_object(b);
            add_u64(b, "type", d->type);
            add_str(b, "type_name", d->type > 0xffff ? "unknown" :
                    fadump_section_type_name((uint16_t)d->type));
            add_u64(b, "size", d->size);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        break;
    case FADUMP_VALUE_DUMP_VERSION:
        json_builder_begin_object(b);
        add_u64(b, "min", v->u.version.min);
        add_u64(b, "max", v->u.version.max);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_LRDR_CAPACITY:
        json_builder_begin_object(b);
        add_u64(b, "max_address", v->u.lrdr.max_address);
        add_u64(b, "lmb_size", v->u.lrdr.lmb_size);
        add_u64(b, "max_processors", v->u.lrdr.max_processors);
        json_builder_end_object(b);
        break;
    case FADUMP_VALUE_KERNEL_DUMP:
        kernel_dump_json(b, v->u.fdm);
        break;
    }
}

void fadump_json_value(JsonBuilder *b, const FadumpValue *v)
{
    add_str(b, "kind", fadump_value_kind_name(v->kind));
    add_u64(b, "length", (uint64_t)v->len);
    if (v->len) {
        g_autoptr(GString) hex = g_string_sized_new((gsize)v->len * 2);

        for (int i = 0; i < v->len; i++) {
            g_string_append_printf(hex, "%02x", v->raw[i]);
        }
        add_str(b, "raw", hex->str);
    }
    json_builder_set_member_name(b, "value");
    value_json(b, v);
    if (v->kind == FADUMP_VALUE_INVALID) {
        add_str(b, "expected", fadump_value_kind_name(v->expected));
        add_str(b, "error", v->error);
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
    add_str(b, "path", n->path);
    add_str(b, "name", n->name);
    json_builder_set_member_name(b, "properties");
    json_builder_begin_array(b);
    for (guint k = 0; k < props->len; k++) {
        const FadumpFdtProp *p = &g_array_index(props, FadumpFdtProp, k);
        g_autoptr(FadumpValue) v = fadump_value_decode(&ctx, p->name,
                                                       p->value, p->len);

        json_builder_begin_object(b);
        add_str(b, "name", p->name);
        fadump_json_value(b, v);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "children");
    json_builder_begin_array(b);
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
    add_str(b, "origin", fdt->origin);
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
    add_str(b, "origin", origin);
    add_bool(b, "ok", report->problems->len == 0);
    add_bool(b, "offered", report->offered);
    add_bool(b, "dump_active", report->dump_active);
    json_builder_set_member_name(b, "cpus");
    if (report->cpus_known) {
        json_builder_begin_object(b);
        add_u64(b, "present", report->cpus.present);
        add_u64(b, "threads_per_core", report->cpus.threads_per_core);
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
        add_u64(b, "memory_total", report->memory_total);
    } else {
        add_str(b, "memory_total", NULL);
    }
    json_builder_set_member_name(b, "problems");
    json_builder_begin_array(b);
    for (guint i = 0; i < report->problems->len; i++) {
        const FadumpProblem *p = g_ptr_array_index(report->problems, i);

        json_builder_begin_object(b);
        add_str(b, "path", p->path);
        add_str(b, "property", p->property);
        add_str(b, "message", p->message);
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
    json_builder_set_member_name(b, member);
    json_builder_begin_object(b);
    fadump_json_value(b, v);
    json_builder_end_object(b);
}

JsonNode *fadump_json_diff(const FadumpDiff *diff, const char *a_name,
                           const char *b_name)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    add_str(b, "a", a_name);
    add_str(b, "b", b_name);
    add_bool(b, "equal", diff->entries->len == 0);
    json_builder_set_member_name(b, "changes");
    json_builder_begin_array(b);
    for (guint i = 0; i < diff->entries->len; i++) {
        const FadumpDiffEntry *e = g_ptr_array_index(diff->entries, i);

        json_builder_begin_object(b);
        add_str(b, "change", diff_kind_name(e->kind));
        add_str(b, "path", e->path);
        if (e->property) {
            add_str(b, "property", e->property);
        } else {
            add_u64(b, "properties", e->properties);
            add_u64(b, "descendants", e->descendants);
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

char *fadump_json_to_string(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *s = NULL;

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, node);
    s = json_generator_to_data(gen, NULL);
    return g_strconcat(s, "\n", NULL);
}
