/*
 * Unit tests of the guest memory dump over QMP (lib/dump/qmp.c) against a fake
 * QEMU (fake-qmp.c) that writes a generated crashed guest
 * (tests/gen/fadump-gen.c) as QEMU's ELF into the descriptor it got with getfd,
 * a quarter per query-dump: the vmcore rebuilt from the returned descriptor
 * must be the one the generator assembled.  Then every way it can go wrong: a
 * dump already running, QEMU refusing, DUMP_COMPLETED with an error, QEMU
 * hanging up mid-dump, too little disk, cancelling; the temporary directory is
 * empty afterwards in every case.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/qmp.h"
#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "common/error.h"
#include "fadump-gen.h"
#include "fake-qmp.h"
#include "vmcore/elf-writer.h"

#define STEPS   4

typedef enum {
    QEMU_GOOD,          /* paused, dumps in STEPS query-dumps */
    QEMU_RUNNING,       /* as GOOD, but the VM was running */
    QEMU_BUSY,          /* a dump is already active */
    QEMU_REFUSE,        /* dump-guest-memory fails */
    QEMU_FAIL,          /* half-way: DUMP_COMPLETED with an error */
    QEMU_HANGUP,        /* half-way: the connection closes */
    QEMU_HUGE_RAM,      /* more RAM than any disk */
    QEMU_NO_EVENT,      /* completes, but DUMP_COMPLETED never comes */
} QemuMode;

typedef struct FakeQemu {
    QemuMode mode;
    char *elf;          /* what the dump holds */
    gsize elf_len;
    uint64_t ram_size;
    int fd;             /* from getfd */
    char *fdname;
    char *protocol;     /* dump-guest-memory's */
    gboolean detach, paging;
    int step;           /* STEPS written after the last */
    gboolean closefd;
    gboolean completed;     /* DUMP_COMPLETED sent */
} FakeQemu;

static gboolean handle(FakeQmp *s, const char *cmd, JsonObject *args,
                       const char *id, int fd, gpointer data)
{
    FakeQemu *f = data;

    if (!strcmp(cmd, "getfd")) {
        g_assert_cmpint(fd, >=, 0);
        f->fd = fd;
        f->fdname = g_strdup(json_object_get_string_member(args, "fdname"));
        fake_qmp_reply(s, id, "\"return\": {}");
        return TRUE;
    }
    g_assert_cmpint(fd, <, 0);
    if (!strcmp(cmd, "qmp_capabilities") || !strcmp(cmd, "closefd")) {
        f->closefd |= !strcmp(cmd, "closefd");
        fake_qmp_reply(s, id, "\"return\": {}");
    } else if (!strcmp(cmd, "query-status")) {
        fake_qmp_reply(s, id, f->mode == QEMU_RUNNING ?
                       "\"return\": {\"status\": \"running\", "
                       "\"running\": true}" :
                       "\"return\": {\"status\": \"paused\", "
                       "\"running\": false}");
    } else if (!strcmp(cmd, "query-memory-size-summary")) {
        g_autofree char *r = g_strdup_printf(
            "\"return\": {\"base-memory\": %" G_GUINT64_FORMAT "}",
            f->mode == QEMU_HUGE_RAM ? UINT64_C(1) << 60 : f->ram_size);

        fake_qmp_reply(s, id, r);
    } else if (!strcmp(cmd, "dump-guest-memory")) {
        f->protocol = g_strdup(json_object_get_string_member(args,
                                                             "protocol"));
        f->detach = json_object_get_boolean_member(args, "detach");
        f->paging = json_object_get_boolean_member(args, "paging");
        if (f->mode == QEMU_REFUSE) {
            fake_qmp_reply(s, id, "\"error\": {\"class\": \"GenericError\","
                           " \"desc\": \"dump: failed to save memory\"}");
            return TRUE;
        }
        f->step = 0;
        fake_qmp_reply(s, id, "\"return\": {}");
    } else if (!strcmp(cmd, "query-dump")) {
        uint64_t total = f->ram_size;
        g_autofree char *r = NULL;

        if (f->mode == QEMU_BUSY) {
            fake_qmp_reply(s, id, "\"return\": {\"status\": \"active\", "
                           "\"completed\": 1024, \"total\": 4096}");
            return TRUE;
        }
        if (f->fd < 0) {
            fake_qmp_reply(s, id, "\"return\": {\"status\": \"none\", "
                           "\"completed\": 0, \"total\": 0}");
            return TRUE;
        }
        if (f->step < STEPS) {
            gsize from = f->elf_len * f->step / STEPS;
            gsize to = f->elf_len * (f->step + 1) / STEPS;

            g_assert_cmpint(pwrite(f->fd, f->elf + from, to - from, from),
                            ==, (ssize_t)(to - from));
            f->step++;
        }
        if (f->step == STEPS / 2 && f->mode == QEMU_HANGUP) {
            return FALSE;
        }
        if (f->step == STEPS / 2 && f->mode == QEMU_FAIL) {
            fake_qmp_event(s, "DUMP_COMPLETED", "{\"result\": {\"status\": "
                           "\"failed\", \"completed\": 2, \"total\": 4}, "
                           "\"error\": \"dump: failed to save memory: No "
                           "space left on device\"}");
            fake_qmp_reply(s, id, "\"return\": {\"status\": \"failed\", "
                           "\"completed\": 2, \"total\": 4}");
            return TRUE;
        }
        if (f->step == STEPS) {
            if (!f->completed && f->mode != QEMU_NO_EVENT) {
                f->completed = TRUE;
                fake_qmp_event(s, "DUMP_COMPLETED", "{\"result\": {"
                               "\"status\": \"completed\"}}");
            }
            r = g_strdup_printf("\"return\": {\"status\": \"completed\", "
                                "\"completed\": %" G_GUINT64_FORMAT ", "
                                "\"total\": %" G_GUINT64_FORMAT "}", total,
                                total);
        } else {
            r = g_strdup_printf("\"return\": {\"status\": \"active\", "
                                "\"completed\": %" G_GUINT64_FORMAT ", "
                                "\"total\": %" G_GUINT64_FORMAT "}",
                                total * f->step / STEPS, total);
        }
        fake_qmp_reply(s, id, r);
    } else {
        fake_qmp_reply(s, id, "\"error\": {\"class\": \"CommandNotFound\","
                       " \"desc\": \"no such command\"}");
    }
    return TRUE;
}

