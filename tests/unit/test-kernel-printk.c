/*
 * Unit tests of the printk ring buffer walker (lib/kernel/printk.c) and of
 * kernel virtual addresses (lib/kernel/mem.c), on rings that
 * tests/gen/fadump-gen.c lays out as Linux 6.1, 6.12 and 7.2 do, then on
 * corrupted ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "common/error.h"
#include "fadump-gen.h"
#include "kernel/mem.h"
#include "kernel/printk.h"

/* Physical memory: the generated image's RAM */
static gboolean read_ram(gpointer data, uint64_t paddr, void *buf,
                         size_t len, GError **error)
{
    const GenImage *img = data;

    if (paddr > img->p.ram_size || len > img->p.ram_size - paddr) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "0x%" G_GINT64_MODIFIER "x not in RAM", paddr);
        return FALSE;
    }
    memcpy(buf, img->ram + paddr, len);
    return TRUE;
}

static GenImage *ring_image(GenPrintk v, gboolean be, unsigned int records)
{
    GenParams p;

    gen_params_default(&p);
    p.ram_size = 4u << 20;      /* small: many images are made */
    p.boot_mem_size = 1u << 20;
    p.printk = v;
    p.big_endian = be;
    p.kernel = v == GEN_PRINTK_61 ? GEN_LINUX_61 : GEN_LINUX_612;
    p.printk_records = records;
    return gen_image_new(&p);
}

static KernelPrintkLog *walk(GenImage *img, unsigned int max,
                             GError **error)
{
    g_autoptr(KernelMem) k = kernel_mem_new(read_ram, img, NULL,
                                            img->p.big_endian);

    return kernel_printk_log_read(k, img->vmcoreinfo, max, error);
}

static void assert_records(const GenImage *img, const KernelPrintkLog *log,
                           guint skip)
{
    const GPtrArray *want = img->printk_expected;

    g_assert_cmpuint(log->records->len + skip, ==, want->len);
    for (guint i = 0; i < log->records->len; i++) {
        const GenPrintkRecord *w = want->pdata[i + skip];
        const KernelPrintkRecord *r = log->records->pdata[i];

        g_assert_cmpuint(r->seq, ==, w->seq);
        g_assert_cmpuint(r->ts_nsec, ==, w->ts_nsec);
        g_assert_cmphex(r->caller_id, ==, w->caller_id);
        g_assert_cmpuint(r->level, ==, w->level);
        g_assert_cmpuint(r->facility, ==, 0);
        g_assert_cmpuint(r->text_len, ==, strlen(w->text));
        g_assert_cmpstr(r->text, ==, w->text);
        g_assert_false(r->truncated);
    }
}

/*
 * Every kernel's layout, both byte orders, many record counts: the ring
 * wraps (descriptor IDs past 2^62, lpos past 2^64, data blocks wrapped to
 * the start, 7.2's blocks ending at the ring's end) and the walk finds
 * exactly the records the ring holds
 */
static void test_versions(void)
{
    static const GenPrintk versions[] = {
        GEN_PRINTK_61, GEN_PRINTK_612, GEN_PRINTK_72,
    };

    for (size_t v = 0; v < G_N_ELEMENTS(versions); v++) {
        unsigned int wrapped = 0, exact_end = 0;

        for (int be = 0; be <= 1; be++) {
            for (unsigned int n = 1; n <= 260; n += be ? 7 : 2) {
                g_autoptr(GenImage) img = ring_image(versions[v], be, n);
                g_autoptr(GError) err = NULL;
                g_autoptr(KernelPrintkLog) log = walk(img, 0, &err);

                g_assert_no_error(err);
                assert_records(img, log, 0);
                g_assert_cmpuint(log->n_records, ==, log->records->len);
                /*
                 * the reserved descriptor at the head, recycled ones; not
                 * prb_init()'s placeholder, where an unwrapped ring's
                 * tail still is
                 */
                g_assert_cmpuint(log->n_skipped, >=, 1);
                if (img->printk_reusable == 0) {
                    g_assert_cmpuint(log->n_skipped, ==, 1);
                }
                if (n == 1) {
                    g_assert_cmpuint(log->tail_id, ==, 0xffffffffULL - 32);
                }
                g_assert_cmpuint(log->count_bits, ==, 5);
                g_assert_cmpuint(log->size_bits, ==, 11);
                g_assert_cmpuint(log->fail, ==, 0);
                wrapped += img->printk_wrapped;
                exact_end += img->printk_exact_end;
            }
        }
        g_assert_cmpuint(wrapped, >, 0);
        /* only 7.2 leaves a block that ends at the ring's end in place */
        if (versions[v] == GEN_PRINTK_72) {
            g_assert_cmpuint(exact_end, >, 0);
        } else {
            g_assert_cmpuint(exact_end, ==, 0);
        }
    }
}

