/*
 * Decoding property values (see fdt-decode.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/decode.h"
#include "fdt/nodes.h"
#include "fdt/platform.h"
#include "fdt/rtas.h"
#include "common/byteorder.h"
#include "common/error.h"

#include <string.h>

#define DUMP_SIZES_ENTRY    12

const char *dt_value_kind_name(DtValueKind kind)
{
    switch (kind) {
    case DT_VALUE_EMPTY:
        return "empty";
    case DT_VALUE_STRINGS:
        return "strings";
    case DT_VALUE_CELLS:
        return "cells";
    case DT_VALUE_BYTES:
        return "bytes";
    case DT_VALUE_REG:
        return "reg";
    case DT_VALUE_RTAS_TOKEN:
        return "rtas-token";
    case DT_VALUE_DUMP_SIZES:
        return "fadump-sizes";
    case DT_VALUE_DUMP_VERSION:
        return "fadump-version";
    case DT_VALUE_KERNEL_DUMP:
        return "fadump-kernel-dump";
    case DT_VALUE_LRDR_CAPACITY:
        return "lrdr-capacity";
    case DT_VALUE_INVALID:
        return "invalid";
    }
    return "?";
}

gboolean dt_decode_token(const uint8_t *raw, int len, uint32_t *token,
                         GError **error)
{
    if (len != 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%d bytes, an RTAS token is one 32-bit cell", len);
        return FALSE;
    }
    *token = qf_be32(raw);
    return TRUE;
}

gboolean dt_decode_dump_sizes(const uint8_t *raw, int len,
                              GArray **sizes, GError **error)
{
    GArray *s;

    if (len <= 0 || len % DUMP_SIZES_ENTRY) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%d bytes, not a non-empty list of {type, size_hi,"
                    " size_lo} cell triples (12 bytes each)", len);
        return FALSE;
    }
    s = g_array_sized_new(FALSE, FALSE, sizeof(DtDumpSize),
                          (guint)(len / DUMP_SIZES_ENTRY));
    for (int off = 0; off < len; off += DUMP_SIZES_ENTRY) {
        DtDumpSize d = {
            .type = qf_be32(raw + off),
            .size = (uint64_t)qf_be32(raw + off + 4) << 32 |
                    qf_be32(raw + off + 8),
        };

        g_array_append_val(s, d);
    }
    *sizes = s;
    return TRUE;
}

gboolean dt_decode_dump_version(const uint8_t *raw, int len,
                                uint16_t *min, uint16_t *max,
                                GError **error)
{
    if (len != 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%d bytes, not two 16-bit versions (min, max)", len);
        return FALSE;
    }
    *min = qf_be16(raw);
    *max = qf_be16(raw + 2);
    return TRUE;
}

gboolean dt_decode_lrdr_capacity(const uint8_t *raw, int len,
                                 DtLrdrCapacity *ret,
                                 GError **error)
{
    if (len < 20) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%d bytes, not the 5 cells of {max address (2), LMB"
                    " size (2), max processors}", len);
        return FALSE;
    }
    ret->max_address = qf_be64(raw);
    ret->lmb_size = qf_be64(raw + 8);
    ret->max_processors = qf_be32(raw + 16);
    return TRUE;
}

/* dtc's test: printable strings, each NUL-terminated, none empty */
static gboolean looks_like_strings(const uint8_t *raw, int len)
{
    if (len <= 0 || raw[len - 1] != '\0' || raw[0] == '\0') {
        return FALSE;
    }
    for (int i = 0; i < len; i++) {
        if (raw[i] == '\0') {
            if (i + 1 < len && raw[i + 1] == '\0') {
                return FALSE;
            }
        } else if (raw[i] < 0x20 || raw[i] > 0x7e) {
            return FALSE;
        }
    }
    return TRUE;
}

static char **split_strings(const uint8_t *raw, int len)
{
    GPtrArray *v = g_ptr_array_new();

    for (int off = 0; off < len;) {
        const char *s = (const char *)raw + off;
        size_t n = strnlen(s, (size_t)(len - off));

        g_ptr_array_add(v, g_strndup(s, n));
        off += (int)n + 1;
    }
    g_ptr_array_add(v, NULL);
    return (char **)g_ptr_array_free(v, FALSE);
}

/* Turn @v into DT_VALUE_INVALID for @expected, with @err's message */
static void make_invalid(DtValue *v, DtValueKind expected,
                         GError *err)
{
    v->kind = DT_VALUE_INVALID;
    v->expected = expected;
    v->error = g_strdup(err->message);
}

