/*
 * Plain-text rendering (see fdt-text.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report/fdt-text.h"
#include "fdt/nodes.h"
#include "fdt/platform.h"
#include "papr/fdm.h"

#include <string.h>

#define INDENT  "    "

typedef GPtrArray Lines;

static void cells_text(GString *s, const uint8_t *raw, int len)
{
    g_string_append_c(s, '<');
    for (int off = 0; off + 4 <= len; off += 4) {
        uint32_t c = (uint32_t)raw[off] << 24 | (uint32_t)raw[off + 1] << 16 |
                     (uint32_t)raw[off + 2] << 8 | raw[off + 3];

        g_string_append_printf(s, "%s0x%x", off ? " " : "", c);
    }
    g_string_append_c(s, '>');
}

static void bytes_text(GString *s, const uint8_t *raw, int len)
{
    g_string_append_c(s, '[');
    for (int i = 0; i < len; i++) {
        g_string_append_printf(s, "%s%02x", i ? " " : "", raw[i]);
    }
    g_string_append_c(s, ']');
}

/* Undecoded, as dtc would show it */
static void raw_text(GString *s, const uint8_t *raw, int len)
{
    if (len > 0 && len % 4 == 0) {
        cells_text(s, raw, len);
    } else if (len > 0) {
        bytes_text(s, raw, len);
    }
}

static void strings_text(GString *s, char **strings)
{
    for (char **p = strings; *p; p++) {
        g_string_append_printf(s, "%s\"", p == strings ? "" : ", ");
        for (const char *c = *p; *c; c++) {
            if (*c == '"' || *c == '\\') {
                g_string_append_c(s, '\\');
            }
            g_string_append_c(s, *c);
        }
        g_string_append_c(s, '"');
    }
}

/* A name or path from the tree: bytes a terminal could act on escaped */
static void append_name(GString *out, const char *name)
{
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c < 0x20 || *c > 0x7e || *c == '\\') {
            g_string_append_printf(out, "\\x%02x", *c);
        } else {
            g_string_append_c(out, (char)*c);
        }
    }
}

static void add_line(Lines *lines, GString *s)
{
    g_ptr_array_add(lines, g_strdup(s->str));
    g_string_truncate(s, 0);
}

static void kernel_dump_lines(Lines *lines, const DtValue *v)
{
    const PaprFdm *fdm = v->u.fdm;
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *status = papr_status_flags_str(fdm->status_flags);

    g_string_append_printf(s, "dump memory structure, %d bytes {", v->len);
    add_line(lines, s);
    g_string_append_printf(s, INDENT "format version %u, %u sections from"
                           " offset %u (%zu bytes)", fdm->version,
                           fdm->num_sections, fdm->first_offset,
                           papr_fdm_size(fdm));
    add_line(lines, s);
    g_string_append_printf(s, INDENT "status flags 0x%04x: %s",
                           fdm->status_flags, status);
    add_line(lines, s);
    g_string_append_printf(s, INDENT "disk dump: block size %u, block"
                           " offset 0x%" G_GINT64_MODIFIER "x, blocks %"
                           G_GUINT64_FORMAT ", path offset %u; automatic"
                           " dump-reboot time %u", fdm->dd_block_size,
                           fdm->dd_block_offset, fdm->dd_num_blocks,
                           fdm->dd_offset_disk_path, fdm->max_time_auto);
    add_line(lines, s);
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const PaprSection *sec = &fdm->sections[i];
        g_autofree char *errors =
            papr_section_error_flags_str(sec->error_flags);

        g_string_append_printf(s, INDENT "section %u: %s (type 0x%04x),"
                               " request flag 0x%x (%s), error flags 0x%04x:"
                               " %s", i, papr_section_type_name(sec->type),
                               sec->type, sec->request_flag,
                               sec->request_flag & PAPR_REQUEST_FLAG ?
                               "requested" : "not requested",
                               sec->error_flags, errors);
        add_line(lines, s);
        g_string_append_printf(s, INDENT INDENT "source 0x%"
                               G_GINT64_MODIFIER "x, length 0x%"
                               G_GINT64_MODIFIER "x, bytes dumped 0x%"
                               G_GINT64_MODIFIER "x, destination 0x%"
                               G_GINT64_MODIFIER "x", sec->source,
                               sec->length, sec->bytes_dumped,
                               sec->destination);
        add_line(lines, s);
    }
    g_string_append(s, "}");
    add_line(lines, s);
}

static const char *dump_type_name(uint32_t type)
{
    return type > 0xffff ? "unknown" : papr_section_type_name((uint16_t)type);
}

