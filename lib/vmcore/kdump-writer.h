/*
 * Writing a laid-out vmcore as a kdump-compressed file (makedumpfile's
 * diskdump format, header_version 6, not flattened) instead of ELF: the
 * same notes (every NT_PRSTATUS, VMCOREINFO) in the sub-header, the same
 * memory page for page over the pfns of the vmcore's PT_LOADs, in the
 * kernel's byte order and page size (VMCOREINFO PAGESIZE=).  Zero pages
 * share one zero record; each other page is compressed, or stored as is
 * when compression does not make it smaller.  Written into a temporary
 * file next to the destination and renamed only when complete, as
 * vmcore-writer.h does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_KDUMP_WRITER_H
#define VMCORE_KDUMP_WRITER_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "vmcore/layout.h"
#include "vmcore/elf-writer.h"

typedef struct VmcoreKdumpStats {
    uint64_t pages;             /* dumped pages */
    uint64_t zero_pages;        /* sharing the zero record */
    uint64_t compressed_pages;
    uint64_t raw_pages;         /* stored uncompressed */
} VmcoreKdumpStats;

/**
 * vmcore_kdump_write - write a vmcore as a kdump-compressed file
 * @layout: what to write (the ELF vmcore's layout)
 * @dump: where the memory comes from (guest physical addresses)
 * @compression: KDUMP_ZLIB, KDUMP_LZO or KDUMP_SNAPPY (kdump-format.h)
 * @path: the file to create or replace
 * @opts: (optional) sync, cancel, progress as for the ELF writer
 *     (no_copy_range is meaningless here)
 * @stats: (optional) file_size, buffered_bytes (page data written),
 *     hole_bytes (zero pages); untouched on failure
 * @kstats: (optional) page counts; untouched on failure
 * @error: QF_ERROR_UNSUPPORTED for a compression this build lacks or
 *     PT_LOADs that do not map onto whole pages (or share one),
 *     QF_ERROR_IO for a failing system call, QF_ERROR_INVALID_ARG
 *     when cancelled, and the dump's read errors
 *
 * Returns: TRUE when @path holds the complete file; on FALSE no temporary
 * file remains and @path is untouched.
 */
gboolean vmcore_kdump_write(const VmcoreLayout *layout,
                            Dump *dump, uint32_t compression,
                            const char *path, const VmcoreWriteOptions *opts,
                            VmcoreWriteStats *stats,
                            VmcoreKdumpStats *kstats, GError **error);

#endif /* VMCORE_KDUMP_WRITER_H */
