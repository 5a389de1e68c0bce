/*
 * fadump-extract --qmp: the guest memory of a running QEMU, dumped over
 * QMP into an unlinked temporary file (lib/dump/qmp.h) that the
 * dump readers then open like any INPUT.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXTRACT_QMP_H
#define EXTRACT_QMP_H

#include <glib.h>
#include <signal.h>
#include <stdio.h>

#include "dump/qmp.h"

/* Seconds to wait for each QMP reply */
#define EXTRACT_QMP_TIMEOUT_S   30

/**
 * extract_qmp_tmpdir - where the temporary dump goes
 * @tmpdir: (nullable) --tmpdir
 * @output: (nullable) -o VMCORE
 *
 * Returns: @tmpdir, else $TMPDIR, else the directory of @output, else
 *     the system's temporary directory (g_free())
 */
char *extract_qmp_tmpdir(const char *tmpdir, const char *output);

/**
 * extract_qmp_dump - dump the guest memory of the QEMU behind @socket
 * @socket: its QMP socket
 * @tmpdir: where the unlinked file goes
 * @progress: (nullable) where to draw the progress (a terminal)
 * @warnings: (nullable) where to print warnings
 * @cancel: stop when it turns non-0
 * @info: (out) what QEMU said (dump_qmp_info_clear())
 * @error: qf_qmp_connect()'s and dump_qmp_acquire()'s errors
 *
 * Returns: the descriptor of the complete dump, or -1
 */
int extract_qmp_dump(const char *socket, const char *tmpdir, FILE *progress,
                     FILE *warnings, const volatile sig_atomic_t *cancel,
                     DumpQmpInfo *info, GError **error);

#endif /* EXTRACT_QMP_H */
