/*
 * Errors of libfadump: one GError domain, codes by kind of failure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_ERROR_H
#define QF_ERROR_H

#include <glib.h>

#define QF_ERROR (qf_error_quark())

typedef enum {
    QF_ERROR_IO,            /* the system said no: open, read, write */
    QF_ERROR_TRUNCATED,     /* the input ends before what it describes */
    QF_ERROR_CORRUPT,       /* the input contradicts its own format */
    QF_ERROR_UNSUPPORTED,   /* a valid input this code does not handle */
    QF_ERROR_NOT_FOUND,     /* something looked for is not there */
    QF_ERROR_MISMATCH,      /* two inputs that should agree do not */
    QF_ERROR_INVALID_ARG,   /* the caller asked for something impossible */
    QF_ERROR_ABSENT,        /* what was looked for is nowhere in the input
                               (no fadump registration in guest memory):
                               not a damaged input, another kind of it */
} QfError;

GQuark qf_error_quark(void);

/*
 * qf_fail - set *@error to a QF_ERROR of @code and return FALSE
 *
 * So that a decoder states a failure in one visible statement:
 *     return qf_fail(error, QF_ERROR_CORRUPT, "magic 0x%x", magic);
 * and its public entry point adds the context once (g_prefix_error()).
 */
gboolean qf_fail(GError **error, QfError code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif /* QF_ERROR_H */
