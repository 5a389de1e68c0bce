/*
 * fadump-extract --triage reports (see triage-report.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report/triage.h"
#include "common/json.h"
#include "papr/ptregs.h"

#define REGS_PER_LINE   3

static const KernelPrintkRecord *record(const KernelTriage *t, gint64 i)
{
    return g_ptr_array_index(t->log->records, (guint)i);
}

/* Index of the first of the last @log_lines records */
static gint64 tail_start(const KernelTriage *t, unsigned int log_lines)
{
    gint64 n = t->log->records->len;

    return log_lines && n > log_lines ? n - log_lines : 0;
}

static char *crashtime_utc(const KernelTriage *t)
{
    g_autoptr(GDateTime) dt = NULL;

    if (!t->have_crashtime ||
        !(dt = g_date_time_new_from_unix_utc(t->crashtime))) {
        return NULL;
    }
    return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void text_records(const KernelTriage *t, gint64 from, gint64 to,
                         const char *indent, FILE *out)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (gint64 i = from; i < to; i++) {
        g_string_append(s, indent);
        kernel_printk_record_format(s, record(t, i));
    }
    fputs(s->str, out);
}

void report_triage_text(const KernelTriage *t, unsigned int log_lines,
                        FILE *out)
{
    g_autofree char *when = crashtime_utc(t);
    const KernelPrintkLog *log = t->log;

    fprintf(out, "kernel: %s\n", t->osrelease ? t->osrelease : "?");
    if (when) {
        fprintf(out, "crash time: %s (CRASHTIME=%" G_GINT64_FORMAT ")\n",
                when, t->crashtime);
    } else {
        fprintf(out, "crash time: unknown (no CRASHTIME= in VMCOREINFO)\n");
    }
    if (t->crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        fprintf(out, "crashing CPU: none (not a crash_fadump() dump)\n");
    } else {
        fprintf(out, "crashing CPU: %u\n", t->crashing_cpu);
    }
    fprintf(out, "panic: %s\n", t->panic_message ? t->panic_message
            : t->log ? "(no \"" KERNEL_TRIAGE_PANIC_PREFIX "\" record)"
                     : "(log unreadable)");
    if (t->have_regs) {
        fprintf(out, "nip: %016" G_GINT64_MODIFIER "x %s\n"
                "lr:  %016" G_GINT64_MODIFIER "x %s\n",
                t->regs[PAPR_PT_NIP],
                t->nip_symbol ? t->nip_symbol : "",
                t->regs[PAPR_PT_LINK],
                t->link_symbol ? t->link_symbol : "");
        fprintf(out, "registers of CPU %u (its NT_PRSTATUS):",
                t->crashing_cpu);
        for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
            fprintf(out, "%s%s=%016" G_GINT64_MODIFIER "x",
                    w % REGS_PER_LINE ? "  " : "\n  ",
                    papr_pt_regs_name(w), t->regs[w]);
        }
        fprintf(out, "\n");
    }
    if (!log) {
        fprintf(out, "log: unreadable: %s\n", t->log_error);
        return;
    }
    if (t->oops_first >= 0) {
        fprintf(out, "Oops/BUG report before the %s:\n",
                t->panic >= 0 ? "panic" : "end of the log");
        text_records(t, t->oops_first, t->oops_end, "  ", out);
    }
    fprintf(out, "log: %" G_GUINT64_FORMAT " records in the printk ring "
            "buffer (2^%u descriptors, 2^%u bytes), %" G_GUINT64_FORMAT
            " descriptors skipped, %" G_GUINT64_FORMAT " lost (fail)%s\n",
            log->n_records, log->count_bits, log->size_bits, log->n_skipped,
            log->fail, tail_start(t, log_lines) ? "; the last ones:" : ":");
    for (guint i = 0; i < log->problems->len; i++) {
        fprintf(out, "  skipped %s\n", (char *)log->problems->pdata[i]);
    }
    text_records(t, tail_start(t, log_lines), log->records->len, "", out);
}

