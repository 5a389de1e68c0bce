/*
 * A QMP client: one connection to a QEMU monitor's UNIX socket.
 *
 * QMP messages are JSON objects, one a line (json-glib parses them).
 * Connecting reads QEMU's greeting and leaves capability negotiation
 * with qmp_capabilities.  A command's reply is matched by the "id" sent
 * with it; events that arrive in between are queued (the oldest dropped
 * past QF_QMP_MAX_EVENTS) until taken or waited for.  A file
 * descriptor can travel with a command (SCM_RIGHTS), which is how getfd
 * hands QEMU a file to write.  Every wait is bounded by a timeout and
 * every message by QF_QMP_MAX_MESSAGE.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_QMP_H
#define QF_QMP_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* Longest QMP message accepted from QEMU */
#define QF_QMP_MAX_MESSAGE  (4u * 1024 * 1024)

/* Events kept until taken; older ones are dropped */
#define QF_QMP_MAX_EVENTS   256

typedef struct QfQmp QfQmp;

/**
 * qf_qmp_connect - connect to QEMU and leave negotiation mode
 * @socket_path: QEMU's QMP socket (-qmp unix:PATH,server=on,wait=off)
 * @timeout_s: seconds to wait for the connection and for each reply
 * @error: QF_ERROR_IO when the socket cannot be reached, QEMU does
 *     not answer in time (QEMU serves one client per QMP socket: another
 *     one may hold it) or closes the connection; QF_ERROR_CORRUPT
 *     when what answers is not QMP (not JSON, no greeting, a message over
 *     QF_QMP_MAX_MESSAGE); QF_ERROR_MISMATCH when QEMU refuses
 *     qmp_capabilities.  Messages start with @socket_path.
 *
 * Returns: the connection (qf_qmp_free()), or NULL
 */
QfQmp *qf_qmp_connect(const char *socket_path, unsigned int timeout_s,
                      GError **error);

/* Close the connection (if open) and free it; NULL is fine */
void qf_qmp_free(QfQmp *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QfQmp, qf_qmp_free)

/* The socket path, as given to qf_qmp_connect() */
const char *qf_qmp_where(const QfQmp *q);

/**
 * qf_qmp_version - QEMU's version from the greeting
 * @q: the connection
 * @major: (optional) where to store the major number
 * @minor: (optional) where to store the minor number
 * @micro: (optional) where to store the micro number
 *
 * Returns: the greeting's "package" string (may be ""), or NULL when
 *     the greeting had no version (left 0)
 */
const char *qf_qmp_version(const QfQmp *q, int *major, int *minor,
                           int *micro);

/**
 * qf_qmp_execute - run a command and wait for its reply
 * @q: the connection
 * @command: the command's name
 * @args: (nullable) its arguments, a JSON object
 * @error: QF_ERROR_MISMATCH when QEMU answers with an error (the
 *     message has the command, QEMU's description and error class:
 *     "SOCKET: QEMU refused COMMAND: DESC (CLASS)"; the class is also
 *     qf_qmp_error_class()); QF_ERROR_IO when the connection
 *     fails, QEMU closes it or does not answer within the timeout;
 *     QF_ERROR_CORRUPT for a reply that is not QMP
 *
 * Events that arrive before the reply are queued.
 *
 * Returns: (transfer full) the reply's "return" value (an object for most
 *     commands), or NULL
 */
JsonNode *qf_qmp_execute(QfQmp *q, const char *command,
                         JsonNode *args, GError **error);

/**
 * qf_qmp_execute_with_fd - as qf_qmp_execute(), sending @fd along
 * @q: the connection
 * @command: the command's name
 * @args: (nullable) its arguments
 * @fd: a file descriptor for QEMU (SCM_RIGHTS); still the caller's after
 * @error: as qf_qmp_execute()
 *
 * Returns: (transfer full) the "return" value, or NULL
 */
JsonNode *qf_qmp_execute_with_fd(QfQmp *q, const char *command,
                                 JsonNode *args, int fd, GError **error);

/**
 * qf_qmp_getfd - give QEMU a file descriptor under a name
 * @q: the connection
 * @name: the name QEMU knows it by ("fd:NAME" protocols, closefd)
 * @fd: the descriptor; QEMU gets a duplicate, @fd stays open here
 * @error: as qf_qmp_execute()
 */
gboolean qf_qmp_getfd(QfQmp *q, const char *name, int fd,
                      GError **error);

/**
 * qf_qmp_error_class - QEMU's error class of the last refused command
 * @q: the connection
 *
 * Returns: "GenericError", "CommandNotFound", ... or NULL when the last
 *     command succeeded or failed otherwise
 */
const char *qf_qmp_error_class(const QfQmp *q);

/**
 * qf_qmp_take_event - take the oldest queued event named @name
 * @q: the connection
 * @name: (nullable) the event's name, NULL for any
 *
 * Does not read from the socket (see qf_qmp_wait_event()).
 *
 * Returns: (transfer full) the whole event object ("event", "data",
 *     "timestamp"), or NULL when none is queued
 */
JsonNode *qf_qmp_take_event(QfQmp *q, const char *name);

/**
 * qf_qmp_wait_event - wait for an event named @name
 * @q: the connection
 * @name: (nullable) the event's name, NULL for any
 * @timeout_ms: how long to wait; 0 only reads what has arrived already
 * @error: QF_ERROR_IO when QEMU closes the connection,
 *     QF_ERROR_CORRUPT for a message that is not QMP
 *
 * A queued event is returned at once.  Other events that arrive are
 * queued.
 *
 * Returns: (transfer full) the event, or NULL: with @error unset when
 *     none came in time
 */
JsonNode *qf_qmp_wait_event(QfQmp *q, const char *name,
                            unsigned int timeout_ms, GError **error);

/**
 * qf_qmp_event_name - the name of an event from this module
 * @event: an event object
 *
 * Returns: its "event" member, or NULL
 */
const char *qf_qmp_event_name(JsonNode *event);

/**
 * qf_qmp_event_data - the "data" member of an event
 * @event: an event object
 *
 * Returns: (transfer none) the data object, or NULL when it has none
 */
JsonObject *qf_qmp_event_data(JsonNode *event);

#endif /* QF_QMP_H */
