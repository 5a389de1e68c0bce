/*
 * Unit tests of fetching a DTB over QMP (lib/fdt/qmp.c) against a
 * fake QEMU: a thread serving one QMP connection on a UNIX socket, well
 * or badly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/error.h"
#include "fdt/qmp.h"
#include "fdt-test-trees.h"

typedef enum {
    SERVE_GOOD,         /* events in between, dumpdtb writes the tree */
    SERVE_NO_DUMPDTB,   /* query-commands without dumpdtb */
    SERVE_REFUSE,       /* dumpdtb fails */
    SERVE_SILENT,       /* no greeting */
    SERVE_GARBAGE,      /* not JSON */
    SERVE_CLOSE,        /* hang up at once */
    SERVE_BAD_DTB,      /* dumpdtb writes something else */
    SERVE_HUGE,         /* one endless message */
} ServeMode;

typedef struct Server {
    ServeMode mode;
    int listen_fd;
    char *dir;
    char *path;
    void *blob;
    size_t blob_len;
    GThread *thread;
    char *dtb_written;      /* where dumpdtb wrote */
} Server;

static void send_line(int fd, const char *s)
{
    g_autofree char *line = g_strconcat(s, "\r\n", NULL);
    size_t len = strlen(line);

    /* the client may be gone already: not a failure of the server */
    if (write(fd, line, len) != (ssize_t)len) {
        return;
    }
}

/* Read one line (without the newline) or NULL at EOF */
static char *recv_line(int fd)
{
    GString *s = g_string_new(NULL);
    char c;

    while (read(fd, &c, 1) == 1) {
        if (c == '\n') {
            return g_string_free(s, FALSE);
        }
        g_string_append_c(s, c);
    }
    g_string_free(s, TRUE);
    return NULL;
}

static void reply(int fd, const char *id, const char *body)
{
    g_autofree char *msg = g_strdup_printf("{%s, \"id\": \"%s\"}", body, id);

    send_line(fd, msg);
}

static void serve_commands(Server *s, int fd)
{
    for (;;) {
        g_autofree char *line = recv_line(fd);
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *o;
        const char *cmd, *id;

        if (!line) {
            break;
        }
        g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
        o = json_node_get_object(json_parser_get_root(p));
        cmd = json_object_get_string_member(o, "execute");
        id = json_object_get_string_member(o, "id");
        /* events come whenever they like */
        send_line(fd, "{\"event\": \"RESUME\", \"timestamp\": {}}");
        if (!strcmp(cmd, "qmp_capabilities")) {
            /* a stale reply to someone else first */
            reply(fd, "other", "\"return\": {}");
            reply(fd, id, "\"return\": {}");
        } else if (!strcmp(cmd, "query-commands")) {
            reply(fd, id, s->mode == SERVE_NO_DUMPDTB ?
                  "\"return\": [{\"name\": \"quit\"}]" :
                  "\"return\": [{\"name\": \"quit\"}, {\"name\": 3},"
                  " {\"name\": \"dumpdtb\"}]");
        } else if (!strcmp(cmd, "dumpdtb")) {
            const char *file = json_object_get_string_member(
                json_object_get_object_member(o, "arguments"), "filename");

            s->dtb_written = g_strdup(file);
            if (s->mode == SERVE_REFUSE) {
                reply(fd, id, "\"error\": {\"class\": \"GenericError\","
                      " \"desc\": \"this machine has no FDT\"}");
                continue;
            }
            if (s->mode == SERVE_BAD_DTB) {
                g_assert_true(g_file_set_contents(file, "not a dtb", 9,
                                                  NULL));
            } else {
                g_assert_true(g_file_set_contents(file, s->blob,
                                                  (gssize)s->blob_len, NULL));
            }
            reply(fd, id, "\"return\": {}");
        } else {
            reply(fd, id, "\"error\": {\"class\": \"CommandNotFound\"}");
        }
    }
}

static gpointer serve(gpointer data)
{
    Server *s = data;
    int fd = accept(s->listen_fd, NULL, NULL);

    g_assert_cmpint(fd, >=, 0);
    switch (s->mode) {
    case SERVE_SILENT:
        /* wait for the client to give up */
        g_free(recv_line(fd));
        break;
    case SERVE_GARBAGE:
        send_line(fd, "hello, this is not QMP");
        g_free(recv_line(fd));
        break;
    case SERVE_CLOSE:
        break;
    case SERVE_HUGE: {
        g_autofree char *chunk = g_malloc(65536);

        memset(chunk, ' ', 65536);
        send_line(fd, "{\"QMP\": {}}");
        /* no newline ever: the client must stop reading */
        for (int i = 0; i < 2 * (int)(QF_QMP_MAX_MESSAGE / 65536); i++) {
            if (write(fd, chunk, 65536) != 65536) {
                break;
            }
        }
        break;
    }
    default:
        send_line(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}");
        serve_commands(s, fd);
        break;
    }
    close(fd);
    return NULL;
}

