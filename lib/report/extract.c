/*
 * fadump-extract's reports (see extract-report.h).  64-bit addresses go
 * into JSON as "0x..." strings: JSON numbers lose precision past 2^53.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <string.h>

#include "report/extract.h"
#include "report/fdm.h"
#include "common/json.h"
#include "papr/ptregs.h"
#include "report/triage.h"
#include "elfcore/vmcoreinfo.h"

static void qmp_json(JsonBuilder *b, const DumpQmpInfo *q)
{
    qf_json_begin_object(b, "qmp");
    qf_json_add_str(b, "vm_status", q->vm_status);
    qf_json_add_bool(b, "vm_running", q->vm_running);
    qf_json_add_int(b, "ram_size", q->ram_size);
    qf_json_add_int(b, "dumped", q->dumped);
    json_builder_set_member_name(b, "seconds");
    json_builder_add_double_value(b, q->seconds);
    json_builder_end_object(b);
}

static void input_json(JsonBuilder *b, const ReportExtract *rep)
{
    Dump *dump = rep->dump;
    size_t n;
    const DumpMemRange *r = dump_ranges(dump, &n);

    qf_json_begin_object(b, "input");
    qf_json_add_str(b, "path", rep->input_name ? rep->input_name
                                   : dump_path(dump));
    if (rep->qmp) {
        qmp_json(b, rep->qmp);
    }
    qf_json_add_str(b, "format", dump_format_name(dump));
    qf_json_add_int(b, "file_size", dump_file_size(dump));
    qf_json_begin_array(b, "ranges");
    for (size_t i = 0; i < n; i++) {
        json_builder_begin_object(b);
        qf_json_add_hex(b, "paddr", r[i].paddr);
        qf_json_add_hex(b, "size", r[i].size);
        qf_json_add_hex(b, "file_offset", r[i].file_offset);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void registration_json(JsonBuilder *b, const VmcoreAnalysis *a)
{
    const VmcoreRegistration *reg = &a->reg;
    const PaprFdm *fdm = &reg->fdm;

    qf_json_begin_object(b, "registration");
    qf_json_add_str(b, "origin", vmcore_fdm_origin_name(a->origin));
    if (a->origin != VMCORE_FDM_FROM_DTB) {
        qf_json_add_hex(b, "address", a->fdm_addr);
    }
    if (a->candidates) {
        qf_json_begin_array(b, "candidates");
        for (guint i = 0; i < a->candidates->len; i++) {
            qf_json_add_hex_value(b, g_array_index(a->candidates,
                                                   VmcoreFdmCandidate,
                                                   i).addr);
        }
        json_builder_end_array(b);
        qf_json_add_u64(b, "scanned_bytes", a->scanned);
    }
    report_fdm_json_members(b, fdm);
    qf_json_begin_array(b, "boot_regions");
    for (unsigned int i = 0; i < reg->n_boot; i++) {
        json_builder_begin_object(b);
        qf_json_add_hex(b, "source", reg->boot[i].source);
        qf_json_add_hex(b, "length", reg->boot[i].length);
        qf_json_add_hex(b, "destination", reg->boot[i].destination);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qf_json_add_hex(b, "boot_memory_size", reg->boot_mem_size);
    qf_json_add_hex(b, "boot_mem_top", reg->boot_mem_top);
    qf_json_add_hex(b, "boot_mem_dest", reg->boot_mem_dest);
    qf_json_add_hex(b, "cpu_state_dest", reg->cpu_state_dest);
    qf_json_add_hex(b, "cpu_state_size", a->cpu_state_size);
    qf_json_add_hex(b, "hpte_size", a->hpte_size);
    qf_json_add_hex(b, "crash_info_header_addr", reg->fdh_addr);
    if (reg->param_section >= 0) {
        qf_json_add_hex(b, "param_area", reg->param_area);
    }
    if (a->fdh.layout == PAPR_FDH_LAYOUT_SIG) {
        qf_json_begin_object(b, "reserved_area");
        qf_json_add_hex(b, "start", a->ra_start);
        qf_json_add_hex(b, "end", a->ra_end);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

static void fdh_json(JsonBuilder *b, const VmcoreAnalysis *a)
{
    const PaprFdh *fdh = &a->fdh;

    qf_json_begin_object(b, "crash_info_header");
    qf_json_add_hex(b, "address", fdh->addr);
    qf_json_add_str(b, "magic", papr_fdh_magic_name(fdh));
    qf_json_add_str(b, "linux", fdh->layout == PAPR_FDH_LAYOUT_SIG
                                    ? "6.10+" : "<=6.9");
    qf_json_add_str(b, "byte_order", fdh->big_endian ? "big" : "little");
    qf_json_add_int(b, "size", fdh->size);
    if (fdh->layout == PAPR_FDH_LAYOUT_SIG) {
        qf_json_add_int(b, "version", fdh->version);
        qf_json_add_hex(b, "vmcoreinfo_raddr", fdh->vmcoreinfo_raddr);
        qf_json_add_hex(b, "vmcoreinfo_size", fdh->vmcoreinfo_size);
    } else {
        qf_json_add_hex(b, "elfcorehdr_addr", fdh->elfcorehdr_addr);
    }
    if (fdh->crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        qf_json_add_str(b, "crashing_cpu", NULL);
    } else {
        qf_json_add_int(b, "crashing_cpu", fdh->crashing_cpu);
    }
    qf_json_add_int(b, "pt_regs_size", fdh->pt_regs_sz);
    qf_json_add_int(b, "cpu_mask_size", fdh->cpu_mask_sz);
    qf_json_begin_array(b, "cpu_mask");
    for (uint32_t c = 0; c < fdh->cpu_mask_sz * 8; c++) {
        if (papr_fdh_cpu_online(fdh, c)) {
            json_builder_add_int_value(b, c);
        }
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void cpus_json(JsonBuilder *b, const VmcoreAnalysis *a)
{
    const PaprRegsave *rs = a->regsave;

    qf_json_begin_object(b, "register_save_area");
    qf_json_add_hex(b, "address", a->reg.cpu_state_dest);
    qf_json_add_int(b, "version", rs->version);
    qf_json_add_hex(b, "num_cpu_offset", rs->num_cpu_offset);
    qf_json_add_int(b, "num_cpus", rs->num_cpus);
    qf_json_add_hex(b, "used", rs->used);
    qf_json_begin_array(b, "lists");
    for (guint i = 0; i < rs->cpus->len; i++) {
        const PaprRegsaveCpu *c = &g_array_index(rs->cpus,
                                                 PaprRegsaveCpu, i);

        json_builder_begin_object(b);
        qf_json_add_int(b, "cpu", c->id);
        qf_json_add_hex(b, "offset", c->offset);
        qf_json_add_int(b, "entries", c->n_entries);
        qf_json_add_int(b, "ignored_by_linux", c->n_ignored);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);

    qf_json_begin_array(b, "cpus");
    for (guint i = 0; i < a->cpu_notes->len; i++) {
        const VmcoreCpuNote *n = &g_array_index(a->cpu_notes,
                                                VmcoreCpuNote, i);

        json_builder_begin_object(b);
        qf_json_add_int(b, "note", i);
        qf_json_add_int(b, "cpu", n->cpu);
        qf_json_add_str(b, "registers_from",
                        n->from_fdh ? "crash-info-header"
                                        : "register-save-area");
        qf_json_begin_object(b, "regs");
        for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
            qf_json_add_hex(b, papr_pt_regs_name(w), n->regs[w]);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static const char *phdr_type(uint32_t t)
{
    return t == 1 ? "LOAD" : t == 4 ? "NOTE" : t == 0 ? "NULL" : "other";
}

static void vmcore_json(JsonBuilder *b, const VmcoreAnalysis *a)
{
    const VmcoreLayout *l = a->layout;
    g_autofree char *crashtime = elfcore_vmcoreinfo_get(a->vmcoreinfo,
                                                        "CRASHTIME");

    qf_json_begin_object(b, "vmcoreinfo");
    qf_json_add_str(b, "osrelease", a->osrelease);
    qf_json_add_int(b, "page_size", a->page_size);
    qf_json_add_str(b, "crashtime", crashtime);
    qf_json_add_int(b, "text_size", strlen(a->vmcoreinfo));
    json_builder_end_object(b);

    qf_json_begin_object(b, "vmcore");
    qf_json_add_str(b, "byte_order", l->big_endian ? "big" : "little");
    qf_json_add_int(b, "page_size", l->page_size);
    qf_json_add_int(b, "file_size", l->file_size);
    qf_json_add_int(b, "header_size", g_bytes_get_size(l->header));
    qf_json_add_int(b, "notes_size", l->notes_len);
    qf_json_begin_array(b, "phdrs");
    for (guint i = 0; i < l->phdrs->len; i++) {
        const VmcorePhdr *ph = &g_array_index(l->phdrs, VmcorePhdr, i);

        json_builder_begin_object(b);
        qf_json_add_str(b, "type", phdr_type(ph->type));
        qf_json_add_hex(b, "offset", ph->offset);
        qf_json_add_hex(b, "vaddr", ph->vaddr);
        qf_json_add_hex(b, "paddr", ph->paddr);
        qf_json_add_hex(b, "filesz", ph->filesz);
        qf_json_add_hex(b, "memsz", ph->memsz);
        qf_json_add_hex(b, "flags", ph->flags);
        qf_json_add_hex(b, "align", ph->align);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qf_json_begin_array(b, "segments");
    for (guint i = 0; i < l->segments->len; i++) {
        const VmcoreSegment *s =
            &g_array_index(l->segments, VmcoreSegment, i);

        json_builder_begin_object(b);
        qf_json_add_hex(b, "file_offset", s->file_offset);
        qf_json_add_hex(b, "size", s->size);
        qf_json_add_hex(b, "from_paddr", s->src);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

/* The CPU a rebuilt note is for, or -1 (VMCOREINFO) */
static gint64 note_cpu(const ReportExtract *r, guint index)
{
    const GArray *cpus = r->analysis->cpu_notes;

    return index < cpus->len
           ? (gint64)g_array_index(cpus, VmcoreCpuNote, index).cpu : -1;
}

