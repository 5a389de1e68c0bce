/*
 * Finding the registered dump memory structure in guest memory: at an
 * address the caller knows (--fdm-addr), or by scanning RAM for a
 * structure that reads like one Linux registered and whose crash-info
 * header carries a known magic.  The kernel's own copy lives in its .bss;
 * in a dump taken after the trigger the boot memory copy holds a second
 * one, and in a capture boot the device tree a third.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_LOCATE_H
#define VMCORE_LOCATE_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "common/progress.h"
#include "vmcore/registration.h"

/* Scanning stops after this many matches */
#define VMCORE_SCAN_MAX_CANDIDATES  16

typedef struct VmcoreFdmCandidate {
    uint64_t addr;
    VmcoreRegistration reg;
    gboolean fdh_known;     /* its crash-info header has a known magic */
} VmcoreFdmCandidate;

/**
 * vmcore_fdm_read_at - decode the dump memory structure at @addr
 * @dump: guest memory
 * @addr: its guest physical address
 * @ret: the decoded structure; untouched on failure
 * @error: QF_ERROR_NOT_FOUND when @addr is not in the dump, else
 *     papr_fdm_decode()'s errors; messages start with
 *     "dump memory structure at 0x<addr>"
 */
gboolean vmcore_fdm_read_at(Dump *dump, uint64_t addr, PaprFdm *ret,
                            GError **error);

/**
 * vmcore_fdm_scan - find registrations in guest memory
 * @dump: guest memory
 * @progress: (nullable) called after each chunk with the bytes of RAM
 *     scanned and the RAM's size
 * @progress_data: its data
 * @ret: VmcoreFdmCandidate in address order (at most
 *     VMCORE_SCAN_MAX_CANDIDATES): every 8-byte aligned structure that
 *     decodes and is plausible (vmcore_registration_plausible()); those
 *     whose crash-info header starts with FADMPSIG or FADMPINF (either
 *     byte order) are marked fdh_known
 * @error: a read error of the dump
 *
 * Reads memory in chunks: memory use does not depend on the RAM size.
 */
gboolean vmcore_fdm_scan(Dump *dump, QfProgressFunc progress,
                         gpointer progress_data, GArray **ret,
                         GError **error);

#endif /* VMCORE_LOCATE_H */
