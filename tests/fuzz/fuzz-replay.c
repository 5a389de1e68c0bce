/*
 * Replay driver of the fuzz targets: runs LLVMFuzzerTestOneInput() on
 * corpus files and on generated malformed inputs, so that they run as
 * ordinary tests (meson suite 'fuzz') without libFuzzer.  A crash, or a
 * sanitizer report when built with them, fails the test.
 *
 * Usage: fuzz-replay [--stride N] [--generated] [--mutate|--plain]
 *                    [FILE|DIR]...
 *        fuzz-replay --write-seeds DIR
 *   --generated  also use the target's generated inputs (its
 *                fuzz_target_seeds(): e.g. the trees of
 *                tests/gen/fdt-test-trees.c, the guests of
 *                tests/gen/fadump-gen.c) as inputs
 *   --mutate     for the inputs that follow (and the generated ones), also
 *                run their truncations, byte changes and corrupted header
 *                fields; --plain: only the inputs themselves (default)
 *   --stride N   run one mutation in N (slow targets; the inputs
 *                themselves always run)
 *   --write-seeds  write the generated inputs to DIR (a libFuzzer corpus)
 * Environment: FUZZ_REPLAY_LAST=FILE writes each input to FILE before
 *   running it, so that FILE holds the input of a crash.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz-target.h"

#define REPLAY_MAX_INPUT           (16u * 1024 * 1024 + 1)
#define HEADER_FIELDS       10      /* 32-bit fields of a DTB header */
#define SAMPLED_BYTES       100     /* byte positions changed per input */
#define CUTS                128     /* truncations of a big input */

typedef struct Stats {
    unsigned long inputs;
    const char *last;
    unsigned int stride;        /* run one mutation in this many */
    unsigned long mutations;
} Stats;

static void run(Stats *st, const uint8_t *data, size_t size)
{
    /* a copy of exactly @size bytes: reads past it are caught by ASan */
    g_autofree uint8_t *copy = g_memdup2(data, size ? size : 1);

    /* FUZZ_REPLAY_LAST=FILE: each input goes there first (reproducers) */
    if (st->last && !g_file_set_contents(st->last, (const char *)data,
                                         size, NULL)) {
        fprintf(stderr, "fuzz-replay: cannot write %s\n", st->last);
        abort();
    }

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

/* A mutation: one in --stride of them is run */
static void run_mutation(Stats *st, const uint8_t *data, size_t size)
{
    if (st->mutations++ % st->stride == 0) {
        run(st, data, size);
    }
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
        run_mutation(st, seed, cut);
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
            run_mutation(st, buf, size);
        }
    }
    memcpy(buf, seed, size);
    for (size_t n = 0; n < MIN(size, (size_t)SAMPLED_BYTES); n++) {
        /* all of a small input, a fixed random sample of a big one */
        size_t at = size <= SAMPLED_BYTES ? n :
                    (size_t)g_rand_int_range(rand, 0, (gint32)size);

        for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
            buf[at] = values[v];
            run_mutation(st, buf, size);
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
            run_mutation(st, buf, size);
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

/* A target without generated inputs */
__attribute__((weak)) void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
}

typedef struct SeedRun {
    Stats *st;
    gboolean do_mutate;
} SeedRun;

static void run_seed(const char *name, const uint8_t *data, size_t size,
                     void *opaque)
{
    SeedRun *sr = opaque;

    one_input(sr->st, data, size, sr->do_mutate);
    printf("# generated %s: %zu bytes\n", name, size);
}

static void generated(Stats *st, gboolean do_mutate)
{
    SeedRun sr = { st, do_mutate };

    fuzz_target_seeds(run_seed, &sr);
}

typedef struct SeedWrite {
    const char *dir;
    unsigned int n;
    gboolean failed;
} SeedWrite;

static void write_seed(const char *name, const uint8_t *data, size_t size,
                       void *opaque)
{
    SeedWrite *sw = opaque;
    g_autofree char *base = g_strdup_printf("seed-%03u-%s", sw->n++, name);
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;

    g_strcanon(base, G_CSET_a_2_z G_CSET_A_2_Z G_CSET_DIGITS "-_.", '_');
    path = g_build_filename(sw->dir, base, NULL);
    if (!g_file_set_contents(path, (const char *)data, size, &err)) {
        fprintf(stderr, "fuzz-replay: %s\n", err->message);
        sw->failed = TRUE;
    }
}

int main(int argc, char **argv)
{
    gboolean gen = FALSE, do_mutate = FALSE, gen_mutate = FALSE;
    Stats st = { .last = g_getenv("FUZZ_REPLAY_LAST"), .stride = 1 };
    int files = 0;

    if (argc == 3 && !strcmp(argv[1], "--write-seeds")) {
        SeedWrite sw = { argv[2], 0, FALSE };

        if (g_mkdir_with_parents(argv[2], 0755) < 0) {
            perror(argv[2]);
            return 1;
        }
        fuzz_target_seeds(write_seed, &sw);
        printf("%u seeds written to %s\n", sw.n, argv[2]);
        return sw.failed;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stride") && i + 1 < argc) {
            int n = atoi(argv[++i]);    /* not in MAX(): evaluated twice */

            st.stride = MAX(1, n);
        } else if (!strcmp(argv[i], "--generated")) {
            gen = TRUE;
        } else if (!strcmp(argv[i], "--mutate")) {
            gen_mutate = TRUE;
        }
    }
    if (gen) {
        generated(&st, gen_mutate);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stride")) {
            i++;
        } else if (!strcmp(argv[i], "--mutate")) {
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
        fprintf(stderr, "usage: %s [--stride N] [--generated] "
                "[--mutate|--plain] [FILE|DIR]...\n"
                "       %s --write-seeds DIR\n", argv[0], argv[0]);
        return 2;
    }
    printf("%lu inputs, no crash\n", st.inputs);
    return 0;
}
