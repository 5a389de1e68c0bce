/*
 * Unit tests of the fadump contract checks (lib/fdt/check.c): trees
 * that keep the contract pass, and each way of breaking it gives exactly
 * the problem expected.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "papr/fdm.h"
#include "fdt/check.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "fdt-test-trees.h"

#define CPU4    0xde0   /* dt_cpu_state_size(4) */

static DtCheckReport *check_spec(const TTSpec *spec)
{
    g_autoptr(DtBlob) fdt = tt_tree(spec);
    g_autoptr(GArray) index = dt_index(fdt, NULL);

    g_assert_nonnull(index);
    return dt_check(fdt, index);
}

static void dump_problems(const DtCheckReport *r)
{
    for (guint i = 0; i < r->problems->len; i++) {
        const DtProblem *p = g_ptr_array_index(r->problems, i);

        g_printerr("  problem: %s: %s: %s\n", p->path,
                   p->property ? p->property : "-", p->message);
    }
}

static void expect_clean(const TTSpec *spec)
{
    g_autoptr(DtCheckReport) r = check_spec(spec);

    if (r->problems->len) {
        dump_problems(r);
    }
    g_assert_cmpuint(r->problems->len, ==, 0);
}

/* Exactly one problem, on @property, whose message has @needle */
static void expect_one(const TTSpec *spec, const char *property,
                       const char *needle)
{
    g_autoptr(DtCheckReport) r = check_spec(spec);
    const DtProblem *p;

    if (r->problems->len != 1) {
        dump_problems(r);
        g_error("expected 1 problem with '%s', got %u", needle,
                r->problems->len);
    }
    p = g_ptr_array_index(r->problems, 0);
    g_assert_cmpstr(p->property, ==, property);
    if (!strstr(p->message, needle)) {
        g_error("problem '%s' lacks '%s'", p->message, needle);
    }
}

/* Some problem whose message has @needle (among others) */
static void expect_some(const TTSpec *spec, const char *needle,
                        guint count)
{
    g_autoptr(DtCheckReport) r = check_spec(spec);
    gboolean found = FALSE;

    for (guint i = 0; i < r->problems->len; i++) {
        const DtProblem *p = g_ptr_array_index(r->problems, i);

        found |= strstr(p->message, needle) != NULL;
    }
    if (!found || r->problems->len != count) {
        dump_problems(r);
        g_error("expected %u problems, one with '%s'", count, needle);
    }
}

static void test_cpu_state_size(void)
{
    g_assert_cmphex(dt_cpu_state_size(1), ==, 0x390);
    g_assert_cmphex(dt_cpu_state_size(4), ==, CPU4);
    g_assert_cmphex(dt_cpu_state_size(2048), ==,
                    (20 + 2048 * 880 + 15) & ~15);
    g_assert_cmphex(dt_cpu_state_size(G_MAXUINT64), ==, G_MAXUINT64);
}

static void test_first_boot(void)
{
    TTSpec spec = { 0 };
    g_autoptr(DtCheckReport) r = check_spec(&spec);

    g_assert_cmpuint(r->problems->len, ==, 0);
    g_assert_true(r->offered);
    g_assert_false(r->dump_active);
    g_assert_true(r->cpus_known);
    g_assert_cmpuint(r->cpus.present, ==, 4);
    g_assert_true(r->cpus.max_known);
    g_assert_cmpuint(r->cpus.max, ==, 4);
    g_assert_true(r->memory_known);
    g_assert_cmphex(r->memory_total, ==, 4ull << 30);
}

static void test_capture_boot(void)
{
    uint8_t fdm[200];
    TTSpec spec = { .kernel_dump = fdm };
    g_autoptr(DtCheckReport) r = NULL;

    spec.kernel_dump_len = tt_fdm(fdm, CPU4);
    r = check_spec(&spec);
    g_assert_cmpuint(r->problems->len, ==, 0);
    g_assert_true(r->offered);
    g_assert_true(r->dump_active);
}

static void test_no_fadump(void)
{
    TTSpec spec = { .no_fadump = TRUE };
    g_autoptr(DtCheckReport) r = check_spec(&spec);

    g_assert_cmpuint(r->problems->len, ==, 0);
    g_assert_false(r->offered);
    g_assert_false(r->dump_active);
}

