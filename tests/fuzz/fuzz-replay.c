/*
 * Replay driver of the fuzz targets: runs LLVMFuzzerTestOneInput() on
 * corpus files and on generated malformed inputs, so that they run as
 * ordinary tests (meson suite 'fuzz') without libFuzzer.  A crash, or a
 * sanitizer report when built with them, fails the test.
 *
 * Usage: fuzz-replay [--generated] [--mutate|--plain] [FILE|DIR]...
 *   --generated  also use the trees fdt-test-trees.c builds (first boot,
 *                capture boot, no fadump, SMT) as inputs
 *   --mutate     for the inputs that follow (and the generated ones), also
 *                run their truncations, byte changes and corrupted header
 *                fields; --plain: only the inputs themselves (default)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fdt-test-trees.h"

#define REPLAY_MAX_INPUT           (16u * 1024 * 1024 + 1)
#define HEADER_FIELDS       10      /* 32-bit fields of a DTB header */
#define SAMPLED_BYTES       100     /* byte positions changed per input */
#define CUTS                128     /* truncations of a big input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Stats {
    unsigned long inputs;
} Stats;

static void run(Stats *st, const uint8_t *data, size_t size)
{
    /* a copy of exactly @size bytes: reads past it are caught by ASan */
    g_autofree uint8_t *copy = g_memdup2(data, size ? size : 1);

    LLVMFuzzerTestOneInput(copy, size);
    st->inputs++;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Truncations, byte changes, header fields set to boundary values */
static void mutate(Stats *st, const uint8_t *seed, size_t size)
{
    static const uint8_t values[] = { 0x00, 0x01, 0x03, 0x09, 0x7f, 0x80,
                                      0xff };
    g_autofree uint8_t *buf = g_memdup2(seed, size ? size : 1);
    GRand *rand = g_rand_new_with_seed(0x5eed + (guint32)size);
    size_t stride = size > CUTS ? size / CUTS + 1 : 1;

    for (size_t cut = 0; cut < size; cut += cut < 64 ? 1 : stride) {
        run(st, seed, cut);
    }
    for (int f = 0; f < HEADER_FIELDS && (size_t)(4 * f + 4) <= size; f++) {
        const uint32_t edge[] = {
            0, 1, 4, 7, 8, 40, 0x7fffffff, 0x80000000, 0xfffffffc,
            0xffffffff, (uint32_t)size, (uint32_t)size - 1,
            (uint32_t)size + 1, (uint32_t)size - 16,
        };

        for (size_t e = 0; e < G_N_ELEMENTS(edge); e++) {
            memcpy(buf, seed, size);
            put_be32(buf + 4 * f, edge[e]);
            run(st, buf, size);
        }
    }
    memcpy(buf, seed, size);
    for (size_t n = 0; n < MIN(size, (size_t)SAMPLED_BYTES); n++) {
        /* all of a small input, a fixed random sample of a big one */
        size_t at = size <= SAMPLED_BYTES ? n :
                    (size_t)g_rand_int_range(rand, 0, (gint32)size);

        for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
            buf[at] = values[v];
            run(st, buf, size);
        }
        buf[at] = seed[at];
    }
    /* 32-bit words (tags, lengths, name offsets) set to edge values */
    for (size_t n = 0; n + 4 <= size && n < 4 * SAMPLED_BYTES; n += 4) {
        size_t at = size <= 4 * SAMPLED_BYTES ? n :
                    (size_t)g_rand_int_range(rand, 0, (gint32)(size / 4)) * 4;
        static const uint32_t words[] = { 1, 2, 3, 4, 9, 0x7ffffff0,
                                          0xfffffff0 };

        for (size_t w = 0; w < G_N_ELEMENTS(words); w++) {
            put_be32(buf + at, words[w]);
            run(st, buf, size);
        }
        memcpy(buf + at, seed + at, 4);
    }
    g_rand_free(rand);
}

static void one_input(Stats *st, const uint8_t *data, size_t size,
                      gboolean do_mutate)
{
    run(st, data, size);
    if (do_mutate) {
        mutate(st, data, size);
    }
}

static gboolean one_file(Stats *st, const char *path, gboolean do_mutate)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &err) ||
        len > REPLAY_MAX_INPUT) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path,
                err ? err->message : "too big");
        return FALSE;
    }
    one_input(st, (const uint8_t *)data, len, do_mutate);
    printf("# %s: %zu bytes\n", path, (size_t)len);
    return TRUE;
}

static gboolean one_path(Stats *st, const char *path, gboolean do_mutate)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        return one_file(st, path, do_mutate);
    }
    dir = g_dir_open(path, 0, NULL);
    if (!dir) {
        fprintf(stderr, "fuzz-replay: cannot read %s\n", path);
        return FALSE;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *p = g_ptr_array_index(names, i);

        if (g_file_test(p, G_FILE_TEST_IS_REGULAR) &&
            !one_file(st, p, do_mutate)) {
            return FALSE;
        }
    }
    return TRUE;
}

static void generated(Stats *st, gboolean do_mutate)
{
    uint8_t fdm[200];
    TTSpec specs[] = {
        { 0 },                                          /* first boot */
        { .kernel_dump = fdm, .kernel_dump_len = 200 }, /* capture boot */
        { .no_fadump = TRUE },
        { .cpus = 2, .threads = 8, .max_cores = 4, .hpte_size = 1 << 24 },
    };

    tt_fdm(fdm, 0xde0);
    for (size_t i = 0; i < G_N_ELEMENTS(specs); i++) {
        size_t len;
        g_autofree void *blob = tt_blob(&specs[i], &len);

        one_input(st, blob, len, do_mutate);
        printf("# generated tree %zu: %zu bytes\n", i, len);
    }
    /* the structure alone, as ibm,kernel-dump bytes */
    one_input(st, fdm, sizeof(fdm), do_mutate);
}

int main(int argc, char **argv)
{
    gboolean gen = FALSE, do_mutate = FALSE, gen_mutate = FALSE;
    Stats st = { 0 };
    int files = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--generated")) {
            gen = TRUE;
        } else if (!strcmp(argv[i], "--mutate")) {
            gen_mutate = TRUE;
        }
    }
    if (gen) {
        generated(&st, gen_mutate);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mutate")) {
            do_mutate = TRUE;
        } else if (!strcmp(argv[i], "--plain")) {
            do_mutate = FALSE;
        } else if (strncmp(argv[i], "--", 2)) {
            if (!one_path(&st, argv[i], do_mutate)) {
                return 1;
            }
            files++;
        }
    }
    if (!gen && !files) {
        fprintf(stderr, "usage: %s [--generated] [--mutate|--plain]"
                " [FILE|DIR]...\n", argv[0]);
        return 2;
    }
    printf("%lu inputs, no crash\n", st.inputs);
    return 0;
}
