/*
 * Device tree directories to DTBs (see fdt-dir.h).
 *
 * The directory is read into a small model first, within a byte budget
 * that bounds the DTB to come; the model is then written with libfdt's
 * sequential-write functions into a buffer sized for it exactly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/dir.h"
#include "common/file.h"
#include "common/error.h"

#include <errno.h>
#include <libfdt.h>
#include <string.h>
#include <sys/stat.h>

#define ALIGN4(x)   (((x) + 3) & ~(uint64_t)3)

typedef struct DirProp {
    char *name;
    char *value;
    size_t len;
} DirProp;

typedef struct DirNode {
    char *name;
    GPtrArray *props;       /* DirProp */
    GPtrArray *children;    /* DirNode */
} DirNode;

typedef struct Reader {
    uint64_t budget;        /* DTB bytes left */
} Reader;

static void prop_free(gpointer p)
{
    DirProp *dp = p;

    g_free(dp->name);
    g_free(dp->value);
    g_free(dp);
}

static void node_free(gpointer p)
{
    DirNode *n = p;

    g_free(n->name);
    g_ptr_array_unref(n->props);
    g_ptr_array_unref(n->children);
    g_free(n);
}

static gboolean spend(Reader *r, uint64_t bytes, const char *path,
                      GError **error)
{
    if (bytes > r->budget) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: the tree would take more than %u bytes", path,
                    DT_MAX_SIZE);
        return FALSE;
    }
    r->budget -= bytes;
    return TRUE;
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name" = the node name up to '@', NUL-terminated: made up by Linux */
static gboolean is_made_up_name(const char *node_name, const DirProp *p)
{
    size_t base = strcspn(node_name, "@");

    return !strcmp(p->name, "name") && p->len == base + 1 &&
           !memcmp(p->value, node_name, base) && p->value[base] == '\0';
}

static DirNode *read_node(Reader *r, const char *path, const char *name,
                          int depth, GError **error)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    DirNode *node;
    const char *entry;

    if (depth >= DT_MAX_DEPTH) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: nodes nested deeper than %d levels", path,
                    DT_MAX_DEPTH);
        return NULL;
    }
    dir = g_dir_open(path, 0, &err);
    if (!dir) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s", err->message);
        return NULL;
    }
    /* FDT_BEGIN_NODE, name, FDT_END_NODE */
    if (!spend(r, 8 + ALIGN4(strlen(name) + 1), path, error)) {
        return NULL;
    }
    while ((entry = g_dir_read_name(dir))) {
        /* each entry costs at least a tag in the DTB: bounds the list */
        if (!spend(r, 4, path, error)) {
            return NULL;
        }
        g_ptr_array_add(names, g_strdup(entry));
    }
    g_ptr_array_sort(names, name_cmp);

    node = g_new0(DirNode, 1);
    node->name = g_strdup(name);
    node->props = g_ptr_array_new_with_free_func(prop_free);
    node->children = g_ptr_array_new_with_free_func(node_free);
    for (guint i = 0; i < names->len; i++) {
        const char *ename = g_ptr_array_index(names, i);
        g_autofree char *epath = g_build_filename(path, ename, NULL);
        struct stat st;

        if (lstat(epath, &st) != 0) {
            int e = errno;

            g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", epath,
                        g_strerror(e));
            node_free(node);
            return NULL;
        }
        if (S_ISDIR(st.st_mode)) {
            DirNode *child = read_node(r, epath, ename, depth + 1, error);

            if (!child) {
                node_free(node);
                return NULL;
            }
            g_ptr_array_add(node->children, child);
        } else if (S_ISREG(st.st_mode)) {
            DirProp *p = g_new0(DirProp, 1);

            p->name = g_strdup(ename);
            if (!qf_read_file_bounded(epath, (size_t)MIN(r->budget,
                                                         G_MAXINT),
                                          &p->value, &p->len, error)) {
                prop_free(p);
                node_free(node);
                return NULL;
            }
            if (is_made_up_name(name, p)) {
                prop_free(p);
                continue;
            }
            /* FDT_PROP, len, nameoff, value; the name once in strings */
            if (!spend(r, 12 + ALIGN4(p->len) + strlen(ename) + 1, epath,
                       error)) {
                prop_free(p);
                node_free(node);
                return NULL;
            }
            g_ptr_array_add(node->props, p);
        } else {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "%s: neither a directory nor a regular file (symbolic"
                        " links are not followed)", epath);
            node_free(node);
            return NULL;
        }
    }
    return node;
}

static int write_node(void *fdt, const DirNode *n)
{
    int err = fdt_begin_node(fdt, n->name);

    for (guint i = 0; !err && i < n->props->len; i++) {
        const DirProp *p = g_ptr_array_index(n->props, i);

        err = fdt_property(fdt, p->name, p->value, (int)p->len);
    }
    for (guint i = 0; !err && i < n->children->len; i++) {
        err = write_node(fdt, g_ptr_array_index(n->children, i));
    }
    return err ? err : fdt_end_node(fdt);
}

DtBlob *dt_load_dir(const char *path, GError **error)
{
    /* header, reservation map terminator, FDT_END */
    Reader r = { .budget = DT_MAX_SIZE };
    g_autofree char *buf = NULL;
    g_autofree char *origin = NULL;
    DirNode *root;
    uint64_t size;
    int err;

    if (!spend(&r, 40 + 16 + 4, path, error)) {
        return NULL;
    }
    root = read_node(&r, path, "", 0, error);
    if (!root) {
        return NULL;
    }
    size = DT_MAX_SIZE - r.budget;
    buf = g_malloc0(size);
    err = fdt_create(buf, (int)size);
    if (!err) {
        err = fdt_finish_reservemap(buf);
    }
    if (!err) {
        err = write_node(buf, root);
    }
    if (!err) {
        err = fdt_finish(buf);
    }
    node_free(root);
    if (err) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: building the DTB: %s", path, fdt_strerror(err));
        return NULL;
    }
    origin = g_strdup_printf("%s/", path);
    return dt_new_from_data(buf, fdt_totalsize(buf), origin, error);
}
