/*
 * Tests of lib/common/byteorder.h: reading and writing integers of a
 * stated byte order, qf_is_zero() and qf_span_ok().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "common/byteorder.h"

/* The byte layouts, written out: big endian is most significant first */
static void test_put_layout(void)
{
    static const uint8_t be64[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint8_t le64[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    static const uint8_t be32[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
    static const uint8_t le32[4] = { 0xd4, 0xc3, 0xb2, 0xa1 };
    static const uint8_t be16[2] = { 0xbe, 0xef };
    static const uint8_t le16[2] = { 0xef, 0xbe };
    uint8_t b[8];

    qf_put64(b, 0x0102030405060708ULL, true);
    g_assert_cmpmem(b, 8, be64, 8);
    qf_put64(b, 0x0102030405060708ULL, false);
    g_assert_cmpmem(b, 8, le64, 8);
    qf_put32(b, 0xa1b2c3d4, true);
    g_assert_cmpmem(b, 4, be32, 4);
    qf_put32(b, 0xa1b2c3d4, false);
    g_assert_cmpmem(b, 4, le32, 4);
    qf_put16(b, 0xbeef, true);
    g_assert_cmpmem(b, 2, be16, 2);
    qf_put16(b, 0xbeef, false);
    g_assert_cmpmem(b, 2, le16, 2);

    g_assert_cmphex(qf_be64(be64), ==, 0x0102030405060708ULL);
    g_assert_cmphex(qf_le64(le64), ==, 0x0102030405060708ULL);
    g_assert_cmphex(qf_be32(be32), ==, 0xa1b2c3d4);
    g_assert_cmphex(qf_le32(le32), ==, 0xa1b2c3d4);
    g_assert_cmphex(qf_be16(be16), ==, 0xbeef);
    g_assert_cmphex(qf_le16(le16), ==, 0xbeef);
}

/* Unaligned addresses and both orders round-trip, neighbours untouched */
static void test_round_trip(void)
{
    uint8_t buf[24];

    for (unsigned int off = 0; off < 8; off++) {
        for (int be = 0; be < 2; be++) {
            uint64_t v = 0x8877665544332211ULL ^ ((uint64_t)off << 56);

            memset(buf, 0x5a, sizeof(buf));
            qf_put64(buf + off, v, be);
            qf_put32(buf + off + 8, (uint32_t)v, be);
            qf_put16(buf + off + 12, (uint16_t)v, be);
            g_assert_cmphex(qf_get64(buf + off, be), ==, v);
            g_assert_cmphex(qf_get32(buf + off + 8, be), ==, (uint32_t)v);
            g_assert_cmphex(qf_get16(buf + off + 12, be), ==, (uint16_t)v);
            for (unsigned int i = 0; i < off; i++) {
                g_assert_cmphex(buf[i], ==, 0x5a);
            }
            for (unsigned int i = off + 14; i < sizeof(buf); i++) {
                g_assert_cmphex(buf[i], ==, 0x5a);
            }
        }
    }
}

static void test_is_zero(void)
{
    uint8_t page[4096] = { 0 };

    g_assert_true(qf_is_zero(page, 0));
    g_assert_true(qf_is_zero(page, 1));
    g_assert_true(qf_is_zero(page, sizeof(page)));
    page[sizeof(page) - 1] = 1;
    g_assert_false(qf_is_zero(page, sizeof(page)));
    g_assert_true(qf_is_zero(page, sizeof(page) - 1));
    page[0] = 0x80;
    g_assert_false(qf_is_zero(page, 1));
    g_assert_true(qf_is_zero(page + 1, 10));
}

static void test_span_ok(void)
{
    g_assert_true(qf_span_ok(16, 0, 16));
    g_assert_true(qf_span_ok(16, 16, 0));
    g_assert_false(qf_span_ok(16, 17, 0));
    g_assert_false(qf_span_ok(16, 8, 9));
    /* off + len would wrap: still refused */
    g_assert_false(qf_span_ok(16, 8, UINT64_MAX));
    g_assert_false(qf_span_ok(UINT64_MAX, UINT64_MAX, 1));
    g_assert_true(qf_span_ok(UINT64_MAX, UINT64_MAX - 1, 1));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/common-byteorder/put-layout", test_put_layout);
    g_test_add_func("/common-byteorder/round-trip", test_round_trip);
    g_test_add_func("/common-byteorder/is-zero", test_is_zero);
    g_test_add_func("/common-byteorder/span-ok", test_span_ok);
    return g_test_run();
}
