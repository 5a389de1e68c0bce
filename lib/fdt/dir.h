/*
 * A device tree as a directory, the way Linux shows it in
 * /proc/device-tree (/sys/firmware/devicetree/base), or a copy of that
 * taken out of a guest: a directory per node, a file per property.  It
 * is turned into a DTB so that the rest of lib/fdt sees one format.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_DIR_H
#define DT_DIR_H

#include <glib.h>

#include "fdt/blob.h"

/**
 * dt_load_dir - read a device tree directory into a DTB
 * @path: the directory standing for the root node
 * @error: QF_ERROR_IO when a directory or file cannot be read,
 *     QF_ERROR_UNSUPPORTED for a symbolic link, a special file, nodes
 *     nested deeper than DT_MAX_DEPTH or more than
 *     DT_MAX_SIZE bytes of tree; otherwise as
 *     dt_new_from_data() on the result
 *
 * Nodes and properties are sorted by name (a directory has no order).
 * Symbolic links are never followed (@path itself may be one).  A "name"
 * property that only repeats the node's name, as Linux makes up for
 * flattened trees, is left out: a DTB has none.
 *
 * Returns: the tree, or NULL with @error set.
 */
DtBlob *dt_load_dir(const char *path, GError **error);

#endif /* DT_DIR_H */
