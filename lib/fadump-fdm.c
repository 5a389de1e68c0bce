/*
 * Decoding the PAPR dump memory structure (see fadump-fdm.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fadump-fdm.h"
#include "fadump-byteorder.h"
#include "fadump-error.h"

gboolean fadump_fdm_decode(const void *buf, size_t len, FadumpFdm *ret,
                           GError **error)
{
    const uint8_t *p = buf;
    FadumpFdm fdm = { 0 };

    if (len < FADUMP_FDM_HEADER_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_TRUNCATED,
                    "dump memory structure: %zu bytes, the header alone"
                    " takes %d", len, FADUMP_FDM_HEADER_SIZE);
        return FALSE;
    }
    fdm.version = fadump_be32(p);
    fdm.num_sections = fadump_be16(p + 4);
    fdm.status_flags = fadump_be16(p + 6);
    fdm.first_offset = fadump_be32(p + 8);
    fdm.dd_block_size = fadump_be32(p + 12);
    fdm.dd_block_offset = fadump_be64(p + 16);
    fdm.dd_num_blocks = fadump_be64(p + 24);
    fdm.dd_offset_disk_path = fadump_be32(p + 32);
    fdm.max_time_auto = fadump_be32(p + 36);

    if (fdm.version != FADUMP_FDM_FORMAT_VERSION) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "dump memory structure: format version %" G_GUINT32_FORMAT
                    ", only version %d is known", fdm.version,
                    FADUMP_FDM_FORMAT_VERSION);
        return FALSE;
    }
    if (fdm.num_sections < 1 || fdm.num_sections > FADUMP_FDM_MAX_SECTIONS) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                    "dump memory structure: %u sections, PAPR allows 1 to %d",
                    fdm.num_sections, FADUMP_FDM_MAX_SECTIONS);
        return FALSE;
    }
    if (fdm.first_offset < FADUMP_FDM_HEADER_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
                    "dump memory structure: first section at offset %"
                    G_GUINT32_FORMAT ", inside the %d-byte header",
                    fdm.first_offset, FADUMP_FDM_HEADER_SIZE);
        return FALSE;
    }
    if (!fadump_span_ok(len, fdm.first_offset,
                        (uint64_t)fdm.num_sections * FADUMP_FDM_SECTION_SIZE)) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_TRUNCATED,
                    "dump memory structure: %u sections at offset %"
                    G_GUINT32_FORMAT " need %zu bytes, %zu available",
                    fdm.num_sections, fdm.first_offset,
                    (size_t)fdm.first_offset +
                    (size_t)fdm.num_sections * FADUMP_FDM_SECTION_SIZE, len);
        return FALSE;
    }
    for (unsigned int i = 0; i < fdm.num_sections; i++) {
        const uint8_t *s = p + fdm.first_offset + i * FADUMP_FDM_SECTION_SIZE;
        FadumpSection *sec = &fdm.sections[i];

        sec->request_flag = fadump_be32(s);
        sec->type = fadump_be16(s + 4);
        sec->error_flags = fadump_be16(s + 6);
        sec->source = fadump_be64(s + 8);
        sec->length = fadump_be64(s + 16);
        sec->bytes_dumped = fadump_be64(s + 24);
        sec->destination = fadump_be64(s + 32);
    }
    *ret = fdm;
    return TRUE;
}

size_t fadump_fdm_size(const FadumpFdm *fdm)
{
    return (size_t)fdm->first_offset +
           (size_t)fdm->num_sections * FADUMP_FDM_SECTION_SIZE;
}

int fadump_fdm_find(const FadumpFdm *fdm, uint16_t type, unsigned int nth)
{
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        if (fdm->sections[i].type == type && nth-- == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *fadump_section_type_name(uint16_t type)
{
    switch (type) {
    case FADUMP_TYPE_CPU_STATE:
        return "cpu-state";
    case FADUMP_TYPE_HPTE:
        return "hpte";
    case FADUMP_TYPE_REAL_MODE:
        return "real-mode";
    case FADUMP_TYPE_OS_DEFINED:
        return "param-area";
    default:
        return type > FADUMP_TYPE_OS_DEFINED ? "os-defined" : "unknown";
    }
}

typedef struct FlagName {
    uint16_t bit;
    const char *name;
} FlagName;

static char *flags_str(uint16_t flags, const FlagName *names, size_t n)
{
    GString *s = g_string_new(NULL);

    if (!flags) {
        g_string_append(s, "none");
    }
    for (size_t i = 0; i < n; i++) {
        if (flags & names[i].bit) {
            g_string_append_printf(s, "%s%s", s->len ? "," : "",
                                   names[i].name);
            flags &= ~names[i].bit;
        }
    }
    if (flags) {
        g_string_append_printf(s, "%s0x%04x", s->len ? "," : "", flags);
    }
    return g_string_free(s, FALSE);
}

char *fadump_section_error_flags_str(uint16_t flags)
{
    static const FlagName names[] = {
        { FADUMP_SECERR_INVALID_TYPE, "invalid-data-type" },
        { FADUMP_SECERR_INVALID_SRC, "invalid-source" },
        { FADUMP_SECERR_LEN_EXCEEDS, "length-exceeds-source" },
        { FADUMP_SECERR_INVALID_DEST, "invalid-destination" },
        { FADUMP_SECERR_DEST_SMALL, "destination-too-small" },
    };

    return flags_str(flags, names, G_N_ELEMENTS(names));
}

char *fadump_status_flags_str(uint16_t flags)
{
    static const FlagName names[] = {
        { FADUMP_STATUS_PERFORMED, "dump-performed" },
        { FADUMP_STATUS_TRIGGERED, "dump-triggered" },
        { FADUMP_STATUS_ERROR, "dump-error" },
    };

    return flags_str(flags, names, G_N_ELEMENTS(names));
}
