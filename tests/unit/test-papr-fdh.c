/*
 * Unit tests of the crash-info header decoder (lib/papr/fdh.c):
 * both layouts, both byte orders, and every refusal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "common/error.h"
#include "papr/fdh.h"

#define F 0x80010000ULL

static void put(uint8_t *p, uint64_t v, int size, gboolean be)
{
    for (int i = 0; i < size; i++) {
        p[be ? size - 1 - i : i] = v >> (8 * i);
    }
}

/* A FADMPSIG header as Linux 6.12 writes it, NR_CPUS = @nr_cpus */
static size_t build_sig(uint8_t *buf, gboolean be, unsigned int nr_cpus,
                        uint64_t online)
{
    size_t mask = (nr_cpus + 63) / 64 * 8;

    memset(buf, 0, PAPR_FDH_MAX_SIZE);
    put(buf, PAPR_FDH_MAGIC_SIG, 8, be);
    put(buf + 8, 1, 4, be);
    put(buf + 12, 2, 4, be);
    put(buf + 16, 0x43110000, 8, be);
    put(buf + 24, 0x10024, 8, be);
    put(buf + 32, 384, 4, be);
    put(buf + 36, mask, 4, be);
    for (int w = 0; w < 48; w++) {
        put(buf + 40 + 8 * w, 0xc000000000000000ULL + w, 8, be);
    }
    put(buf + 424, online, 8, be);
    return 424 + mask;
}

static void test_sig(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    uint8_t buf[PAPR_FDH_MAX_SIZE];
    size_t len = build_sig(buf, be, 32, 0x5);
    g_autoptr(GError) err = NULL;
    PaprFdh fdh;

    g_assert_cmpuint(len, ==, 432);
    g_assert_true(papr_fdh_decode(buf, len, F, &fdh, &err));
    g_assert_no_error(err);
    g_assert_cmpint(fdh.layout, ==, PAPR_FDH_LAYOUT_SIG);
    g_assert_cmpint(fdh.big_endian, ==, be);
    g_assert_cmpuint(fdh.size, ==, 432);
    g_assert_cmpuint(fdh.version, ==, 1);
    g_assert_cmpuint(fdh.crashing_cpu, ==, 2);
    g_assert_cmphex(fdh.vmcoreinfo_raddr, ==, 0x43110000);
    g_assert_cmphex(fdh.vmcoreinfo_size, ==, 0x10024);
    g_assert_cmpuint(fdh.cpu_mask_sz, ==, 8);
    g_assert_cmphex(papr_fdh_reg(&fdh, 32), ==, 0xc000000000000020ULL);
    /* the registers are kept as stored */
    g_assert_cmpmem(fdh.regs, 384, buf + 40, 384);
    g_assert_true(papr_fdh_cpu_online(&fdh, 0));
    g_assert_false(papr_fdh_cpu_online(&fdh, 1));
    g_assert_true(papr_fdh_cpu_online(&fdh, 2));
    g_assert_false(papr_fdh_cpu_online(&fdh, 64));
    g_assert_cmpuint(papr_fdh_cpus_online(&fdh), ==, 2);
    g_assert_cmpstr(papr_fdh_magic_name(&fdh), ==, "FADMPSIG");
}

/* NR_CPUS = 2048: a 256-byte mask; CPU 100 is in word 1 */
static void test_sig_large_mask(void)
{
    uint8_t buf[PAPR_FDH_MAX_SIZE];
    size_t len = build_sig(buf, TRUE, 2048, 1);
    PaprFdh fdh;

    put(buf + 424 + 8, 1ULL << 36, 8, TRUE);
    g_assert_cmpuint(len, ==, 680);
    g_assert_true(papr_fdh_decode(buf, len, F, &fdh, NULL));
    g_assert_cmpuint(fdh.size, ==, 0x2a8);
    g_assert_true(papr_fdh_cpu_online(&fdh, 100));
    g_assert_false(papr_fdh_cpu_online(&fdh, 99));
    g_assert_cmpuint(papr_fdh_cpus_online(&fdh), ==, 2);
}

