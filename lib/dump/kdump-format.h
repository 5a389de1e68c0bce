/*
 * The kdump-compressed ("diskdump") file format of makedumpfile, as
 * QEMU's dump-guest-memory writes it too, and its flattened wrapper.
 * Offsets of the 64-bit layout; every field in the dump's byte order
 * except the flattened wrapper's, which is big endian.
 *
 *   0                       disk_dump_header (464 bytes)
 *   B                       kdump_sub_header (104 bytes), notes, ...
 *   B * (1 + sub_hdr_size)  bitmap 1 (pfn present), bitmap 2 (dumped),
 *                           bitmap_blocks blocks for both
 *   then                    one page_desc (24 bytes) per bitmap 2 bit
 *   then                    page data, each page compressed or not
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DUMP_KDUMP_FORMAT_H
#define DUMP_KDUMP_FORMAT_H

#define KDUMP_SIGNATURE         "KDUMP   "
#define KDUMP_SIG_LEN           8
#define KDUMP_UTS_FIELD         65      /* each of the 6 new_utsname fields */

/* disk_dump_header */
#define KDUMP_HDR_VERSION       8
#define KDUMP_HDR_UTSNAME       12
#define KDUMP_HDR_TIMESTAMP     402     /* 22 bytes: padding, timeval */
#define KDUMP_HDR_TV_SEC        408
#define KDUMP_HDR_TV_USEC       416
#define KDUMP_HDR_STATUS        424
#define KDUMP_HDR_BLOCK_SIZE    428
#define KDUMP_HDR_SUB_HDR_SIZE  432
#define KDUMP_HDR_BITMAP_BLOCKS 436
#define KDUMP_HDR_MAX_MAPNR     440
#define KDUMP_HDR_TOTAL_RAM     444
#define KDUMP_HDR_DEVICE_BLOCKS 448
#define KDUMP_HDR_WRITTEN       452
#define KDUMP_HDR_CURRENT_CPU   456
#define KDUMP_HDR_NR_CPUS       460
#define KDUMP_HDR_SIZE          464

/* kdump_sub_header */
#define KDUMP_SUB_PHYS_BASE     0
#define KDUMP_SUB_DUMP_LEVEL    8
#define KDUMP_SUB_SPLIT         12
#define KDUMP_SUB_START_PFN     16
#define KDUMP_SUB_END_PFN       24
#define KDUMP_SUB_OFF_VMCOREINFO 32     /* header_version 3+ */
#define KDUMP_SUB_SIZE_VMCOREINFO 40
#define KDUMP_SUB_OFF_NOTE      48      /* header_version 4+ */
#define KDUMP_SUB_SIZE_NOTE     56
#define KDUMP_SUB_OFF_ERASEINFO 64      /* header_version 5+ */
#define KDUMP_SUB_SIZE_ERASEINFO 72
#define KDUMP_SUB_START_PFN_64  80      /* header_version 6+ */
#define KDUMP_SUB_END_PFN_64    88
#define KDUMP_SUB_MAX_MAPNR_64  96
#define KDUMP_SUB_SIZE          104

/* page_desc */
#define KDUMP_PD_OFFSET         0
#define KDUMP_PD_SIZE           8
#define KDUMP_PD_FLAGS          12
#define KDUMP_PD_PAGE_FLAGS     16
#define KDUMP_PD_LEN            24

/* header status, and page_desc flags for the compression bits */
#define KDUMP_ZLIB              0x1
#define KDUMP_LZO               0x2
#define KDUMP_SNAPPY            0x4
#define KDUMP_INCOMPLETE        0x8
#define KDUMP_EXCLUDED_VMEMMAP  0x10
#define KDUMP_ZSTD              0x20
#define KDUMP_COMPRESSION_MASK  (KDUMP_ZLIB | KDUMP_LZO | KDUMP_SNAPPY | \
                                 KDUMP_ZSTD)

/* The flattened stream: a header block, then {be64 offset, be64 size} */
#define KDUMP_FLAT_SIGNATURE    "makedumpfile"
#define KDUMP_FLAT_HDR_SIZE     4096
#define KDUMP_FLAT_TYPE         1
#define KDUMP_FLAT_VERSION      1
#define KDUMP_FLAT_RECORD_HDR   16

#endif /* DUMP_KDUMP_FORMAT_H */
