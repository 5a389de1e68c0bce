/*
 * fadump-extract: rebuild, from guest memory saved by QMP
 * dump-guest-memory (or a raw RAM image), the /proc/vmcore a pseries
 * fadump capture kernel exports, byte for byte; or compare a real one
 * with it.  A thin front end of libfadump (lib/dump).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/reader.h"
#include "extract-qmp.h"
#include "report/extract.h"
#include "vmcore/analysis.h"
#include "vmcore/elfcorehdr.h"
#include "vmcore/drgn-notes.h"
#include "fdt/kernel-dump.h"
#include "common/error.h"
#include "common/progress.h"
#include "dump/kdump-format.h"
#include "vmcore/kdump-writer.h"
#include "report/triage.h"
#include "kernel/vmcore-mem.h"
#include "vmcore/validate.h"
#include "vmcore/elf-writer.h"

enum {
    EXIT_OK = 0,            /* done; validation: the vmcores match */
    EXIT_MISMATCH = 1,      /* validation: they differ */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_INPUT = 3,         /* the input cannot be read or understood */
    EXIT_OUTPUT = 4,        /* the vmcore cannot be written */
    EXIT_INTERRUPTED = 5,   /* SIGINT/SIGTERM: nothing was left behind */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = 1;
}

typedef struct Options {
    char *output;
    char *validate;
    char *fdm_addr;
    char *dtb;
    char *raw_base;
    char *page_size;
    char *qmp;
    char *tmpdir;
    uint32_t kdump;         /* KDUMP_ZLIB etc.: write kdump, not ELF */
    gboolean json;
    gboolean quiet;
    gboolean sync;
    gboolean no_copy_range;
    gboolean version;
    gboolean triage;
    gboolean for_drgn;
    gint log_lines;
    char **inputs;
} Options;

static void options_clear(Options *o)
{
    g_free(o->output);
    g_free(o->validate);
    g_free(o->fdm_addr);
    g_free(o->dtb);
    g_free(o->raw_base);
    g_free(o->page_size);
    g_free(o->qmp);
    g_free(o->tmpdir);
    g_strfreev(o->inputs);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Options, options_clear)

static gboolean parse_u64(const char *s, const char *what, uint64_t *ret,
                          GError **error)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (!*s || *end || errno || *s == '-') {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "%s: \"%s\" is not a number (decimal, or hex with 0x)",
                    what, s);
        return FALSE;
    }
    *ret = v;
    return TRUE;
}

static gboolean parse_kdump(const char *name, const char *value,
                            gpointer data, GError **error)
{
    Options *o = data;

    if (!value || !strcmp(value, "zlib")) {
        o->kdump = KDUMP_ZLIB;
    } else if (!strcmp(value, "lzo")) {
        o->kdump = KDUMP_LZO;
    } else if (!strcmp(value, "snappy")) {
        o->kdump = KDUMP_SNAPPY;
    } else {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--kdump: \"%s\" is not zlib, lzo or snappy (give "
                    "the method as --kdump=METHOD; a bare --kdump takes "
                    "the next word unless it starts with -)", value);
        return FALSE;
    }
    return TRUE;
}

static const char summary[] =
    "Rebuild the /proc/vmcore a Linux fadump capture kernel would export,\n"
    "from the guest memory that QMP dump-guest-memory saved after the\n"
    "fadump trigger (or during the capture boot), or from a raw RAM image.\n"
    "\n"
    "  fadump-extract [--fdm-addr ADDR | --dtb FILE] [--raw-base ADDR]\n"
    "                 [--kdump[=zlib|lzo|snappy]] INPUT -o VMCORE\n"
    "  fadump-extract --validate VMCORE INPUT      compare a real vmcore\n"
    "  fadump-extract [--json] INPUT               report what was found\n"
    "  fadump-extract --qmp SOCKET [-o VMCORE] ...  ask a running QEMU\n"
    "  fadump-extract --triage [--log-lines N] INPUT   the crash, the log\n"
    "\n"
    "The registration is found by scanning guest memory unless --fdm-addr\n"
    "or --dtb says where it is.  The vmcore is written to a temporary file\n"
    "next to VMCORE and renamed when complete (mode 0600).  With --qmp,\n"
    "QEMU dumps its guest's memory (pause it at the fadump trigger first)\n"
    "into an unlinked temporary file, read as INPUT and gone afterwards.\n"
    "INPUT is an ELF core or a kdump-compressed file (kdump-*,\n"
    "kdump-raw-*) from QMP dump-guest-memory, or a raw RAM image.\n"
    "Progress goes to stderr when it is a terminal (not with --quiet).";