static void validation_json(JsonBuilder *b, const ReportExtract *r)
{
    const VmcoreValidation *v = r->validation;

    qf_json_begin_object(b, "validation");
    qf_json_add_str(b, "vmcore", r->validated);
    qf_json_add_bool(b, "match", v->match);
    qf_json_add_int(b, "expected_size", v->expected_size);
    qf_json_add_int(b, "actual_size", v->actual_size);
    qf_json_add_bool(b, "header_equal", v->header_equal);
    qf_json_add_bool(b, "notes_equal", v->notes_equal);
    qf_json_add_int(b, "expected_notes", v->expected_notes);
    qf_json_add_int(b, "actual_notes", v->actual_notes);
    qf_json_begin_array(b, "notes");
    for (guint i = 0; i < v->note_checks->len; i++) {
        const VmcoreNoteCheck *c = v->note_checks->pdata[i];

        json_builder_begin_object(b);
        qf_json_add_int(b, "index", c->index);
        if (note_cpu(r, c->index) >= 0) {
            qf_json_add_int(b, "cpu", note_cpu(r, c->index));
        }
        qf_json_add_str(b, "name", c->name);
        qf_json_add_int(b, "type", c->type);
        qf_json_add_bool(b, "equal", c->equal);
        if (c->problem) {
            qf_json_add_str(b, "problem", c->problem);
        }
        if (c->reg_diffs) {
            qf_json_begin_array(b, "register_differences");
            for (guint k = 0; k < c->reg_diffs->len; k++) {
                const VmcoreRegDiff *d = &g_array_index(c->reg_diffs,
                                                        VmcoreRegDiff, k);

                json_builder_begin_object(b);
                qf_json_add_str(b, "register",
                                papr_pt_regs_name(d->word));
                qf_json_add_hex(b, "expected", d->expected);
                qf_json_add_hex(b, "actual", d->actual);
                json_builder_end_object(b);
            }
            json_builder_end_array(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qf_json_begin_array(b, "segments");
    for (guint i = 0; i < v->segment_checks->len; i++) {
        const VmcoreSegmentCheck *s = v->segment_checks->pdata[i];

        json_builder_begin_object(b);
        qf_json_add_hex(b, "paddr", s->paddr);
        qf_json_add_hex(b, "memsz", s->memsz);
        qf_json_add_bool(b, "present", s->present);
        qf_json_add_int(b, "pages", s->pages);
        qf_json_add_int(b, "differing_pages", s->differing_pages);
        if (s->differing_pages) {
            qf_json_add_hex(b, "first_differing_page", s->first_diff_page);
            qf_json_add_hex(b, "first_differing_byte", s->first_diff_byte);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qf_json_add_strings(b, "extra_loads", v->extra_loads);
    qf_json_add_strings(b, "problems", v->problems);
    json_builder_set_member_name(b, "seconds");
    json_builder_add_double_value(b, r->validate_seconds);
    json_builder_end_object(b);
}

void report_extract_json(const ReportExtract *r, FILE *out)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_object(b);
    if (r->dump) {
        input_json(b, r);
    }
    if (r->analysis) {
        const VmcoreAnalysis *a = r->analysis;

        registration_json(b, a);
        fdh_json(b, a);
        cpus_json(b, a);
        vmcore_json(b, a);
        qf_json_add_strings(b, "warnings", a->warnings);
    }
    qf_json_add_str(b, "no_fadump", r->no_fadump);
    if (r->triage) {
        report_triage_json(b, r->triage, r->log_lines);
    }
    if (r->output && r->write_stats) {
        qf_json_begin_object(b, "output");
        qf_json_add_str(b, "path", r->output);
        json_builder_set_member_name(b, "for_drgn");
        json_builder_add_boolean_value(b, r->for_drgn);
        qf_json_add_int(b, "file_size", r->write_stats->file_size);
        qf_json_add_int(b, "copy_range_bytes",
                        r->write_stats->copy_range_bytes);
        qf_json_add_int(b, "buffered_bytes",
                        r->write_stats->buffered_bytes);
        qf_json_add_int(b, "hole_bytes", r->write_stats->hole_bytes);
        json_builder_set_member_name(b, "seconds");
        json_builder_add_double_value(b, r->write_seconds);
        json_builder_end_object(b);
    }
    if (r->validation) {
        validation_json(b, r);
    }
    qf_json_add_str(b, "error", r->error);
    qf_json_add_int(b, "exit_code", r->exit_code);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    text = qf_json_to_string(root);
    fputs(text, out);
}

void report_analysis_text(const ReportExtract *r, FILE *out)
{
    const VmcoreAnalysis *a = r->analysis;
    const VmcoreRegistration *reg = &a->reg;
    size_t n;

    dump_ranges(r->dump, &n);
    fprintf(out, "input: %s (%s, %zu memory range%s)\n",
            r->input_name ? r->input_name : dump_path(r->dump),
            dump_format_name(r->dump), n,
            n == 1 ? "" : "s");
    if (a->origin == VMCORE_FDM_FROM_DTB) {
        fprintf(out, "registration: from the device tree's ibm,kernel-dump");
    } else if (a->origin == VMCORE_FDM_FROM_DT_MEMORY) {
        fprintf(out, "registration: from the ibm,kernel-dump of the capture "
                "boot's device tree at 0x%" G_GINT64_MODIFIER "x in guest "
                "memory (%" G_GUINT64_FORMAT " MiB scanned)", a->fdm_addr,
                a->scanned >> 20);
    } else {
        fprintf(out, "registration: at 0x%" G_GINT64_MODIFIER "x (%s",
                a->fdm_addr, vmcore_fdm_origin_name(a->origin));
        if (a->candidates) {
            fprintf(out, ", %u found in %" G_GUINT64_FORMAT " MiB scanned",
                    a->candidates->len, a->scanned >> 20);
        }
        fprintf(out, ")");
    }
    fprintf(out, ", %u sections\n", reg->fdm.num_sections);
    for (unsigned int i = 0; i < reg->fdm.num_sections; i++) {
        const PaprSection *s = &reg->fdm.sections[i];

        fprintf(out, "  [%u] %-10s src 0x%" G_GINT64_MODIFIER "x len 0x%"
                G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER "x (dumped 0x%"
                G_GINT64_MODIFIER "x, errors 0x%x)\n", i,
                papr_section_type_name(s->type), s->source, s->length,
                s->destination, s->bytes_dumped, s->error_flags);
    }
    fprintf(out, "boot memory: 0x%" G_GINT64_MODIFIER "x bytes in %u "
            "region%s, copy at 0x%" G_GINT64_MODIFIER "x, top 0x%"
            G_GINT64_MODIFIER "x\n", reg->boot_mem_size, reg->n_boot,
            reg->n_boot == 1 ? "" : "s", reg->boot_mem_dest,
            reg->boot_mem_top);
    fprintf(out, "crash-info header: 0x%" G_GINT64_MODIFIER "x %s (%s-endian, "
            "%" G_GUINT64_FORMAT " bytes), crashing CPU ",
            a->fdh.addr, papr_fdh_magic_name(&a->fdh),
            a->fdh.big_endian ? "big" : "little", a->fdh.size);
    if (a->fdh.crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        fprintf(out, "none\n");
    } else {
        fprintf(out, "%u\n", a->fdh.crashing_cpu);
    }
    fprintf(out, "kernel: %s, page size %" G_GUINT64_FORMAT "\n",
            a->osrelease ? a->osrelease : "?", a->page_size);
    fprintf(out, "CPUs: %u in the register save area, %u notes:",
            a->regsave->num_cpus, a->cpu_notes->len);
    for (guint i = 0; i < a->cpu_notes->len; i++) {
        const VmcoreCpuNote *c = &g_array_index(a->cpu_notes,
                                                VmcoreCpuNote, i);

        fprintf(out, " %u%s", c->cpu, c->from_fdh ? "*" : "");
    }
    fprintf(out, " (* crashing: registers from the crash-info header)\n");
    fprintf(out, "vmcore: %" G_GUINT64_FORMAT " bytes, %u program headers\n",
            a->layout->file_size, a->layout->phdrs->len);
    for (guint i = 0; i < a->layout->phdrs->len; i++) {
        const VmcorePhdr *ph = &g_array_index(a->layout->phdrs,
                                              VmcorePhdr, i);

        fprintf(out, "  %-4s offset 0x%" G_GINT64_MODIFIER "x paddr 0x%"
                G_GINT64_MODIFIER "x size 0x%" G_GINT64_MODIFIER "x\n",
                phdr_type(ph->type), ph->offset, ph->paddr, ph->memsz);
    }
    for (guint i = 0; i < a->warnings->len; i++) {
        fprintf(out, "warning: %s\n", (char *)a->warnings->pdata[i]);
    }
}

void report_validation_text(const ReportExtract *r, FILE *out)
{
    const VmcoreValidation *v = r->validation;
    guint equal_notes = 0, cpu_notes = 0;
    uint64_t pages = 0, bad = 0;

    for (guint i = 0; i < v->note_checks->len; i++) {
        const VmcoreNoteCheck *c = v->note_checks->pdata[i];

        equal_notes += c->equal;
        cpu_notes += c->type == NT_PRSTATUS;
    }
    for (guint i = 0; i < v->segment_checks->len; i++) {
        const VmcoreSegmentCheck *s = v->segment_checks->pdata[i];

        pages += s->pages;
        bad += s->differing_pages;
    }
    fprintf(out, "validate %s: %s\n", r->validated,
            v->match ? "MATCH" : "MISMATCH");
    fprintf(out, "  size: %" G_GUINT64_FORMAT " bytes, rebuilt %"
            G_GUINT64_FORMAT "\n", v->actual_size, v->expected_size);
    fprintf(out, "  headers: %s\n", v->header_equal ? "identical" : "differ");
    fprintf(out, "  notes: %u in the vmcore, %u rebuilt, %u identical (%u "
            "NT_PRSTATUS); note region %s\n", v->actual_notes,
            v->expected_notes, equal_notes, cpu_notes,
            v->notes_equal ? "identical" : "differs");
    fprintf(out, "  PT_LOADs: %u rebuilt, %u extra in the vmcore; %"
            G_GUINT64_FORMAT " pages compared, %" G_GUINT64_FORMAT
            " differ\n", v->segment_checks->len, v->extra_loads->len, pages,
            bad);
    for (guint i = 0; i < v->segment_checks->len; i++) {
        const VmcoreSegmentCheck *s = v->segment_checks->pdata[i];

        fprintf(out, "    [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                "x): ", s->paddr, s->paddr + s->memsz);
        if (!s->present) {
            fprintf(out, "missing\n");
        } else if (s->differing_pages) {
            fprintf(out, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                    " pages differ, first page 0x%" G_GINT64_MODIFIER "x\n",
                    s->differing_pages, s->pages, s->first_diff_page);
        } else {
            fprintf(out, "%" G_GUINT64_FORMAT " pages identical\n",
                    s->pages);
        }
    }
    for (guint i = 0; i < v->note_checks->len; i++) {
        const VmcoreNoteCheck *c = v->note_checks->pdata[i];

        for (guint k = 0; c->reg_diffs && k < c->reg_diffs->len; k++) {
            const VmcoreRegDiff *d = &g_array_index(c->reg_diffs,
                                                    VmcoreRegDiff, k);

            fprintf(out, "  note %u (CPU %" G_GINT64_FORMAT "): %s rebuilt 0x%"
                    G_GINT64_MODIFIER "x, vmcore 0x%" G_GINT64_MODIFIER "x\n",
                    c->index, note_cpu(r, c->index),
                    papr_pt_regs_name(d->word), d->expected, d->actual);
        }
    }
    for (guint i = 0; i < v->problems->len; i++) {
        fprintf(out, "  problem: %s\n", (char *)v->problems->pdata[i]);
    }
}

void report_warnings_text(const ReportExtract *r, FILE *out)
{
    for (guint i = 0; r->analysis && i < r->analysis->warnings->len; i++) {
        fprintf(out, "warning: %s\n",
                (char *)r->analysis->warnings->pdata[i]);
    }
}

void report_write_text(const ReportExtract *r, FILE *out)
{
    const VmcoreWriteStats *s = r->write_stats;

    if (r->no_fadump) {
        fprintf(out, "no fadump registration: the vmcore holds the guest's "
                "memory, QEMU's CPU notes and the VMCOREINFO found in guest "
                "memory\n");
    }
    if (r->for_drgn) {
        fprintf(out, "for drgn: NT_PRSTATUS pr_pid = CPU + 1, no CRASHTIME "
                "in VMCOREINFO\n");
    }
    fprintf(out, "wrote %s: %" G_GUINT64_FORMAT " bytes in %.1f s (%"
            G_GUINT64_FORMAT " by copy_file_range, %" G_GUINT64_FORMAT
            " buffered, %" G_GUINT64_FORMAT " holes)\n", r->output,
            s->file_size, r->write_seconds, s->copy_range_bytes,
            s->buffered_bytes, s->hole_bytes);
}
