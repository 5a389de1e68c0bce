/*
 * ELF notes as Linux lays them out (append_elf_note(): 12-byte header,
 * name and descriptor each padded to 4 bytes) and walks them in
 * fs/proc/vmcore.c (until a note with n_namesz 0).  In the kernel's byte
 * order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef ELFCORE_NOTES_H
#define ELFCORE_NOTES_H

#include <glib.h>
#include <stdint.h>

#define ELFCORE_NT_PRSTATUS      1
#define ELFCORE_NOTE_HDR_SIZE    12

typedef struct ElfcoreNote {
    uint64_t offset;        /* of its header in the blob */
    uint32_t namesz;
    uint32_t descsz;
    uint32_t type;
    const uint8_t *name;    /* namesz bytes, inside the blob */
    const uint8_t *desc;    /* descsz bytes, inside the blob */
} ElfcoreNote;

/* Bytes a note takes: header, name and descriptor padded to 4 */
uint64_t elfcore_note_size(uint32_t namesz, uint32_t descsz);

/* Append a note to @out, as append_elf_note() does */
void elfcore_note_append(GByteArray *out, gboolean big_endian,
                         const char *name, uint32_t type, const void *desc,
                         uint32_t descsz);

/**
 * elfcore_notes_real_size - the bytes of notes in a PT_NOTE segment the
 *     way vmcore's update_note_header_size_elf64() counts them
 * @buf: the segment (p_memsz bytes)
 * @len: its size
 * @big_endian: the kernel's byte order
 * @dropped: set TRUE when a note running past @len ended the walk (the
 *     kernel warns and drops it), else FALSE
 *
 * Returns: the summed size of the notes before the first with n_namesz 0
 */
uint64_t elfcore_notes_real_size(const uint8_t *buf, uint64_t len,
                                 gboolean big_endian, gboolean *dropped);

/*
 * The notes of a blob, walked as above; pointers into @buf.  g_array_unref.
 */
GArray *elfcore_notes_parse(const uint8_t *buf, uint64_t len,
                            gboolean big_endian);

/* Whether a note's name is @name (n_namesz counts the NUL) */
gboolean elfcore_note_is(const ElfcoreNote *note, const char *name);

#endif /* ELFCORE_NOTES_H */