char **report_fdt_text_value_lines(const DtValue *v)
{
    Lines *lines = g_ptr_array_new();
    g_autoptr(GString) s = g_string_new(NULL);

    switch (v->kind) {
    case DT_VALUE_EMPTY:
        break;
    case DT_VALUE_STRINGS:
        strings_text(s, v->u.strings);
        break;
    case DT_VALUE_CELLS:
        cells_text(s, v->raw, v->len);
        break;
    case DT_VALUE_BYTES:
        bytes_text(s, v->raw, v->len);
        break;
    case DT_VALUE_REG:
        for (guint i = 0; i < v->u.reg.ranges->len; i++) {
            const DtMemRange *r = &g_array_index(v->u.reg.ranges,
                                                 DtMemRange, i);

            g_string_append_printf(s, "%s0x%" G_GINT64_MODIFIER "x",
                                   i ? ", " : "", r->start);
            if (v->u.reg.size_cells) {
                g_string_append_printf(s, " size 0x%" G_GINT64_MODIFIER "x",
                                       r->size);
            }
        }
        break;
    case DT_VALUE_RTAS_TOKEN:
        g_string_append_printf(s, "RTAS token 0x%x", v->u.token);
        break;
    case DT_VALUE_DUMP_SIZES:
        for (guint i = 0; i < v->u.sizes->len; i++) {
            const DtDumpSize *d = &g_array_index(v->u.sizes,
                                                 DtDumpSize, i);

            g_string_append_printf(s, "%s%s (type 0x%04x) 0x%"
                                   G_GINT64_MODIFIER "x bytes",
                                   i ? ", " : "", dump_type_name(d->type),
                                   d->type, d->size);
        }
        break;
    case DT_VALUE_DUMP_VERSION:
        g_string_append_printf(s, "dump format versions %u to %u",
                               v->u.version.min, v->u.version.max);
        break;
    case DT_VALUE_LRDR_CAPACITY:
        g_string_append_printf(s, "max address 0x%" G_GINT64_MODIFIER "x,"
                               " LMB size 0x%" G_GINT64_MODIFIER "x, max"
                               " processors %u", v->u.lrdr.max_address,
                               v->u.lrdr.lmb_size, v->u.lrdr.max_processors);
        break;
    case DT_VALUE_KERNEL_DUMP:
        kernel_dump_lines(lines, v);
        break;
    case DT_VALUE_INVALID:
        raw_text(s, v->raw, v->len);
        g_string_append_printf(s, "%s/* not a valid %s: %s */",
                               v->len ? " " : "",
                               dt_value_kind_name(v->expected), v->error);
        break;
    }
    if (!lines->len) {
        add_line(lines, s);
    }
    g_ptr_array_add(lines, NULL);
    return (char **)g_ptr_array_free(lines, FALSE);
}

static void append_indent(GString *out, int level)
{
    for (int i = 0; i < level; i++) {
        g_string_append(out, INDENT);
    }
}

static void prop_text(GString *out, const DtValue *v, int level)
{
    g_auto(GStrv) lines = report_fdt_text_value_lines(v);

    append_indent(out, level);
    append_name(out, v->name);
    if (v->kind != DT_VALUE_EMPTY) {
        g_string_append_printf(out, " = %s", lines[0]);
    }
    for (int i = 1; lines[i]; i++) {
        g_string_append_c(out, '\n');
        append_indent(out, level);
        g_string_append(out, lines[i]);
    }
    g_string_append(out, ";\n");
}

void report_fdt_text_tree(GString *out, const DtBlob *fdt, GArray *index,
                          int start, gboolean raw)
{
    int end = dt_subtree_end(index, start);
    int base = dt_node(index, start)->depth;
    int open = 0;       /* nodes opened and not closed yet */

    for (int i = start; i < end; i++) {
        const DtNode *n = dt_node(index, i);
        int level = n->depth - base;
        g_autoptr(GArray) props = dt_props(fdt, n->offset);
        DtDecodeCtx ctx;

        /* close the nodes that ended before this one */
        while (open > level) {
            open--;
            append_indent(out, open);
            g_string_append(out, "};\n");
        }
        if (i > start) {
            g_string_append_c(out, '\n');
        }
        append_indent(out, level);
        append_name(out, i == start ? n->path : n->name);
        g_string_append(out, " {\n");
        open++;
        dt_decode_ctx_for_node(fdt, index, i, raw, &ctx);
        for (guint j = 0; j < props->len; j++) {
            const DtProp *p = &g_array_index(props, DtProp, j);
            g_autoptr(DtValue) v = dt_value_decode(&ctx, p->name,
                                                   p->value, p->len);

            prop_text(out, v, level + 1);
        }
    }
    while (open > 0) {
        open--;
        append_indent(out, open);
        g_string_append(out, "};\n");
    }
}