static gboolean decode_known(const DtDecodeCtx *ctx, DtValue *v)
{
    g_autoptr(GError) err = NULL;
    const char *name = v->name;

    if (!strcmp(name, DT_PROP_SIZES)) {
        if (dt_decode_dump_sizes(v->raw, v->len, &v->u.sizes, &err)) {
            v->kind = DT_VALUE_DUMP_SIZES;
        } else {
            make_invalid(v, DT_VALUE_DUMP_SIZES, err);
        }
        return TRUE;
    }
    if (!strcmp(name, DT_PROP_VERSION)) {
        if (dt_decode_dump_version(v->raw, v->len, &v->u.version.min,
                                       &v->u.version.max, &err)) {
            v->kind = DT_VALUE_DUMP_VERSION;
        } else {
            make_invalid(v, DT_VALUE_DUMP_VERSION, err);
        }
        return TRUE;
    }
    if (!strcmp(name, DT_PROP_KERNEL_DUMP)) {
        PaprFdm *fdm = g_new0(PaprFdm, 1);

        if (papr_fdm_decode(v->raw, (size_t)v->len, fdm, &err)) {
            v->kind = DT_VALUE_KERNEL_DUMP;
            v->u.fdm = fdm;
        } else {
            g_free(fdm);
            make_invalid(v, DT_VALUE_KERNEL_DUMP, err);
        }
        return TRUE;
    }
    if (ctx->in_rtas && !strcmp(name, DT_PROP_LRDR_CAPACITY)) {
        if (dt_decode_lrdr_capacity(v->raw, v->len, &v->u.lrdr, &err)) {
            v->kind = DT_VALUE_LRDR_CAPACITY;
        } else {
            make_invalid(v, DT_VALUE_LRDR_CAPACITY, err);
        }
        return TRUE;
    }
    if ((ctx->in_rtas && dt_rtas_is_call(name)) ||
        !strcmp(name, DT_PROP_TOKEN)) {
        if (dt_decode_token(v->raw, v->len, &v->u.token, &err)) {
            v->kind = DT_VALUE_RTAS_TOKEN;
        } else {
            make_invalid(v, DT_VALUE_RTAS_TOKEN, err);
        }
        return TRUE;
    }
    if (!strcmp(name, "reg") && ctx->reg_cells_known && v->len > 0) {
        /* Cell counts this code does not read: shown as cells */
        if (dt_parse_reg(v->raw, v->len, ctx->addr_cells,
                         ctx->size_cells, &v->u.reg.ranges, &err)) {
            v->kind = DT_VALUE_REG;
            v->u.reg.size_cells = ctx->size_cells;
            return TRUE;
        }
        if (err->code == QF_ERROR_CORRUPT) {
            make_invalid(v, DT_VALUE_REG, err);
            return TRUE;
        }
    }
    return FALSE;
}

DtValue *dt_value_decode(const DtDecodeCtx *ctx, const char *name,
                         const uint8_t *raw, int len)
{
    DtValue *v = g_new0(DtValue, 1);

    v->name = g_strdup(name);
    v->raw = raw;
    v->len = MAX(len, 0);
    if (!ctx->raw && decode_known(ctx, v)) {
        return v;
    }
    if (v->len == 0) {
        v->kind = DT_VALUE_EMPTY;
    } else if (looks_like_strings(raw, v->len)) {
        v->kind = DT_VALUE_STRINGS;
        v->u.strings = split_strings(raw, v->len);
    } else if (v->len % 4 == 0) {
        v->kind = DT_VALUE_CELLS;
    } else {
        v->kind = DT_VALUE_BYTES;
    }
    return v;
}

void dt_value_free(DtValue *v)
{
    if (!v) {
        return;
    }
    switch (v->kind) {
    case DT_VALUE_STRINGS:
        g_strfreev(v->u.strings);
        break;
    case DT_VALUE_REG:
        g_array_unref(v->u.reg.ranges);
        break;
    case DT_VALUE_DUMP_SIZES:
        g_array_unref(v->u.sizes);
        break;
    case DT_VALUE_KERNEL_DUMP:
        g_free(v->u.fdm);
        break;
    default:
        break;
    }
    g_free(v->error);
    g_free(v->name);
    g_free(v);
}

void dt_decode_ctx_for_node(const DtBlob *fdt, GArray *index, int i,
                            gboolean raw, DtDecodeCtx *ctx)
{
    const DtNode *n = dt_node(index, i);

    memset(ctx, 0, sizeof(*ctx));
    ctx->raw = raw;
    ctx->in_rtas = !strcmp(n->path, "/rtas");
    if (n->parent >= 0) {
        int poff = dt_node(index, n->parent)->offset;

        /* the defaults of the devicetree specification */
        ctx->reg_cells_known =
            dt_node_cells(fdt, poff, "#address-cells", 2,
                                  &ctx->addr_cells, NULL) &&
            dt_node_cells(fdt, poff, "#size-cells", 1,
                                  &ctx->size_cells, NULL);
    }
}
