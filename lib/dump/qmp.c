/*
 * A guest memory dump over QMP (see dump-qmp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dump/qmp.h"
#include "common/error.h"

/* Headers and notes on top of the RAM, when checking the free space */
#define DUMP_OVERHEAD   (16u << 20)
/* How long a failed dump's DUMP_COMPLETED (with its error) is awaited */
#define EVENT_GRACE_MS  2000

void dump_qmp_info_clear(DumpQmpInfo *info)
{
    g_clear_pointer(&info->vm_status, g_free);
}

static JsonObject *object_of(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node)
                                                : NULL;
}

static uint64_t int_member(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;

    if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_INT64 ||
        json_node_get_int(n) < 0) {
        return 0;
    }
    return (uint64_t)json_node_get_int(n);
}

static const char *string_member(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;

    if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(n);
}

/* query-dump: its status ("none", "active", ...), counts in @completed */
static char *query_dump(QfQmp *q, uint64_t *completed, uint64_t *total,
                        GError **error)
{
    g_autoptr(JsonNode) r = qf_qmp_execute(q, "query-dump", NULL, error);
    JsonObject *o = object_of(r);
    const char *status = string_member(o, "status");

    if (!r) {
        return NULL;
    }
    if (!status) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: query-dump answered without a status",
                    qf_qmp_where(q));
        return NULL;
    }
    *completed = int_member(o, "completed");
    *total = int_member(o, "total");
    return g_strdup(status);
}

/* What QEMU is doing, and whether it dumps already */
static gboolean check_vm(QfQmp *q, DumpQmpInfo *info,
                         GError **error)
{
    g_autoptr(JsonNode) st = qf_qmp_execute(q, "query-status", NULL,
                                            error);
    g_autoptr(JsonNode) mem = NULL;
    g_autofree char *dump = NULL;
    uint64_t done = 0, total = 0;
    JsonNode *running;

    if (!st) {
        return FALSE;
    }
    info->vm_status = g_strdup(string_member(object_of(st), "status"));
    running = object_of(st) ? json_object_get_member(object_of(st),
                                                     "running") : NULL;
    info->vm_running = running && JSON_NODE_HOLDS_VALUE(running) &&
                       json_node_get_boolean(running);
    dump = query_dump(q, &done, &total, error);
    if (!dump) {
        return FALSE;
    }
    if (!strcmp(dump, "active")) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "%s: QEMU is already dumping guest memory (%"
                    G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes): "
                    "QEMU runs one dump at a time, try again when it is "
                    "done", qf_qmp_where(q), done, total);
        return FALSE;
    }
    /* The size of guest RAM, when this QEMU says (2.11+) */
    mem = qf_qmp_execute(q, "query-memory-size-summary", NULL, NULL);
    info->ram_size = int_member(object_of(mem), "base-memory") +
                     int_member(object_of(mem), "plugged-memory");
    return TRUE;
}

static gboolean check_space(const char *dir, uint64_t need, GError **error)
{
    struct statvfs sv;
    uint64_t avail;

    if (need == 0 || statvfs(dir, &sv) != 0) {
        return TRUE;    /* unknown: QEMU's write error will tell */
    }
    avail = (uint64_t)sv.f_bavail * sv.f_frsize;
    if (avail < need) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: %" G_GUINT64_FORMAT " MiB free, the dump of this "
                    "guest needs about %" G_GUINT64_FORMAT " MiB (choose "
                    "another directory with --tmpdir or TMPDIR)", dir,
                    avail >> 20, (need + (1 << 20) - 1) >> 20);
        return FALSE;
    }
    return TRUE;
}

/* A file with no name in @dir; mkstemp() + unlink() without O_TMPFILE */
static int unlinked_file(const char *dir, GError **error)
{
    g_autofree char *tmpl = NULL;
    int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    int e;

    if (fd >= 0) {
        return fd;
    }
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
        e = errno;
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "creating a "
                    "temporary file in %s: %s", dir, g_strerror(e));
        return -1;
    }
    tmpl = g_build_filename(dir, ".fadump-qmp-dump.XXXXXX", NULL);
    fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = errno;
        g_set_error(error, QF_ERROR, QF_ERROR_IO, "creating a "
                    "temporary file in %s: %s", dir, g_strerror(e));
        return -1;
    }
    unlink(tmpl);
    return fd;
}

static JsonNode *dump_args(const char *fdname)
{
    g_autoptr(JsonObject) o = json_object_new();
    g_autofree char *protocol = g_strdup_printf("fd:%s", fdname);
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_object_set_boolean_member(o, "paging", FALSE);
    json_object_set_string_member(o, "protocol", protocol);
    json_object_set_string_member(o, "format", "elf");
    json_object_set_boolean_member(o, "detach", TRUE);
    json_node_set_object(n, o);
    return n;
}

static void close_qemu_fd(QfQmp *q, const char *fdname)
{
    g_autoptr(JsonNode) args = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonObject) o = json_object_new();
    g_autoptr(JsonNode) r = NULL;

    json_object_set_string_member(o, "fdname", fdname);
    json_node_set_object(args, o);
    r = qf_qmp_execute(q, "closefd", args, NULL);
}

