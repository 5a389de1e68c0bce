/*
 * Progress of long phases (see fadump-progress.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/progress.h"

#include <math.h>
#include <string.h>

static char *format_eta(double secs)
{
    uint64_t s;

    if (!isfinite(secs) || secs < 0 || secs > 99.0 * 3600) {
        return g_strdup("--");
    }
    s = (uint64_t)(secs + 0.5);
    if (s >= 3600) {
        return g_strdup_printf("%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600,
                               (unsigned)(s / 60 % 60), (unsigned)(s % 60));
    }
    return g_strdup_printf("%u:%02u", (unsigned)(s / 60),
                           (unsigned)(s % 60));
}

char *qf_progress_format(const char *phase, uint64_t done,
                         uint64_t total, double elapsed_s)
{
    double rate = elapsed_s > 0 ? (double)done / elapsed_s : 0;
    g_autofree char *pct = NULL;
    g_autofree char *rate_s = NULL;
    g_autofree char *eta = NULL;

    if (total == 0) {
        pct = g_strdup("  ?%");
    } else {
        unsigned int p = done >= total ? 100
                         : (unsigned int)((double)done * 100 / total);

        pct = g_strdup_printf("%3u%%", p);
    }
    rate_s = rate > 0 ? g_strdup_printf("%.1f MiB/s", rate / (1 << 20))
                      : g_strdup("-- MiB/s");
    if (total && done >= total) {
        eta = g_strdup("0:00");
    } else if (total && rate > 0) {
        eta = format_eta((double)(total - done) / rate);
    } else {
        eta = g_strdup("--");
    }
    return g_strdup_printf("%s: %s  %s  ETA %s", phase, pct, rate_s, eta);
}

void qf_progress_start(QfProgressMeter *m, const char *phase,
                       FILE *out)
{
    *m = (QfProgressMeter) {
        .phase = phase,
        .out = out,
        .start_us = g_get_monotonic_time(),
    };
}

void qf_progress_update(uint64_t done, uint64_t total, gpointer meter)
{
    QfProgressMeter *m = meter;
    gint64 now = g_get_monotonic_time();
    g_autofree char *line = NULL;
    size_t width;

    if (!m->out) {
        return;
    }
    if (m->drawn && now - m->last_us < QF_PROGRESS_INTERVAL_US &&
        !(total && done >= total)) {
        return;
    }
    line = qf_progress_format(m->phase, done, total,
                              (now - m->start_us) / 1e6);
    width = strlen(line);
    fprintf(m->out, "\r%s%*s", line,
            m->last_width > width ? (int)(m->last_width - width) : 0, "");
    fflush(m->out);
    m->last_width = width;
    m->last_us = now;
    m->drawn = TRUE;
}

void qf_progress_end(QfProgressMeter *m)
{
    if (m->out && m->drawn) {
        fputc('\n', m->out);
        fflush(m->out);
    }
    m->drawn = FALSE;
    m->last_width = 0;
}