static void record_json(JsonBuilder *b, const KernelPrintkRecord *r)
{
    g_autofree char *caller = g_strdup_printf(
        "%c%u", r->caller_id & KERNEL_PRINTK_CALLER_CPU ? 'C' : 'T',
        r->caller_id & ~KERNEL_PRINTK_CALLER_CPU);

    json_builder_begin_object(b);
    qf_json_add_u64(b, "seq", r->seq);
    qf_json_add_u64(b, "ts_nsec", r->ts_nsec);
    qf_json_add_str(b, "caller", caller);
    qf_json_add_int(b, "level", r->level);
    qf_json_add_int(b, "facility", r->facility);
    if (r->truncated) {
        qf_json_add_bool(b, "truncated", TRUE);
    }
    qf_json_add_str(b, "text", r->text);
    json_builder_end_object(b);
}

static void records_json(JsonBuilder *b, const char *member,
                         const KernelTriage *t, gint64 from, gint64 to)
{
    qf_json_begin_array(b, member);
    for (gint64 i = from; i < to; i++) {
        record_json(b, record(t, i));
    }
    json_builder_end_array(b);
}

static void log_json(JsonBuilder *b, const KernelTriage *t,
                     unsigned int log_lines)
{
    const KernelPrintkLog *log = t->log;

    qf_json_begin_object(b, "log");
    qf_json_add_hex(b, "printk_ringbuffer", log->prb);
    qf_json_add_int(b, "descriptors", 1ll << log->count_bits);
    qf_json_add_int(b, "data_size", 1ll << log->size_bits);
    qf_json_add_u64(b, "records_in_ring", log->n_records);
    qf_json_add_u64(b, "skipped", log->n_skipped);
    qf_json_add_strings(b, "problems", log->problems);
    qf_json_add_u64(b, "fail", log->fail);
    records_json(b, "records", t, tail_start(t, log_lines),
                 log->records->len);
    json_builder_end_object(b);
}

void report_triage_json(JsonBuilder *b, const KernelTriage *t,
                        unsigned int log_lines)
{
    g_autofree char *when = crashtime_utc(t);

    qf_json_begin_object(b, "triage");
    qf_json_add_str(b, "osrelease", t->osrelease);
    if (t->have_crashtime) {
        qf_json_add_int(b, "crashtime", t->crashtime);
    } else {
        qf_json_add_str(b, "crashtime", NULL);
    }
    qf_json_add_str(b, "crashtime_utc", when);
    qf_json_add_hex(b, "kernel_offset", t->kernel_offset);
    if (t->crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        qf_json_add_str(b, "crashing_cpu", NULL);
    } else {
        qf_json_add_int(b, "crashing_cpu", t->crashing_cpu);
    }
    if (t->have_regs) {
        qf_json_begin_object(b, "registers");
        for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
            qf_json_add_hex(b, papr_pt_regs_name(w), t->regs[w]);
        }
        json_builder_end_object(b);
    } else {
        qf_json_add_str(b, "registers", NULL);
    }
    qf_json_begin_object(b, "symbols");
    qf_json_add_str(b, "nip", t->nip_symbol);
    qf_json_add_str(b, "link", t->link_symbol);
    qf_json_add_str(b, "error", t->symbols_error);
    json_builder_end_object(b);
    if (t->panic >= 0) {
        qf_json_begin_object(b, "panic");
        qf_json_add_str(b, "message", t->panic_message);
        qf_json_add_u64(b, "seq", record(t, t->panic)->seq);
        json_builder_end_object(b);
    } else {
        qf_json_add_str(b, "panic", NULL);
    }
    if (t->log && t->oops_first >= 0) {
        records_json(b, "oops", t, t->oops_first, t->oops_end);
    } else {
        qf_json_begin_array(b, "oops");
        json_builder_end_array(b);
    }
    if (t->log) {
        log_json(b, t, log_lines);
    } else {
        qf_json_add_str(b, "log", NULL);
    }
    qf_json_add_str(b, "log_error", t->log_error);
    json_builder_end_object(b);
}