static void test_sizes_fit(void)
{
    /* SMT: 2 nodes of 4 threads, room for 4 cores: 16 CPUs at most */
    TTSpec spec = { .cpus = 2, .threads = 4 };
    g_autoptr(DtCheckReport) r = check_spec(&spec);

    g_assert_cmpuint(r->problems->len, ==, 0);
    g_assert_cmpuint(r->cpus.present, ==, 8);
    g_assert_cmpuint(r->cpus.threads_per_core, ==, 4);
    g_assert_cmpuint(r->cpus.max, ==, 8);

    /* -smp 2,maxcpus=8: sized for 8, fits the 2 present */
    spec = (TTSpec){ .cpus = 2, .max_cores = 8 };
    expect_clean(&spec);
    /* anything that holds the present CPUs is accepted */
    spec.cpu_size = dt_cpu_state_size(2);
    expect_clean(&spec);
    spec.cpu_size = dt_cpu_state_size(2) - 16;
    expect_one(&spec, DT_PROP_SIZES, "too small for the 2 CPUs present");
    spec.cpu_size = 1ull << 40;
    expect_one(&spec, DT_PROP_SIZES, "exceeds the machine's memory");
}

static void test_presence(void)
{
    static const TTProp no_sizes[] = {
        { "/rtas", DT_PROP_SIZES, NULL, -1 },
    };
    static const TTProp no_version[] = {
        { "/rtas", DT_PROP_VERSION, NULL, -1 },
    };
    static const TTProp no_token[] = {
        { "/rtas", DT_PROP_TOKEN, NULL, -1 },
    };
    static const TTProp no_ext[] = {
        { "/rtas", DT_PROP_EXT_OS_TERM, NULL, -1 },
    };
    static const TTProp no_os_term[] = {
        { "/rtas", DT_PROP_OS_TERM, NULL, -1 },
    };
    uint8_t fdm[200];
    TTSpec spec = { .props = no_sizes, .n_props = 1 };

    expect_one(&spec, DT_PROP_SIZES, "missing, while"
               " ibm,configure-kernel-dump, ibm,configure-kernel-dump-version"
               " are there");
    spec.props = no_version;
    expect_one(&spec, DT_PROP_VERSION, "missing");
    spec.props = no_token;
    expect_one(&spec, DT_PROP_TOKEN, "missing");
    spec.props = no_ext;
    expect_one(&spec, DT_PROP_EXT_OS_TERM, "never triggered");
    spec.props = no_os_term;
    expect_one(&spec, DT_PROP_OS_TERM, "no call to trigger");

    /* a dump presented by a platform that does not offer fadump */
    spec = (TTSpec){ .no_fadump = TRUE, .kernel_dump = fdm };
    spec.kernel_dump_len = tt_fdm(fdm, CPU4);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "does not advertise fadump");
}

static void test_placement(void)
{
    static const uint8_t token[] = { 0, 0, 0x20, 0x24 };
    static const TTProp misplaced[] = {
        { "/chosen", DT_PROP_TOKEN, token, 4 },
    };
    TTSpec spec = { .props = misplaced, .n_props = 1 };
    g_autoptr(DtCheckReport) r = check_spec(&spec);
    const DtProblem *p;

    g_assert_cmpuint(r->problems->len, ==, 1);
    p = g_ptr_array_index(r->problems, 0);
    g_assert_cmpstr(p->path, ==, "/chosen");
    g_assert_nonnull(strstr(p->message, "belongs in /rtas"));
}

