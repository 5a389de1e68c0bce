/*
 * fdt-inspect: show, check and compare the device tree a pseries
 * platform hands its guest, with the fadump contract decoded.  A thin
 * command line over lib/fdt; see fdt-inspect.1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "fdt/blob.h"
#include "fdt/check.h"
#include "fdt/diff.h"
#include "fdt/dir.h"
#include "report/fdt-json.h"
#include "fdt/nodes.h"
#include "fdt/qmp.h"
#include "report/fdt-text.h"

/* Exit statuses (fdt-inspect.1, EXIT STATUS) */
enum {
    EXIT_OK = 0,            /* shown; contract holds; trees equal */
    EXIT_FOUND = 1,         /* --check: problems; --diff: differences */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_INPUT = 3,         /* an input unreadable, malformed, no node */
    EXIT_OUTPUT = 4,        /* output could not be written */
};

#define DEFAULT_QMP_TIMEOUT 30

typedef struct Options {
    gboolean check;
    gboolean diff;
    gboolean json;
    gboolean raw;
    gboolean quiet;
    gboolean qmp;
    gint timeout;
    char *save_dtb;
    char **args;
} Options;

typedef struct Input {
    DtBlob *fdt;
    GArray *index;
} Input;

static void input_clear(Input *in)
{
    g_clear_pointer(&in->index, g_array_unref);
    g_clear_pointer(&in->fdt, dt_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Input, input_clear)

/* A DTB file, a device tree directory, or a QMP socket */
static gboolean load_input(const Options *o, const char *name, Input *in,
                           GError **error)
{
    struct stat st;

    if (o->qmp || g_str_has_prefix(name, "qmp:")) {
        const char *path = g_str_has_prefix(name, "qmp:") ? name + 4 : name;

        in->fdt = dt_fetch_qmp(path, (unsigned int)o->timeout, error);
    } else if (stat(name, &st) == 0 && S_ISSOCK(st.st_mode)) {
        in->fdt = dt_fetch_qmp(name, (unsigned int)o->timeout, error);
    } else if (stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
        in->fdt = dt_load_dir(name, error);
    } else {
        in->fdt = dt_load_file(name, error);
    }
    if (!in->fdt) {
        return FALSE;
    }
    in->index = dt_index(in->fdt, error);
    return in->index != NULL;
}

static int node_of(const Input *in, const char *path, GError **error)
{
    return path ? dt_index_lookup(in->fdt, in->index, path, error) : 0;
}

static int emit(const char *text)
{
    if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
        fprintf(stderr, "fdt-inspect: writing the output: %s\n",
                g_strerror(errno));
        return EXIT_OUTPUT;
    }
    return EXIT_OK;
}

static int emit_json(JsonNode *node)
{
    g_autofree char *text = qf_json_to_string(node);

    json_node_unref(node);
    return emit(text);
}

static int fail(GError *err)
{
    fprintf(stderr, "fdt-inspect: %s\n", err->message);
    return err->domain == QF_ERROR &&
           err->code == QF_ERROR_INVALID_ARG ? EXIT_USAGE : EXIT_INPUT;
}

static int do_show(const Options *o, Input *in, const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    int start = node_of(in, path, &err);

    if (start < 0) {
        return fail(err);
    }
    if (o->json) {
        return emit_json(report_fdt_json_tree(in->fdt, in->index, start,
                                              o->raw));
    }
    report_fdt_text_tree(out, in->fdt, in->index, start, o->raw);
    return emit(out->str);
}

static int do_check(const Options *o, Input *in)
{
    g_autoptr(DtCheckReport) r = dt_check(in->fdt, in->index);
    g_autoptr(GString) out = g_string_new(NULL);
    int status = r->problems->len ? EXIT_FOUND : EXIT_OK;
    int ret;

    if (o->quiet) {
        return status;
    }
    if (o->json) {
        ret = emit_json(report_fdt_json_check(r, in->fdt->origin));
    } else {
        report_fdt_text_check(out, r);
        report_fdt_text_check_summary(out, r, in->fdt->origin);
        ret = emit(out->str);
    }
    return ret ? ret : status;
}

