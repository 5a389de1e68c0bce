/*
 * Asking a running QEMU for its guest's memory over QMP: an ELF
 * dump-guest-memory into a file descriptor passed with getfd, progress
 * from query-dump, the outcome from the DUMP_COMPLETED event.
 *
 * The file is an unlinked temporary file (O_TMPFILE): fadump's pieces
 * (registration, crash-info header, preserved copies) are scattered over
 * guest memory and the readers need random access, which a pipe cannot
 * give; with no name, nothing is left on disk however this process ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DUMP_QMP_H
#define DUMP_QMP_H

#include <glib.h>
#include <signal.h>
#include <stdint.h>

#include "common/progress.h"
#include "common/qmp.h"

/* query-dump is asked this often (ms) unless the options say */
#define DUMP_QMP_POLL_MS     250

typedef struct DumpQmpOptions {
    const char *tmpdir;         /* where the file lives (required) */
    unsigned int poll_ms;       /* 0: DUMP_QMP_POLL_MS */
    const volatile sig_atomic_t *cancel;    /* stop when it turns non-0 */
    QfProgressFunc progress;    /* (completed, total) of query-dump */
    gpointer progress_data;
} DumpQmpOptions;

typedef struct DumpQmpInfo {
    char *vm_status;            /* query-status before the dump */
    gboolean vm_running;        /* the guest ran: not a fadump trigger */
    uint64_t ram_size;          /* query-memory-size-summary, 0: unknown */
    uint64_t dumped;            /* query-dump's total at the end */
    uint64_t file_size;
    double seconds;             /* dump-guest-memory to DUMP_COMPLETED */
} DumpQmpInfo;

void dump_qmp_info_clear(DumpQmpInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DumpQmpInfo, dump_qmp_info_clear)

/**
 * dump_qmp_acquire - have QEMU dump guest memory into a temporary file
 * @q: a connection (qf_qmp_connect())
 * @opts: where and how
 * @info: (out) what QEMU said; dump_qmp_info_clear() it, also on
 *     failure
 * @error: QF_ERROR_INVALID_ARG when a dump is already running in
 *     this QEMU or when cancelled ("interrupted"); QF_ERROR_IO when
 *     the file cannot be made, @opts->tmpdir has less free space than the
 *     guest's RAM, QEMU's dump fails (DUMP_COMPLETED's error is in the
 *     message) or the connection is lost; QF_ERROR_MISMATCH when QEMU
 *     refuses a command; messages start with the socket's path
 *
 * Returns: a read-write descriptor of the complete ELF dump (an unlinked
 *     file in @opts->tmpdir; close() frees it), or -1.  On failure
 *     nothing is left in @opts->tmpdir.
 */
int dump_qmp_acquire(QfQmp *q, const DumpQmpOptions *opts,
                     DumpQmpInfo *info, GError **error);

#endif /* DUMP_QMP_H */
