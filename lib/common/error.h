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
} QfError;

GQuark qf_error_quark(void);

#endif /* QF_ERROR_H */
