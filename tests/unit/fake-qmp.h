/*
 * A fake QEMU for QMP unit tests: a thread that serves one connection on
 * a UNIX socket in a temporary directory.  It sends a greeting (or what
 * the test says instead), then hands every command to the test's handler
 * with the file descriptor that came with it (SCM_RIGHTS), if any.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FAKE_QMP_H
#define FAKE_QMP_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct FakeQmp FakeQmp;

/*
 * A command: its name, arguments (may be NULL), id and the descriptor
 * passed with it (-1: none; the handler owns it).  Return FALSE to hang
 * up.
 */
typedef gboolean (*FakeQmpHandler)(FakeQmp *s, const char *cmd,
                                   JsonObject *args, const char *id,
                                   int fd, gpointer data);

/*
 * Start serving: @greeting is sent first (NULL: a QEMU 10.1 greeting,
 * "": none);
 * @handler answers commands (NULL: hang up after the greeting).
 */
FakeQmp *fake_qmp_start(const char *greeting, FakeQmpHandler handler,
                        gpointer data);

/* The socket's path */
const char *fake_qmp_path(const FakeQmp *s);

/* Wait for the connection to end; remove the socket; free */
void fake_qmp_stop(FakeQmp *s);

/* Send @len bytes as they are; FALSE when the client has gone */
gboolean fake_qmp_send_raw(FakeQmp *s, const void *data, size_t len);

/* Send @text and "\r\n" (no error if the client has gone) */
void fake_qmp_send(FakeQmp *s, const char *text);

/* Send {@body, "id": @id} */
void fake_qmp_reply(FakeQmp *s, const char *id, const char *body);

/* Send an event {"event": @name, "data": @data_json, "timestamp": ...} */
void fake_qmp_event(FakeQmp *s, const char *name, const char *data_json);

/* Commands received, in order (names) */
const GPtrArray *fake_qmp_commands(const FakeQmp *s);

#endif /* FAKE_QMP_H */
