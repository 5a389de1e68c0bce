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

#include "dump-reader.h"
#include "extract-report.h"
#include "fadump-analysis.h"
#include "fadump-dtb.h"
#include "fadump-error.h"
#include "vmcore-validate.h"
#include "vmcore-writer.h"

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
    gboolean json;
    gboolean quiet;
    gboolean sync;
    gboolean no_copy_range;
    gboolean version;
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
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_INVALID_ARG,
                    "%s: \"%s\" is not a number (decimal, or hex with 0x)",
                    what, s);
        return FALSE;
    }
    *ret = v;
    return TRUE;
}

/* Progress on a terminal: percentage, rate and time left */
typedef struct Progress {
    gint64 start;
    gint64 last;
} Progress;

static void show_progress(uint64_t done, uint64_t total, gpointer data)
{
    Progress *p = data;
    gint64 now = g_get_monotonic_time();
    double secs = (now - p->start) / 1e6;
    double rate = secs > 0 ? done / secs : 0;

    if (now - p->last < 200000 && done < total) {
        return;
    }
    p->last = now;
    fprintf(stderr, "\rwriting: %3.0f%%  %7.1f MiB/s  %4.0fs left ",
            total ? 100.0 * done / total : 100.0, rate / (1 << 20),
            rate > 0 ? (total - done) / rate : 0.0);
    if (done >= total) {
        fprintf(stderr, "\n");
    }
}

static const char summary[] =
    "Rebuild the /proc/vmcore a Linux fadump capture kernel would export,\n"
    "from the guest memory that QMP dump-guest-memory saved after the\n"
    "fadump trigger (or during the capture boot), or from a raw RAM image.\n"
    "\n"
    "  fadump-extract [--fdm-addr ADDR | --dtb FILE] [--raw-base ADDR]\n"
    "                 INPUT -o VMCORE\n"
    "  fadump-extract --validate VMCORE INPUT      compare a real vmcore\n"
    "  fadump-extract [--json] INPUT               report what was found\n"
    "\n"
    "The registration is found by scanning guest memory unless --fdm-addr\n"
    "or --dtb says where it is.  The vmcore is written to a temporary file\n"
    "next to VMCORE and renamed when complete (mode 0600).";

static const char exit_codes[] =
    "Exit status:\n"
    "  0  success; with --validate: the vmcores match byte for byte\n"
    "  1  --validate: the vmcores differ (every difference is reported)\n"
    "  2  usage error\n"
    "  3  the input cannot be read or holds no usable fadump\n"
    "  4  the vmcore cannot be written (nothing is left behind)\n"
    "  5  interrupted (nothing is left behind)";

static int usage_error(GOptionContext *ctx, const char *msg)
{
    g_printerr("fadump-extract: %s\n", msg);
    g_printerr("Try 'fadump-extract --help'.\n");
    return EXIT_USAGE;
}

