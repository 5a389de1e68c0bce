/*
 * Unit tests of progress reporting (lib/common/progress.c): the rate and
 * time-left arithmetic of one line, and the meter's redraws.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "common/progress.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static void check(const char *phase, uint64_t done, uint64_t total,
                  double secs, const char *want)
{
    g_autofree char *line = qf_progress_format(phase, done, total, secs);

    g_assert_cmpstr(line, ==, want);
}

static void test_format(void)
{
    /* 512 MiB in 2 s: 256 MiB/s; 512 MiB left: 2 s */
    check("writing", 512 * MiB, GiB, 2.0,
          "writing:  50%  256.0 MiB/s  ETA 0:02");
    /* 1 GiB of 4 in 10 s: 102.4 MiB/s; 3 GiB left: 30 s */
    check("dumping", GiB, 4 * GiB, 10.0,
          "dumping:  25%  102.4 MiB/s  ETA 0:30");
    /* 1 MiB/s with 10239 MiB left: 2 h 50 min 39 s; 0.0098% rounds down */
    check("scanning", MiB, 10 * GiB, 1.0,
          "scanning:   0%  1.0 MiB/s  ETA 2:50:39");
    /* 75 MiB/s, 250 MiB left: 3.33 s */
    check("validating", 750 * MiB, 1000 * MiB, 10.0,
          "validating:  75%  75.0 MiB/s  ETA 0:03");
    /* 10 MiB/s, 596 MiB left: 59.6 s rounds to a minute; 14.4% down */
    check("validating", 100 * MiB, 696 * MiB, 10.0,
          "validating:  14%  10.0 MiB/s  ETA 1:00");
    /* nothing yet: no rate, no ETA */
    check("dumping", 0, 4 * GiB, 0.0, "dumping:   0%  -- MiB/s  ETA --");
    check("dumping", 0, 4 * GiB, 5.0, "dumping:   0%  -- MiB/s  ETA --");
    /* total unknown (query-dump before QEMU counted) */
    check("dumping", 5 * MiB, 0, 1.0, "dumping:   ?%  5.0 MiB/s  ETA --");
    /* done, or past the total: 100%, nothing left */
    check("writing", GiB, GiB, 4.0, "writing: 100%  256.0 MiB/s  ETA 0:00");
    check("writing", 2 * GiB, GiB, 4.0,
          "writing: 100%  512.0 MiB/s  ETA 0:00");
    /* more than 99 hours left is not worth a number */
    check("dumping", 1, 1ull << 50, 1.0,
          "dumping:   0%  0.0 MiB/s  ETA --");
}

static void test_meter(void)
{
    g_autofree char *trimmed = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    QfProgressMeter m;

    qf_progress_start(&m, "writing", out);
    qf_progress_update(GiB / 4, GiB, &m);      /* drawn: the first */
    qf_progress_update(GiB / 2, GiB, &m);      /* too soon: skipped */
    qf_progress_update(GiB, GiB, &m);          /* the last: drawn */
    qf_progress_end(&m);
    fclose(out);
    /* two redraws, each from the line's start, then a newline */
    g_assert_true(g_str_has_prefix(buf, "\rwriting:  25%  "));
    g_assert_nonnull(strstr(buf, "\rwriting: 100%  "));
    g_assert_null(strstr(buf, " 50%"));
    /*
     * the last line ends the output, padded with blanks over a longer
     * first one (a first rate from microseconds can be a long number)
     */
    g_assert_true(g_str_has_suffix(buf, "\n"));
    trimmed = g_strchomp(g_strdup(buf));
    g_assert_true(g_str_has_suffix(trimmed, "ETA 0:00"));
    g_assert_cmpuint(strlen(buf), ==, len);
    free(buf);

    /* no stream: silent, and end() prints nothing either */
    qf_progress_start(&m, "scanning", NULL);
    qf_progress_update(1, 2, &m);
    qf_progress_update(2, 2, &m);
    qf_progress_end(&m);
    g_assert_false(m.drawn);
}

static void test_meter_pads(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    QfProgressMeter m;
    g_autofree char *first = NULL;

    /* a long line, then a shorter one: padded over the old one */
    qf_progress_start(&m, "dumping", out);
    m.start_us -= G_USEC_PER_SEC;      /* a second ago */
    qf_progress_update(100 * GiB, 200 * GiB, &m);  /* ~102400 MiB/s */
    fflush(out);
    first = g_strndup(buf, len);
    qf_progress_update(MiB, MiB, &m);              /* ~1 MiB/s */
    qf_progress_end(&m);
    fclose(out);
    g_assert_true(g_str_has_prefix(first, "\rdumping:  50%  102"));
    /* "\r", the shorter line, spaces to the old width, "\n" */
    g_assert_true(g_str_has_prefix(buf + strlen(first),
                                   "\rdumping: 100%  1.0 MiB/s  ETA 0:00 "));
    g_assert_cmpuint(len - strlen(first) - 1, ==, strlen(first));
    g_assert_cmpint(buf[len - 1], ==, '\n');
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/progress/format", test_format);
    g_test_add_func("/progress/meter", test_meter);
    g_test_add_func("/progress/meter-pads", test_meter_pads);
    return g_test_run();
}
