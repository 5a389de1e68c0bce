/*
 * The nodes of a validated tree (fdt-blob.h) in document order, with
 * their full paths and depths, and the properties of a node.  Every walk
 * is bounded: by the blob's validated structure, and by a budget on the
 * bytes the index may take.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_NODES_H
#define DT_NODES_H

#include <glib.h>
#include <stdint.h>

#include "fdt/blob.h"

/* Most bytes the node index of one tree may take (paths included) */
#define DT_MAX_INDEX_BYTES  (64u * 1024 * 1024)

typedef struct DtNode {
    int offset;         /* libfdt node offset */
    int depth;          /* 0 for the root */
    int parent;         /* index of the parent node, -1 for the root */
    char *path;         /* "/" for the root, "/cpus/cpu@0"... */
    const char *name;   /* last component of @path, "" for the root */
} DtNode;

typedef struct DtProp {
    const char *name;
    const uint8_t *value;   /* inside the blob */
    int len;
} DtProp;

/**
 * dt_index - list every node of a tree
 * @fdt: a validated tree
 * @error: QF_ERROR_UNSUPPORTED when the index would take more than
 *     DT_MAX_INDEX_BYTES; QF_ERROR_CORRUPT if libfdt fails
 *     to walk the tree
 *
 * Returns: a GArray of DtNode in document order (a node's
 *     descendants follow it), root first; g_array_unref() frees it.
 */
GArray *dt_index(const DtBlob *fdt, GError **error);

/**
 * dt_index_lookup - the node at a path
 * @fdt: the tree @index was made of
 * @index: from dt_index()
 * @path: an absolute path; a component without a unit address matches
 *     the first node with that name (as libfdt's fdt_path_offset())
 * @error: QF_ERROR_NOT_FOUND when there is no such node,
 *     QF_ERROR_INVALID_ARG for a path that is not absolute
 *
 * Returns: the node's position in @index, or -1 with @error set.
 */
int dt_index_lookup(const DtBlob *fdt, GArray *index,
                    const char *path, GError **error);

/**
 * dt_subtree_end - The position in @index just past the last
 *     descendant of node @i
 *
 * Cannot fail.
 */
int dt_subtree_end(GArray *index, int i);

/**
 * dt_node - The node at @i of @index
 *
 * Cannot fail.
 */
static inline const DtNode *dt_node(GArray *index, int i)
{
    return &g_array_index(index, DtNode, i);
}

/**
 * dt_props - the properties of a node, in blob order
 * @fdt: a validated tree
 * @offset: a node offset
 *
 * Returns: a GArray of DtProp pointing into the blob (never NULL;
 *     empty for a node without properties); g_array_unref() frees it.
 */
GArray *dt_props(const DtBlob *fdt, int offset);

/**
 * dt_getprop - one property of a node
 * @fdt: a validated tree
 * @offset: a node offset (a negative one finds nothing)
 * @name: the property
 * @len: its length, when found
 *
 * Returns: the value, or NULL when the node has no such property.
 */
const uint8_t *dt_getprop(const DtBlob *fdt, int offset,
                          const char *name, int *len);

/**
 * dt_node_cells - read #address-cells or #size-cells of a node
 * @fdt: a validated tree
 * @offset: the node
 * @name: "#address-cells" or "#size-cells"
 * @dflt: the value when the node does not have the property
 * @cells: the value
 * @error: QF_ERROR_CORRUPT when the property is not one cell or
 *     holds more than 4
 *
 * Returns: TRUE on success.
 */
gboolean dt_node_cells(const DtBlob *fdt, int offset,
                       const char *name, uint32_t dflt,
                       uint32_t *cells, GError **error);

/**
 * dt_node_is_type - The node's "device_type" is @type
 *
 * Cannot fail.
 */
gboolean dt_node_is_type(const DtBlob *fdt, int offset,
                         const char *type);

#endif /* DT_NODES_H */
