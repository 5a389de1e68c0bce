/*
 * Fuzz target of lib/fdt: whatever the bytes, loading them as a DTB
 * either fails with an error or gives a tree that can be indexed,
 * decoded, rendered as text and JSON, checked and compared with itself
 * (no differences).  The same bytes are also decoded as each fadump
 * property value.  libFuzzer calls LLVMFuzzerTestOneInput(); so does
 * fuzz-replay.c, which runs corpus files and generated inputs as
 * ordinary tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fdt/blob.h"
#include "fdt/check.h"
#include "fdt/decode.h"
#include "fdt/diff.h"
#include "report/fdt-json.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "report/fdt-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: a bug, whatever the input */
#define FUZZ_ASSERT(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz-fdt: %s:%d: invariant broken: %s\n", \
                    __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

static void render_json(JsonNode *node)
{
    g_autofree char *text = qf_json_to_string(node);

    FUZZ_ASSERT(g_utf8_validate(text, -1, NULL));
    json_node_unref(node);
}

/* The bytes as the value of each property with a decoder of its own */
static void decode_as_values(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        DT_PROP_KERNEL_DUMP, DT_PROP_SIZES, DT_PROP_VERSION,
        DT_PROP_LRDR_CAPACITY, DT_PROP_TOKEN, "reg", "compatible",
    };
    DtDecodeCtx ctx = { .in_rtas = TRUE, .reg_cells_known = TRUE,
                            .addr_cells = 2, .size_cells = 2 };
    int len = (int)MIN(size, 4096);

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(DtValue) v = dt_value_decode(&ctx, names[i], data,
                                               len);
        g_auto(GStrv) lines = report_fdt_text_value_lines(v);
        g_autoptr(JsonBuilder) b = json_builder_new();

        FUZZ_ASSERT(lines && lines[0]);
        json_builder_begin_object(b);
        report_fdt_json_value(b, v);
        json_builder_end_object(b);
        render_json(json_builder_get_root(b));
    }
}

static void exercise_tree(const DtBlob *fdt)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GArray) index = dt_index(fdt, &err);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(DtCheckReport) report = NULL;
    g_autoptr(DtDiff) diff = NULL;

    if (!index) {
        FUZZ_ASSERT(err != NULL);
        return;
    }
    FUZZ_ASSERT(index->len >= 1);
    report_fdt_text_tree(text, fdt, index, 0, FALSE);
    render_json(report_fdt_json_tree(fdt, index, 0, FALSE));
    /* subtrees, by the path they are known by */
    for (guint i = 0; i < index->len && i < 8; i++) {
        const DtNode *n = dt_node(index, (int)i);
        int at = dt_index_lookup(fdt, index, n->path, NULL);

        if (at >= 0) {
            g_string_truncate(text, 0);
            report_fdt_text_tree(text, fdt, index, at, TRUE);
        }
    }
    report = dt_check(fdt, index);
    g_string_truncate(text, 0);
    report_fdt_text_check(text, report);
    report_fdt_text_check_summary(text, report, fdt->origin);
    render_json(report_fdt_json_check(report, fdt->origin));

    diff = dt_diff(fdt, index, 0, fdt, index, 0, FALSE);
    FUZZ_ASSERT(diff->entries->len == 0);
    g_string_truncate(text, 0);
    report_fdt_text_diff(text, diff, "a", "b");
    render_json(report_fdt_json_diff(diff, "a", "b"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DtBlob) fdt = dt_new_from_data(data, size, "fuzz",
                                                        &err);

    if (fdt) {
        FUZZ_ASSERT(err == NULL);
        FUZZ_ASSERT(fdt->size <= size);
        exercise_tree(fdt);
    } else {
        FUZZ_ASSERT(err != NULL && err->message != NULL);
    }
    decode_as_values(data, size);
    return 0;
}
