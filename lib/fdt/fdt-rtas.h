/*
 * Names in the /rtas node: the RTAS calls whose tokens it holds, and the
 * properties of the fadump contract between platform and OS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_FDT_RTAS_H
#define FADUMP_FDT_RTAS_H

#include <glib.h>

#define FADUMP_PROP_TOKEN           "ibm,configure-kernel-dump"
#define FADUMP_PROP_SIZES           "ibm,configure-kernel-dump-sizes"
#define FADUMP_PROP_VERSION         "ibm,configure-kernel-dump-version"
#define FADUMP_PROP_KERNEL_DUMP     "ibm,kernel-dump"
#define FADUMP_PROP_OS_TERM         "ibm,os-term"
#define FADUMP_PROP_EXT_OS_TERM     "ibm,extended-os-term"
#define FADUMP_PROP_LRDR_CAPACITY   "ibm,lrdr-capacity"

/* RTAS token values that mean "no such call" */
#define FADUMP_RTAS_UNKNOWN_SERVICE 0xffffffffu

/**
 * fadump_rtas_is_call - @name is an RTAS call whose token a /rtas property
 *     of that name holds
 *
 * Cannot fail.
 */
gboolean fadump_rtas_is_call(const char *name);

/**
 * fadump_rtas_is_fadump_prop - @name is one of the four ibm,*kernel-dump*
 *     properties
 *
 * Cannot fail.
 */
gboolean fadump_rtas_is_fadump_prop(const char *name);

#endif /* FADUMP_FDT_RTAS_H */
