/*
 * fadump-extract --qmp (see extract-qmp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "extract-qmp.h"
#include "common/progress.h"

#include <string.h>

char *extract_qmp_tmpdir(const char *tmpdir, const char *output)
{
    const char *env = g_getenv("TMPDIR");

    if (tmpdir) {
        return g_strdup(tmpdir);
    }
    if (env && *env) {
        return g_strdup(env);
    }
    if (output) {
        return g_path_get_dirname(output);
    }
    return g_strdup(g_get_tmp_dir());
}

int extract_qmp_dump(const char *socket, const char *tmpdir, FILE *progress,
                     FILE *warnings, const volatile sig_atomic_t *cancel,
                     DumpQmpInfo *info, GError **error)
{
    g_autoptr(QfQmp) q = NULL;
    QfProgressMeter meter;
    DumpQmpOptions opts = {
        .tmpdir = tmpdir,
        .cancel = cancel,
        .progress = qf_progress_update,
        .progress_data = &meter,
    };
    int fd;

    memset(info, 0, sizeof(*info));
    q = qf_qmp_connect(socket, EXTRACT_QMP_TIMEOUT_S, error);
    if (!q) {
        return -1;
    }
    qf_progress_start(&meter, "dumping", progress);
    fd = dump_qmp_acquire(q, &opts, info, error);
    qf_progress_end(&meter);
    if (fd >= 0 && info->vm_running && warnings) {
        fprintf(warnings, "warning: %s: the VM was running: QEMU stopped "
                "it for the dump and let it run again; unless this is the "
                "capture boot, no fadump was triggered and the dump is "
                "of a live guest (pause it first: fadump-pause, or "
                "-action reboot=shutdown,shutdown=pause)\n", socket);
    }
    return fd;
}
