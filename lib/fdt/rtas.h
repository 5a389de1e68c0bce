/*
 * Names in the /rtas node: the RTAS calls whose tokens it holds, and the
 * properties of the fadump contract between platform and OS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_RTAS_H
#define DT_RTAS_H

#include <glib.h>

#define DT_PROP_TOKEN           "ibm,configure-kernel-dump"
#define DT_PROP_SIZES           "ibm,configure-kernel-dump-sizes"
#define DT_PROP_VERSION         "ibm,configure-kernel-dump-version"
#define DT_PROP_KERNEL_DUMP     "ibm,kernel-dump"
#define DT_PROP_OS_TERM         "ibm,os-term"
#define DT_PROP_EXT_OS_TERM     "ibm,extended-os-term"
#define DT_PROP_LRDR_CAPACITY   "ibm,lrdr-capacity"

/* RTAS token values that mean "no such call" */
#define DT_RTAS_UNKNOWN_SERVICE 0xffffffffu

/**
 * dt_rtas_is_call - @name is an RTAS call whose token a /rtas property
 *     of that name holds
 *
 * Cannot fail.
 */
gboolean dt_rtas_is_call(const char *name);

/**
 * dt_rtas_is_fadump_prop - @name is one of the four ibm,*kernel-dump*
 *     properties
 *
 * Cannot fail.
 */
gboolean dt_rtas_is_fadump_prop(const char *name);

#endif /* DT_RTAS_H */
