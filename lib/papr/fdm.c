/*
 * Decoding the PAPR dump memory structure (see fadump-fdm.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "papr/fdm.h"
#include "common/byteorder.h"
#include "common/error.h"

gboolean papr_fdm_decode(const void *buf, size_t len, PaprFdm *ret,
                         GError **error)
{
    const uint8_t *p = buf;
    PaprFdm fdm = { 0 };

    if (len < PAPR_FDM_HEADER_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "dump memory structure: %zu bytes, the header alone"
                    " takes %d", len, PAPR_FDM_HEADER_SIZE);
        return FALSE;
    }
    fdm.version = qf_be32(p);
    fdm.num_sections = qf_be16(p + 4);
    fdm.status_flags = qf_be16(p + 6);
    fdm.first_offset = qf_be32(p + 8);
    fdm.dd_block_size = qf_be32(p + 12);
    fdm.dd_block_offset = qf_be64(p + 16);
    fdm.dd_num_blocks = qf_be64(p + 24);
    fdm.dd_offset_disk_path = qf_be32(p + 32);
    fdm.max_time_auto = qf_be32(p + 36);

    if (fdm.version != PAPR_FDM_FORMAT_VERSION) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "dump memory structure: format version %" G_GUINT32_FORMAT
                    ", only version %d is known", fdm.version,
                    PAPR_FDM_FORMAT_VERSION);
        return FALSE;
    }
    if (fdm.num_sections < 1 || fdm.num_sections > PAPR_FDM_MAX_SECTIONS) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "dump memory structure: %u sections, PAPR allows 1 to %d",
                    fdm.num_sections, PAPR_FDM_MAX_SECTIONS);
        return FALSE;
    }
    if (fdm.first_offset < PAPR_FDM_HEADER_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "dump memory structure: first section at offset %"
                    G_GUINT32_FORMAT ", inside the %d-byte header",
                    fdm.first_offset, PAPR_FDM_HEADER_SIZE);
        return FALSE;
    }
    if (!qf_span_ok(len, fdm.first_offset,
                    (uint64_t)fdm.num_sections * PAPR_FDM_SECTION_SIZE)) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "dump memory structure: %u sections at offset %"
                    G_GUINT32_FORMAT " need %zu bytes, %zu available",
                    fdm.num_sections, fdm.first_offset,
                    (size_t)fdm.first_offset +
                    (size_t)fdm.num_sections * PAPR_FDM_SECTION_SIZE, len);
        return FALSE;
    }
    for (unsigned int i = 0; i < fdm.num_sections; i++) {
        const uint8_t *s = p + fdm.first_offset + i * PAPR_FDM_SECTION_SIZE;
        PaprSection *sec = &fdm.sections[i];

        sec->request_flag = qf_be32(s);
        sec->type = qf_be16(s + 4);
        sec->error_flags = qf_be16(s + 6);
        sec->source = qf_be64(s + 8);
        sec->length = qf_be64(s + 16);
        sec->bytes_dumped = qf_be64(s + 24);
        sec->destination = qf_be64(s + 32);
    }
    *ret = fdm;
    return TRUE;
}

size_t papr_fdm_size(const PaprFdm *fdm)
{
    return (size_t)fdm->first_offset +
           (size_t)fdm->num_sections * PAPR_FDM_SECTION_SIZE;
}

int papr_fdm_find(const PaprFdm *fdm, uint16_t type, unsigned int nth)
{
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        if (fdm->sections[i].type == type && nth-- == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *papr_section_type_name(uint16_t type)
{
    switch (type) {
    case PAPR_TYPE_CPU_STATE:
        return "cpu-state";
    case PAPR_TYPE_HPTE:
        return "hpte";
    case PAPR_TYPE_REAL_MODE:
        return "real-mode";
    case PAPR_TYPE_OS_DEFINED:
        return "param-area";
    default:
        return type > PAPR_TYPE_OS_DEFINED ? "os-defined" : "unknown";
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

char *papr_section_error_flags_str(uint16_t flags)
{
    static const FlagName names[] = {
        { PAPR_SECERR_INVALID_TYPE, "invalid-data-type" },
        { PAPR_SECERR_INVALID_SRC, "invalid-source" },
        { PAPR_SECERR_LEN_EXCEEDS, "length-exceeds-source" },
        { PAPR_SECERR_INVALID_DEST, "invalid-destination" },
        { PAPR_SECERR_DEST_SMALL, "destination-too-small" },
    };

    return flags_str(flags, names, G_N_ELEMENTS(names));
}

char *papr_status_flags_str(uint16_t flags)
{
    static const FlagName names[] = {
        { PAPR_STATUS_PERFORMED, "dump-performed" },
        { PAPR_STATUS_TRIGGERED, "dump-triggered" },
        { PAPR_STATUS_ERROR, "dump-error" },
    };

    return flags_str(flags, names, G_N_ELEMENTS(names));
}