static const char exit_codes[] =
    "Exit status:\n"
    "  0  success; with --validate: the vmcores match byte for byte\n"
    "  1  --validate: the vmcores differ (every difference is reported)\n"
    "  2  usage error\n"
    "  3  the input cannot be read or holds no usable fadump; --qmp: QEMU\n"
    "     cannot be reached, refuses or fails the dump (disk full too)\n"
    "  4  the vmcore cannot be written (nothing is left behind)\n"
    "  5  interrupted (nothing is left behind)";

static int usage_error(GOptionContext *ctx, const char *msg)
{
    g_printerr("fadump-extract: %s\n", msg);
    g_printerr("Try 'fadump-extract --help'.\n");
    return EXIT_USAGE;
}

/* --log-lines, or its default */
static unsigned int log_lines(const Options *o)
{
    return o->log_lines < 0 ? REPORT_TRIAGE_LOG_LINES
                            : (unsigned int)o->log_lines;
}

/*
 * --for-drgn: @hdr with its notes numbered by CPU (@cpu_notes, or QEMU's
 * own numbering when NULL) and no CRASHTIME, laid out as @page_size and
 * @note_align say
 */
static VmcoreLayout *drgn_layout(const VmcoreCoreHeader *hdr,
                                 const GArray *cpu_notes, uint64_t page_size,
                                 uint32_t note_align, GError **error)
{
    guint n = cpu_notes ? cpu_notes->len : 0;
    g_autofree uint32_t *cpus = g_new0(uint32_t, n + 1);
    g_autoptr(VmcoreCoreHeader) drgn = NULL;
    VmcoreLayout *layout = NULL;

    for (guint i = 0; i < n; i++) {
        cpus[i] = g_array_index(cpu_notes, VmcoreCpuNote, i).cpu;
    }
    drgn = vmcore_core_header_for_drgn(hdr, cpu_notes ? cpus : NULL, n,
                                       error);
    if (!drgn ||
        !vmcore_layout_build(drgn, page_size, note_align, &layout, error)) {
        g_prefix_error(error, "--for-drgn: ");
        return NULL;
    }
    return layout;
}

/*
 * The vmcore of a guest without fadump: its RAM, QEMU's CPU notes and the
 * VMCOREINFO found in its memory, as a kdump kernel would export them
 */
static VmcoreLayout *guest_layout(Dump *dump, const KernelGuestFacts *f,
                                  gboolean for_drgn, GError **error)
{
    g_autoptr(GBytes) notes = dump_notes(dump);
    size_t n;
    g_autofree DumpMemRange *ram = dump_ram_map(dump, &n);
    g_autoptr(VmcoreCoreHeader) hdr = vmcore_elfcorehdr_for_guest(
        notes, f->vmcoreinfo.text, f->big_endian, ram, n);
    VmcoreLayout *layout = NULL;

    if (for_drgn) {
        layout = drgn_layout(hdr, NULL, f->vmcoreinfo.page_size, 4, error);
    } else {
        vmcore_layout_build(hdr, f->vmcoreinfo.page_size, 4, &layout,
                            error);
    }
    if (!layout) {
        g_prefix_error(error, "the guest's vmcore: ");
    }
    return layout;
}

