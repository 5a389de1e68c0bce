/*
 * The capture boot's device tree, found in guest memory.
 *
 * A kernel booted through Open Firmware (SLOF, VOF) keeps the tree
 * prom_init flattened (version 16; the firmware's own blob, version 17,
 * otherwise) for its whole life: the unflattened nodes point into it.  In
 * a capture boot its /rtas ibm,kernel-dump is the registration as the
 * platform updated it, and ibm,configure-kernel-dump-sizes gives C and H:
 * what --dtb takes from a file, without scanning all of RAM for the
 * crashed kernel's registration in the boot memory copy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_DT_FIND_H
#define VMCORE_DT_FIND_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "fdt/kernel-dump.h"

/* Blobs whose header looks right that are decoded at most */
#define VMCORE_DT_MAX_TRIES     64

typedef struct VmcoreDtFound {
    uint64_t addr;              /* guest physical address of the blob */
    DtKernelDump kd;            /* its fadump properties */
} VmcoreDtFound;

/**
 * vmcore_dt_find - the first device tree blob with /rtas ibm,kernel-dump
 *     in guest memory [@start, @end)
 * @dump: guest memory
 * @start: where to start (rounded up to 8 bytes: blobs are 8-aligned)
 * @end: where to stop (0: the end of RAM)
 * @ret: the blob found; untouched on failure
 * @error: QF_ERROR_ABSENT when no valid blob there has ibm,kernel-dump,
 *     the dump's read errors otherwise
 *
 * Headers that look right (magic, version 16 or 17, size) are decoded
 * with dt_kernel_dump_parse(), VMCORE_DT_MAX_TRIES of them at most.
 */
gboolean vmcore_dt_find(Dump *dump, uint64_t start, uint64_t end,
                        VmcoreDtFound *ret, GError **error);

#endif /* VMCORE_DT_FIND_H */
