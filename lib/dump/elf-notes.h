/*
 * ELF notes as Linux lays them out (append_elf_note(): 12-byte header,
 * name and descriptor each padded to 4 bytes) and walks them in
 * fs/proc/vmcore.c (until a note with n_namesz 0).  In the kernel's byte
 * order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_ELF_NOTES_H
#define FADUMP_ELF_NOTES_H

#include <glib.h>
#include <stdint.h>

#define FADUMP_NT_PRSTATUS      1
#define FADUMP_NOTE_HDR_SIZE    12

typedef struct FadumpNote {
    uint64_t offset;        /* of its header in the blob */
    uint32_t namesz;
    uint32_t descsz;
    uint32_t type;
    const uint8_t *name;    /* namesz bytes, inside the blob */
    const uint8_t *desc;    /* descsz bytes, inside the blob */
} FadumpNote;

/* Bytes a note takes: header, name and descriptor padded to 4 */
uint64_t fadump_note_size(uint32_t namesz, uint32_t descsz);

/* Append a note to @out, as append_elf_note() does */
void fadump_note_append(GByteArray *out, gboolean big_endian,
                        const char *name, uint32_t type, const void *desc,
                        uint32_t descsz);

/**
 * fadump_notes_real_size - the bytes of notes in a PT_NOTE segment the
 *     way vmcore's update_note_header_size_elf64() counts them
 * @buf: the segment (p_memsz bytes)
 * @len: its size
 * @big_endian: the kernel's byte order
 * @dropped: set TRUE when a note running past @len ended the walk (the
 *     kernel warns and drops it), else FALSE
 *
 * Returns: the summed size of the notes before the first with n_namesz 0
 */
uint64_t fadump_notes_real_size(const uint8_t *buf, uint64_t len,
                                gboolean big_endian, gboolean *dropped);

/*
 * The notes of a blob, walked as above; pointers into @buf.  g_array_unref.
 */
GArray *fadump_notes_parse(const uint8_t *buf, uint64_t len,
                           gboolean big_endian);

/* Whether a note's name is @name (n_namesz counts the NUL) */
gboolean fadump_note_is(const FadumpNote *note, const char *name);

#endif /* FADUMP_ELF_NOTES_H */