/*
 * Whether an analysis is over: it found the registration, or it failed
 * reading the dump (*@err then moved to @error)
 */
static gboolean analysis_over(VmcoreAnalysis *a, GError **err,
                              GError **error)
{
    if (!a && (*err)->domain != QF_ERROR) {
        g_propagate_error(error, g_steal_pointer(err));
        return TRUE;
    }
    return a != NULL;
}

/*
 * --triage alone: the fadump triage when the guest registered, else the
 * guest's own (@facts, and why not fadump in @no_fadump).  Without
 * --fdm-addr or --dtb the registration is looked for in the kernel's
 * window of RAM; the rest of RAM is scanned only when the kernel's
 * command line may have enabled fadump (a capture boot keeps the
 * crashed kernel's registration in the boot memory copy).  Any failure
 * of the analysis but reading the dump leaves the guest's triage.
 */
static VmcoreAnalysis *analyse_for_triage(Dump *dump,
                                          VmcoreAnalyseOptions *aopts,
                                          KernelGuestFacts **facts,
                                          char **no_fadump, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(KernelGuestFacts) f = NULL;
    VmcoreAnalysis *a;

    aopts->scan_low_only = !aopts->have_fdm_addr && !aopts->dtb;
    a = vmcore_analyse(dump, aopts, &err);
    if (analysis_over(a, &err, error)) {
        return a;
    }
    f = kernel_guest_facts(dump, &gerr);
    if (!f) {
        g_propagate_prefixed_error(error, g_steal_pointer(&err), "%s: ",
                                   gerr->message);
        return NULL;
    }
    if (aopts->scan_low_only &&
        g_error_matches(err, QF_ERROR, QF_ERROR_ABSENT) &&
        f->fadump_param != KERNEL_FADUMP_PARAM_OFF) {
        aopts->scan_low_only = FALSE;
        g_clear_error(&err);
        a = vmcore_analyse(dump, aopts, &err);
        if (analysis_over(a, &err, error)) {
            return a;
        }
    }
    *no_fadump = g_strdup_printf(
        "%s%s", err->message,
        aopts->scan_low_only ? " (the kernel's command line, in its log, "
                               "does not enable fadump: the rest of RAM "
                               "was not scanned)" : "");
    *facts = g_steal_pointer(&f);
    return NULL;
}

static int finish(ReportExtract *r, const Options *o, int code,
                  GError *err)
{
    r->exit_code = code;
    r->error = err ? err->message : NULL;
    if (o->json) {
        report_extract_json(r, stdout);
    }
    if (err) {
        g_printerr("fadump-extract: %s\n", err->message);
    }
    return code;
}

