/*
 * Comparing two trees (see fdt-diff.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/diff.h"
#include "fdt/nodes.h"

#include <string.h>

typedef struct Side {
    const DtBlob *fdt;
    GArray *index;
    int root;
    int end;                /* past the subtree */
    size_t prefix;          /* bytes of the root's path to drop */
    GPtrArray *keys;        /* key of node root + i (owned) */
    GHashTable *by_key;     /* key -> position + 1 */
} Side;

static void entry_free(gpointer data)
{
    DtDiffEntry *e = data;

    g_free(e->path);
    g_free(e->property);
    dt_value_free(e->old_value);
    dt_value_free(e->new_value);
    g_free(e);
}

void dt_diff_free(DtDiff *diff)
{
    if (diff) {
        g_ptr_array_unref(diff->entries);
        g_free(diff);
    }
}

/* The path below the subtree root: "" for the root itself */
static const char *rel_path(const Side *s, int i)
{
    const char *path = dt_node(s->index, i)->path;

    return s->prefix == 1 ? (i == s->root ? "" : path) : path + s->prefix;
}

/*
 * Nodes are matched by their path below the root; in a tree with sibling
 * nodes of the same name (invalid, but possible), the n-th node of a
 * path by the n-th: "PATH//n" (no real path has an empty component).
 */
static void side_init(Side *s, const DtBlob *fdt, GArray *index, int root)
{
    s->fdt = fdt;
    s->index = index;
    s->root = root;
    s->end = dt_subtree_end(index, root);
    s->prefix = strlen(dt_node(index, root)->path);
    s->keys = g_ptr_array_new_with_free_func(g_free);
    s->by_key = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = root; i < s->end; i++) {
        const char *rel = rel_path(s, i);
        char *key = g_strdup(rel);

        for (unsigned int n = 2; g_hash_table_contains(s->by_key, key); n++) {
            g_free(key);
            key = g_strdup_printf("%s//%u", rel, n);
        }
        g_ptr_array_add(s->keys, key);
        g_hash_table_insert(s->by_key, key, GINT_TO_POINTER(i + 1));
    }
}

static void side_clear(Side *s)
{
    g_hash_table_unref(s->by_key);
    g_ptr_array_unref(s->keys);
}

static const char *node_key(const Side *s, int i)
{
    return g_ptr_array_index(s->keys, (guint)(i - s->root));
}

static DtValue *decode(const Side *s, int node, const DtProp *p,
                       gboolean raw)
{
    DtDecodeCtx ctx;

    dt_decode_ctx_for_node(s->fdt, s->index, node, raw, &ctx);
    return dt_value_decode(&ctx, p->name, p->value, p->len);
}

static DtDiffEntry *add_entry(DtDiff *d, DtDiffKind kind,
                              const char *path, const char *property)
{
    DtDiffEntry *e = g_new0(DtDiffEntry, 1);

    e->kind = kind;
    e->path = g_strdup(path);
    e->property = g_strdup(property);
    g_ptr_array_add(d->entries, e);
    return e;
}

/* Nodes of @from missing from @other, each with its subtree folded in */
static void lone_nodes(DtDiff *d, const Side *from, const Side *other,
                       DtDiffKind kind)
{
    for (int i = from->root; i < from->end;) {
        int end;
        DtDiffEntry *e;
        g_autoptr(GArray) props = NULL;

        if (g_hash_table_contains(other->by_key, node_key(from, i))) {
            i++;
            continue;
        }
        end = dt_subtree_end(from->index, i);
        e = add_entry(d, kind, dt_node(from->index, i)->path, NULL);
        e->descendants = (unsigned int)(end - i - 1);
        props = dt_props(from->fdt,
                         dt_node(from->index, i)->offset);
        e->properties = props->len;
        i = end;
    }
}

/* The properties of a node by name; a repeated name (invalid) keeps
 * all its occurrences, in order */
