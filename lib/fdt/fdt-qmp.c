/*
 * Fetching a DTB over QMP (see fdt-qmp.h).
 *
 * QMP messages are JSON objects, one a line.  Events may come between a
 * command and its reply; replies are matched by the "id" sent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt-qmp.h"
#include "fadump-error.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct Qmp {
    const char *where;          /* the socket, for messages */
    unsigned int timeout_s;
    GSocketConnection *conn;
    GString *pending;           /* received, not yet split into lines */
    unsigned int next_id;
} Qmp;

/* Read one message: its parser, whose root is a JSON object */
static JsonParser *read_message(Qmp *q, GError **error)
{
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(q->conn));

    for (;;) {
        char *nl = memchr(q->pending->str, '\n', q->pending->len);
        char chunk[16384];
        g_autoptr(GError) err = NULL;
        gssize n;

        if (nl) {
            size_t len = (size_t)(nl - q->pending->str);
            g_autofree char *line = g_strndup(q->pending->str, len);
            g_autoptr(JsonParser) parser = json_parser_new();

            g_string_erase(q->pending, 0, (gssize)len + 1);
            g_strstrip(line);
            if (!*line) {
                continue;
            }
            if (!json_parser_load_from_data(parser, line, -1, &err) ||
                !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
                g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                            "%s: not a QMP message: %s", q->where,
                            err ? err->message : "not a JSON object");
                return NULL;
            }
            return g_steal_pointer(&parser);
        }
        if (q->pending->len > FADUMP_QMP_MAX_MESSAGE) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                        "%s: QMP message longer than %u bytes", q->where,
                        FADUMP_QMP_MAX_MESSAGE);
            return NULL;
        }
        n = g_input_stream_read(in, chunk, sizeof(chunk), NULL, &err);
        if (n < 0) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s: %s",
                        q->where,
                        g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ?
                        "QEMU did not answer in time" : err->message);
            return NULL;
        }
        if (n == 0) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO,
                        "%s: QEMU closed the QMP connection", q->where);
            return NULL;
        }
        g_string_append_len(q->pending, chunk, n);
    }
}

static JsonObject *message_object(JsonParser *parser)
{
    return json_node_get_object(json_parser_get_root(parser));
}

/*
 * Run @command with @args (a JSON object or NULL) and return the parser
 * of its reply; the reply's "return" member is there.
 */
static JsonParser *execute(Qmp *q, const char *command, JsonNode *args,
                           GError **error)
{
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(q->conn));
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *id = g_strdup_printf("fdt-inspect-%u", ++q->next_id);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, command);
    if (args) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, json_node_copy(args));
    }
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, id);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    line = g_strconcat(text, "\r\n", NULL);
    if (!g_output_stream_write_all(out, line, strlen(line), NULL, NULL,
                                   &err)) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s: sending %s:"
                    " %s", q->where, command, err->message);
        return NULL;
    }
    for (;;) {
        g_autoptr(JsonParser) reply = read_message(q, error);
        JsonObject *o;
        const char *rid;

        if (!reply) {
            return NULL;
        }
        o = message_object(reply);
        rid = json_object_has_member(o, "id") &&
              JSON_NODE_HOLDS_VALUE(json_object_get_member(o, "id")) ?
              json_object_get_string_member(o, "id") : NULL;
        if (!rid || strcmp(rid, id)) {
            continue;   /* an event, or a reply to someone else */
        }
        if (json_object_has_member(o, "error")) {
            JsonNode *e = json_object_get_member(o, "error");
            const char *desc = NULL;

            if (JSON_NODE_HOLDS_OBJECT(e) &&
                json_object_has_member(json_node_get_object(e), "desc")) {
                desc = json_object_get_string_member(json_node_get_object(e),
                                                     "desc");
            }
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_MISMATCH,
                        "%s: QEMU refused %s: %s", q->where, command,
                        desc ? desc : "(no description)");
            return NULL;
        }
        if (!json_object_has_member(o, "return")) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                        "%s: reply to %s has neither return nor error",
                        q->where, command);
            return NULL;
        }
        return g_steal_pointer(&reply);
    }
}

static gboolean has_command(JsonParser *reply, const char *name)
{
    JsonNode *ret = json_object_get_member(message_object(reply), "return");
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

static FadumpFdt *talk(Qmp *q, const char *dtb_path, GError **error)
{
    g_autoptr(JsonParser) greeting = NULL;
    g_autoptr(JsonParser) reply = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) args = NULL;
    g_autoptr(FadumpFdt) fdt = NULL;
    g_autoptr(GError) err = NULL;

    greeting = read_message(q, error);
    if (!greeting) {
        return NULL;
    }
    if (!json_object_has_member(message_object(greeting), "QMP")) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                    "%s: no QMP greeting", q->where);
        return NULL;
    }
    reply = execute(q, "qmp_capabilities", NULL, error);
    if (!reply) {
        return NULL;
    }
    g_clear_object(&reply);
    reply = execute(q, "query-commands", NULL, error);
    if (!reply) {
        return NULL;
    }
    if (!has_command(reply, "dumpdtb")) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "%s: this QEMU has no dumpdtb command (QEMU 7.2 or later"
                    " built with FDT support has)", q->where);
        return NULL;
    }
    g_clear_object(&reply);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "filename");
    json_builder_add_string_value(b, dtb_path);
    json_builder_end_object(b);
    args = json_builder_get_root(b);
    reply = execute(q, "dumpdtb", args, error);
    if (!reply) {
        return NULL;
    }
    fdt = fadump_fdt_load_file(dtb_path, &err);
    if (!fdt) {
        g_set_error(error, FADUMP_ERROR, err->code, "%s: the DTB QEMU wrote:"
                    " %s", q->where, err->message);
        return NULL;
    }
    g_free(fdt->origin);
    fdt->origin = g_strdup_printf("qmp:%s", q->where);
    return g_steal_pointer(&fdt);
}

FadumpFdt *fadump_fdt_fetch_qmp(const char *socket_path,
                                unsigned int timeout_s, GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) addr = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *dtb_path = NULL;
    FadumpFdt *fdt;
    Qmp q = { .where = socket_path, .timeout_s = timeout_s };

    addr = g_unix_socket_address_new(socket_path);
    g_socket_client_set_timeout(client, timeout_s);
    q.conn = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL,
                                     &err);
    if (!q.conn) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s: %s",
                    socket_path, err->message);
        return NULL;
    }
    dir = g_dir_make_tmp("fdt-inspect-XXXXXX", &err);
    if (!dir) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_IO, "%s", err->message);
        g_object_unref(q.conn);
        return NULL;
    }
    dtb_path = g_build_filename(dir, "qemu.dtb", NULL);
    q.pending = g_string_new(NULL);

    fdt = talk(&q, dtb_path, error);

    g_string_free(q.pending, TRUE);
    g_io_stream_close(G_IO_STREAM(q.conn), NULL, NULL);
    g_object_unref(q.conn);
    if (g_unlink(dtb_path) != 0 && errno != ENOENT) {
        /* leave the directory rather than fail a fetch that worked */
        return fdt;
    }
    g_rmdir(dir);
    return fdt;
}