typedef struct Fixture {
    GenImage *img;
    char *dir;          /* the temporary directory */
    char *expected;     /* the vmcore the generator assembled */
    FakeQemu fake;
    FakeQmp *server;
    QfQmp *q;
    GArray *progress;   /* uint64_t pairs: done, total */
} Fixture;

static void record(uint64_t done, uint64_t total, gpointer data)
{
    GArray *a = data;

    g_array_append_val(a, done);
    g_array_append_val(a, total);
}

static void fixture_start(Fixture *x, QemuMode mode)
{
    GenParams p;
    g_autofree char *elf_path = NULL;
    g_autoptr(GError) err = NULL;

    gen_params_default(&p);
    x->img = gen_image_new(&p);
    x->dir = g_dir_make_tmp("test-dump-qmp-XXXXXX", NULL);
    elf_path = g_build_filename(x->dir, "qemu.elf", NULL);
    gen_write_qemu_elf(x->img, elf_path, GEN_ELF_QEMU_NEW, FALSE, 2);
    g_assert_true(g_file_get_contents(elf_path, &x->fake.elf,
                                      &x->fake.elf_len, NULL));
    g_unlink(elf_path);
    x->fake.mode = mode;
    x->fake.fd = -1;
    x->fake.ram_size = p.ram_size;
    x->progress = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    x->server = fake_qmp_start(NULL, handle, &x->fake);
    x->q = qf_qmp_connect(fake_qmp_path(x->server), 5, &err);
    g_assert_no_error(err);
}

static int fixture_dump(Fixture *x, const volatile sig_atomic_t *cancel,
                        DumpQmpInfo *info, GError **error)
{
    DumpQmpOptions opts = {
        .tmpdir = x->dir,
        .poll_ms = 10,
        .cancel = cancel,
        .progress = record,
        .progress_data = x->progress,
    };

    return dump_qmp_acquire(x->q, &opts, info, error);
}

static void fixture_stop(Fixture *x)
{
    g_autoptr(GDir) d = g_dir_open(x->dir, 0, NULL);

    /* nothing left in the temporary directory */
    g_assert_null(g_dir_read_name(d));
    qf_qmp_free(x->q);
    fake_qmp_stop(x->server);
    if (x->fake.fd >= 0) {
        close(x->fake.fd);
    }
    g_rmdir(x->dir);
    g_free(x->dir);
    g_free(x->fake.elf);
    g_free(x->fake.fdname);
    g_free(x->fake.protocol);
    g_array_unref(x->progress);
    gen_image_free(x->img);
}

