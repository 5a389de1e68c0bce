/*
 * The dump memory structure of PAPR firmware-assisted dump: what the OS
 * registers with ibm,configure-kernel-dump and what the platform hands
 * back, updated, in the ibm,kernel-dump device tree property.  All its
 * fields are big-endian, whatever the OS's byte order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PAPR_FDM_H
#define PAPR_FDM_H

#include <glib.h>
#include <stdint.h>

#define PAPR_FDM_HEADER_SIZE      40
#define PAPR_FDM_SECTION_SIZE     40
#define PAPR_FDM_MAX_SECTIONS     10
#define PAPR_FDM_FORMAT_VERSION   1

/* Section data types */
#define PAPR_TYPE_CPU_STATE       0x0001  /* register save area */
#define PAPR_TYPE_HPTE            0x0002  /* hashed page table */
#define PAPR_TYPE_REAL_MODE       0x0011  /* a memory region to copy */
#define PAPR_TYPE_OS_DEFINED      0x0100  /* and up; Linux: param area */

#define PAPR_REQUEST_FLAG         0x00000001

/* Header dump_status_flag */
#define PAPR_STATUS_PERFORMED     0x8000
#define PAPR_STATUS_TRIGGERED     0x4000
#define PAPR_STATUS_ERROR         0x2000

/* Section error_flags */
#define PAPR_SECERR_INVALID_TYPE  0x8000
#define PAPR_SECERR_INVALID_SRC   0x4000
#define PAPR_SECERR_LEN_EXCEEDS   0x2000
#define PAPR_SECERR_INVALID_DEST  0x1000
#define PAPR_SECERR_DEST_SMALL    0x0800

typedef struct PaprSection {
    uint32_t request_flag;
    uint16_t type;
    uint16_t error_flags;
    uint64_t source;
    uint64_t length;
    uint64_t bytes_dumped;
    uint64_t destination;
} PaprSection;

typedef struct PaprFdm {
    uint32_t version;
    uint16_t num_sections;
    uint16_t status_flags;
    uint32_t first_offset;
    uint32_t dd_block_size;
    uint64_t dd_block_offset;
    uint64_t dd_num_blocks;
    uint32_t dd_offset_disk_path;
    uint32_t max_time_auto;
    /* num_sections entries, in structure order */
    PaprSection sections[PAPR_FDM_MAX_SECTIONS];
} PaprFdm;

/**
 * papr_fdm_decode - decode a dump memory structure
 * @buf: the structure as found in guest memory or ibm,kernel-dump
 * @len: bytes available at @buf (may exceed the structure)
 * @ret: the decoded structure; untouched on failure
 * @error: QF_ERROR_TRUNCATED when the header or a section it counts
 *     lies beyond @len, QF_ERROR_UNSUPPORTED for a format version
 *     other than 1, QF_ERROR_CORRUPT for a section count outside
 *     1..10 or a first-section offset inside the header
 *
 * Sections are read from the header's offset_first_dump_section, as PAPR
 * says (Linux capture kernels assume 40, which is what Linux registers).
 */
gboolean papr_fdm_decode(const void *buf, size_t len, PaprFdm *ret,
                         GError **error);

/* Bytes a structure with these header values takes */
size_t papr_fdm_size(const PaprFdm *fdm);

/* Index of the @nth section (from 0) of @type, or -1 */
int papr_fdm_find(const PaprFdm *fdm, uint16_t type, unsigned int nth);

/* "cpu-state", "hpte", "real-mode", "param-area", "os-defined", "unknown" */
const char *papr_section_type_name(uint16_t type);

/* Flag names joined by ',', unknown bits as hex, "none" for 0; g_free() */
char *papr_section_error_flags_str(uint16_t flags);
char *papr_status_flags_str(uint16_t flags);

#endif /* PAPR_FDM_H */
