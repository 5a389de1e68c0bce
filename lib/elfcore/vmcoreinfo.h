/*
 * VMCOREINFO: the "KEY=VALUE\n" text the crashed kernel keeps in an ELF
 * note named "VMCOREINFO" (OSRELEASE=, PAGESIZE=, SYMBOL(x)=, ...,
 * CRASHTIME= appended at the crash).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef ELFCORE_VMCOREINFO_H
#define ELFCORE_VMCOREINFO_H

#include <glib.h>
#include <stdint.h>

/* VMCOREINFO_NOTE_SIZE is 36 + PAGE_SIZE; refuse anything much larger */
#define ELFCORE_VMCOREINFO_MAX_SIZE  (4u << 20)

/**
 * elfcore_vmcoreinfo_from_notes - the VMCOREINFO text of a note segment
 * @buf: the segment (the kernel's vmcoreinfo_note buffer)
 * @len: its size
 * @big_endian: the kernel's byte order
 * @addr: its guest physical address, for messages
 * @error: QF_ERROR_NOT_FOUND when no note named VMCOREINFO comes
 *     before the terminator
 *
 * Returns: the text, NUL-terminated (g_free), or NULL
 */
char *elfcore_vmcoreinfo_from_notes(const uint8_t *buf, uint64_t len,
                                    gboolean big_endian, uint64_t addr,
                                    GError **error);

/* The value of @key ("PAGESIZE", "SYMBOL(_stext)"), or NULL; g_free() */
char *elfcore_vmcoreinfo_get(const char *text, const char *key);

/**
 * elfcore_vmcoreinfo_page_size - PAGESIZE= as a number
 * @error: QF_ERROR_NOT_FOUND when absent, QF_ERROR_CORRUPT when it
 *     is not a power of two from 4 KiB to 1 MiB
 */
gboolean elfcore_vmcoreinfo_page_size(const char *text, uint64_t *ret,
                                      GError **error);

/**
 * elfcore_vmcoreinfo_symbol - the address of SYMBOL(@name)= (hex, no 0x)
 * @text: the VMCOREINFO text
 * @name: "prb", "_stext", ...
 * @ret: the address, a kernel virtual address
 * @error: QF_ERROR_NOT_FOUND when absent, QF_ERROR_CORRUPT when it
 *     is not a hexadecimal number
 */
gboolean elfcore_vmcoreinfo_symbol(const char *text, const char *name,
                                   uint64_t *ret, GError **error);

/**
 * elfcore_vmcoreinfo_number - a decimal value: SIZE(x)=, OFFSET(x.y)=,
 *     LENGTH(x)=, NUMBER(x)=, CRASHTIME=
 * @text: the VMCOREINFO text
 * @key: the whole key, e.g. "OFFSET(printk_info.seq)"
 * @ret: the value
 * @error: QF_ERROR_NOT_FOUND when absent, QF_ERROR_CORRUPT when it
 *     is not a non-negative decimal number
 */
gboolean elfcore_vmcoreinfo_number(const char *text, const char *key,
                                   uint64_t *ret, GError **error);

#endif /* ELFCORE_VMCOREINFO_H */