static GHashTable *props_by_name(GArray *props)
{
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);

    for (guint j = 0; j < props->len; j++) {
        DtProp *p = &g_array_index(props, DtProp, j);
        GPtrArray *same = g_hash_table_lookup(t, p->name);

        if (!same) {
            same = g_ptr_array_new();
            g_hash_table_insert(t, (gpointer)p->name, same);
        }
        g_ptr_array_add(same, p);
    }
    return t;
}

/* The @n-th occurrence of @name in @t, or NULL */
static DtProp *nth_prop(GHashTable *t, const char *name, guint n)
{
    GPtrArray *same = g_hash_table_lookup(t, name);

    return same && n < same->len ? g_ptr_array_index(same, n) : NULL;
}

/* How many times @name was seen so far, counting this one */
static guint seen(GHashTable *counts, const char *name)
{
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, name));

    g_hash_table_insert(counts, (gpointer)name, GUINT_TO_POINTER(n + 1));
    return n;
}

static void compare_props(DtDiff *d, const Side *a, int ai,
                          const Side *b, int bi, gboolean raw)
{
    int aoff = dt_node(a->index, ai)->offset;
    int boff = dt_node(b->index, bi)->offset;
    g_autoptr(GArray) pa = dt_props(a->fdt, aoff);
    g_autoptr(GArray) pb = dt_props(b->fdt, boff);
    g_autoptr(GHashTable) in_a = props_by_name(pa);
    g_autoptr(GHashTable) in_b = props_by_name(pb);
    g_autoptr(GHashTable) count = g_hash_table_new(g_str_hash, g_str_equal);
    const char *path = dt_node(b->index, bi)->path;

    for (guint j = 0; j < pa->len; j++) {
        DtProp *p = &g_array_index(pa, DtProp, j);
        DtProp *q = nth_prop(in_b, p->name, seen(count, p->name));
        DtDiffEntry *e;

        if (!q) {
            e = add_entry(d, DT_DIFF_PROP_REMOVED, path, p->name);
            e->old_value = decode(a, ai, p, raw);
        } else if (p->len != q->len ||
                   (p->len && memcmp(p->value, q->value, (size_t)p->len))) {
            e = add_entry(d, DT_DIFF_PROP_CHANGED, path, p->name);
            e->old_value = decode(a, ai, p, raw);
            e->new_value = decode(b, bi, q, raw);
        }
    }
    g_hash_table_remove_all(count);
    for (guint j = 0; j < pb->len; j++) {
        DtProp *q = &g_array_index(pb, DtProp, j);

        if (!nth_prop(in_a, q->name, seen(count, q->name))) {
            DtDiffEntry *e = add_entry(d, DT_DIFF_PROP_ADDED, path,
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
    const DtDiffEntry *a = *(DtDiffEntry *const *)pa;
    const DtDiffEntry *b = *(DtDiffEntry *const *)pb;

    return path_cmp(a->path, b->path);
}

DtDiff *dt_diff(const DtBlob *a, GArray *ia, int a_root,
                const DtBlob *b, GArray *ib, int b_root,
                gboolean raw)
{
    DtDiff *d = g_new0(DtDiff, 1);
    Side sa, sb;

    d->entries = g_ptr_array_new_with_free_func(entry_free);
    side_init(&sa, a, ia, a_root);
    side_init(&sb, b, ib, b_root);

    lone_nodes(d, &sa, &sb, DT_DIFF_NODE_REMOVED);
    lone_nodes(d, &sb, &sa, DT_DIFF_NODE_ADDED);
    for (int i = sb.root; i < sb.end; i++) {
        gpointer ai = g_hash_table_lookup(sa.by_key, node_key(&sb, i));

        if (ai) {
            compare_props(d, &sa, GPOINTER_TO_INT(ai) - 1, &sb, i, raw);
        }
    }
    /* stable: a node's own entries keep their order */
    g_ptr_array_sort(d->entries, entry_cmp);

    side_clear(&sa);
    side_clear(&sb);
    return d;
}
