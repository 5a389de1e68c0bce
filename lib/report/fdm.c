/*
 * The dump memory structure as JSON (see fdm.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "report/fdm.h"
#include "common/json.h"

/* "a,b,0x0001" or "none" (papr_*_flags_str()) -> ["a", "b", "0x0001"] or [] */
static void add_flag_names(JsonBuilder *b, const char *member, char *names)
{
    g_auto(GStrv) v = g_strsplit(names, ",", -1);

    qf_json_begin_array(b, member);
    for (char **p = v; *p; p++) {
        if (strcmp(*p, "none")) {
            json_builder_add_string_value(b, *p);
        }
    }
    json_builder_end_array(b);
    g_free(names);
}

void report_fdm_json_members(JsonBuilder *b, const PaprFdm *fdm)
{
    qf_json_add_int(b, "version", fdm->version);
    qf_json_add_int(b, "num_sections", fdm->num_sections);
    qf_json_add_int(b, "first_section_offset", fdm->first_offset);
    qf_json_add_int(b, "size", papr_fdm_size(fdm));
    qf_json_add_int(b, "status_flags", fdm->status_flags);
    add_flag_names(b, "status", papr_status_flags_str(fdm->status_flags));
    qf_json_add_int(b, "dd_block_size", fdm->dd_block_size);
    qf_json_add_hex(b, "dd_block_offset", fdm->dd_block_offset);
    qf_json_add_hex(b, "dd_num_blocks", fdm->dd_num_blocks);
    qf_json_add_int(b, "dd_offset_disk_path", fdm->dd_offset_disk_path);
    qf_json_add_int(b, "max_time_auto", fdm->max_time_auto);
    qf_json_begin_array(b, "sections");
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const PaprSection *s = &fdm->sections[i];

        json_builder_begin_object(b);
        qf_json_add_int(b, "index", i);
        qf_json_add_int(b, "type", s->type);
        qf_json_add_str(b, "type_name", papr_section_type_name(s->type));
        qf_json_add_int(b, "request_flag", s->request_flag);
        qf_json_add_bool(b, "requested", s->request_flag & PAPR_REQUEST_FLAG);
        qf_json_add_int(b, "error_flags", s->error_flags);
        add_flag_names(b, "errors",
                       papr_section_error_flags_str(s->error_flags));
        qf_json_add_hex(b, "source", s->source);
        qf_json_add_hex(b, "length", s->length);
        qf_json_add_hex(b, "bytes_dumped", s->bytes_dumped);
        qf_json_add_hex(b, "destination", s->destination);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}