static Server *server_start(ServeMode mode)
{
    Server *s = g_new0(Server, 1);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    TTSpec spec = { 0 };

    s->mode = mode;
    s->dir = g_dir_make_tmp("test-fdt-qmp-XXXXXX", NULL);
    s->path = g_build_filename(s->dir, "qmp.sock", NULL);
    s->blob = tt_blob(&spec, &s->blob_len);
    g_assert_cmpuint(strlen(s->path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, s->path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(bind(s->listen_fd, (struct sockaddr *)&addr,
                         sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(s->listen_fd, 1), ==, 0);
    s->thread = g_thread_new("fake-qemu", serve, s);
    return s;
}

static void server_stop(Server *s)
{
    g_thread_join(s->thread);
    close(s->listen_fd);
    g_unlink(s->path);
    g_rmdir(s->dir);
    g_free(s->dir);
    g_free(s->path);
    g_free(s->blob);
    g_free(s->dtb_written);
    g_free(s);
}

static void test_good(void)
{
    Server *s = server_start(SERVE_GOOD);
    g_autoptr(GError) err = NULL;
    g_autoptr(DtBlob) fdt = dt_fetch_qmp(s->path, 5, &err);
    g_autofree char *origin = g_strdup_printf("qmp:%s", s->path);

    g_assert_no_error(err);
    g_assert_nonnull(fdt);
    g_assert_cmpstr(fdt->origin, ==, origin);
    g_assert_cmpmem(fdt->blob, fdt->size, s->blob, s->blob_len);
    server_stop(s);
}

static void expect_failure(ServeMode mode, unsigned int timeout, int code,
                           const char *needle)
{
    Server *s = server_start(mode);
    g_autoptr(GError) err = NULL;
    g_autofree char *written = NULL;

    g_assert_null(dt_fetch_qmp(s->path, timeout, &err));
    g_assert_error(err, QF_ERROR, code);
    if (!strstr(err->message, needle)) {
        g_error("'%s' lacks '%s'", err->message, needle);
    }
    g_assert_true(g_str_has_prefix(err->message, s->path));
    written = g_strdup(s->dtb_written);
    server_stop(s);
    /* the temporary file and its directory are gone */
    if (written) {
        g_autofree char *dir = g_path_get_dirname(written);

        g_assert_false(g_file_test(written, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    }
}

static void test_no_dumpdtb(void)
{
    expect_failure(SERVE_NO_DUMPDTB, 5, QF_ERROR_UNSUPPORTED,
                   "no dumpdtb command");
}

static void test_refused(void)
{
    expect_failure(SERVE_REFUSE, 5, QF_ERROR_MISMATCH,
                   "QEMU refused dumpdtb: this machine has no FDT");
}

static void test_silent(void)
{
    expect_failure(SERVE_SILENT, 1, QF_ERROR_IO, "did not answer in time");
}

static void test_garbage(void)
{
    expect_failure(SERVE_GARBAGE, 5, QF_ERROR_CORRUPT, "not a QMP message");
}

static void test_closed(void)
{
    expect_failure(SERVE_CLOSE, 5, QF_ERROR_IO, "closed the QMP");
}

static void test_bad_dtb(void)
{
    expect_failure(SERVE_BAD_DTB, 5, QF_ERROR_CORRUPT, "the DTB QEMU"
                   " wrote: ");
}

static void test_huge(void)
{
    expect_failure(SERVE_HUGE, 5, QF_ERROR_CORRUPT, "longer than");
}

static void test_no_socket(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(dt_fetch_qmp("/nonexistent/qmp.sock", 1, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-qmp/good", test_good);
    g_test_add_func("/fdt-qmp/no-dumpdtb", test_no_dumpdtb);
    g_test_add_func("/fdt-qmp/refused", test_refused);
    g_test_add_func("/fdt-qmp/silent", test_silent);
    g_test_add_func("/fdt-qmp/garbage", test_garbage);
    g_test_add_func("/fdt-qmp/closed", test_closed);
    g_test_add_func("/fdt-qmp/bad-dtb", test_bad_dtb);
    g_test_add_func("/fdt-qmp/huge", test_huge);
    g_test_add_func("/fdt-qmp/no-socket", test_no_socket);
    return g_test_run();
}