static int do_diff(const Options *o, Input *a, Input *b, const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DtDiff) d = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    int ra = node_of(a, path, &err);
    int rb = ra < 0 ? -1 : node_of(b, path, &err);
    int status, ret;

    if (ra < 0 || rb < 0) {
        return fail(err);
    }
    d = dt_diff(a->fdt, a->index, ra, b->fdt, b->index, rb, o->raw);
    status = d->entries->len ? EXIT_FOUND : EXIT_OK;
    if (o->quiet) {
        return status;
    }
    if (o->json) {
        ret = emit_json(report_fdt_json_diff(d, a->fdt->origin,
                                             b->fdt->origin));
    } else {
        report_fdt_text_diff(out, d, a->fdt->origin, b->fdt->origin);
        ret = emit(out->str);
    }
    return ret ? ret : status;
}

static const char summary[] =
    "INPUT is a DTB file (QEMU -machine dumpdtb=, QMP/HMP dumpdtb), a\n"
    "directory laid out like /proc/device-tree, or the QMP socket of a\n"
    "running QEMU (a UNIX socket path, qmp:PATH, or any path with --qmp).\n"
    "\n"
    "Without --check or --diff, the tree (or the subtree at NODE-PATH) is\n"
    "shown with the fadump properties of /rtas, RTAS tokens, reg and\n"
    "ibm,lrdr-capacity decoded.";

static const char description[] =
    "Exit status: 0 success (contract holds, trees equal); 1 --check found\n"
    "problems or --diff differences; 2 usage error; 3 an input could not\n"
    "be read, is malformed or lacks NODE-PATH; 4 the output could not be\n"
    "written.  See fdt-inspect(1).";

int main(int argc, char **argv)
{
    Options o = { .timeout = DEFAULT_QMP_TIMEOUT };
    GOptionEntry entries[] = {
        { "check", 'c', 0, G_OPTION_ARG_NONE, &o.check,
          "Check the fadump contract; one line per problem", NULL },
        { "diff", 'd', 0, G_OPTION_ARG_NONE, &o.diff,
          "Show what changed from INPUT to INPUT-B", NULL },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
          "Write JSON instead of text", NULL },
        { "raw", 'r', 0, G_OPTION_ARG_NONE, &o.raw,
          "Do not decode known properties", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
          "With --check or --diff: no output, exit status only", NULL },
        { "qmp", 0, 0, G_OPTION_ARG_NONE, &o.qmp,
          "INPUT is a QMP socket", NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o.timeout,
          "Seconds to wait for each QMP reply (default 30)", "SECONDS" },
        { "save-dtb", 'o', 0, G_OPTION_ARG_FILENAME, &o.save_dtb,
          "Also write the input's DTB to FILE (replaced atomically)",
          "FILE" },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.args,
          NULL, NULL },
        G_OPTION_ENTRY_NULL,
    };
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(Input) a = { 0 };
    g_auto(Input) b = { 0 };
    guint nargs, want;
    const char *path;
    int ret;

    setlocale(LC_ALL, "");
    ctx = g_option_context_new("INPUT [NODE-PATH] | --check INPUT |"
                               " --diff INPUT-A INPUT-B [NODE-PATH]");
    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "fdt-inspect: %s (try --help)\n", err->message);
        return EXIT_USAGE;
    }
    nargs = o.args ? g_strv_length(o.args) : 0;
    want = o.diff ? 2 : 1;
    if ((o.check && o.diff) || nargs < want ||
        nargs > want + (o.check ? 0 : 1) || o.timeout <= 0 ||
        (o.save_dtb && o.diff) || (o.quiet && !o.check && !o.diff)) {
        fprintf(stderr, "fdt-inspect: %s (try --help)\n",
                o.check && o.diff ? "--check and --diff exclude each other" :
                o.timeout <= 0 ? "--timeout must be positive" :
                o.save_dtb && o.diff ? "--save-dtb takes one input" :
                o.quiet && !o.check && !o.diff ?
                "--quiet goes with --check or --diff" :
                "wrong number of arguments");
        g_strfreev(o.args);
        g_free(o.save_dtb);
        return EXIT_USAGE;
    }
    path = nargs > want ? o.args[want] : NULL;

    if (!load_input(&o, o.args[0], &a, &err) ||
        (o.diff && !load_input(&o, o.args[1], &b, &err))) {
        ret = fail(err);
    } else if (o.save_dtb && !dt_save_file(a.fdt, o.save_dtb, &err)) {
        ret = fail(err);
    } else if (o.check) {
        ret = do_check(&o, &a);
    } else if (o.diff) {
        ret = do_diff(&o, &a, &b, path);
    } else {
        ret = do_show(&o, &a, path);
    }
    g_strfreev(o.args);
    g_free(o.save_dtb);
    return ret;
}