static void test_tokens(void)
{
    static const uint8_t short_token[] = { 0x20, 0x24 };
    static const uint8_t zero[] = { 0, 0, 0, 0 };
    static const uint8_t unknown[] = { 0xff, 0xff, 0xff, 0xff };
    static const uint8_t swapped[] = { 0x24, 0x20, 0, 0 };
    static const uint8_t dup[] = { 0, 0, 0x20, 0x13 };   /* = os-term's */
    TTProp p = { "/rtas", DT_PROP_TOKEN, short_token, 2 };
    TTSpec spec = { .props = &p, .n_props = 1 };

    expect_one(&spec, DT_PROP_TOKEN, "one 32-bit cell");
    p.value = zero;
    p.len = 4;
    expect_one(&spec, DT_PROP_TOKEN, "no such call");
    p.value = unknown;
    expect_one(&spec, DT_PROP_TOKEN, "no such call");
    p.value = swapped;
    expect_one(&spec, DT_PROP_TOKEN, "looks byte-swapped (0x2024");
    p.value = dup;
    expect_one(&spec, DT_PROP_TOKEN, "also the token of ibm,os-term");
}

static void sizes_prop(uint8_t *b, uint32_t t1, uint64_t s1, uint32_t t2,
                       uint64_t s2)
{
    tt_put_be(b, t1, 4);
    tt_put_be(b + 4, s1 >> 32, 4);
    tt_put_be(b + 8, s1 & 0xffffffff, 4);
    tt_put_be(b + 12, t2, 4);
    tt_put_be(b + 16, s2 >> 32, 4);
    tt_put_be(b + 20, s2 & 0xffffffff, 4);
}

static void test_sizes(void)
{
    uint8_t b[24];
    TTProp p = { "/rtas", DT_PROP_SIZES, b, 24 };
    TTSpec spec = { .props = &p, .n_props = 1 };

    p.len = 20;
    sizes_prop(b, 1, CPU4, 2, 0);
    expect_one(&spec, DT_PROP_SIZES, "not a non-empty list");
    p.len = 0;
    expect_one(&spec, DT_PROP_SIZES, "not a non-empty list");
    p.len = 24;

    sizes_prop(b, 2, 0, 2, 0);
    expect_some(&spec, "no CPU state size", 2);
    sizes_prop(b, 1, CPU4, 1, CPU4);
    expect_one(&spec, DT_PROP_SIZES, "CPU state size given twice");
    sizes_prop(b, 1, 0, 2, 0);
    expect_one(&spec, DT_PROP_SIZES, "CPU state size 0");

    /* written little-endian, or with the halves swapped */
    sizes_prop(b, 0x01000000, CPU4, 2, 0);
    expect_some(&spec, "type 0x01000000 looks byte-swapped (cpu-state", 2);
    sizes_prop(b, 1, GUINT32_SWAP_LE_BE(CPU4), 2, 0);
    expect_one(&spec, DT_PROP_SIZES, "looks byte-swapped (0xde0");
    sizes_prop(b, 1, (uint64_t)CPU4 << 32, 2, 0);
    expect_one(&spec, DT_PROP_SIZES, "size_hi and size_lo look swapped");

    /* HPTE: 0 (radix) or a hash page table */
    sizes_prop(b, 1, CPU4, 2, 1ull << 24);
    expect_clean(&spec);
    sizes_prop(b, 1, CPU4, 2, 3ull << 24);
    expect_one(&spec, DT_PROP_SIZES, "HPTE size 0x3000000 is not 0 or a"
               " power of 2");
    sizes_prop(b, 1, CPU4, 2, 4096);
    expect_one(&spec, DT_PROP_SIZES, "power of 2 of at least");
    sizes_prop(b, 1, CPU4, 2, 1ull << 34);
    expect_one(&spec, DT_PROP_SIZES, "HPTE size 0x400000000 exceeds");

    /* other types are Linux's to ignore */
    sizes_prop(b, 1, CPU4, 7, 1234);
    expect_clean(&spec);
}

static void test_version(void)
{
    uint8_t b[4];
    TTProp p = { "/rtas", DT_PROP_VERSION, b, 4 };
    TTSpec spec = { .props = &p, .n_props = 1 };

    p.len = 2;
    expect_one(&spec, DT_PROP_VERSION, "not two 16-bit versions");
    p.len = 4;
    tt_put_be(b, 0x0100, 2);
    tt_put_be(b + 2, 0x0100, 2);
    expect_one(&spec, DT_PROP_VERSION, "look byte-swapped (1..1");
    tt_put_be(b, 2, 2);
    tt_put_be(b + 2, 1, 2);
    expect_one(&spec, DT_PROP_VERSION, "above the highest");
    tt_put_be(b, 2, 2);
    tt_put_be(b + 2, 3, 2);
    expect_one(&spec, DT_PROP_VERSION, "leave out format version 1");
    tt_put_be(b, 1, 2);
    tt_put_be(b + 2, 3, 2);
    expect_clean(&spec);
}

