/*
 * Unit tests of the QMP client (lib/common/qmp.c) against a fake QEMU
 * (fake-qmp.c): greeting and capabilities, commands with arguments,
 * events queued and waited for, a descriptor passed with getfd, QEMU's
 * error replies, and peers that hang up, stay silent, send garbage or
 * endless messages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/qmp.h"
#include "fake-qmp.h"

#define TIMEOUT_S   5

static void assert_message(const GError *err, const char *needle)
{
    if (!strstr(err->message, needle)) {
        g_error("'%s' lacks '%s'", err->message, needle);
    }
}

/* Answers every command: echo returns its arguments, fail refuses */
static gboolean handle(FakeQmp *s, const char *cmd, JsonObject *args,
                       const char *id, int fd, gpointer data)
{
    if (fd >= 0) {
        close(fd);
    }
    if (!strcmp(cmd, "qmp_capabilities")) {
        fake_qmp_reply(s, "someone-else", "\"return\": {\"x\": 1}");
        fake_qmp_reply(s, id, "\"return\": {}");
    } else if (!strcmp(cmd, "echo")) {
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) n = json_node_new(JSON_NODE_OBJECT);
        g_autofree char *text = NULL;
        g_autofree char *body = NULL;

        json_node_set_object(n, args);
        json_generator_set_root(gen, n);
        text = json_generator_to_data(gen, NULL);
        body = g_strdup_printf("\"return\": %s", text);
        fake_qmp_event(s, "FIRST", "{\"n\": 1}");
        fake_qmp_event(s, "SECOND", NULL);
        fake_qmp_reply(s, id, body);
    } else if (!strcmp(cmd, "events")) {
        fake_qmp_reply(s, id, "\"return\": {}");
        fake_qmp_event(s, "OTHER", NULL);
        fake_qmp_event(s, "STOP", "{\"why\": \"test\"}");
    } else if (!strcmp(cmd, "flood")) {
        for (int i = 0; i < QF_QMP_MAX_EVENTS + 44; i++) {
            g_autofree char *d = g_strdup_printf("{\"i\": %d}", i);

            fake_qmp_event(s, "TICK", d);
        }
        fake_qmp_reply(s, id, "\"return\": {}");
    } else if (!strcmp(cmd, "hangup")) {
        return FALSE;
    } else {
        fake_qmp_reply(s, id, "\"error\": {\"class\": \"CommandNotFound\","
                       " \"desc\": \"The command nonsense has not been "
                       "found\"}");
    }
    return TRUE;
}

static void test_greeting(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    QfQmp *q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S, &err);
    int major, minor, micro;

    g_assert_no_error(err);
    g_assert_cmpstr(qf_qmp_where(q), ==, fake_qmp_path(s));
    g_assert_cmpstr(qf_qmp_version(q, &major, &minor, &micro), ==,
                    "v10.1.0-fake");
    g_assert_cmpint(major, ==, 10);
    g_assert_cmpint(minor, ==, 1);
    g_assert_cmpint(micro, ==, 0);
    qf_qmp_free(q);
    fake_qmp_stop(s);
}

static void test_execute_args_events(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);
    g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonObject) o = json_object_new();
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonNode) ev1 = NULL;
    g_autoptr(JsonNode) ev2 = NULL;
    JsonObject *r;

    g_assert_no_error(err);
    json_object_set_string_member(o, "protocol", "fd:x");
    json_object_set_int_member(o, "length", 1ll << 40);
    json_node_set_object(args, o);
    ret = qf_qmp_execute(q, "echo", args, &err);
    g_assert_no_error(err);
    r = json_node_get_object(ret);
    g_assert_cmpstr(json_object_get_string_member(r, "protocol"), ==, "fd:x");
    g_assert_cmpint(json_object_get_int_member(r, "length"), ==, 1ll << 40);
    g_assert_null(qf_qmp_error_class(q));
    /* the events that came before the reply, in order */
    ev2 = qf_qmp_take_event(q, "SECOND");
    g_assert_cmpstr(qf_qmp_event_name(ev2), ==, "SECOND");
    ev1 = qf_qmp_take_event(q, NULL);
    g_assert_cmpstr(qf_qmp_event_name(ev1), ==, "FIRST");
    g_assert_cmpint(json_object_get_int_member(qf_qmp_event_data(ev1),
                                               "n"), ==, 1);
    g_assert_null(qf_qmp_take_event(q, NULL));
    /* what QEMU received, in order */
    g_assert_cmpuint(fake_qmp_commands(s)->len, ==, 2);
    g_assert_cmpstr(fake_qmp_commands(s)->pdata[0], ==, "qmp_capabilities");
    g_assert_cmpstr(fake_qmp_commands(s)->pdata[1], ==, "echo");
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

