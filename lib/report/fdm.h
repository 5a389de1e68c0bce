/*
 * The dump memory structure (lib/papr/fdm.h) as JSON: one schema, used by
 * every report that shows one (fdt-inspect's ibm,kernel-dump value,
 * fadump-extract's registration).
 *
 * Members: the 16- and 32-bit fields are JSON numbers, flag words also
 * as arrays of names; the 64-bit fields (addresses, lengths,
 * dd_block_offset, dd_num_blocks) are "0x..." strings (JSON numbers lose
 * precision past 2^53):
 *
 *   version, num_sections, first_section_offset, size (bytes the
 *   structure takes), status_flags, status [names], dd_block_size,
 *   dd_block_offset, dd_num_blocks, dd_offset_disk_path, max_time_auto,
 *   sections [{ index, type, type_name, request_flag, requested (bool),
 *               error_flags, errors [names], source, length,
 *               bytes_dumped, destination }]
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_FDM_H
#define REPORT_FDM_H

#include <json-glib/json-glib.h>

#include "papr/fdm.h"

/* The members above, into the object @b has open */
void report_fdm_json_members(JsonBuilder *b, const PaprFdm *fdm);

#endif /* REPORT_FDM_H */
