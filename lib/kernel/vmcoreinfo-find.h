/*
 * Finding VMCOREINFO in guest memory without a fadump registration: the
 * kernel keeps its text in vmcoreinfo_data, a page from get_zeroed_page()
 * that crash_save_vmcoreinfo_init() fills with "OSRELEASE=...\n"
 * "PAGESIZE=...\n" ... (at most VMCOREINFO_BYTES = PAGE_SIZE bytes, the
 * rest of the page zero), and the same text as an ELF note named
 * "VMCOREINFO" in vmcoreinfo_note (alloc_pages_exact(), page aligned)
 * (kernel/vmcore_info.c in 6.12, kernel/crash_core.c in 6.1).
 *
 * Both start a page, so only page starts are probed, in 4 KiB steps
 * (which covers 4K and 64K page kernels): 24 bytes each, read through
 * dump_extent() with pread() for file spans, skipping spans that are not
 * stored (zero).  Low memory, where early boot allocations land, is
 * probed first, then the rest from the top down.  A page that starts
 * like VMCOREINFO is a candidate; it is taken only when its text is
 * printable KEY=VALUE lines ending in a newline, no longer than its
 * PAGESIZE, with an OSRELEASE, a PAGESIZE of 4 or 64 KiB and SYMBOL()s a
 * ppc64 kernel's reader reaches.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KERNEL_VMCOREINFO_FIND_H
#define KERNEL_VMCOREINFO_FIND_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"

/* The largest VMCOREINFO_BYTES: PAGE_SIZE of a 64K-page kernel */
#define KERNEL_VMCOREINFO_BYTES_MAX     65536u
/* Probed first, in ascending order */
#define KERNEL_VMCOREINFO_LOW_WINDOW    (256ull << 20)
/* Step between probed addresses */
#define KERNEL_VMCOREINFO_PROBE_STEP    4096u

typedef enum KernelVmcoreinfoForm {
    KERNEL_VMCOREINFO_DATA_PAGE,    /* vmcoreinfo_data: the bare text */
    KERNEL_VMCOREINFO_NOTE,         /* vmcoreinfo_note: an ELF note */
} KernelVmcoreinfoForm;

typedef struct KernelVmcoreinfoFound {
    char *text;                     /* NUL-terminated; g_free() */
    uint64_t paddr;                 /* guest physical page where found */
    KernelVmcoreinfoForm form;
    gboolean big_endian;            /* the note's byte order (note only) */
    uint64_t page_size;             /* its PAGESIZE= */
    /* what it took */
    uint64_t pages_probed;
    uint64_t bytes_read;            /* probes and candidates' texts */
    unsigned int rejected;          /* candidates that did not validate */
} KernelVmcoreinfoFound;

/**
 * kernel_vmcoreinfo_find - find the kernel's VMCOREINFO in guest memory
 * @dump: the guest's memory
 * @ret: filled on success (kernel_vmcoreinfo_found_clear()); its counters
 *     also on failure
 * @error: QF_ERROR_NOT_FOUND when no page holds valid VMCOREINFO
 *     (saying how many pages were probed and candidates rejected), or a
 *     read error of the dump; messages start with "VMCOREINFO"
 *
 * Memory use is bounded (one KERNEL_VMCOREINFO_BYTES_MAX buffer).
 */
gboolean kernel_vmcoreinfo_find(Dump *dump, KernelVmcoreinfoFound *ret,
                                GError **error);

void kernel_vmcoreinfo_found_clear(KernelVmcoreinfoFound *f);

/**
 * kernel_vmcoreinfo_candidate - VMCOREINFO at the start of @buf?
 * @buf: bytes from a page start
 * @len: how many (up to 24 + KERNEL_VMCOREINFO_BYTES_MAX are looked at)
 * @form: (out): which form it has
 * @big_endian: (out): a note's byte order
 * @error: QF_ERROR_NOT_FOUND when @buf does not start like either form,
 *     QF_ERROR_TRUNCATED when @len ends before the text does,
 *     QF_ERROR_CORRUPT when the text is not valid VMCOREINFO
 *
 * Returns: the validated text (g_free()), or NULL
 */
char *kernel_vmcoreinfo_candidate(const uint8_t *buf, size_t len,
                                  KernelVmcoreinfoForm *form,
                                  gboolean *big_endian, GError **error);

/* "vmcoreinfo_data page", "vmcoreinfo_note" */
const char *kernel_vmcoreinfo_form_name(KernelVmcoreinfoForm form);

#endif /* KERNEL_VMCOREINFO_FIND_H */