static void test_wait_event(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);
    g_autoptr(JsonNode) ret = qf_qmp_execute(q, "events", NULL, &err);
    g_autoptr(JsonNode) stop = NULL;
    g_autoptr(JsonNode) other = NULL;
    gint64 t0;

    g_assert_no_error(err);
    g_assert_nonnull(ret);
    stop = qf_qmp_wait_event(q, "STOP", 2000, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qf_qmp_event_name(stop), ==, "STOP");
    g_assert_cmpstr(json_object_get_string_member(
                        qf_qmp_event_data(stop), "why"), ==, "test");
    /* the one before it was queued */
    other = qf_qmp_wait_event(q, "OTHER", 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qf_qmp_event_name(other), ==, "OTHER");
    /* none: NULL without an error, after the timeout */
    t0 = g_get_monotonic_time();
    g_assert_null(qf_qmp_wait_event(q, "NEVER", 100, &err));
    g_assert_no_error(err);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 100 * 1000);
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

static void test_event_bound(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);
    g_autoptr(JsonNode) ret = qf_qmp_execute(q, "flood", NULL, &err);
    JsonNode *ev;
    int n = 0, first = -1;

    g_assert_no_error(err);
    g_assert_nonnull(ret);
    while ((ev = qf_qmp_take_event(q, "TICK"))) {
        if (first < 0) {
            first = (int)json_object_get_int_member(
                qf_qmp_event_data(ev), "i");
        }
        n++;
        json_node_unref(ev);
    }
    /* the newest QF_QMP_MAX_EVENTS, the 44 oldest dropped */
    g_assert_cmpint(n, ==, QF_QMP_MAX_EVENTS);
    g_assert_cmpint(first, ==, 44);
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

/* getfd: the fake writes into the descriptor it received */
static gboolean handle_getfd(FakeQmp *s, const char *cmd, JsonObject *args,
                             const char *id, int fd, gpointer data)
{
    char **name = data;

    if (!strcmp(cmd, "getfd")) {
        g_assert_cmpint(fd, >=, 0);
        *name = g_strdup(json_object_get_string_member(args, "fdname"));
        g_assert_cmpint(write(fd, "written by QEMU", 15), ==, 15);
        close(fd);
        fake_qmp_reply(s, id, "\"return\": {}");
        return TRUE;
    }
    if (fd >= 0) {
        close(fd);
        fake_qmp_reply(s, id, "\"error\": {\"class\": \"GenericError\", "
                       "\"desc\": \"unexpected fd\"}");
        return TRUE;
    }
    if (!strcmp(cmd, "getfd-nofd")) {
        fake_qmp_reply(s, id, "\"error\": {\"class\": \"GenericError\", "
                       "\"desc\": \"No file descriptor supplied via "
                       "SCM_RIGHTS\"}");
        return TRUE;
    }
    fake_qmp_reply(s, id, "\"return\": {}");
    return TRUE;
}