/* DUMP_COMPLETED: TRUE when it reports success */
static gboolean completed_ok(QfQmp *q, JsonNode *ev,
                             const char *tmpdir, GError **error)
{
    JsonObject *data = qf_qmp_event_data(ev);
    const char *msg = string_member(data, "error");

    if (!msg) {
        return TRUE;
    }
    g_set_error(error, QF_ERROR, QF_ERROR_IO,
                "%s: QEMU's dump-guest-memory failed: %s%s%s",
                qf_qmp_where(q), msg,
                strstr(msg, "No space left") ? ": disk full in " : "",
                strstr(msg, "No space left") ? tmpdir : "");
    return FALSE;
}

/* Follow the dump until DUMP_COMPLETED */
static gboolean follow(QfQmp *q, const DumpQmpOptions *opts,
                       DumpQmpInfo *info, GError **error)
{
    unsigned int poll_ms = opts->poll_ms ? opts->poll_ms
                                         : DUMP_QMP_POLL_MS;
    const char *where = qf_qmp_where(q);
    unsigned int completed_polls = 0;

    for (;;) {
        g_autoptr(JsonNode) ev = NULL;
        g_autofree char *status = NULL;
        GError *err = NULL;
        uint64_t done = 0, total = 0;

        if (opts->cancel && *opts->cancel) {
            g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                        "interrupted (QEMU finishes its dump into the "
                        "unlinked file, then frees it)");
            return FALSE;
        }
        ev = qf_qmp_wait_event(q, "DUMP_COMPLETED", poll_ms, &err);
        if (!err && !ev) {
            status = query_dump(q, &done, &total, &err);
        }
        if (err) {
            g_propagate_prefixed_error(error, err, "the dump did not "
                                       "complete: ");
            return FALSE;
        }
        if (ev) {
            if (!completed_ok(q, ev, opts->tmpdir, error)) {
                return FALSE;
            }
            status = query_dump(q, &done, &total, NULL);
            info->dumped = total;
            if (opts->progress) {
                opts->progress(total, total, opts->progress_data);
            }
            return TRUE;
        }
        if (!strcmp(status, "active") || !strcmp(status, "completed")) {
            if (opts->progress) {
                opts->progress(done, total, opts->progress_data);
            }
            /* completed: DUMP_COMPLETED is on its way, or was lost */
            if (!strcmp(status, "completed") &&
                ++completed_polls * poll_ms >= EVENT_GRACE_MS) {
                info->dumped = total;
                return TRUE;
            }
            continue;
        }
        /* failed (or none: it never started): the event has the reason */
        ev = qf_qmp_wait_event(q, "DUMP_COMPLETED", EVENT_GRACE_MS,
                               NULL);
        if (ev && !completed_ok(q, ev, opts->tmpdir, error)) {
            return FALSE;
        }
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: QEMU's dump-guest-memory ended with query-dump "
                    "status %s%s", where, status,
                    ev ? " though DUMP_COMPLETED reported no error" : "");
        return FALSE;
    }
}

int dump_qmp_acquire(QfQmp *q, const DumpQmpOptions *opts,
                     DumpQmpInfo *info, GError **error)
{
    g_autofree char *fdname = g_strdup_printf("fadump-dump-%d",
                                              (int)getpid());
    g_autoptr(JsonNode) args = dump_args(fdname);
    g_autoptr(JsonNode) r = NULL;
    struct stat st;
    gint64 t0;
    int fd;

    memset(info, 0, sizeof(*info));
    if (!check_vm(q, info, error) ||
        !check_space(opts->tmpdir, info->ram_size ? info->ram_size +
                     DUMP_OVERHEAD : 0, error)) {
        return -1;
    }
    fd = unlinked_file(opts->tmpdir, error);
    if (fd < 0) {
        return -1;
    }
    /* A stale DUMP_COMPLETED must not end this dump */
    while ((r = qf_qmp_take_event(q, "DUMP_COMPLETED"))) {
        g_clear_pointer(&r, json_node_unref);
    }
    if (!qf_qmp_getfd(q, fdname, fd, error)) {
        close(fd);
        return -1;
    }
    t0 = g_get_monotonic_time();
    r = qf_qmp_execute(q, "dump-guest-memory", args, error);
    if (!r) {
        close_qemu_fd(q, fdname);   /* it was not consumed */
        close(fd);
        return -1;
    }
    if (!follow(q, opts, info, error)) {
        close(fd);
        return -1;
    }
    info->seconds = (g_get_monotonic_time() - t0) / 1e6;
    if (fstat(fd, &st) != 0 || st.st_size == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_IO,
                    "%s: QEMU reported a complete dump, but the file is "
                    "empty", qf_qmp_where(q));
        close(fd);
        return -1;
    }
    info->file_size = (uint64_t)st.st_size;
    return fd;
}
