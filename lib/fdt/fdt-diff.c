/*
 * Comparing two trees (see fdt-diff.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt-diff.h"
#include "fdt-nodes.h"

#include <string.h>

typedef struct Side {
    const FadumpFdt *fdt;
    GArray *index;
    int root;
    int end;                /* past the subtree */
    size_t prefix;          /* bytes of the root's path to drop */
    GHashTable *by_rel;     /* relative path -> position + 1 */
} Side;

static void entry_free(gpointer data)
{
    FadumpDiffEntry *e = data;

    g_free(e->path);
    g_free(e->property);
    fadump_value_free(e->old_value);
    fadump_value_free(e->new_value);
    g_free(e);
}

void fadump_diff_free(FadumpDiff *diff)
{
    if (diff) {
        g_ptr_array_unref(diff->entries);
        g_free(diff);
    }
}

/* The path below the subtree root: "" for the root itself */
static const char *rel_path(const Side *s, int i)
{
    const char *path = fadump_fdt_node(s->index, i)->path;

    return s->prefix == 1 ? (i == s->root ? "" : path) : path + s->prefix;
}

static void side_init(Side *s, const FadumpFdt *fdt, GArray *index, int root)
{
    s->fdt = fdt;
    s->index = index;
    s->root = root;
    s->end = fadump_fdt_subtree_end(index, root);
    s->prefix = strlen(fadump_fdt_node(index, root)->path);
    s->by_rel = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = root; i < s->end; i++) {
        const char *rel = rel_path(s, i);

        /* a duplicate path (invalid tree) matches its first node */
        if (!g_hash_table_contains(s->by_rel, rel)) {
            g_hash_table_insert(s->by_rel, (gpointer)rel,
                                GINT_TO_POINTER(i + 1));
        }
    }
}

static FadumpValue *decode(const Side *s, int node, const FadumpFdtProp *p,
                           gboolean raw)
{
    FadumpDecodeCtx ctx;

    fadump_decode_ctx_for_node(s->fdt, s->index, node, raw, &ctx);
    return fadump_value_decode(&ctx, p->name, p->value, p->len);
}

static FadumpDiffEntry *add_entry(FadumpDiff *d, FadumpDiffKind kind,
                                  const char *path, const char *property)
{
    FadumpDiffEntry *e = g_new0(FadumpDiffEntry, 1);

    e->kind = kind;
    e->path = g_strdup(path);
    e->property = g_strdup(property);
    g_ptr_array_add(d->entries, e);
    return e;
}

/* Nodes of @from missing from @other, each with its subtree folded in */
static void lone_nodes(FadumpDiff *d, const Side *from, const Side *other,
                       FadumpDiffKind kind)
{
    for (int i = from->root; i < from->end;) {
        int end;
        FadumpDiffEntry *e;
        g_autoptr(GArray) props = NULL;

        if (g_hash_table_contains(other->by_rel, rel_path(from, i))) {
            i++;
            continue;
        }
        end = fadump_fdt_subtree_end(from->index, i);
        e = add_entry(d, kind, fadump_fdt_node(from->index, i)->path, NULL);
        e->descendants = (unsigned int)(end - i - 1);
        props = fadump_fdt_props(from->fdt,
                                 fadump_fdt_node(from->index, i)->offset);
        e->properties = props->len;
        i = end;
    }
}

static void compare_props(FadumpDiff *d, const Side *a, int ai,
                          const Side *b, int bi, gboolean raw)
{
    g_autoptr(GArray) pa = fadump_fdt_props(a->fdt,
                                            fadump_fdt_node(a->index, ai)->offset);
    g_autoptr(GArray) pb = fadump_fdt_props(b->fdt,
                                            fadump_fdt_node(b->index, bi)->offset);
    g_autoptr(GHashTable) in_b = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) in_a = g_hash_table_new(g_str_hash, g_str_equal);
    const char *path = fadump_fdt_node(b->index, bi)->path;

    for (guint j = 0; j < pb->len; j++) {
        FadumpFdtProp *p = &g_array_index(pb, FadumpFdtProp, j);

        g_hash_table_insert(in_b, (gpointer)p->name, p);
    }
    for (guint j = 0; j < pa->len; j++) {
        FadumpFdtProp *p = &g_array_index(pa, FadumpFdtProp, j);
        FadumpFdtProp *q = g_hash_table_lookup(in_b, p->name);
        FadumpDiffEntry *e;

        g_hash_table_insert(in_a, (gpointer)p->name, p);
        if (!q) {
            e = add_entry(d, FADUMP_DIFF_PROP_REMOVED, path, p->name);
            e->old_value = decode(a, ai, p, raw);
        } else if (p->len != q->len ||
                   (p->len && memcmp(p->value, q->value, (size_t)p->len))) {
            e = add_entry(d, FADUMP_DIFF_PROP_CHANGED, path, p->name);
            e->old_value = decode(a, ai, p, raw);
            e->new_value = decode(b, bi, q, raw);
        }
    }
    for (guint j = 0; j < pb->len; j++) {
        FadumpFdtProp *q = &g_array_index(pb, FadumpFdtProp, j);

        if (!g_hash_table_contains(in_a, q->name)) {
            FadumpDiffEntry *e = add_entry(d, FADUMP_DIFF_PROP_ADDED, path,
                                           q->name);

            e->new_value = decode(b, bi, q, raw);
        }
    }
}

/* Paths in tree order: '/' sorts before any other character */
static int path_cmp(const char *x, const char *y)
{
    for (;; x++, y++) {
        unsigned char cx = *x == '/' ? 1 : (unsigned char)*x;
        unsigned char cy = *y == '/' ? 1 : (unsigned char)*y;

        if (cx != cy || !cx) {
            return cx - cy;
        }
    }
}

static gint entry_cmp(gconstpointer pa, gconstpointer pb)
{
    const FadumpDiffEntry *a = *(FadumpDiffEntry *const *)pa;
    const FadumpDiffEntry *b = *(FadumpDiffEntry *const *)pb;

    return path_cmp(a->path, b->path);
}

FadumpDiff *fadump_fdt_diff(const FadumpFdt *a, GArray *ia, int a_root,
                            const FadumpFdt *b, GArray *ib, int b_root,
                            gboolean raw)
{
    FadumpDiff *d = g_new0(FadumpDiff, 1);
    Side sa, sb;

    d->entries = g_ptr_array_new_with_free_func(entry_free);
    side_init(&sa, a, ia, a_root);
    side_init(&sb, b, ib, b_root);

    lone_nodes(d, &sa, &sb, FADUMP_DIFF_NODE_REMOVED);
    lone_nodes(d, &sb, &sa, FADUMP_DIFF_NODE_ADDED);
    for (int i = sb.root; i < sb.end; i++) {
        gpointer ai = g_hash_table_lookup(sa.by_rel, rel_path(&sb, i));

        if (ai) {
            compare_props(d, &sa, GPOINTER_TO_INT(ai) - 1, &sb, i, raw);
        }
    }
    /* stable: a node's own entries keep their order */
    g_ptr_array_sort(d->entries, entry_cmp);

    g_hash_table_unref(sa.by_rel);
    g_hash_table_unref(sb.by_rel);
    return d;
}