static int finish(ExtractReport *r, const Options *o, int code,
                  GError *err)
{
    r->exit_code = code;
    r->error = err ? err->message : NULL;
    if (o->json) {
        extract_report_json(r, stdout);
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
        { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
          "Report what was found and done as JSON on stdout", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
          "No text report and no progress", NULL },
        { "sync", 0, 0, G_OPTION_ARG_NONE, &o.sync,
          "fdatasync() the vmcore before renaming it into place", NULL },
        { "no-copy-range", 0, 0, G_OPTION_ARG_NONE, &o.no_copy_range,
          "Copy memory through a buffer, never with copy_file_range()",
          NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &o.version,
          "Print the version", NULL },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.inputs,
          NULL, "INPUT" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("INPUT");
    g_autoptr(GError) err = NULL;
    g_autoptr(FadumpDump) dump = NULL;
    g_autoptr(FadumpAnalysis) analysis = NULL;
    g_autoptr(FadumpValidation) validation = NULL;
    FadumpDumpOptions dopts = { 0 };
    FadumpAnalyseOptions aopts = { 0 };
    FadumpDtbInfo dtb;
    FadumpWriteStats stats;
    ExtractReport r = { 0 };
    FILE *text;
    struct sigaction sa = { .sa_handler = on_signal };

    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, exit_codes);
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        return usage_error(ctx, err->message);
    }
    if (o.version) {
        printf("fadump-extract %s\n", FADUMP_VERSION);
        return EXIT_OK;
    }
    if (!o.inputs || !o.inputs[0]) {
        return usage_error(ctx, "no INPUT given");
    }
    if (o.inputs[1]) {
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
    aopts.have_fdm_addr = o.fdm_addr != NULL;
    dopts.raw = o.raw_base != NULL;
    /* With --json, stdout carries the JSON alone */
    text = o.quiet ? NULL : o.json ? stderr : stdout;

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (o.dtb) {
        if (!fadump_dtb_load(o.dtb, &dtb, &err)) {
            return finish(&r, &o, EXIT_INPUT, err);
        }
        aopts.dtb = &dtb;
    }
    dump = fadump_dump_open(o.inputs[0], &dopts, &err);
    if (!dump) {
        return finish(&r, &o, EXIT_INPUT, err);
    }
    r.dump = dump;
    analysis = fadump_analyse(dump, &aopts, &err);
    if (!analysis) {
        g_prefix_error(&err, "%s: ", o.inputs[0]);
        return finish(&r, &o, EXIT_INPUT, err);
    }
    r.analysis = analysis;
    if (text && !o.output && !o.validate) {
        extract_report_text_analysis(&r, text);
    } else if (text) {
        for (guint i = 0; i < analysis->warnings->len; i++) {
            fprintf(text, "warning: %s\n",
                    (char *)analysis->warnings->pdata[i]);
        }
    }

    /*
     * Before writing: a vmcore under test that cannot be read stops the
     * run with nothing written
     */
    if (o.validate) {
        gint64 t0 = g_get_monotonic_time();

        if (!fadump_vmcore_validate(analysis->layout, dump, o.validate,
                                    &validation, &err)) {
            return finish(&r, &o, EXIT_INPUT, err);
        }
        r.validated = o.validate;
        r.validation = validation;
        r.validate_seconds = (g_get_monotonic_time() - t0) / 1e6;
    }

    if (o.output) {
        FadumpWriteOptions wopts = {
            .no_copy_range = o.no_copy_range,
            .sync = o.sync,
            .cancel = &interrupted,
        };
        Progress progress = { .start = g_get_monotonic_time() };
        gint64 t0 = g_get_monotonic_time();

        if (!o.quiet && isatty(STDERR_FILENO)) {
            wopts.progress = show_progress;
            wopts.progress_data = &progress;
        }
        if (!fadump_vmcore_write(analysis->layout, dump, o.output, &wopts,
                                 &stats, &err)) {
            return finish(&r, &o, interrupted ? EXIT_INTERRUPTED
                                              : EXIT_OUTPUT, err);
        }
        r.output = o.output;
        r.write_stats = &stats;
        r.write_seconds = (g_get_monotonic_time() - t0) / 1e6;
        if (text) {
            fprintf(text, "wrote %s: %" G_GUINT64_FORMAT " bytes in %.1f s "
                    "(%" G_GUINT64_FORMAT " by copy_file_range, %"
                    G_GUINT64_FORMAT " buffered, %" G_GUINT64_FORMAT
                    " holes)\n", o.output, stats.file_size, r.write_seconds,
                    stats.copy_range_bytes, stats.buffered_bytes,
                    stats.hole_bytes);
        }
    }

    if (o.validate) {
        if (text) {
            extract_report_text_validation(&r, text);
        }
        return finish(&r, &o, validation->match ? EXIT_OK : EXIT_MISMATCH,
                      NULL);
    }
    return finish(&r, &o, EXIT_OK, NULL);
}
