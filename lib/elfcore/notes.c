/*
 * ELF notes (see elf-notes.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "elfcore/notes.h"
#include "common/byteorder.h"

static uint64_t pad4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

uint64_t elfcore_note_size(uint32_t namesz, uint32_t descsz)
{
    return ELFCORE_NOTE_HDR_SIZE + pad4(namesz) + pad4(descsz);
}

static void put32(GByteArray *out, uint32_t v, gboolean big_endian)
{
    uint8_t b[4];

    qf_put32(b, v, big_endian);
    g_byte_array_append(out, b, sizeof(b));
}

static void put_padded(GByteArray *out, const void *data, uint32_t len)
{
    static const uint8_t zeros[4];

    g_byte_array_append(out, data, len);
    g_byte_array_append(out, zeros, pad4(len) - len);
}

void elfcore_note_append(GByteArray *out, gboolean big_endian,
                         const char *name, uint32_t type, const void *desc,
                         uint32_t descsz)
{
    uint32_t namesz = strlen(name) + 1;

    put32(out, namesz, big_endian);
    put32(out, descsz, big_endian);
    put32(out, type, big_endian);
    put_padded(out, name, namesz);
    put_padded(out, desc, descsz);
}

/* The note at @off, if its header fits; sizes are not checked */
static gboolean note_header(const uint8_t *buf, uint64_t len, uint64_t off,
                            gboolean big_endian, ElfcoreNote *n)
{
    if (!qf_span_ok(len, off, ELFCORE_NOTE_HDR_SIZE)) {
        return FALSE;
    }
    n->offset = off;
    n->namesz = qf_get32(buf + off, big_endian);
    n->descsz = qf_get32(buf + off + 4, big_endian);
    n->type = qf_get32(buf + off + 8, big_endian);
    return TRUE;
}

uint64_t elfcore_notes_real_size(const uint8_t *buf, uint64_t len,
                                 gboolean big_endian, gboolean *dropped)
{
    uint64_t real = 0;
    ElfcoreNote n;

    *dropped = FALSE;
    /*
     * The kernel reads the header even when fewer than 12 bytes are left;
     * its buffers are zero-padded, so a missing header reads as the end.
     */
    while (note_header(buf, len, real, big_endian, &n) && n.namesz != 0) {
        uint64_t sz = elfcore_note_size(n.namesz, n.descsz);

        if (sz > len - real) {
            *dropped = TRUE;
            break;
        }
        real += sz;
    }
    return real;
}

GArray *elfcore_notes_parse(const uint8_t *buf, uint64_t len,
                            gboolean big_endian)
{
    GArray *notes = g_array_new(FALSE, TRUE, sizeof(ElfcoreNote));
    uint64_t off = 0;
    ElfcoreNote n;

    while (note_header(buf, len, off, big_endian, &n) && n.namesz != 0) {
        uint64_t sz = elfcore_note_size(n.namesz, n.descsz);

        if (sz > len - off) {
            break;
        }
        n.name = buf + off + ELFCORE_NOTE_HDR_SIZE;
        n.desc = n.name + pad4(n.namesz);
        g_array_append_val(notes, n);
        off += sz;
    }
    return notes;
}

gboolean elfcore_note_is(const ElfcoreNote *note, const char *name)
{
    size_t l = strlen(name);

    return note->namesz == l + 1 && memcmp(note->name, name, l) == 0 &&
           note->name[l] == 0;
}
