/*
 * fadump-extract --triage reports (see triage.h).
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

/*
 * %pS of an address kallsyms does not know: the address; a real-mode pc
 * says so
 */
static void text_symbol(GString *s, const KernelTriageFrame *f)
{
    if (f->symbol) {
        g_string_append(s, f->symbol);
    } else {
        g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x", f->pc);
    }
    if (f->real_mode) {
        g_string_append(s, f->symbol ? " (real mode)"
                        : " (real mode, outside the kernel: firmware)");
    }
}

/*
 * One frame as show_stack() prints it: "[sp] [pc] symbol", LR (whose
 * sp is none) "(unreliable)", an exception frame "--- interrupt: trap at
 * symbol"
 */
static void text_frame(GString *s, const KernelTriageFrame *f)
{
    g_string_append(s, "  ");
    switch (f->kind) {
    case KERNEL_UNWIND_EXCEPTION:
    case KERNEL_UNWIND_USER:
        if (f->have_trap) {
            g_string_append_printf(s, "--- interrupt: %" G_GINT64_MODIFIER
                                   "x at ", f->trap);
            text_symbol(s, f);
            g_string_append(s, f->kind == KERNEL_UNWIND_USER
                            ? " (user mode)\n" : "\n");
            return;
        }
        g_string_append_printf(s, "[%016" G_GINT64_MODIFIER "x] [%016"
                               G_GINT64_MODIFIER "x] (user mode)\n",
                               f->sp, f->pc);
        return;
    case KERNEL_UNWIND_LR:
        g_string_append_printf(s, "%18s [%016" G_GINT64_MODIFIER "x] ", "",
                               f->pc);
        text_symbol(s, f);
        g_string_append(s, " (unreliable)\n");
        return;
    case KERNEL_UNWIND_PC:
    case KERNEL_UNWIND_CALL:
        break;
    }
    g_string_append_printf(s, "[%016" G_GINT64_MODIFIER "x] [%016"
                           G_GINT64_MODIFIER "x] ", f->sp, f->pc);
    text_symbol(s, f);
    g_string_append_c(s, '\n');
}

void report_triage_backtraces_text(const KernelTriage *t, FILE *out)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (!t->cpus || !t->cpus->len) {
        fprintf(out, "backtraces: none (no CPU registers in the dump)\n");
        return;
    }
    g_string_append_printf(s, "backtraces: %u CPUs (innermost first; "
                           "symbols %s)\n", t->cpus->len,
                           t->symbols_error ? "unavailable" : "from kallsyms");
    for (guint i = 0; i < t->cpus->len; i++) {
        const KernelTriageCpu *c = t->cpus->pdata[i];

        g_string_append_printf(s, "CPU %u", c->cpu);
        if (c->crashing) {
            g_string_append(s, " (crashing)");
        }
        if (c->idle) {
            g_string_append_printf(s, " (idle: %s)", c->idle_symbol);
        }
        g_string_append(s, ":\n");
        for (guint j = 0; j < c->frames->len; j++) {
            text_frame(s, &g_array_index(c->frames, KernelTriageFrame, j));
        }
        g_string_append_printf(s, "  end (%s): %s\n",
                               kernel_unwind_end_name(c->end),
                               c->end_reason ? c->end_reason : "?");
    }
    fputs(s->str, out);
}

