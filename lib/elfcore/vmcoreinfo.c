/*
 * VMCOREINFO (see vmcoreinfo.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "elfcore/vmcoreinfo.h"
#include "elfcore/notes.h"
#include "common/error.h"

char *elfcore_vmcoreinfo_from_notes(const uint8_t *buf, uint64_t len,
                                    gboolean big_endian, uint64_t addr,
                                    GError **error)
{
    g_autoptr(GArray) notes = elfcore_notes_parse(buf, len, big_endian);

    for (guint i = 0; i < notes->len; i++) {
        const ElfcoreNote *n = &g_array_index(notes, ElfcoreNote, i);

        if (elfcore_note_is(n, "VMCOREINFO")) {
            return g_strndup((const char *)n->desc, n->descsz);
        }
    }
    g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                "VMCOREINFO at 0x%" G_GINT64_MODIFIER "x: no note named "
                "VMCOREINFO there (%u other notes)", addr, notes->len);
    return NULL;
}

char *elfcore_vmcoreinfo_get(const char *text, const char *key)
{
    size_t klen = strlen(key);
    const char *line = text;

    while (line && *line) {
        const char *end = strchr(line, '\n');

        if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
            const char *v = line + klen + 1;

            return end ? g_strndup(v, end - v) : g_strdup(v);
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

gboolean elfcore_vmcoreinfo_page_size(const char *text, uint64_t *ret,
                                      GError **error)
{
    g_autofree char *v = elfcore_vmcoreinfo_get(text, "PAGESIZE");
    guint64 n;

    if (!v) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "VMCOREINFO has no PAGESIZE=");
        return FALSE;
    }
    if (!g_ascii_string_to_unsigned(v, 10, 4096, 1 << 20, &n, NULL) ||
        (n & (n - 1))) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "VMCOREINFO PAGESIZE=%s is not a power of two from "
                    "4096 to 1048576", v);
        return FALSE;
    }
    *ret = n;
    return TRUE;
}

static gboolean get_unsigned(const char *text, const char *key, guint base,
                             uint64_t *ret, GError **error)
{
    g_autofree char *v = elfcore_vmcoreinfo_get(text, key);
    guint64 n;

    if (!v) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "VMCOREINFO has no %s=", key);
        return FALSE;
    }
    if (!g_ascii_string_to_unsigned(v, base, 0, G_MAXUINT64, &n, NULL)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "VMCOREINFO %s=%s is not a %s number", key, v,
                    base == 16 ? "hexadecimal" : "decimal");
        return FALSE;
    }
    *ret = n;
    return TRUE;
}

gboolean elfcore_vmcoreinfo_symbol(const char *text, const char *name,
                                   uint64_t *ret, GError **error)
{
    g_autofree char *key = g_strdup_printf("SYMBOL(%s)", name);

    return get_unsigned(text, key, 16, ret, error);
}

gboolean elfcore_vmcoreinfo_number(const char *text, const char *key,
                                   uint64_t *ret, GError **error)
{
    return get_unsigned(text, key, 10, ret, error);
}