int main(int argc, char **argv)
{
    g_auto(Options) o = { 0 };
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
          "Write the rebuilt vmcore to VMCORE", "VMCORE" },
        { "validate", 0, 0, G_OPTION_ARG_FILENAME, &o.validate,
          "Compare VMCORE (a real /proc/vmcore) with the rebuilt one: size, "
          "headers, segment coverage, first differing page per PT_LOAD, "
          "registers per CPU, notes",
          "VMCORE" },
        { "fdm-addr", 0, 0, G_OPTION_ARG_STRING, &o.fdm_addr,
          "The dump memory structure is at guest physical ADDR", "ADDR" },
        { "dtb", 0, 0, G_OPTION_ARG_FILENAME, &o.dtb,
          "Take the registration from FILE's /rtas ibm,kernel-dump (a "
          "capture boot's device tree)", "FILE" },
        { "raw-base", 0, 0, G_OPTION_ARG_STRING, &o.raw_base,
          "INPUT is a raw RAM image starting at guest physical ADDR",
          "ADDR" },
        { "page-size", 0, 0, G_OPTION_ARG_STRING, &o.page_size,
          "The guest kernel's page size (default: VMCOREINFO PAGESIZE=)",
          "BYTES" },
        { "qmp", 0, 0, G_OPTION_ARG_FILENAME, &o.qmp,
          "Instead of INPUT, have the QEMU behind QMP socket SOCKET dump "
          "its guest's memory (dump-guest-memory to a passed fd)",
          "SOCKET" },
        { "tmpdir", 0, 0, G_OPTION_ARG_FILENAME, &o.tmpdir,
          "--qmp: put the temporary dump (unlinked, as big as guest RAM) "
          "in DIR (default: $TMPDIR, else VMCORE's directory, else /tmp)",
          "DIR" },
        { "kdump", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
          parse_kdump,
          "Write VMCORE kdump-compressed (makedumpfile's format) instead "
          "of ELF; --kdump=METHOD: zlib (the default), lzo or snappy",
          "METHOD" },
        { "for-drgn", 0, 0, G_OPTION_ARG_NONE, &o.for_drgn,
          "Number the vmcore's CPU notes the way drgn looks them up: "
          "pr_pid = CPU + 1, and no CRASHTIME in VMCOREINFO (so not the "
          "capture kernel's bytes)", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
          "Report what was found and done as JSON on stdout", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
          "No text report and no progress", NULL },
        { "sync", 0, 0, G_OPTION_ARG_NONE, &o.sync,
          "fdatasync() the vmcore before renaming it into place", NULL },
        { "no-copy-range", 0, 0, G_OPTION_ARG_NONE, &o.no_copy_range,
          "Never copy_file_range(): read all memory, write its non-zero "
          "blocks",
          NULL },
        { "triage", 0, 0, G_OPTION_ARG_NONE, &o.triage,
          "Crash triage without a vmlinux: kernel release, crash time, "
          "crashing CPU and its registers, panic message, Oops report, "
          "the end of the kernel log", NULL },
        { "log-lines", 0, 0, G_OPTION_ARG_INT, &o.log_lines,
          "With --triage: the last N log records (default 50; 0: all)",
          "N" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &o.version,
          "Print the version", NULL },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.inputs,
          NULL, NULL },
        G_OPTION_ENTRY_NULL,
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("INPUT");
    GOptionGroup *main_group = g_option_group_new(NULL, NULL, NULL, &o,
                                                  NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) analysis = NULL;
    g_autoptr(VmcoreValidation) validation = NULL;
    g_autoptr(KernelMem) kmem = NULL;
    g_autoptr(KernelGuestFacts) facts = NULL;
    g_autoptr(VmcoreLayout) guest = NULL;
    g_autoptr(VmcoreLayout) drgn = NULL;
    const VmcoreLayout *layout = NULL;
    g_autofree char *no_fadump = NULL;
    g_autoptr(KernelTriage) triage = NULL;
    g_auto(DumpQmpInfo) qinfo = { 0 };
    g_autofree char *qmp_input = NULL;
    g_autofree char *qmp_name = NULL;
    QfProgressMeter meter;
    FILE *progress;
    const char *input;
    DumpOptions dopts = { 0 };
    VmcoreAnalyseOptions aopts = { 0 };
    DtKernelDump dtb;
    VmcoreWriteStats stats;
    ReportExtract r = { 0 };
    FILE *text;
    struct sigaction sa = { .sa_handler = on_signal };

    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, exit_codes);
    g_option_group_add_entries(main_group, entries);
    g_option_context_set_main_group(ctx, main_group);
    o.log_lines = G_MININT;     /* not given */
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        return usage_error(ctx, err->message);
    }
    if (o.version) {
        printf("fadump-extract %s\n", FADUMP_VERSION);
        return EXIT_OK;
    }
    if (o.kdump && !o.output) {
        return usage_error(ctx, "--kdump needs -o");
    }
    if (o.for_drgn && (!o.output || o.validate)) {
        return usage_error(ctx, "--for-drgn changes the vmcore written by "
                           "-o; --validate compares the capture kernel's");
    }
    if (o.qmp && o.inputs && o.inputs[0]) {
        return usage_error(ctx, "--qmp and INPUT exclude each other");
    }
    if (o.qmp && o.raw_base) {
        return usage_error(ctx, "--qmp gives an ELF dump: no --raw-base");
    }
    if (o.tmpdir && !o.qmp) {
        return usage_error(ctx, "--tmpdir is for --qmp");
    }
    if (!o.qmp && (!o.inputs || !o.inputs[0])) {
        return usage_error(ctx, "no INPUT given");
    }
    if (!o.qmp && o.inputs[1]) {
        return usage_error(ctx, "more than one INPUT given");
    }
    if (o.fdm_addr && o.dtb) {
        return usage_error(ctx, "--fdm-addr and --dtb exclude each other");
    }
    if ((o.fdm_addr && !parse_u64(o.fdm_addr, "--fdm-addr",
                                  &aopts.fdm_addr, &err)) ||
        (o.raw_base && !parse_u64(o.raw_base, "--raw-base", &dopts.raw_base,
                                  &err)) ||
        (o.page_size && !parse_u64(o.page_size, "--page-size",
                                   &aopts.page_size, &err))) {
        return usage_error(ctx, err->message);
    }
    if (o.page_size && (aopts.page_size < 4096 ||
                        (aopts.page_size & (aopts.page_size - 1)))) {
        return usage_error(ctx, "--page-size must be a power of two >= "
                           "4096");
    }
    if (o.log_lines != G_MININT && (!o.triage || o.log_lines < 0)) {
        return usage_error(ctx, "--log-lines takes a number >= 0 and goes "
                           "with --triage");
    }
    aopts.have_fdm_addr = o.fdm_addr != NULL;
    dopts.raw = o.raw_base != NULL;
    /* With --json, stdout carries the JSON alone */
    text = o.quiet ? NULL : o.json ? stderr : stdout;
    /* Progress on a terminal only, never in a log or a pipe */
    progress = !o.quiet && isatty(STDERR_FILENO) ? stderr : NULL;

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (o.dtb) {
        if (!dt_kernel_dump_load(o.dtb, &dtb, &err)) {
            return finish(&r, &o, EXIT_INPUT, err);
        }
        aopts.dtb = &dtb;
    }
    if (o.qmp) {
        g_autofree char *dir = extract_qmp_tmpdir(o.tmpdir, o.output);
        int fd = extract_qmp_dump(o.qmp, dir, progress, o.quiet ? NULL
                                  : stderr, &interrupted, &qinfo, &err);

        if (fd < 0) {
            return finish(&r, &o, interrupted ? EXIT_INTERRUPTED
                                              : EXIT_INPUT, err);
        }
        qmp_name = g_strdup_printf("qmp:%s", o.qmp);
        qmp_input = g_strdup_printf("%s, QEMU's dump", qmp_name);
        dump = dump_open_fd(fd, qmp_input, &dopts, &err);
        r.input_name = qmp_name;
        r.qmp = &qinfo;
    } else {
        dump = dump_open(o.inputs[0], &dopts, &err);
    }
    input = qmp_name ? qmp_name : o.inputs[0];
    if (!dump) {
        return finish(&r, &o, EXIT_INPUT, err);
    }
    r.dump = dump;
    qf_progress_start(&meter, "scanning", progress);
    aopts.progress = qf_progress_update;
    aopts.progress_data = &meter;
    if (o.triage && !o.output && !o.validate) {
        analysis = analyse_for_triage(dump, &aopts, &facts, &no_fadump,
                                      &err);
    } else {
        analysis = vmcore_analyse(dump, &aopts, &err);
    }
    qf_progress_end(&meter);
    if (!analysis && !facts && o.output && !o.validate &&
        g_error_matches(err, QF_ERROR, QF_ERROR_ABSENT)) {
        /* no registration anywhere: the guest's own memory as a vmcore */
        g_autoptr(GError) gerr = NULL;

        facts = kernel_guest_facts(dump, &gerr);
        if (facts) {
            no_fadump = g_strdup(err->message);
            g_clear_error(&err);
        } else {
            g_prefix_error(&err, "%s: ", gerr->message);
        }
    }
    if (!analysis && !facts) {
        g_prefix_error(&err, "%s: ", input);
        return finish(&r, &o, EXIT_INPUT, err);
    }
    if (facts) {
        r.no_fadump = no_fadump;
        if (o.output && !(guest = guest_layout(dump, facts, o.for_drgn,
                                                &err))) {
            g_prefix_error(&err, "%s: ", input);
            return finish(&r, &o, EXIT_INPUT, err);
        }
        layout = guest;
        if (o.triage) {
            triage = kernel_triage_guest(facts);
        }
    } else {
        r.analysis = analysis;
        layout = analysis->layout;
        if (o.for_drgn) {
            const VmcorePhdr *note = &g_array_index(layout->phdrs,
                                                    VmcorePhdr, 0);

            drgn = drgn_layout(analysis->elfcorehdr, analysis->cpu_notes,
                               layout->page_size, note->align, &err);
            if (!drgn) {
                g_prefix_error(&err, "%s: ", input);
                return finish(&r, &o, EXIT_INPUT, err);
            }
            layout = drgn;
        }
        if (o.triage) {
            kmem = kernel_mem_new_for_vmcore(dump, analysis);
            triage = kernel_triage(kmem, analysis);
        }
    }
    if (triage) {
        r.triage = triage;
        r.log_lines = log_lines(&o);
        if (text) {
            report_triage_text(triage, r.log_lines, text);
        }
    }
    if (text && analysis && !o.output && !o.validate && !o.triage) {
        report_analysis_text(&r, text);
    } else if (text) {
        report_warnings_text(&r, text);
    }

    /*
     * Before writing: a vmcore under test that cannot be read stops the
     * run with nothing written
     */
    if (o.validate) {
        gint64 t0 = g_get_monotonic_time();
        VmcoreValidateOptions vopts = {
            .progress = qf_progress_update,
            .progress_data = &meter,
        };
        gboolean ok;

        qf_progress_start(&meter, "validating", progress);
        ok = vmcore_validate_with(layout, dump, o.validate,
                                         &vopts, &validation, &err);
        qf_progress_end(&meter);
        if (!ok) {
            return finish(&r, &o, EXIT_INPUT, err);
        }
        r.validated = o.validate;
        r.validation = validation;
        r.validate_seconds = (g_get_monotonic_time() - t0) / 1e6;
    }

    if (o.output) {
        VmcoreWriteOptions wopts = {
            .no_copy_range = o.no_copy_range,
            .sync = o.sync,
            .cancel = &interrupted,
        };
        gint64 t0 = g_get_monotonic_time();
        gboolean ok;

        qf_progress_start(&meter, "writing", progress);
        wopts.progress = qf_progress_update;
        wopts.progress_data = &meter;
        ok = o.kdump ? vmcore_kdump_write(layout, dump, o.kdump,
                                          o.output, &wopts, &stats, NULL,
                                          &err)
                     : vmcore_write(layout, dump, o.output,
                                           &wopts, &stats, &err);
        qf_progress_end(&meter);
        if (!ok) {
            return finish(&r, &o, interrupted ? EXIT_INTERRUPTED
                                              : EXIT_OUTPUT, err);
        }
        r.output = o.output;
        r.for_drgn = o.for_drgn;
        r.write_stats = &stats;
        r.write_seconds = (g_get_monotonic_time() - t0) / 1e6;
        if (text) {
            report_write_text(&r, text);
        }
    }

    if (o.validate) {
        if (text) {
            report_validation_text(&r, text);
        }
        return finish(&r, &o, validation->match ? EXIT_OK : EXIT_MISMATCH,
                      NULL);
    }
    return finish(&r, &o, EXIT_OK, NULL);
}
