/*
 * A flattened device tree (DTB) that has been validated as a whole, so
 * that the rest of lib/fdt can walk it with libfdt without meeting a
 * malformed structure: every property name and value lies inside the
 * blob, node nesting is bounded, there is exactly one root node.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_BLOB_H
#define DT_BLOB_H

#include <glib.h>
#include <stddef.h>

/* Largest DTB accepted: QEMU's pseries FDT is at most 1 MiB */
#define DT_MAX_SIZE         (16u * 1024 * 1024)
/* Deepest node nesting accepted (Linux unflattens at most 64 levels) */
#define DT_MAX_DEPTH        64

typedef struct DtBlob {
    void *blob;         /* fdt_totalsize() bytes, 8-byte aligned, owned */
    size_t size;        /* fdt_totalsize() */
    size_t input_size;  /* bytes the input had (>= size) */
    char *origin;       /* where it came from, for messages */
} DtBlob;

/**
 * dt_new_from_data - validate a DTB and keep a copy of it
 * @data: the DTB bytes (no alignment needed)
 * @len: bytes at @data; bytes past the header's totalsize are ignored
 * @origin: where the bytes came from (a file name...), for messages
 * @error: QF_ERROR_TRUNCATED when @len is shorter than the header or
 *     than the totalsize it states, or a block ends past totalsize;
 *     QF_ERROR_CORRUPT for a bad magic, overlapping blocks or a
 *     malformed structure block (bad tags, unterminated names, property
 *     names outside the strings block, nodes not closed or a second
 *     root, a node name with '/'); QF_ERROR_UNSUPPORTED for a DTB
 *     version this code cannot read, nesting deeper than
 *     DT_MAX_DEPTH or more than DT_MAX_SIZE bytes
 *
 * Returns: the tree, or NULL with @error set.
 */
DtBlob *dt_new_from_data(const void *data, size_t len,
                         const char *origin, GError **error);

/**
 * dt_load_file - read and validate a DTB file
 * @path: the file
 * @error: QF_ERROR_IO when it cannot be read, QF_ERROR_UNSUPPORTED
 *     when it is larger than DT_MAX_SIZE, otherwise as
 *     dt_new_from_data()
 *
 * Returns: the tree, or NULL with @error set.
 */
DtBlob *dt_load_file(const char *path, GError **error);

/**
 * dt_save_file - write the DTB to a file, atomically
 * @fdt: the tree
 * @path: the file, replaced as a whole or not at all
 * @error: QF_ERROR_IO when it cannot be written
 *
 * Returns: TRUE on success.
 */
gboolean dt_save_file(const DtBlob *fdt, const char *path,
                      GError **error);

void dt_free(DtBlob *fdt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtBlob, dt_free)

/**
 * dt_strerror - libfdt's name of an -FDT_ERR_* code, for messages
 *
 * Cannot fail.
 */
const char *dt_strerror(int fdt_err);

#endif /* DT_BLOB_H */
