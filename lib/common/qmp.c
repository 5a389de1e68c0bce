/*
 * A QMP client (see fadump-qmp.h).
 *
 * The socket is non-blocking; every read waits for input with a
 * deadline (g_socket_condition_timed_wait()), so that neither a silent
 * QEMU nor a peer that is not QEMU can hang the caller.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/qmp.h"
#include "common/error.h"

#include <gio/gio.h>
#include <gio/gunixfdmessage.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#define READ_CHUNK  16384

struct QfQmp {
    char *where;                /* the socket, for messages */
    unsigned int timeout_s;
    GSocketConnection *conn;
    GSocket *sock;              /* the connection's */
    GString *pending;           /* received, not yet split into lines */
    GQueue events;              /* JsonNode *, oldest first */
    unsigned int next_id;
    char *error_class;          /* of the last refused command */
    JsonNode *greeting;
};

typedef enum {
    READ_OK,
    READ_TIMEOUT,
    READ_ERROR,
} ReadResult;

const char *qf_qmp_where(const QfQmp *q)
{
    return q->where;
}

const char *qf_qmp_error_class(const QfQmp *q)
{
    return q->error_class;
}

static JsonObject *object_of(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node)
                                                : NULL;
}

/* @member of @o when it is a string, else NULL */
static const char *string_member(JsonObject *o, const char *member)
{
    JsonNode *n = o ? json_object_get_member(o, member) : NULL;

    if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(n);
}

const char *qf_qmp_event_name(JsonNode *event)
{
    return string_member(object_of(event), "event");
}

JsonObject *qf_qmp_event_data(JsonNode *event)
{
    JsonObject *o = object_of(event);
    JsonNode *d = o ? json_object_get_member(o, "data") : NULL;

    return object_of(d);
}

/* The next whole line of @q->pending, parsed; NULL when there is none */
static JsonNode *split_message(QfQmp *q, gboolean *bad, GError **error)
{
    for (;;) {
        char *nl = memchr(q->pending->str, '\n', q->pending->len);
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) err = NULL;
        g_autofree char *line = NULL;
        size_t len;

        if (!nl) {
            return NULL;
        }
        len = (size_t)(nl - q->pending->str);
        line = g_strndup(q->pending->str, len);
        g_string_erase(q->pending, 0, (gssize)len + 1);
        g_strstrip(line);
        if (!*line) {
            continue;
        }
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, line, -1, &err) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "%s: not a QMP message: %s", q->where,
                        err ? err->message : "not a JSON object");
            *bad = TRUE;
            return NULL;
        }
        return json_node_copy(json_parser_get_root(parser));
    }
}

/*
 * Microseconds from now to @deadline (monotonic), 0 once it has passed.
 * The clock is read once: MAX(deadline - g_get_monotonic_time(), 0) reads
 * it twice, and the second reading can land past the deadline, handing
 * g_socket_condition_timed_wait() a negative timeout, which waits forever.
 */
static gint64 time_left(gint64 deadline)
{
    gint64 left = deadline - g_get_monotonic_time();

    return left > 0 ? left : 0;
}

/*
 * Read one message, waiting until @deadline (monotonic microseconds, -1:
 * the connection's timeout from now).  READ_TIMEOUT leaves @error unset.
 */
static ReadResult read_message(QfQmp *q, gint64 deadline,
                               JsonNode **ret, GError **error)
{
    if (deadline < 0) {
        deadline = g_get_monotonic_time() + q->timeout_s * G_USEC_PER_SEC;
    }
    for (;;) {
        char chunk[READ_CHUNK];
        g_autoptr(GError) err = NULL;
        gboolean bad = FALSE;
        gint64 left;
        gssize n;

        *ret = split_message(q, &bad, error);
        if (*ret) {
            return READ_OK;
        }
        if (bad) {
            return READ_ERROR;
        }
        if (q->pending->len > QF_QMP_MAX_MESSAGE) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "%s: QMP message longer than %u bytes", q->where,
                        QF_QMP_MAX_MESSAGE);
            return READ_ERROR;
        }
        left = time_left(deadline);
        if (!g_socket_condition_timed_wait(q->sock, G_IO_IN, left, NULL,
                                           &err)) {
            if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
                /* poll() counts milliseconds: it may wake a little early */
                if (g_get_monotonic_time() < deadline) {
                    continue;
                }
                return READ_TIMEOUT;
            }
            g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s",
                        q->where, err->message);
            return READ_ERROR;
        }
        n = g_socket_receive(q->sock, chunk, sizeof(chunk), NULL, &err);
        if (n < 0 && g_error_matches(err, G_IO_ERROR,
                                     G_IO_ERROR_WOULD_BLOCK)) {
            continue;
        }
        if (n < 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s",
                        q->where, err->message);
            return READ_ERROR;
        }
        if (n == 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "%s: QEMU closed the QMP connection", q->where);
            return READ_ERROR;
        }
        g_string_append_len(q->pending, chunk, n);
    }
}