/* A capture-boot spec around @fdm (200 bytes from tt_fdm()) */
static TTSpec capture(uint8_t *fdm)
{
    TTSpec spec = { .kernel_dump = fdm, .kernel_dump_len = 200 };

    tt_fdm(fdm, CPU4);
    return spec;
}

static void set_sec(uint8_t *fdm, int i, int field, uint64_t v)
{
    tt_put_be(fdm + TT_SEC(i) + field, v,
              field == TT_SEC_TYPE || field == TT_SEC_ERROR ? 2 :
              field == TT_SEC_REQUEST ? 4 : 8);
}

static void test_kernel_dump_decode(void)
{
    uint8_t fdm[200];
    TTSpec spec = capture(fdm);

    spec.kernel_dump_len = 100;
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "4 sections at offset 40 need"
               " 200 bytes, 100 available");
    spec = capture(fdm);
    tt_put_be(fdm, 2, 4);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "format version 2");
}

static void test_kernel_dump_status(void)
{
    uint8_t fdm[200];
    TTSpec spec = capture(fdm);

    tt_put_be(fdm + 6, PAPR_STATUS_TRIGGERED, 2);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "lack dump-performed");
    tt_put_be(fdm + 6, 0xc001, 2);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "unknown bits 0x0001");
    tt_put_be(fdm + 6, 0xe000, 2);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "dump-error but no section");

    /* a section error: the status must say so too */
    spec = capture(fdm);
    set_sec(fdm, 2, TT_SEC_ERROR, PAPR_SECERR_INVALID_SRC);
    set_sec(fdm, 2, TT_SEC_DUMPED, 0);
    expect_some(&spec, "lack dump-error", 2);
    expect_some(&spec, "error flags 0x4000 (invalid-source)", 2);
    tt_put_be(fdm + 6, 0xe000, 2);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "section 2 (real-mode): error"
               " flags 0x4000 (invalid-source)");

    spec = capture(fdm);
    tt_put_be(fdm + 36, 30, 4);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "automatic dump-reboot");
}

static void test_kernel_dump_sections(void)
{
    uint8_t fdm[200];
    TTSpec spec = capture(fdm);

    /* incomplete without saying why, too much, not asked for */
    set_sec(fdm, 2, TT_SEC_DUMPED, 0x1000);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "section 2 (real-mode): 0x1000"
               " of 0x40000000 bytes dumped and no error flags");
    set_sec(fdm, 2, TT_SEC_DUMPED, 0x40000001);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "more than the 0x40000000");
    spec = capture(fdm);
    set_sec(fdm, 3, TT_SEC_REQUEST, 0);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "not requested, yet 0x800");
    set_sec(fdm, 3, TT_SEC_DUMPED, 0);
    expect_clean(&spec);
    set_sec(fdm, 3, TT_SEC_REQUEST, 3);
    set_sec(fdm, 3, TT_SEC_DUMPED, 0x800);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "bits other than 0x1");

    spec = capture(fdm);
    set_sec(fdm, 3, TT_SEC_TYPE, 0x0042);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "unknown data type 0x0042");

    /* the sections Linux needs */
    spec = capture(fdm);
    set_sec(fdm, 0, TT_SEC_TYPE, PAPR_TYPE_HPTE);
    expect_some(&spec, "0 CPU state sections", 2);
    expect_some(&spec, "2 HPTE sections", 2);
    spec = capture(fdm);
    set_sec(fdm, 2, TT_SEC_SOURCE, 0xc0000000);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "no real mode region from"
               " address 0");

    /* registered smaller than advertised */
    spec = capture(fdm);
    set_sec(fdm, 0, TT_SEC_LENGTH, 0x100);
    set_sec(fdm, 0, TT_SEC_DUMPED, 0x100);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "0x100 bytes, less than the"
               " 0xde0 advertised");
}

