/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fadump-error.h"

G_DEFINE_QUARK(fadump-error-quark, fadump_error)
