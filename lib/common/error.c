/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/error.h"

G_DEFINE_QUARK(qf-error-quark, qf_error)
