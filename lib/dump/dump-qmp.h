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
#ifndef FADUMP_DUMP_QMP_H
#define FADUMP_DUMP_QMP_H

#include <glib.h>
#include <signal.h>
#include <stdint.h>

#include "fadump-progress.h"
#include "fadump-qmp.h"

/* query-dump is asked this often (ms) unless the options say */
#define FADUMP_QMP_DUMP_POLL_MS     250

typedef struct FadumpQmpDumpOptions {
    const char *tmpdir;         /* where the file lives (required) */
    unsigned int poll_ms;       /* 0: FADUMP_QMP_DUMP_POLL_MS */
    const volatile sig_atomic_t *cancel;    /* stop when it turns non-0 */
    FadumpProgressFunc progress;    /* (completed, total) of query-dump */
    gpointer progress_data;
} FadumpQmpDumpOptions;

typedef struct FadumpQmpDumpInfo {
    char *vm_status;            /* query-status before the dump */
    gboolean vm_running;        /* the guest ran: not a fadump trigger */
    uint64_t ram_size;          /* query-memory-size-summary, 0: unknown */
    uint64_t dumped;            /* query-dump's total at the end */
    uint64_t file_size;
    double seconds;             /* dump-guest-memory to DUMP_COMPLETED */
} FadumpQmpDumpInfo;

void fadump_qmp_dump_info_clear(FadumpQmpDumpInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FadumpQmpDumpInfo, fadump_qmp_dump_info_clear)

/**
 * fadump_qmp_dump - have QEMU dump guest memory into a temporary file
 * @q: a connection (fadump_qmp_connect())
 * @opts: where and how
 * @info: (out) what QEMU said; fadump_qmp_dump_info_clear() it, also on
 *     failure
 * @error: FADUMP_ERROR_INVALID_ARG when a dump is already running in
 *     this QEMU or when cancelled ("interrupted"); FADUMP_ERROR_IO when
 *     the file cannot be made, @opts->tmpdir has less free space than the
 *     guest's RAM, QEMU's dump fails (DUMP_COMPLETED's error is in the
 *     message) or the connection is lost; FADUMP_ERROR_MISMATCH when QEMU
 *     refuses a command; messages start with the socket's path
 *
 * Returns: a read-write descriptor of the complete ELF dump (an unlinked
 *     file in @opts->tmpdir; close() frees it), or -1.  On failure
 *     nothing is left in @opts->tmpdir.
 */
int fadump_qmp_dump(FadumpQmp *q, const FadumpQmpDumpOptions *opts,
                    FadumpQmpDumpInfo *info, GError **error);

#endif /* FADUMP_DUMP_QMP_H */
