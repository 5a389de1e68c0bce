/*
 * Progress of long phases (a QMP dump, scanning guest memory, writing,
 * validating): the callback type the library calls, and a meter that
 * renders "phase: NN%  rate  ETA" on one terminal line.
 *
 * Library code only calls a QfProgressFunc with (done, total, data);
 * whether and where progress is shown is the tool's choice (a meter with
 * no output stream is silent).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_PROGRESS_H
#define QF_PROGRESS_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

/* @done of @total units (bytes) are done; @data is the caller's */
typedef void (*QfProgressFunc)(uint64_t done, uint64_t total,
                               gpointer data);

/* Redraws at most this often (the last one always) */
#define QF_PROGRESS_INTERVAL_US  (200 * 1000)

typedef struct QfProgressMeter {
    const char *phase;          /* "dumping", "scanning", ... */
    FILE *out;                  /* NULL: silent */
    gint64 start_us;            /* monotonic */
    gint64 last_us;             /* the last redraw */
    size_t last_width;          /* of the last line drawn */
    gboolean drawn;
} QfProgressMeter;

/**
 * qf_progress_format - one progress line
 * @phase: what is being done
 * @done: units done
 * @total: units in all (0: unknown)
 * @elapsed_s: seconds since the phase began
 *
 * The rate is @done / @elapsed_s; the time left (ETA) is what remains
 * at that rate.  Bytes are shown in MiB/s; the ETA as M:SS or H:MM:SS,
 * "--" while no rate is known.  @done over @total counts as 100%.
 *
 * Returns: e.g. "writing:  50%  256.0 MiB/s  ETA 0:02" (g_free())
 */
char *qf_progress_format(const char *phase, uint64_t done,
                         uint64_t total, double elapsed_s);

/**
 * qf_progress_start - begin a phase
 * @m: the meter
 * @phase: its name (kept, not copied)
 * @out: (nullable) where to draw (a terminal), NULL for silence
 */
void qf_progress_start(QfProgressMeter *m, const char *phase,
                       FILE *out);

/**
 * qf_progress_update - a QfProgressFunc drawing on a meter
 * @done: units done
 * @total: units in all
 * @meter: the QfProgressMeter
 *
 * Redraws the line (carriage return, padded over the previous one) at
 * most every QF_PROGRESS_INTERVAL_US, and always when @done reaches
 * @total.
 */
void qf_progress_update(uint64_t done, uint64_t total, gpointer meter);

/**
 * qf_progress_end - end a phase: finish the line if one was drawn
 * @m: the meter
 */
void qf_progress_end(QfProgressMeter *m);

#endif /* QF_PROGRESS_H */
