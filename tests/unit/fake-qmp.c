/*
 * A fake QEMU for QMP unit tests (see fake-qmp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fake-qmp.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_GREETING \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, " \
    "\"major\": 10}, \"package\": \"v10.1.0-fake\"}, \"capabilities\": " \
    "[\"oob\"]}}"

struct FakeQmp {
    char *dir;
    char *path;
    int listen_fd;
    int fd;                     /* the connection */
    char *greeting;
    FakeQmpHandler handler;
    gpointer data;
    GThread *thread;
    GString *in;
    int pending_fd;             /* received, not yet given to a command */
    GPtrArray *commands;
};

const char *fake_qmp_path(const FakeQmp *s)
{
    return s->path;
}

const GPtrArray *fake_qmp_commands(const FakeQmp *s)
{
    return s->commands;
}

gboolean fake_qmp_send_raw(FakeQmp *s, const void *data, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(s->fd, (const char *)data + off, len - off,
                         MSG_NOSIGNAL);

        if (n <= 0) {
            return FALSE;   /* the client has gone */
        }
        off += (size_t)n;
    }
    return TRUE;
}

void fake_qmp_send(FakeQmp *s, const char *text)
{
    g_autofree char *line = g_strconcat(text, "\r\n", NULL);

    /* the client may have gone: not the server's failure */
    fake_qmp_send_raw(s, line, strlen(line));
}

void fake_qmp_reply(FakeQmp *s, const char *id, const char *body)
{
    g_autofree char *msg = g_strdup_printf("{%s, \"id\": \"%s\"}", body, id);

    fake_qmp_send(s, msg);
}

void fake_qmp_event(FakeQmp *s, const char *name, const char *data_json)
{
    g_autofree char *msg = g_strdup_printf(
        "{\"event\": \"%s\", \"data\": %s, \"timestamp\": {\"seconds\": 1, "
        "\"microseconds\": 2}}", name, data_json ? data_json : "{}");

    fake_qmp_send(s, msg);
}

/* Receive more bytes, keeping a passed descriptor; FALSE at EOF */
static gboolean receive(FakeQmp *s)
{
    char buf[4096];
    union {
        char space[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = ctl.space,
        .msg_controllen = sizeof(ctl.space),
    };
    ssize_t n = recvmsg(s->fd, &msg, MSG_CMSG_CLOEXEC);

    if (n <= 0) {
        return FALSE;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
         c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;

            memcpy(&fd, CMSG_DATA(c), sizeof(fd));
            if (s->pending_fd >= 0) {
                close(s->pending_fd);
            }
            s->pending_fd = fd;
        }
    }
    g_string_append_len(s->in, buf, n);
    return TRUE;
}

static char *next_line(FakeQmp *s)
{
    for (;;) {
        char *nl = memchr(s->in->str, '\n', s->in->len);

        if (nl) {
            size_t len = (size_t)(nl - s->in->str);
            char *line = g_strndup(s->in->str, len);

            g_string_erase(s->in, 0, (gssize)len + 1);
            return line;
        }
        if (!receive(s)) {
            return NULL;
        }
    }
}

static gpointer serve(gpointer data)
{
    FakeQmp *s = data;

    s->fd = accept(s->listen_fd, NULL, NULL);
    g_assert_cmpint(s->fd, >=, 0);
    if (*s->greeting) {
        fake_qmp_send(s, s->greeting);
    }
    while (s->handler) {
        g_autofree char *line = next_line(s);
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *o, *args = NULL;
        const char *cmd, *id;
        int fd;

        if (!line) {
            break;
        }
        g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
        o = json_node_get_object(json_parser_get_root(p));
        cmd = json_object_get_string_member(o, "execute");
        id = json_object_get_string_member(o, "id");
        if (json_object_has_member(o, "arguments")) {
            args = json_object_get_object_member(o, "arguments");
        }
        g_ptr_array_add(s->commands, g_strdup(cmd));
        fd = s->pending_fd;
        s->pending_fd = -1;
        if (!s->handler(s, cmd, args, id, fd, s->data)) {
            break;
        }
    }
    if (!s->handler) {
        /* wait for the client to give up */
        g_free(next_line(s));
    }
    close(s->fd);
    return NULL;
}

FakeQmp *fake_qmp_start(const char *greeting, FakeQmpHandler handler,
                        gpointer data)
{
    FakeQmp *s = g_new0(FakeQmp, 1);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    s->dir = g_dir_make_tmp("fake-qmp-XXXXXX", NULL);
    s->path = g_build_filename(s->dir, "qmp.sock", NULL);
    s->greeting = g_strdup(greeting ? greeting : DEFAULT_GREETING);
    s->handler = handler;
    s->data = data;
    s->in = g_string_new(NULL);
    s->pending_fd = -1;
    s->commands = g_ptr_array_new_with_free_func(g_free);
    g_assert_cmpuint(strlen(s->path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, s->path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(s->listen_fd, (struct sockaddr *)&addr,
                         sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(s->listen_fd, 1), ==, 0);
    s->thread = g_thread_new("fake-qemu", serve, s);
    return s;
}

void fake_qmp_stop(FakeQmp *s)
{
    g_thread_join(s->thread);
    close(s->listen_fd);
    if (s->pending_fd >= 0) {
        close(s->pending_fd);
    }
    g_unlink(s->path);
    g_rmdir(s->dir);
    g_free(s->dir);
    g_free(s->path);
    g_free(s->greeting);
    g_string_free(s->in, TRUE);
    g_ptr_array_unref(s->commands);
    g_free(s);
}