static void test_inf(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    uint8_t buf[PAPR_FDH_MAX_SIZE] = { 0 };
    g_autoptr(GError) err = NULL;
    PaprFdh fdh;

    put(buf, PAPR_FDH_MAGIC_INF, 8, be);
    put(buf + 8, F + 664, 8, be);       /* NR_CPUS 2048: 408 + 256 */
    put(buf + 16, 3, 4, be);
    put(buf + 24 + 32 * 8, 0xc0000000000385f0ULL, 8, be);
    put(buf + 408, 0xf, 8, be);
    g_assert_true(papr_fdh_decode(buf, 664, F, &fdh, &err));
    g_assert_no_error(err);
    g_assert_cmpint(fdh.layout, ==, PAPR_FDH_LAYOUT_INF);
    g_assert_cmpint(fdh.big_endian, ==, be);
    g_assert_cmpuint(fdh.size, ==, 664);
    g_assert_cmpuint(fdh.cpu_mask_sz, ==, 256);
    g_assert_cmphex(fdh.elfcorehdr_addr, ==, F + 664);
    g_assert_cmpuint(fdh.crashing_cpu, ==, 3);
    g_assert_cmphex(papr_fdh_reg(&fdh, 32), ==, 0xc0000000000385f0ULL);
    g_assert_cmpuint(papr_fdh_cpus_online(&fdh), ==, 4);
    g_assert_cmpstr(papr_fdh_magic_name(&fdh), ==, "FADMPINF");
    /* the mask size comes from the ELF header's address */
    g_assert_false(papr_fdh_decode(buf, 663, F, &fdh, &err) || !err);
    g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    g_clear_error(&err);
    put(buf + 8, F + 400, 8, be);
    g_assert_false(papr_fdh_decode(buf, 664, F, &fdh, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
}

static void expect_error(const uint8_t *buf, size_t len, int code,
                         const char *needle)
{
    g_autoptr(GError) err = NULL;
    PaprFdh fdh;

    memset(&fdh, 0x5a, sizeof(fdh));
    g_assert_false(papr_fdh_decode(buf, len, F, &fdh, &err));
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message,
                                   "crash-info header at 0x80010000: "));
    if (!strstr(err->message, needle)) {
        g_error("\"%s\" not in \"%s\"", needle, err->message);
    }
    /* untouched on failure */
    g_assert_cmpuint(fdh.crashing_cpu, ==, 0x5a5a5a5a);
}

static void test_errors(void)
{
    uint8_t buf[PAPR_FDH_MAX_SIZE];
    size_t len = build_sig(buf, FALSE, 32, 1);

    expect_error(buf, 4, QF_ERROR_TRUNCATED, "the magic alone");
    expect_error(buf, 30, QF_ERROR_TRUNCATED, "FADMPSIG fields");
    expect_error(buf, len - 1, QF_ERROR_TRUNCATED, "takes 432");

    memcpy(buf, "FADMPXYZ", 8);
    expect_error(buf, len, QF_ERROR_UNSUPPORTED, "unknown magic");
    memset(buf, 0, 8);
    expect_error(buf, len, QF_ERROR_NOT_FOUND, "blank");

    build_sig(buf, FALSE, 32, 1);
    put(buf + 8, 2, 4, FALSE);
    expect_error(buf, len, QF_ERROR_UNSUPPORTED, "version 2");
    build_sig(buf, FALSE, 32, 1);
    put(buf + 32, 392, 4, FALSE);
    expect_error(buf, len, QF_ERROR_UNSUPPORTED, "pt_regs of 392");
    build_sig(buf, FALSE, 32, 1);
    put(buf + 36, 0, 4, FALSE);
    expect_error(buf, len, QF_ERROR_CORRUPT, "cpu mask of 0 bytes");
    put(buf + 36, 2048, 4, FALSE);
    expect_error(buf, sizeof(buf), QF_ERROR_CORRUPT, "2048 bytes");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/fdh/sig/little-endian", GINT_TO_POINTER(FALSE),
                         test_sig);
    g_test_add_data_func("/fdh/sig/big-endian", GINT_TO_POINTER(TRUE),
                         test_sig);
    g_test_add_func("/fdh/sig/nr-cpus-2048", test_sig_large_mask);
    g_test_add_data_func("/fdh/inf/little-endian", GINT_TO_POINTER(FALSE),
                         test_inf);
    g_test_add_data_func("/fdh/inf/big-endian", GINT_TO_POINTER(TRUE),
                         test_inf);
    g_test_add_func("/fdh/errors", test_errors);
    return g_test_run();
}