static void test_kernel_dump_memory(void)
{
    static const TTProp no_mem_type[] = {
        { "/memory@0", "device_type", "cpu", 4 },
    };
    uint8_t fdm[200];
    TTSpec spec = capture(fdm);

    set_sec(fdm, 0, TT_SEC_DEST, 0xfffffff000);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "section 0 (cpu-state):"
               " destination [0xfffffff000, 0xfffffffde0) is not inside");
    spec = capture(fdm);
    set_sec(fdm, 2, TT_SEC_SOURCE, 0xf0000000);
    set_sec(fdm, 2, TT_SEC_DEST, 0x80000000);
    set_sec(fdm, 3, TT_SEC_SOURCE, 0);
    set_sec(fdm, 3, TT_SEC_DEST, 0);
    expect_some(&spec, "source [0xf0000000, 0x130000000) is not inside", 2);
    expect_some(&spec, "no real mode region from address 0", 2);
    spec = capture(fdm);
    set_sec(fdm, 2, TT_SEC_SOURCE, 0xfffffffffffff000);
    expect_some(&spec, "wraps past 2^64", 2);

    /* memory in two nodes: a range across both is inside */
    spec = capture(fdm);
    spec.n_mem = 2;
    spec.mem[0] = (DtMemRange){ 0, 0x30000000 };
    spec.mem[1] = (DtMemRange){ 0x30000000, 0xd0000000 };
    expect_clean(&spec);
    /* a hole under the boot memory copy */
    spec.mem[0] = (DtMemRange){ 0, 0x60000000 };
    spec.mem[1] = (DtMemRange){ 0x70000000, 0x90000000 };
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "section 2 (real-mode):"
               " destination [0x40010000, 0x80010000) is not inside");

    /* no memory node at all */
    spec = capture(fdm);
    spec.props = no_mem_type;
    spec.n_props = 1;
    expect_one(&spec, NULL, "no memory node");
}

static void test_kernel_dump_overlaps(void)
{
    uint8_t fdm[200];
    TTSpec spec = capture(fdm);

    /* CPU state data into the boot memory copy */
    set_sec(fdm, 0, TT_SEC_DEST, 0x40010000);
    expect_one(&spec, DT_PROP_KERNEL_DUMP, "section 0 (cpu-state) and"
               " section 2 (real-mode): destinations overlap");
    /* the boot memory copy over boot memory */
    spec = capture(fdm);
    set_sec(fdm, 2, TT_SEC_DEST, 0x100000);
    expect_some(&spec, "destination overlaps its own source", 3);
    /* the CPU state data over the parameter area (in place) */
    spec = capture(fdm);
    set_sec(fdm, 0, TT_SEC_DEST, 0x3ffff000);
    expect_some(&spec, "section 0 (cpu-state): destination overlaps the"
                " source of section 3 (param-area)", 2);
    /* the parameter area in boot memory, in place: fine (Linux, hash) */
    expect_clean(&(TTSpec){ 0 });
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt-check/cpu-state-size", test_cpu_state_size);
    g_test_add_func("/fdt-check/first-boot", test_first_boot);
    g_test_add_func("/fdt-check/capture-boot", test_capture_boot);
    g_test_add_func("/fdt-check/no-fadump", test_no_fadump);
    g_test_add_func("/fdt-check/sizes-fit", test_sizes_fit);
    g_test_add_func("/fdt-check/presence", test_presence);
    g_test_add_func("/fdt-check/placement", test_placement);
    g_test_add_func("/fdt-check/tokens", test_tokens);
    g_test_add_func("/fdt-check/sizes", test_sizes);
    g_test_add_func("/fdt-check/version", test_version);
    g_test_add_func("/fdt-check/kernel-dump-decode", test_kernel_dump_decode);
    g_test_add_func("/fdt-check/kernel-dump-status", test_kernel_dump_status);
    g_test_add_func("/fdt-check/kernel-dump-sections",
                    test_kernel_dump_sections);
    g_test_add_func("/fdt-check/kernel-dump-memory", test_kernel_dump_memory);
    g_test_add_func("/fdt-check/kernel-dump-overlaps",
                    test_kernel_dump_overlaps);
    return g_test_run();
}
