/*
 * makedumpfile's flattened format (makedumpfile -F, QEMU's kdump-zlib,
 * kdump-lzo and kdump-snappy): a 4096-byte header, then records {be64
 * offset, be64 size, size bytes} that say where each piece of the real
 * kdump file goes, ended by a record with offset and size both -1.
 *
 * The records are in write order and a page of the real file may be
 * anywhere in the stream, so reading through them would need an index as
 * large as the record count (one per page for QEMU).  Instead the stream
 * is rebuilt into the real file, as `makedumpfile -R` does, in an
 * unlinked temporary file (O_TMPFILE, sparse where the stream leaves
 * gaps) that is then mapped like any other input: memory use stays
 * independent of the guest's RAM, at the cost of disk space of about the
 * flattened file's size while the dump is open.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DUMP_KDUMP_FLAT_H
#define DUMP_KDUMP_FLAT_H

#include <glib.h>
#include <stdint.h>

/* Whether @map starts with the flattened header's signature */
gboolean dump_kdump_flat_detect(const uint8_t *map, uint64_t size);

/**
 * dump_kdump_flat_rebuild - de-flatten a stream into a temporary file
 * @map: the flattened stream
 * @size: its size
 * @near: a path whose directory gets the temporary file (same
 *     filesystem as the input: tmpfs in RAM would defeat the point);
 *     g_get_tmp_dir() when that fails
 * @ret_fd: the rebuilt file, unlinked, read-write; the caller closes it
 * @ret_size: its size
 * @error: QF_ERROR_TRUNCATED when the stream ends before its end
 *     record, QF_ERROR_CORRUPT for a bad header, a negative or
 *     wrapping record, or a rebuilt file that would be larger than twice
 *     the stream plus 16 MiB (the real format leaves only small gaps);
 *     QF_ERROR_IO when the temporary file cannot be written
 */
gboolean dump_kdump_flat_rebuild(const uint8_t *map, uint64_t size,
                                 const char *near, int *ret_fd,
                                 uint64_t *ret_size, GError **error);

#endif /* DUMP_KDUMP_FLAT_H */