/* Read one message with the connection's timeout; a timeout is an error */
static JsonNode *read_reply_message(QfQmp *q, const char *waiting_for,
                                    GError **error)
{
    JsonNode *msg = NULL;

    switch (read_message(q, -1, &msg, error)) {
    case READ_OK:
        return msg;
    case READ_TIMEOUT:
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: QEMU did not answer in time (%u s, waiting for "
                    "%s)", q->where, q->timeout_s, waiting_for);
        return NULL;
    case READ_ERROR:
        if (error && *error) {
            char *m = (*error)->message;

            (*error)->message = g_strdup_printf("%s (waiting for the reply "
                                                "to %s)", m, waiting_for);
            g_free(m);
        }
        break;
    }
    return NULL;
}

static void queue_event(QfQmp *q, JsonNode *event)
{
    g_queue_push_tail(&q->events, event);
    while (q->events.length > QF_QMP_MAX_EVENTS) {
        json_node_unref(g_queue_pop_head(&q->events));
    }
}

/* Send all of @data; the first write carries @fd when it is >= 0 */
static gboolean send_all(QfQmp *q, const char *data, size_t len, int fd,
                         const char *command, GError **error)
{
    gint64 deadline = g_get_monotonic_time() +
                      q->timeout_s * G_USEC_PER_SEC;

    while (len) {
        g_autoptr(GError) err = NULL;
        GOutputVector v = { data, len };
        g_autoptr(GSocketControlMessage) fdmsg = NULL;
        gssize n;

        if (fd >= 0) {
            fdmsg = g_unix_fd_message_new();
            if (!g_unix_fd_message_append_fd(G_UNIX_FD_MESSAGE(fdmsg), fd,
                                             &err)) {
                g_set_error(error, QF_ERROR, QF_ERROR_IO,
                            "%s: passing a file descriptor with %s: %s",
                            q->where, command, err->message);
                return FALSE;
            }
        }
        n = g_socket_send_message(q->sock, NULL, &v, 1,
                                  fdmsg ? &fdmsg : NULL, fdmsg ? 1 : 0,
                                  G_SOCKET_MSG_NONE, NULL, &err);
        if (n < 0 && g_error_matches(err, G_IO_ERROR,
                                     G_IO_ERROR_WOULD_BLOCK)) {
            gint64 left = time_left(deadline);

            g_clear_error(&err);
            if (g_socket_condition_timed_wait(q->sock, G_IO_OUT, left, NULL,
                                              &err)) {
                continue;
            }
        }
        if (n < 0) {
            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "%s: sending %s: %s", q->where, command,
                        err->message);
            return FALSE;
        }
        data += n;
        len -= (size_t)n;
        fd = -1;
    }
    return TRUE;
}

static char *command_line(const char *command, JsonNode *args,
                          const char *id)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

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
    return g_strconcat(text, "\r\n", NULL);
}

/* The "return" of a reply to @command, or its error */
static JsonNode *reply_value(QfQmp *q, const char *command,
                             JsonObject *o, GError **error)
{
    JsonNode *ret;

    if (json_object_has_member(o, "error")) {
        JsonObject *e = object_of(json_object_get_member(o, "error"));
        const char *desc = string_member(e, "desc");
        const char *cls = string_member(e, "class");

        q->error_class = g_strdup(cls ? cls : "");
        g_set_error(error, QF_ERROR, QF_ERROR_MISMATCH,
                    "%s: QEMU refused %s: %s (%s)", q->where, command,
                    desc ? desc : "(no description)",
                    cls ? cls : "no error class");
        return NULL;
    }
    ret = json_object_get_member(o, "return");
    if (!ret) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: reply to %s has neither return nor error",
                    q->where, command);
        return NULL;
    }
    return json_node_copy(ret);
}

static JsonNode *execute(QfQmp *q, const char *command, JsonNode *args,
                         int fd, GError **error)
{
    g_autofree char *id = g_strdup_printf("fadump-%u", ++q->next_id);
    g_autofree char *line = NULL;

    g_clear_pointer(&q->error_class, g_free);
    if (args && !JSON_NODE_HOLDS_OBJECT(args)) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "%s: arguments of %s are not a JSON object", q->where,
                    command);
        return NULL;
    }
    line = command_line(command, args, id);
    if (!send_all(q, line, strlen(line), fd, command, error)) {
        return NULL;
    }
    for (;;) {
        g_autoptr(JsonNode) msg = read_reply_message(q, command, error);
        JsonObject *o;
        const char *rid;

        if (!msg) {
            return NULL;
        }
        o = json_node_get_object(msg);
        if (qf_qmp_event_name(msg)) {
            queue_event(q, g_steal_pointer(&msg));
            continue;
        }
        rid = string_member(o, "id");
        if (!rid || strcmp(rid, id)) {
            continue;   /* a reply to someone else */
        }
        return reply_value(q, command, o, error);
    }
}

JsonNode *qf_qmp_execute(QfQmp *q, const char *command,
                         JsonNode *args, GError **error)
{
    return execute(q, command, args, -1, error);
}

JsonNode *qf_qmp_execute_with_fd(QfQmp *q, const char *command,
                                 JsonNode *args, int fd, GError **error)
{
    if (fd < 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "%s: %s: no file descriptor to pass", q->where, command);
        return NULL;
    }
    return execute(q, command, args, fd, error);
}