void report_fdt_text_check(GString *out, const DtCheckReport *report)
{
    for (guint i = 0; i < report->problems->len; i++) {
        const DtProblem *p = g_ptr_array_index(report->problems, i);

        append_name(out, p->path);
        if (p->property) {
            g_string_append(out, ": ");
            append_name(out, p->property);
        }
        g_string_append(out, ": ");
        append_name(out, p->message);
        g_string_append_c(out, '\n');
    }
}

void report_fdt_text_check_summary(GString *out, const DtCheckReport *report,
                                   const char *origin)
{
    g_string_append_printf(out, "%s: fadump %s", origin,
                           report->offered ? "offered" : "not offered");
    if (report->dump_active) {
        g_string_append(out, ", dump active (ibm,kernel-dump)");
    }
    if (report->cpus_known) {
        g_string_append_printf(out, "; %u CPUs present", report->cpus.present);
        if (report->cpus.max_known) {
            g_string_append_printf(out, ", at most %" G_GUINT64_FORMAT,
                                   report->cpus.max);
        }
    }
    if (report->memory_known) {
        g_string_append_printf(out, "; memory 0x%" G_GINT64_MODIFIER "x"
                               " bytes", report->memory_total);
    }
    g_string_append_printf(out, "; %u problem%s\n", report->problems->len,
                           report->problems->len == 1 ? "" : "s");
}

static void value_with_prefix(GString *out, char mark, const char *path,
                              const DtValue *v)
{
    g_auto(GStrv) lines = report_fdt_text_value_lines(v);

    g_string_append_printf(out, "%c ", mark);
    append_name(out, path);
    g_string_append(out, ": ");
    append_name(out, v->name);
    if (v->kind != DT_VALUE_EMPTY) {
        g_string_append_printf(out, " = %s", lines[0]);
    }
    g_string_append_c(out, '\n');
    for (int i = 1; lines[i]; i++) {
        g_string_append_printf(out, "%c " INDENT "%s\n", mark, lines[i]);
    }
}

static void changed_text(GString *out, const DtDiffEntry *e)
{
    g_auto(GStrv) a = report_fdt_text_value_lines(e->old_value);
    g_auto(GStrv) b = report_fdt_text_value_lines(e->new_value);
    guint na = g_strv_length(a), nb = g_strv_length(b);

    g_string_append(out, "~ ");
    append_name(out, e->path);
    g_string_append(out, ": ");
    append_name(out, e->property);
    g_string_append_c(out, '\n');
    if (na == nb && e->old_value->kind == e->new_value->kind) {
        /* same shape: only the lines that differ */
        for (guint i = 0; i < na; i++) {
            if (strcmp(a[i], b[i])) {
                g_string_append_printf(out, "- " INDENT "%s\n", a[i]);
                g_string_append_printf(out, "+ " INDENT "%s\n", b[i]);
            }
        }
        return;
    }
    for (guint i = 0; i < na; i++) {
        g_string_append_printf(out, "- " INDENT "%s\n", a[i]);
    }
    for (guint i = 0; i < nb; i++) {
        g_string_append_printf(out, "+ " INDENT "%s\n", b[i]);
    }
}

void report_fdt_text_diff(GString *out, const DtDiff *diff,
                          const char *a_name, const char *b_name)
{
    g_string_append_printf(out, "--- %s\n+++ %s\n", a_name, b_name);
    for (guint i = 0; i < diff->entries->len; i++) {
        const DtDiffEntry *e = g_ptr_array_index(diff->entries, i);

        switch (e->kind) {
        case DT_DIFF_NODE_REMOVED:
        case DT_DIFF_NODE_ADDED:
            g_string_append_printf(out, "%c node ",
                                   e->kind == DT_DIFF_NODE_ADDED ? '+' :
                                   '-');
            append_name(out, e->path);
            g_string_append_printf(out, " (%u propert%s, %u node%s below)\n",
                                   e->properties,
                                   e->properties == 1 ? "y" : "ies",
                                   e->descendants,
                                   e->descendants == 1 ? "" : "s");
            break;
        case DT_DIFF_PROP_REMOVED:
            value_with_prefix(out, '-', e->path, e->old_value);
            break;
        case DT_DIFF_PROP_ADDED:
            value_with_prefix(out, '+', e->path, e->new_value);
            break;
        case DT_DIFF_PROP_CHANGED:
            changed_text(out, e);
            break;
        }
    }
}
