/*
 * Fetching a DTB over QMP (see fdt-qmp.h); the QMP client is
 * fadump-qmp.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/qmp.h"
#include "common/error.h"
#include "common/qmp.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

static gboolean has_command(JsonNode *ret, const char *name)
{
    JsonArray *cmds;

    if (!JSON_NODE_HOLDS_ARRAY(ret)) {
        return FALSE;
    }
    cmds = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(cmds); i++) {
        JsonNode *c = json_array_get_element(cmds, i);
        JsonObject *o;

        if (!JSON_NODE_HOLDS_OBJECT(c)) {
            continue;
        }
        o = json_node_get_object(c);
        if (json_object_has_member(o, "name") &&
            JSON_NODE_HOLDS_VALUE(json_object_get_member(o, "name")) &&
            !g_strcmp0(json_object_get_string_member(o, "name"), name)) {
            return TRUE;
        }
    }
    return FALSE;
}

static DtBlob *talk(QfQmp *q, const char *dtb_path, GError **error)
{
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonObject) o = json_object_new();
    g_autoptr(DtBlob) fdt = NULL;
    g_autoptr(GError) err = NULL;
    const char *where = qf_qmp_where(q);

    reply = qf_qmp_execute(q, "query-commands", NULL, error);
    if (!reply) {
        return NULL;
    }
    if (!has_command(reply, "dumpdtb")) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "%s: this QEMU has no dumpdtb command (QEMU 7.2 or later"
                    " built with FDT support has)", where);
        return NULL;
    }
    g_clear_pointer(&reply, json_node_unref);
    json_object_set_string_member(o, "filename", dtb_path);
    json_node_set_object(args, o);
    reply = qf_qmp_execute(q, "dumpdtb", args, error);
    if (!reply) {
        return NULL;
    }
    fdt = dt_load_file(dtb_path, &err);
    if (!fdt) {
        g_set_error(error, QF_ERROR, err->code, "%s: the DTB QEMU wrote:"
                    " %s", where, err->message);
        return NULL;
    }
    g_free(fdt->origin);
    fdt->origin = g_strdup_printf("qmp:%s", where);
    return g_steal_pointer(&fdt);
}

DtBlob *dt_fetch_qmp(const char *socket_path,
                     unsigned int timeout_s, GError **error)
{
    g_autoptr(QfQmp) q = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *dtb_path = NULL;
    DtBlob *fdt;

    q = qf_qmp_connect(socket_path, timeout_s, error);
    if (!q) {
        return NULL;
    }
    dir = g_dir_make_tmp("fdt-inspect-XXXXXX", &err);
    if (!dir) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s", err->message);
        return NULL;
    }
    dtb_path = g_build_filename(dir, "qemu.dtb", NULL);

    fdt = talk(q, dtb_path, error);

    if (g_unlink(dtb_path) != 0 && errno != ENOENT) {
        /* leave the directory rather than fail a fetch that worked */
        return fdt;
    }
    g_rmdir(dir);
    return fdt;
}
