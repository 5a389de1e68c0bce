/*
 * Node index and properties of a validated tree (see fdt-nodes.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/nodes.h"
#include "common/byteorder.h"
#include "common/error.h"

#include <libfdt.h>
#include <string.h>

static void node_clear(gpointer p)
{
    DtNode *n = p;

    g_free(n->path);
}

GArray *dt_index(const DtBlob *fdt, GError **error)
{
    g_autoptr(GArray) nodes = g_array_new(FALSE, TRUE, sizeof(DtNode));
    /* index of the last node seen at each depth */
    int last_at[DT_MAX_DEPTH + 1];
    uint64_t bytes = 0;
    int depth = 0;
    int offset = 0;

    g_array_set_clear_func(nodes, node_clear);
    for (;;) {
        DtNode n = { .offset = offset, .depth = depth };
        const char *name;
        int name_len;

        if (depth < 0 || depth > DT_MAX_DEPTH) {
            /* dt_new_from_data() bounded the depth already */
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "%s: node at offset %d: depth %d out of bounds",
                        fdt->origin, offset, depth);
            return NULL;
        }
        name = fdt_get_name(fdt->blob, offset, &name_len);
        if (!name) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "%s: node at offset %d: %s", fdt->origin, offset,
                        dt_strerror(name_len));
            return NULL;
        }
        if (depth == 0) {
            n.parent = -1;
            n.path = g_strdup("/");
        } else {
            const DtNode *parent;

            n.parent = last_at[depth - 1];
            parent = &g_array_index(nodes, DtNode, n.parent);
            n.path = g_strdup_printf("%s%s%.*s", parent->path,
                                     depth > 1 ? "/" : "", name_len, name);
        }
        n.name = depth ? strrchr(n.path, '/') + 1 : n.path + 1;
        bytes += sizeof(n) + strlen(n.path) + 1;
        if (bytes > DT_MAX_INDEX_BYTES) {
            g_free(n.path);
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "%s: the node index would take more than %u bytes",
                        fdt->origin, DT_MAX_INDEX_BYTES);
            return NULL;
        }
        last_at[depth] = (int)nodes->len;
        g_array_append_val(nodes, n);

        offset = fdt_next_node(fdt->blob, offset, &depth);
        if (offset == -FDT_ERR_NOTFOUND || (offset >= 0 && depth <= 0)) {
            break;
        }
        if (offset < 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "%s: walking the nodes: %s", fdt->origin,
                        dt_strerror(offset));
            return NULL;
        }
    }
    return g_steal_pointer(&nodes);
}

int dt_index_lookup(const DtBlob *fdt, GArray *index,
                    const char *path, GError **error)
{
    int offset;

    if (!path || path[0] != '/') {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "node path '%s' does not start with '/'",
                    path ? path : "");
        return -1;
    }
    offset = fdt_path_offset(fdt->blob, path);
    for (guint i = 0; offset >= 0 && i < index->len; i++) {
        if (dt_node(index, (int)i)->offset == offset) {
            return (int)i;
        }
    }
    g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                "%s: no node %s", fdt->origin, path);
    return -1;
}

int dt_subtree_end(GArray *index, int i)
{
    int depth = dt_node(index, i)->depth;
    int j = i + 1;

    while (j < (int)index->len && dt_node(index, j)->depth > depth) {
        j++;
    }
    return j;
}

GArray *dt_props(const DtBlob *fdt, int offset)
{
    GArray *props = g_array_new(FALSE, TRUE, sizeof(DtProp));
    int off;

    fdt_for_each_property_offset(off, fdt->blob, offset) {
        DtProp p;

        p.value = fdt_getprop_by_offset(fdt->blob, off, &p.name, &p.len);
        if (p.value && p.name) {
            g_array_append_val(props, p);
        }
    }
    return props;
}

const uint8_t *dt_getprop(const DtBlob *fdt, int offset,
                          const char *name, int *len)
{
    const uint8_t *v;
    int l;

    if (offset < 0) {
        return NULL;
    }
    v = fdt_getprop(fdt->blob, offset, name, &l);
    if (!v) {
        return NULL;
    }
    if (len) {
        *len = l;
    }
    return v;
}

gboolean dt_node_cells(const DtBlob *fdt, int offset,
                       const char *name, uint32_t dflt,
                       uint32_t *cells, GError **error)
{
    int len;
    const uint8_t *v = dt_getprop(fdt, offset, name, &len);
    uint32_t c;

    if (!v) {
        *cells = dflt;
        return TRUE;
    }
    if (len != 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: %s of node at offset %d is %d bytes, not one cell",
                    fdt->origin, name, offset, len);
        return FALSE;
    }
    c = qf_be32(v);
    if (c > 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: %s = %u, more than 4", fdt->origin, name, c);
        return FALSE;
    }
    *cells = c;
    return TRUE;
}

gboolean dt_node_is_type(const DtBlob *fdt, int offset,
                         const char *type)
{
    int len;
    const uint8_t *v = dt_getprop(fdt, offset, "device_type", &len);
    size_t tlen = strlen(type);

    return v && (size_t)len >= tlen + 1 && !memcmp(v, type, tlen) &&
           v[tlen] == '\0';
}