static void check_good(QemuMode mode)
{
    Fixture x = { 0 };
    g_auto(DumpQmpInfo) info = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autofree char *path = NULL;
    g_autofree char *out = NULL;
    g_autofree char *got = NULL;
    g_autofree char *protocol = NULL;
    gsize got_len;
    uint64_t *pr;
    int fd;

    fixture_start(&x, mode);
    fd = fixture_dump(&x, NULL, &info, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fd, >=, 0);
    /* what was asked */
    protocol = g_strdup_printf("fd:%s", x.fake.fdname);
    g_assert_cmpstr(x.fake.protocol, ==, protocol);
    g_assert_true(x.fake.detach);
    g_assert_false(x.fake.paging);
    g_assert_false(x.fake.closefd);
    /* what QEMU said */
    g_assert_cmpstr(info.vm_status, ==,
                    mode == QEMU_RUNNING ? "running" : "paused");
    g_assert_cmpint(info.vm_running, ==, mode == QEMU_RUNNING);
    g_assert_cmpuint(info.ram_size, ==, x.fake.ram_size);
    g_assert_cmpuint(info.dumped, ==, x.fake.ram_size);
    g_assert_cmpuint(info.file_size, ==, x.fake.elf_len);
    /* progress: rising to (total, total) */
    pr = (uint64_t *)x.progress->data;
    g_assert_cmpuint(x.progress->len, >=, 2 * 3);
    for (guint i = 2; i < x.progress->len; i += 2) {
        g_assert_cmpuint(pr[i], >=, pr[i - 2]);
        g_assert_cmpuint(pr[i + 1], ==, x.fake.ram_size);
    }
    g_assert_cmpuint(pr[1], ==, x.fake.ram_size);
    g_assert_cmpuint(pr[0], ==, x.fake.ram_size / STEPS);
    g_assert_cmpuint(pr[x.progress->len - 2], ==, x.fake.ram_size);

    /* the descriptor reads as the dump: the vmcore is the expected one */
    path = g_strdup_printf("/proc/self/fd/%d", fd);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    close(fd);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    out = g_build_filename(x.dir, "vmcore", NULL);
    g_assert_true(vmcore_write(a->layout, dump, out, NULL, NULL,
                                      &err));
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(out, &got, &got_len, NULL));
    g_assert_cmpmem(got, got_len, x.img->vmcore->data, x.img->vmcore->len);
    g_unlink(out);
    fixture_stop(&x);
}

static void test_good(void)
{
    check_good(QEMU_GOOD);
}

static void test_running(void)
{
    check_good(QEMU_RUNNING);
}

static void test_no_event(void)
{
    check_good(QEMU_NO_EVENT);
}

static void expect_failure(QemuMode mode, gboolean cancel, int code,
                           const char *needle)
{
    Fixture x = { 0 };
    g_auto(DumpQmpInfo) info = { 0 };
    g_autoptr(GError) err = NULL;
    volatile sig_atomic_t stop = cancel;

    fixture_start(&x, mode);
    g_assert_cmpint(fixture_dump(&x, &stop, &info, &err), ==, -1);
    g_assert_error(err, QF_ERROR, code);
    if (!strstr(err->message, needle)) {
        g_error("'%s' lacks '%s'", err->message, needle);
    }
    if (mode == QEMU_REFUSE) {
        /* the descriptor QEMU did not use is closed there too */
        g_assert_true(x.fake.closefd);
    }
    fixture_stop(&x);
}

static void test_busy(void)
{
    expect_failure(QEMU_BUSY, FALSE, QF_ERROR_INVALID_ARG,
                   "QEMU is already dumping guest memory (1024 of 4096 "
                   "bytes)");
}

static void test_refused(void)
{
    expect_failure(QEMU_REFUSE, FALSE, QF_ERROR_MISMATCH,
                   "QEMU refused dump-guest-memory: dump: failed to save "
                   "memory (GenericError)");
}

static void test_failed(void)
{
    expect_failure(QEMU_FAIL, FALSE, QF_ERROR_IO,
                   "QEMU's dump-guest-memory failed: dump: failed to save "
                   "memory: No space left on device: disk full in ");
}

static void test_hangup(void)
{
    expect_failure(QEMU_HANGUP, FALSE, QF_ERROR_IO,
                   "the dump did not complete: ");
    expect_failure(QEMU_HANGUP, FALSE, QF_ERROR_IO,
                   "QEMU closed the QMP connection (waiting for the reply "
                   "to query-dump)");
}

static void test_no_space(void)
{
    expect_failure(QEMU_HUGE_RAM, FALSE, QF_ERROR_IO,
                   "MiB free, the dump of this guest needs about "
                   "1099511627792 MiB");
}

static void test_cancel(void)
{
    expect_failure(QEMU_GOOD, TRUE, QF_ERROR_INVALID_ARG, "interrupted");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dump-qmp/good", test_good);
    g_test_add_func("/dump-qmp/running", test_running);
    g_test_add_func("/dump-qmp/no-event", test_no_event);
    g_test_add_func("/dump-qmp/busy", test_busy);
    g_test_add_func("/dump-qmp/refused", test_refused);
    g_test_add_func("/dump-qmp/failed", test_failed);
    g_test_add_func("/dump-qmp/hangup", test_hangup);
    g_test_add_func("/dump-qmp/no-space", test_no_space);
    g_test_add_func("/dump-qmp/cancel", test_cancel);
    return g_test_run();
}
