/*
 * Unit tests of the dump memory structure decoder (lib/papr/fdm.c), on
 * structures built here the way each Linux version registers them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "common/error.h"
#include "papr/fdm.h"

/* Write a big-endian integer of @size bytes at @p */
static void put_be(uint8_t *p, uint64_t v, int size)
{
    for (int i = size - 1; i >= 0; i--, v >>= 8) {
        p[i] = v & 0xff;
    }
}

static void put_section(uint8_t *s, uint16_t type, uint64_t src, uint64_t len,
                        uint64_t dumped, uint64_t dest, uint16_t err)
{
    put_be(s, PAPR_REQUEST_FLAG, 4);
    put_be(s + 4, type, 2);
    put_be(s + 6, err, 2);
    put_be(s + 8, src, 8);
    put_be(s + 16, len, 8);
    put_be(s + 24, dumped, 8);
    put_be(s + 32, dest, 8);
}

/* What Linux 6.12 registers on a 4 GiB guest with crashkernel=1G */
static size_t build_612(uint8_t *buf, uint16_t status)
{
    memset(buf, 0, 440);
    put_be(buf, 1, 4);
    put_be(buf + 4, 4, 2);
    put_be(buf + 6, status, 2);
    put_be(buf + 8, 40, 4);
    put_section(buf + 40, PAPR_TYPE_CPU_STATE, 0, 0xde0, 0xde0,
                0x40000000, 0);
    put_section(buf + 80, PAPR_TYPE_HPTE, 0, 0, 0, 0x40000de0, 0);
    put_section(buf + 120, PAPR_TYPE_REAL_MODE, 0, 0x40000000, 0x40000000,
                0x40010000, 0);
    put_section(buf + 160, PAPR_TYPE_OS_DEFINED, 0xfffff800, 0x800, 0x800,
                0xfffff800, 0);
    return 200;
}