static void test_getfd(void)
{
    g_autofree char *name = NULL;
    FakeQmp *s = fake_qmp_start(NULL, handle_getfd, &name);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);
    g_autofree char *path = NULL;
    g_autofree char *got = NULL;
    int fd = g_file_open_tmp("test-qmp-XXXXXX", &path, &err);

    g_assert_no_error(err);
    g_assert_true(qf_qmp_getfd(q, "dumpfile", fd, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(name, ==, "dumpfile");
    /* QEMU's copy shares the file: its bytes are ours */
    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "written by QEMU");
    /* the descriptor is still the caller's */
    g_assert_cmpint(lseek(fd, 0, SEEK_CUR), ==, 15);
    g_assert_null(qf_qmp_execute_with_fd(q, "getfd", NULL, -1, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_null(qf_qmp_execute(q, "getfd-nofd", NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_MISMATCH);
    assert_message(err, "QEMU refused getfd-nofd: No file descriptor "
                   "supplied via SCM_RIGHTS (GenericError)");
    close(fd);
    g_unlink(path);
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

static void test_error_reply(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);
    g_autoptr(JsonNode) ok = NULL;

    g_assert_no_error(err);
    g_assert_null(qf_qmp_execute(q, "nonsense", NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_MISMATCH);
    g_assert_true(g_str_has_prefix(err->message, fake_qmp_path(s)));
    assert_message(err, "QEMU refused nonsense: The command nonsense has "
                   "not been found (CommandNotFound)");
    g_assert_cmpstr(qf_qmp_error_class(q), ==, "CommandNotFound");
    /* the connection still works; the class is forgotten */
    g_clear_error(&err);
    ok = qf_qmp_execute(q, "events", NULL, &err);
    g_assert_no_error(err);
    g_assert_null(qf_qmp_error_class(q));
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

static void test_hangup(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(QfQmp) q = qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S,
                                                &err);

    g_assert_no_error(err);
    g_assert_null(qf_qmp_execute(q, "hangup", NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    assert_message(err, "QEMU closed the QMP connection (waiting for the "
                   "reply to hangup)");
    g_clear_error(&err);
    g_assert_null(qf_qmp_wait_event(q, NULL, 100, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_clear_pointer(&q, qf_qmp_free);
    fake_qmp_stop(s);
}

static void expect_connect_failure(const char *greeting, FakeQmpHandler h,
                                   unsigned int timeout, int code,
                                   const char *needle)
{
    FakeQmp *s = fake_qmp_start(greeting, h, NULL);
    g_autoptr(GError) err = NULL;

    g_assert_null(qf_qmp_connect(fake_qmp_path(s), timeout, &err));
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message, fake_qmp_path(s)));
    assert_message(err, needle);
    fake_qmp_stop(s);
}

static void test_not_qemu(void)
{
    expect_connect_failure("SSH-2.0-OpenSSH_9.2", NULL, TIMEOUT_S,
                           QF_ERROR_CORRUPT, "not a QMP message");
    expect_connect_failure("{\"hello\": \"world\"}", NULL, TIMEOUT_S,
                           QF_ERROR_CORRUPT, "no QMP greeting");
    expect_connect_failure("[1, 2]", NULL, TIMEOUT_S,
                           QF_ERROR_CORRUPT, "not a JSON object");
}

static void test_silent(void)
{
    expect_connect_failure("", NULL, 1, QF_ERROR_IO,
                           "did not answer in time (1 s, waiting for the "
                           "QMP greeting");
}

/* After the greeting, one message that never ends */
static gboolean handle_endless(FakeQmp *s, const char *cmd, JsonObject *a,
                               const char *id, int fd, gpointer data)
{
    g_autofree char *chunk = g_malloc(65536);

    memset(chunk, ' ', 65536);
    fake_qmp_send_raw(s, "{\"return\": \"", 12);
    for (unsigned int i = 0; i < 2 * QF_QMP_MAX_MESSAGE / 65536; i++) {
        if (!fake_qmp_send_raw(s, chunk, 65536)) {
            break;      /* the client gave up: what it should do */
        }
    }
    return FALSE;
}

static void test_oversized(void)
{
    FakeQmp *s = fake_qmp_start(NULL, handle_endless, NULL);
    g_autoptr(GError) err = NULL;

    g_assert_null(qf_qmp_connect(fake_qmp_path(s), TIMEOUT_S, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    assert_message(err, "QMP message longer than");
    fake_qmp_stop(s);
}

static void test_no_socket(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(qf_qmp_connect("/nonexistent/qmp.sock", 1, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    assert_message(err, "/nonexistent/qmp.sock: ");
    assert_message(err, "is QEMU running with -qmp");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/greeting", test_greeting);
    g_test_add_func("/qmp/execute-args-events", test_execute_args_events);
    g_test_add_func("/qmp/wait-event", test_wait_event);
    g_test_add_func("/qmp/event-bound", test_event_bound);
    g_test_add_func("/qmp/getfd", test_getfd);
    g_test_add_func("/qmp/error-reply", test_error_reply);
    g_test_add_func("/qmp/hangup", test_hangup);
    g_test_add_func("/qmp/not-qemu", test_not_qemu);
    g_test_add_func("/qmp/silent", test_silent);
    g_test_add_func("/qmp/oversized", test_oversized);
    g_test_add_func("/qmp/no-socket", test_no_socket);
    return g_test_run();
}
