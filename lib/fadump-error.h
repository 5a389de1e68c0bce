/*
 * Errors of libfadump: one GError domain, codes by kind of failure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_ERROR_H
#define FADUMP_ERROR_H

#include <glib.h>

#define FADUMP_ERROR (fadump_error_quark())

typedef enum {
    FADUMP_ERROR_IO,            /* the system said no: open, read, write */
    FADUMP_ERROR_TRUNCATED,     /* the input ends before what it describes */
    FADUMP_ERROR_CORRUPT,       /* the input contradicts its own format */
    FADUMP_ERROR_UNSUPPORTED,   /* a valid input this code does not handle */
    FADUMP_ERROR_NOT_FOUND,     /* something looked for is not there */
    FADUMP_ERROR_MISMATCH,      /* two inputs that should agree do not */
    FADUMP_ERROR_INVALID_ARG,   /* the caller asked for something impossible */
} FadumpError;

GQuark fadump_error_quark(void);

#endif /* FADUMP_ERROR_H */