static void test_decode_612(void)
{
    uint8_t buf[440];
    size_t len = build_612(buf, PAPR_STATUS_PERFORMED |
                           PAPR_STATUS_TRIGGERED);
    g_autoptr(GError) err = NULL;
    PaprFdm fdm;

    g_assert_true(papr_fdm_decode(buf, len, &fdm, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(fdm.version, ==, 1);
    g_assert_cmpuint(fdm.num_sections, ==, 4);
    g_assert_cmphex(fdm.status_flags, ==, 0xc000);
    g_assert_cmpuint(papr_fdm_size(&fdm), ==, 200);
    g_assert_cmphex(fdm.sections[0].destination, ==, 0x40000000);
    g_assert_cmphex(fdm.sections[2].source, ==, 0);
    g_assert_cmphex(fdm.sections[2].length, ==, 0x40000000);
    g_assert_cmphex(fdm.sections[2].bytes_dumped, ==, 0x40000000);
    g_assert_cmphex(fdm.sections[3].source, ==, 0xfffff800);
    g_assert_cmpint(papr_fdm_find(&fdm, PAPR_TYPE_REAL_MODE, 0), ==, 2);
    g_assert_cmpint(papr_fdm_find(&fdm, PAPR_TYPE_REAL_MODE, 1), ==, -1);
    g_assert_cmpint(papr_fdm_find(&fdm, PAPR_TYPE_HPTE, 0), ==, 1);
    /* the full 440-byte buffer decodes the same */
    g_assert_true(papr_fdm_decode(buf, sizeof(buf), &fdm, NULL));
    g_assert_cmpuint(fdm.num_sections, ==, 4);
}

static void test_decode_61(void)
{
    uint8_t buf[160] = { 0 };
    PaprFdm fdm;

    /* 6.1: exactly three sections in 160 bytes */
    put_be(buf, 1, 4);
    put_be(buf + 4, 3, 2);
    put_be(buf + 8, 40, 4);
    put_section(buf + 40, PAPR_TYPE_CPU_STATE, 0, 0x13e0, 0, 0x40000000, 0);
    put_section(buf + 80, PAPR_TYPE_HPTE, 0, 0, 0, 0x400013e0, 0);
    put_section(buf + 120, PAPR_TYPE_REAL_MODE, 0, 0x40000000, 0,
                0x40010000, 0);
    g_assert_true(papr_fdm_decode(buf, sizeof(buf), &fdm, NULL));
    g_assert_cmpuint(fdm.num_sections, ==, 3);
    g_assert_cmphex(fdm.sections[1].destination, ==, 0x400013e0);
}

static void test_offset(void)
{
    uint8_t buf[440];
    PaprFdm fdm;

    /* sections where the header says, not at a fixed 40 */
    build_612(buf, 0);
    memmove(buf + 48, buf + 40, 160);
    put_be(buf + 8, 48, 4);
    g_assert_true(papr_fdm_decode(buf, 208, &fdm, NULL));
    g_assert_cmphex(fdm.sections[0].destination, ==, 0x40000000);
    g_assert_cmpuint(papr_fdm_size(&fdm), ==, 208);
}

static void expect_error(const uint8_t *buf, size_t len, int code)
{
    g_autoptr(GError) err = NULL;
    PaprFdm fdm;

    memset(&fdm, 0xa5, sizeof(fdm));
    g_assert_false(papr_fdm_decode(buf, len, &fdm, &err));
    g_assert_error(err, QF_ERROR, code);
    g_assert_nonnull(err->message);
    /* untouched on failure */
    g_assert_cmphex(fdm.version, ==, 0xa5a5a5a5);
}

static void test_rejects(void)
{
    uint8_t buf[440];
    size_t len = build_612(buf, 0);

    for (size_t cut = 0; cut < len; cut++) {
        expect_error(buf, cut, QF_ERROR_TRUNCATED);
    }
    put_be(buf, 2, 4);
    expect_error(buf, len, QF_ERROR_UNSUPPORTED);
    build_612(buf, 0);
    put_be(buf + 4, 0, 2);
    expect_error(buf, len, QF_ERROR_CORRUPT);
    put_be(buf + 4, 11, 2);
    expect_error(buf, sizeof(buf), QF_ERROR_CORRUPT);
    put_be(buf + 4, 10, 2);
    put_be(buf + 8, 41, 4);
    expect_error(buf, sizeof(buf), QF_ERROR_TRUNCATED);
    put_be(buf + 8, 8, 4);
    expect_error(buf, sizeof(buf), QF_ERROR_CORRUPT);
    /* an offset that would wrap a 32-bit sum */
    put_be(buf + 8, 0xfffffff0, 4);
    expect_error(buf, sizeof(buf), QF_ERROR_TRUNCATED);
}

static void test_names(void)
{
    g_autofree char *none = papr_section_error_flags_str(0);
    g_autofree char *two = papr_section_error_flags_str(0x8800);
    g_autofree char *odd = papr_section_error_flags_str(0x4001);
    g_autofree char *status = papr_status_flags_str(0xe000);

    g_assert_cmpstr(papr_section_type_name(1), ==, "cpu-state");
    g_assert_cmpstr(papr_section_type_name(2), ==, "hpte");
    g_assert_cmpstr(papr_section_type_name(0x11), ==, "real-mode");
    g_assert_cmpstr(papr_section_type_name(0x100), ==, "param-area");
    g_assert_cmpstr(papr_section_type_name(0x101), ==, "os-defined");
    g_assert_cmpstr(papr_section_type_name(3), ==, "unknown");
    g_assert_cmpstr(none, ==, "none");
    g_assert_cmpstr(two, ==, "invalid-data-type,destination-too-small");
    g_assert_cmpstr(odd, ==, "invalid-source,0x0001");
    g_assert_cmpstr(status, ==, "dump-performed,dump-triggered,dump-error");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdm/decode-6.12", test_decode_612);
    g_test_add_func("/fdm/decode-6.1", test_decode_61);
    g_test_add_func("/fdm/first-section-offset", test_offset);
    g_test_add_func("/fdm/rejects", test_rejects);
    g_test_add_func("/fdm/flag-names", test_names);
    return g_test_run();
}