static void test_max_records(void)
{
    g_autoptr(GenImage) img = ring_image(GEN_PRINTK_612, FALSE, 200);
    g_autoptr(GError) err = NULL;
    g_autoptr(KernelPrintkLog) log = walk(img, 5, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(log->records->len, ==, 5);
    g_assert_cmpuint(log->n_records, ==, img->printk_expected->len);
    assert_records(img, log, img->printk_expected->len - 5);
    g_assert_cmpstr(((KernelPrintkRecord *)log->records->pdata[4])->text,
                    ==, "Kernel panic - not syncing: Fatal exception");
}

static void test_format(void)
{
    KernelPrintkRecord r = {
        .ts_nsec = 12345678901ULL, .text = (char *)"a\001b\tc\nd\x80",
        .text_len = 8,
    };
    g_autoptr(GString) s = g_string_new(NULL);

    kernel_printk_record_format(s, &r);
    g_assert_cmpstr(s->str, ==, "[   12.345678] a\\x01b\tc\nd\\x80\n");
    r.ts_nsec = 123456789012345678ULL;
    g_string_truncate(s, 0);
    r.text_len = 1;
    kernel_printk_record_format(s, &r);
    g_assert_cmpstr(s->str, ==, "[123456789.012345] a\n");
}

static void test_vtop(void)
{
    g_autoptr(GError) err = NULL;
    uint64_t pa = 1;
    uint64_t off = 7;

    g_assert_true(kernel_mem_vtop(0xc000000001234568ULL, &pa, &err));
    g_assert_cmphex(pa, ==, 0x1234568);
    g_assert_false(kernel_mem_vtop(0xc00c000000000000ULL, &pa, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_false(kernel_mem_vtop(0x1000, &pa, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);

    g_assert_true(kernel_mem_check_vmcoreinfo(
        "OSRELEASE=6.12\nSYMBOL(prb)=c000000002000000\nKERNELOFFSET=0\n",
        &off, &err));
    g_assert_cmphex(off, ==, 0);
    /* 7.2: the vmemmap base is a ppc64 kernel address, not a linear one */
    g_assert_true(kernel_mem_check_vmcoreinfo(
        "SYMBOL(prb)=c000000002000000\nSYMBOL(vmemmap)=c00c000000000000\n",
        NULL, &err));
    g_assert_false(kernel_mem_check_vmcoreinfo(
        "SYMBOL(prb)=c000000002000000\nSYMBOL(x)=ffffffff81000000\n", NULL,
        &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "SYMBOL(x)"));
    g_clear_error(&err);
    g_assert_false(kernel_mem_check_vmcoreinfo(
        "NUMBER(phys_base)=0\n", NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_false(kernel_mem_check_vmcoreinfo("SYMBOL(y)=zz\n", NULL,
                                                &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
}

static void put(GenImage *img, uint64_t paddr, uint64_t v, int size)
{
    gen_put(img->ram + paddr, v, size, img->p.big_endian);
}

static uint64_t get(GenImage *img, uint64_t paddr, int size)
{
    return gen_get(img->ram + paddr, size, img->p.big_endian);
}

/* Where the data block [begin, next) of a 2 KiB ring starts, its length */
static uint64_t block_at(uint64_t begin, uint64_t next, uint64_t *len)
{
    if (begin >> 11 == (next - 1) >> 11) {
        *len = next - begin;
        return begin & 2047;
    }
    *len = next & 2047;
    return 0;
}

static gboolean problems_say(const KernelPrintkLog *log, const char *what)
{
    for (guint i = 0; i < log->problems->len; i++) {
        if (strstr(log->problems->pdata[i], what)) {
            return TRUE;
        }
    }
    return FALSE;
}

/* The walk fails with @code, naming what is wrong (@what) */
static void assert_refused(GenImage *img, int code, const char *what)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(KernelPrintkLog) log = walk(img, 0, &err);

    g_assert_null(log);
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message, "printk ring buffer"));
    if (!strstr(err->message, what)) {
        g_error("\"%s\" does not say \"%s\"", err->message, what);
    }
}

static void test_corrupt_ring(void)
{
    g_autoptr(GenImage) img = ring_image(GEN_PRINTK_612, FALSE, 200);
    uint64_t rb = img->prb_rb;
    uint64_t head = get(img, rb + 24, 8), tail = get(img, rb + 32, 8);
    uint64_t bits = get(img, rb, 4), data = get(img, rb + 56, 8);

    /* a tail after the head: the walk would go round 2^62 IDs */
    put(img, rb + 32, head + 1, 8);
    assert_refused(img, QF_ERROR_CORRUPT, "spans more than");
    put(img, rb + 32, head - 32, 8);
    assert_refused(img, QF_ERROR_CORRUPT, "spans more than");
    put(img, rb + 32, tail, 8);
    /* rings past the limits: no pass over 2^60 descriptors */
    put(img, rb, 60, 4);
    assert_refused(img, QF_ERROR_UNSUPPORTED, "2^60 descriptors");
    put(img, rb, bits, 4);
    put(img, rb + 48, 3, 4);
    assert_refused(img, QF_ERROR_UNSUPPORTED, "2^3 data bytes");
    put(img, rb + 48, 11, 4);
    /* pointers out of the linear map or out of memory */
    put(img, rb + 56, 0x1000, 8);
    assert_refused(img, QF_ERROR_UNSUPPORTED, "linear-map");
    put(img, rb + 56, 0xc000000080000000ULL, 8);
    assert_refused(img, QF_ERROR_NOT_FOUND, "not in RAM");
    put(img, rb + 56, data, 8);
    put(img, img->prb_paddr, 0xc0000000ffff0000ULL, 8);
    assert_refused(img, QF_ERROR_NOT_FOUND, "reading prb");
}

/* Descriptors that cannot be records are skipped, each named */
static void test_bad_descriptors(void)
{
    g_autoptr(GenImage) img = ring_image(GEN_PRINTK_612, TRUE, 200);
    guint n = img->printk_expected->len;
    const GenPrintkRecord *last = img->printk_expected->pdata[n - 1];
    const GenPrintkRecord *first = img->printk_expected->pdata[0];
    uint64_t head = get(img, img->prb_rb + 24, 8);
    uint64_t d_last = img->prb_descs + ((head - 1) & 31) * 24;
    uint64_t i_last = img->prb_infos + ((head - 1) & 31) * 88;
    uint64_t d_first = img->prb_descs + ((head - n) & 31) * 24;
    uint64_t begin = get(img, d_last + 8, 8), next = get(img, d_last + 16, 8);
    uint64_t len, at = block_at(begin, next, &len);
    g_autoptr(GError) err = NULL;
    g_autoptr(KernelPrintkLog) log = NULL;
    const KernelPrintkRecord *r;

    g_assert_cmpuint(last->seq, ==, 199);
    /* a huge text_len: the text ends with the block */
    put(img, i_last + 16, 0xffff, 2);
    log = walk(img, 0, &err);
    g_assert_no_error(err);
    r = log->records->pdata[log->records->len - 1];
    g_assert_true(r->truncated);
    g_assert_cmpuint(r->text_len, ==, len - 8);
    g_assert_true(g_str_has_prefix(r->text, last->text));
    g_clear_pointer(&log, kernel_printk_log_free);

    /* bad lpos values: unaligned, reversed, far apart, wrapping twice */
    {
        const uint64_t bad[][2] = {
            { begin + 1, next }, { next, begin }, { begin, begin + 8192 },
            { begin, begin }, { 5, 1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
            put(img, d_last + 8, bad[i][0], 8);
            put(img, d_last + 16, bad[i][1], 8);
            log = walk(img, 0, &err);
            g_assert_no_error(err);
            g_assert_cmpuint(log->records->len, ==, n - 1);
            g_assert_true(problems_say(log, "descriptor"));
            g_clear_pointer(&log, kernel_printk_log_free);
        }
        put(img, d_last + 8, begin, 8);
        put(img, d_last + 16, next, 8);
    }
    /* a descriptor holding another ID; one whose block was overwritten */
    put(img, d_first, get(img, d_first, 8) + 32, 8);
    put(img, img->prb_data + at, 12345, 8);
    log = walk(img, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(log->records->len, ==, n - 2);
    g_assert_cmpuint(((KernelPrintkRecord *)log->records->pdata[0])->seq,
                     ==, first->seq + 1);
    g_assert_true(problems_say(log, "reused"));
    g_assert_true(problems_say(log, "overwritten"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/printk-ring/versions", test_versions);
    g_test_add_func("/printk-ring/max-records", test_max_records);
    g_test_add_func("/printk-ring/format", test_format);
    g_test_add_func("/printk-ring/vtop", test_vtop);
    g_test_add_func("/printk-ring/corrupt-ring", test_corrupt_ring);
    g_test_add_func("/printk-ring/bad-descriptors", test_bad_descriptors);
    return g_test_run();
}
