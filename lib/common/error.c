/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>

#include "common/error.h"

G_DEFINE_QUARK(qf-error-quark, qf_error)

gboolean qf_fail(GError **error, QfError code, const char *fmt, ...)
{
    va_list ap;

    if (error) {
        va_start(ap, fmt);
        g_propagate_error(error, g_error_new_valist(QF_ERROR, code, fmt, ap));
        va_end(ap);
    }
    return FALSE;
}
