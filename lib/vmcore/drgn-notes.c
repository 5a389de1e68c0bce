/*
 * Notes for drgn (see drgn-notes.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "vmcore/drgn-notes.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "common/error.h"

#define CRASHTIME_KEY "CRASHTIME="

/* @text (@len bytes, lines ending in '\n') without its CRASHTIME= lines */
static GByteArray *without_crashtime(const uint8_t *text, uint32_t len)
{
    GByteArray *out = g_byte_array_sized_new(len);
    uint32_t off = 0;

    while (off < len) {
        const uint8_t *nl = memchr(text + off, '\n', len - off);
        uint32_t end = nl ? (uint32_t)(nl - text) + 1 : len;

        if (end - off < strlen(CRASHTIME_KEY) ||
            memcmp(text + off, CRASHTIME_KEY, strlen(CRASHTIME_KEY)) != 0) {
            g_byte_array_append(out, text + off, end - off);
        }
        off = end;
    }
    return out;
}

GBytes *vmcore_drgn_notes(const uint8_t *buf, uint64_t len,
                          gboolean big_endian, const uint32_t *cpus,
                          guint n_cpus, guint *prstatus_seen,
                          GError **error)
{
    g_autoptr(GArray) notes = elfcore_notes_parse(buf, len, big_endian);
    g_autoptr(GByteArray) out = g_byte_array_sized_new(len);

    for (guint i = 0; i < notes->len; i++) {
        const ElfcoreNote *n = &g_array_index(notes, ElfcoreNote, i);
        uint64_t size = elfcore_note_size(n->namesz, n->descsz);
        guint at = out->len;

        if (elfcore_note_is(n, "VMCOREINFO")) {
            g_autoptr(GByteArray) text = without_crashtime(n->desc,
                                                           n->descsz);

            elfcore_note_append(out, big_endian, "VMCOREINFO", n->type,
                                text->data, text->len);
            continue;
        }
        g_byte_array_append(out, buf + n->offset, size);
        if (!elfcore_note_is(n, "CORE") || n->type != ELFCORE_NT_PRSTATUS) {
            continue;
        }
        if (n->descsz < VMCORE_PRSTATUS_PID_OFFSET + 4) {
            g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                        "NT_PRSTATUS note at 0x%" G_GINT64_MODIFIER "x: %u "
                        "bytes hold no pr_pid", n->offset, n->descsz);
            return NULL;
        }
        if (cpus) {
            if (*prstatus_seen >= n_cpus) {
                g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                            "NT_PRSTATUS note %u: only %u CPUs are known",
                            *prstatus_seen, n_cpus);
                return NULL;
            }
            qf_put32(out->data + at + (n->desc - (buf + n->offset)) +
                     VMCORE_PRSTATUS_PID_OFFSET,
                     cpus[*prstatus_seen] + 1, big_endian);
        }
        (*prstatus_seen)++;
    }
    /* A shorter VMCOREINFO leaves room: zeros end the walk, as before */
    g_assert(out->len <= len);
    if (out->len < len) {
        guint used = out->len;

        g_byte_array_set_size(out, len);
        memset(out->data + used, 0, len - used);
    }
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

VmcoreCoreHeader *vmcore_core_header_for_drgn(const VmcoreCoreHeader *hdr,
                                              const uint32_t *cpus,
                                              guint n_cpus, GError **error)
{
    g_autoptr(VmcoreCoreHeader) out = vmcore_core_header_new(
        hdr->big_endian);
    guint seen = 0;

    memcpy(out->ehdr, hdr->ehdr, sizeof(out->ehdr));
    for (guint i = 0; i < hdr->phdrs->len; i++) {
        const VmcorePhdr *ph = &g_array_index(hdr->phdrs, VmcorePhdr, i);
        GBytes *data = g_ptr_array_index(hdr->note_data, i);
        g_autoptr(GBytes) notes = NULL;

        if (data) {
            gsize len;
            const uint8_t *p = g_bytes_get_data(data, &len);

            notes = vmcore_drgn_notes(p, len, hdr->big_endian, cpus, n_cpus,
                                      &seen, error);
            if (!notes) {
                g_prefix_error(error, "program header %u: ", i);
                return NULL;
            }
        }
        vmcore_core_header_add(out, ph, notes);
    }
    return g_steal_pointer(&out);
}