gboolean qf_qmp_getfd(QfQmp *q, const char *name, int fd,
                      GError **error)
{
    g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonObject) o = json_object_new();
    g_autoptr(JsonNode) ret = NULL;

    json_object_set_string_member(o, "fdname", name);
    json_node_set_object(args, o);
    ret = qf_qmp_execute_with_fd(q, "getfd", args, fd, error);
    return ret != NULL;
}

JsonNode *qf_qmp_take_event(QfQmp *q, const char *name)
{
    for (GList *l = q->events.head; l; l = l->next) {
        if (!name || !g_strcmp0(qf_qmp_event_name(l->data), name)) {
            JsonNode *ev = l->data;

            g_queue_delete_link(&q->events, l);
            return ev;
        }
    }
    return NULL;
}

JsonNode *qf_qmp_wait_event(QfQmp *q, const char *name,
                            unsigned int timeout_ms, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    JsonNode *ev = qf_qmp_take_event(q, name);

    while (!ev) {
        JsonNode *msg = NULL;

        switch (read_message(q, deadline, &msg, error)) {
        case READ_TIMEOUT:
            return NULL;
        case READ_ERROR:
            return NULL;
        case READ_OK:
            break;
        }
        if (!qf_qmp_event_name(msg)) {
            json_node_unref(msg);   /* a late reply: nobody waits for it */
            continue;
        }
        if (!name || !strcmp(qf_qmp_event_name(msg), name)) {
            ev = msg;
        } else {
            queue_event(q, msg);
        }
    }
    return ev;
}

const char *qf_qmp_version(const QfQmp *q, int *major, int *minor,
                           int *micro)
{
    JsonObject *qmp = object_of(q->greeting);
    JsonObject *version, *qemu;
    int *out[] = { major, minor, micro };
    const char *names[] = { "major", "minor", "micro" };
    const char *package;

    for (int i = 0; i < 3; i++) {
        if (out[i]) {
            *out[i] = 0;
        }
    }
    qmp = qmp ? object_of(json_object_get_member(qmp, "QMP")) : NULL;
    version = qmp ? object_of(json_object_get_member(qmp, "version")) : NULL;
    qemu = version ? object_of(json_object_get_member(version, "qemu"))
                   : NULL;
    if (!qemu) {
        return NULL;
    }
    for (int i = 0; i < 3; i++) {
        JsonNode *n = json_object_get_member(qemu, names[i]);

        if (out[i] && n && JSON_NODE_HOLDS_VALUE(n) &&
            json_node_get_value_type(n) == G_TYPE_INT64) {
            *out[i] = (int)json_node_get_int(n);
        }
    }
    package = string_member(version, "package");
    return package ? package : "";
}

void qf_qmp_free(QfQmp *q)
{
    if (!q) {
        return;
    }
    if (q->conn) {
        g_io_stream_close(G_IO_STREAM(q->conn), NULL, NULL);
        g_object_unref(q->conn);
    }
    g_queue_clear_full(&q->events, (GDestroyNotify)json_node_unref);
    if (q->pending) {
        g_string_free(q->pending, TRUE);
    }
    g_clear_pointer(&q->greeting, json_node_unref);
    g_free(q->error_class);
    g_free(q->where);
    g_free(q);
}

QfQmp *qf_qmp_connect(const char *socket_path, unsigned int timeout_s,
                      GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(socket_path);
    g_autoptr(QfQmp) q = g_new0(QfQmp, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) caps = NULL;

    q->where = g_strdup(socket_path);
    q->timeout_s = timeout_s;
    q->pending = g_string_new(NULL);
    g_queue_init(&q->events);
    g_socket_client_set_timeout(client, timeout_s);
    q->conn = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr),
                                      NULL, &err);
    if (!q->conn) {
        const char *hint = "";

        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
            hint = " (is QEMU running with -qmp unix:PATH,server=on,"
                   "wait=off?)";
        } else if (g_error_matches(err, G_IO_ERROR,
                                   G_IO_ERROR_CONNECTION_REFUSED)) {
            hint = " (nothing listens there: has QEMU exited?)";
        }
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s%s",
                    socket_path, err->message, hint);
        return NULL;
    }
    q->sock = g_socket_connection_get_socket(q->conn);
    g_socket_set_timeout(q->sock, 0);
    g_socket_set_blocking(q->sock, FALSE);

    switch (read_message(q, -1, &q->greeting, error)) {
    case READ_OK:
        break;
    case READ_TIMEOUT:
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: QEMU did not answer in time (%u s, waiting for "
                    "the QMP greeting; QEMU serves one client at a time on "
                    "each QMP socket: is another one connected?)",
                    socket_path, timeout_s);
        return NULL;
    case READ_ERROR:
        return NULL;
    }
    if (!json_object_has_member(json_node_get_object(q->greeting), "QMP")) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: no QMP greeting: is this a QEMU QMP socket?",
                    socket_path);
        return NULL;
    }
    caps = qf_qmp_execute(q, "qmp_capabilities", NULL, error);
    if (!caps) {
        return NULL;
    }
    return g_steal_pointer(&q);
}