void report_triage_text(const KernelTriage *t, unsigned int log_lines,
                        FILE *out)
{
    g_autofree char *when = crashtime_utc(t);
    const KernelPrintkLog *log = t->log;

    fprintf(out, "%s\n", t->fadump
            ? "triage of a fadump dump (the registration found)"
            : "triage of the guest's memory and QEMU's CPU notes (no fadump "
              "registration)");
    fprintf(out, "kernel: %s\n", t->osrelease ? t->osrelease : "?");
    fprintf(out, "VMCOREINFO: from %s\n", t->sources.vmcoreinfo);
    if (when) {
        fprintf(out, "crash time: %s (CRASHTIME=%" G_GINT64_FORMAT ")\n",
                when, t->crashtime);
    } else {
        fprintf(out, "crash time: unknown (no CRASHTIME= in VMCOREINFO)\n");
    }
    if (t->crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        fprintf(out, "crashing CPU: none: %s\n", t->crash_note);
    } else {
        fprintf(out, "crashing CPU: %u (from %s)\n", t->crashing_cpu,
                t->sources.crashing_cpu);
    }
    fprintf(out, "registers: %s%s\n", t->sources.registers ? "from " : "",
            t->sources.registers ? t->sources.registers : "none");
    fprintf(out, "panic: %s\n", t->panic_message ? t->panic_message
            : t->log ? "(no \"" KERNEL_TRIAGE_PANIC_PREFIX "\" record)"
                     : "(log unreadable)");
    if (t->have_regs) {
        const KernelTriageCpu *c = t->cpus->pdata[0];    /* crashing */
        gboolean real_mode = c->frames->len &&
            g_array_index(c->frames, KernelTriageFrame, 0).real_mode;
        const char *mode = real_mode ? " (real mode)" : "";

        fprintf(out, "nip: %016" G_GINT64_MODIFIER "x %s%s\n"
                "lr:  %016" G_GINT64_MODIFIER "x %s%s\n",
                t->regs[PAPR_PT_NIP],
                t->nip_symbol ? t->nip_symbol
                : real_mode ? "outside the kernel: firmware" : "",
                t->nip_symbol ? mode : "",
                t->regs[PAPR_PT_LINK],
                t->link_symbol ? t->link_symbol : "",
                t->link_symbol ? mode : "");
        fprintf(out, "registers of CPU %u (its NT_PRSTATUS):",
                t->crashing_cpu);
        for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
            fprintf(out, "%s%s=%016" G_GINT64_MODIFIER "x",
                    w % REGS_PER_LINE ? "  " : "\n  ",
                    papr_pt_regs_name(w), t->regs[w]);
        }
        fprintf(out, "\n");
    }
    report_triage_backtraces_text(t, out);
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
            " descriptors skipped, %" G_GUINT64_FORMAT
            " lost (the ring's fail count)%s\n",
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

static void frame_json(JsonBuilder *b, const KernelTriageFrame *f)
{
    json_builder_begin_object(b);
    qf_json_add_str(b, "kind", kernel_unwind_frame_kind_name(f->kind));
    qf_json_add_hex(b, "pc", f->pc);
    if (f->kind == KERNEL_UNWIND_LR) {
        qf_json_add_str(b, "sp", NULL);
    } else {
        qf_json_add_hex(b, "sp", f->sp);
    }
    qf_json_add_bool(b, "new_stack", f->new_stack);
    qf_json_add_bool(b, "real_mode", f->real_mode);
    qf_json_add_str(b, "symbol", f->symbol);
    if (f->have_trap) {
        qf_json_add_hex(b, "trap", f->trap);
    } else {
        qf_json_add_str(b, "trap", NULL);
    }
    json_builder_end_object(b);
}

static void cpus_json(JsonBuilder *b, const KernelTriage *t)
{
    qf_json_begin_array(b, "cpus");
    for (guint i = 0; t->cpus && i < t->cpus->len; i++) {
        const KernelTriageCpu *c = t->cpus->pdata[i];

        json_builder_begin_object(b);
        qf_json_add_int(b, "cpu", c->cpu);
        qf_json_add_bool(b, "crashing", c->crashing);
        qf_json_add_bool(b, "idle", c->idle);
        qf_json_add_str(b, "idle_function", c->idle_symbol);
        qf_json_begin_array(b, "frames");
        for (guint j = 0; j < c->frames->len; j++) {
            frame_json(b, &g_array_index(c->frames, KernelTriageFrame, j));
        }
        json_builder_end_array(b);
        qf_json_add_str(b, "end", kernel_unwind_end_name(c->end));
        qf_json_add_str(b, "end_reason", c->end_reason);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

void report_triage_json(JsonBuilder *b, const KernelTriage *t,
                        unsigned int log_lines)
{
    g_autofree char *when = crashtime_utc(t);

    qf_json_begin_object(b, "triage");
    qf_json_add_bool(b, "fadump", t->fadump);
    qf_json_add_bool(b, "crashed", t->crashed);
    qf_json_add_str(b, "crash_note", t->crash_note);
    qf_json_begin_object(b, "sources");
    qf_json_add_str(b, "vmcoreinfo", t->sources.vmcoreinfo);
    qf_json_add_str(b, "registers", t->sources.registers);
    qf_json_add_str(b, "crashing_cpu", t->sources.crashing_cpu);
    json_builder_end_object(b);
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
    cpus_json(b, t);
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
