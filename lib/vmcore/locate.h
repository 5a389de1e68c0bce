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

/*
 * Where the registering kernel keeps its structure: rtas-fadump's static
 * `fdm` (arch/powerpc/platforms/pseries/rtas-fadump.c, 6.1 to 7.2) is in
 * its .bss, and a pseries kernel image runs at physical 0 and fits in the
 * real mode area it boots in (256 MiB at least): so the kernel's own copy
 * is below this
 */
#define VMCORE_KERNEL_IMAGE_WINDOW  (256ull << 20)

typedef struct VmcoreScanOptions {
    uint64_t start;             /* guest physical window [start, end) */
    uint64_t end;               /* 0: the end of RAM */
    gboolean stop_at_known;     /* stop at the first fdh_known one */
    QfProgressFunc progress;    /* (nullable) after each chunk: bytes of
                                   the window scanned, the window's size */
    gpointer progress_data;
} VmcoreScanOptions;

/**
 * vmcore_fdm_scan - find registrations in guest memory
 * @dump: guest memory
 * @opts: (nullable) the window and when to stop; NULL: all RAM
 * @ret: VmcoreFdmCandidate in address order (at most
 *     VMCORE_SCAN_MAX_CANDIDATES): every 8-byte aligned structure that
 *     starts in the window, decodes and is plausible
 *     (vmcore_registration_plausible()); those whose crash-info header
 *     starts with FADMPSIG or FADMPINF (either byte order) are marked
 *     fdh_known
 * @scanned: (optional) the bytes of RAM scanned
 * @error: a read error of the dump; QF_ERROR_CORRUPT, saying why, when
 *     the only structures found are unusable (a truncated dump)
 *
 * Reads memory in chunks: memory use does not depend on the RAM size.
 */
gboolean vmcore_fdm_scan(Dump *dump, const VmcoreScanOptions *opts,
                         GArray **ret, uint64_t *scanned, GError **error);

#endif /* VMCORE_LOCATE_H */
