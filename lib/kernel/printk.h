/*
 * The crashed kernel's log: the lockless printk ring buffer of Linux 5.10
 * and later (kernel/printk/printk_ringbuffer.c), found and read without a
 * vmlinux through what log_buf_vmcoreinfo_setup() puts in VMCOREINFO:
 * SYMBOL(prb), the SIZE()s and OFFSET()s of printk_ringbuffer,
 * prb_desc_ring, prb_data_ring, prb_desc, prb_data_blk_lpos, printk_info
 * and OFFSET(atomic_long_t.counter).
 *
 * The walk goes from the descriptor ring's tail ID to its head ID, as
 * vmcore-dmesg does; a descriptor is a record when its state is committed
 * or finalized and its ID is the one expected there, and its data block
 * is read as get_data() reads it (wrapped blocks at the start of the data
 * ring; a block that ends exactly at the ring's end is not wrapped, Linux
 * 6.18+ writes those; data-less records: empty text, or text lost).
 * Anything else is skipped and counted.  A corrupt ring cannot make the
 * walk loop (at most one pass over the descriptors) or allocate without
 * bound (the records kept hold at most the data ring's size of text).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_PRINTK_RING_H
#define KERNEL_PRINTK_RING_H

#include <glib.h>
#include <stdint.h>

#include "kernel/mem.h"

/* Rings larger than these are refused (Linux: LOG_BUF_SHIFT <= 25, 2^5
 * data bytes per descriptor) */
#define KERNEL_PRINTK_MAX_COUNT_BITS    22
#define KERNEL_PRINTK_MAX_SIZE_BITS     28

/* caller_id: a CPU number with this bit, else a task ID */
#define KERNEL_PRINTK_CALLER_CPU        0x80000000u

typedef struct KernelPrintkRecord {
    uint64_t seq;
    uint64_t ts_nsec;           /* local_clock() at the printk */
    uint32_t caller_id;
    uint8_t facility;           /* syslog facility (0: kernel) */
    uint8_t level;              /* syslog level 0..7 */
    uint8_t flags;              /* LOG_NEWLINE, LOG_CONT */
    gboolean truncated;         /* text_len was larger than the block */
    char *text;                 /* text_len bytes, then a NUL */
    size_t text_len;
} KernelPrintkRecord;

typedef struct KernelPrintkLog {
    GPtrArray *records;         /* KernelPrintkRecord *, oldest first: the
                                   last ones the walk found */
    uint64_t n_records;         /* records found in the ring */
    uint64_t n_skipped;         /* descriptors that are not records */
    GPtrArray *problems;        /* char *: why (the first few) */
    uint64_t prb;               /* the printk_ringbuffer's address */
    uint64_t fail;              /* its fail counter: lost reservations */
    unsigned int count_bits;    /* 2^count_bits descriptors */
    unsigned int size_bits;     /* 2^size_bits bytes of text data */
    uint64_t head_id, tail_id;
    uint64_t head_lpos, tail_lpos;
} KernelPrintkLog;

/**
 * kernel_printk_log_read - read the records of the printk ring buffer
 * @k: the crashed kernel's memory
 * @vmcoreinfo: its VMCOREINFO text
 * @max_records: keep at most the last @max_records records (0: all)
 * @error: QF_ERROR_NOT_FOUND when VMCOREINFO lacks an entry the walk
 *     needs (a kernel before 5.10 has no prb) or ring memory is not in the
 *     dump, QF_ERROR_CORRUPT for a ring that contradicts itself (sizes,
 *     offsets, a tail..head span longer than the ring),
 *     QF_ERROR_UNSUPPORTED for a ring over the limits above; messages
 *     start with "printk ring buffer"
 *
 * Returns: the log (kernel_printk_log_free()), or NULL
 */
KernelPrintkLog *kernel_printk_log_read(KernelMem *k,
                                        const char *vmcoreinfo,
                                        unsigned int max_records,
                                        GError **error);

void kernel_printk_log_free(KernelPrintkLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KernelPrintkLog, kernel_printk_log_free)

/**
 * kernel_printk_record_format - a record as vmcore-dmesg prints it:
 *     "[%5llu.%06llu] " and the text, bytes that are neither printable
 *     nor white space as \xNN, then a newline; appended to @out
 */
void kernel_printk_record_format(GString *out, const KernelPrintkRecord *r);

#endif /* KERNEL_PRINTK_RING_H */
