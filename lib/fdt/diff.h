/*
 * What changed between two trees (or two subtrees), by node and by
 * property, with the values decoded as fdt-decode does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_DIFF_H
#define DT_DIFF_H

#include <glib.h>

#include "fdt/blob.h"
#include "fdt/decode.h"

typedef enum {
    DT_DIFF_NODE_REMOVED,
    DT_DIFF_NODE_ADDED,
    DT_DIFF_PROP_REMOVED,
    DT_DIFF_PROP_ADDED,
    DT_DIFF_PROP_CHANGED,
} DtDiffKind;

typedef struct DtDiffEntry {
    DtDiffKind kind;
    char *path;                 /* the node (in the tree that has it) */
    char *property;             /* PROP_*: the property */
    DtValue *old_value;     /* PROP_REMOVED, PROP_CHANGED */
    DtValue *new_value;     /* PROP_ADDED, PROP_CHANGED */
    unsigned int descendants;   /* NODE_*: nodes below, gone or new too */
    unsigned int properties;    /* NODE_*: properties of the node itself */
} DtDiffEntry;

typedef struct DtDiff {
    GPtrArray *entries;         /* DtDiffEntry, ordered by path */
} DtDiff;

/**
 * dt_diff - compare two (sub)trees
 * @a: the old tree
 * @ia: its node index
 * @a_root: position in @ia of the subtree to compare (0: everything)
 * @b: the new tree
 * @ib: its node index
 * @b_root: position in @ib of the subtree to compare
 * @raw: compare and show values undecoded
 *
 * Nodes are matched by their path below the subtree roots, properties
 * by name; a property changed when its bytes did.  A node only one side
 * has is one entry, its descendants counted in it.  The values borrow
 * from @a and @b, which must outlive the result.
 *
 * Returns: the differences (none: equal); dt_diff_free() frees them.
 */
DtDiff *dt_diff(const DtBlob *a, GArray *ia, int a_root,
                const DtBlob *b, GArray *ib, int b_root,
                gboolean raw);

void dt_diff_free(DtDiff *diff);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtDiff, dt_diff_free)

#endif /* DT_DIFF_H */
