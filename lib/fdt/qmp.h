/*
 * The device tree of a running QEMU, fetched over its QMP socket with the
 * dumpdtb command (QEMU 7.2 and later, built with FDT support).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_QMP_H
#define DT_QMP_H

#include <glib.h>

#include "common/qmp.h"    /* QF_QMP_MAX_MESSAGE */
#include "fdt/blob.h"

/**
 * dt_fetch_qmp - fetch and validate the current DTB of a QEMU
 * @socket_path: QEMU's QMP socket (-qmp unix:PATH,server=on,wait=off)
 * @timeout_s: seconds to wait for each reply
 * @error: QF_ERROR_IO when the socket cannot be reached, QEMU does
 *     not answer in time or closes the connection, or the file QEMU
 *     wrote cannot be read; QF_ERROR_UNSUPPORTED when QEMU has no
 *     dumpdtb command; QF_ERROR_CORRUPT for a reply that is not QMP;
 *     QF_ERROR_MISMATCH when QEMU refuses a command (its error is in
 *     the message); otherwise as dt_new_from_data()
 *
 * QEMU writes the DTB into a private temporary directory of this
 * process, removed afterwards: QEMU must run on this host and be able
 * to write there (same user, or root).
 *
 * Returns: the tree, its origin "qmp:@socket_path", or NULL with @error
 *     set.
 */
DtBlob *dt_fetch_qmp(const char *socket_path,
                     unsigned int timeout_s, GError **error);

#endif /* DT_QMP_H */
