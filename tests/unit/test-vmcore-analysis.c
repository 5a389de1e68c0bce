/*
 * End-to-end tests of lib/dump on generated guests (tests/gen/fadump-gen.c): a
 * dump file of every supported kind goes through vmcore_analyse() and
 * vmcore_write(), and the result must equal, byte for byte, the
 * vmcore the generator assembled by hand; vmcore_validate() must
 * agree, and point at the differences planted in a copy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <libfdt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "fdt/kernel-dump.h"
#include "common/error.h"
#include "fadump-gen.h"
#include "vmcore/validate.h"
#include "vmcore/elf-writer.h"

typedef struct Fixture {
    char *dir;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;

    f->dir = g_dir_make_tmp("fadump-extract-XXXXXX", &err);
    g_assert_no_error(err);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);

        g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
}

static char *path_in(Fixture *f, const char *name)
{
    return g_build_filename(f->dir, name, NULL);
}

/* Number of entries in the fixture's directory */
static guint dir_entries(Fixture *f)
{
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name(d)) {
        n++;
    }
    return n;
}

static void assert_file_equals(const char *path, GByteArray *want)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_get_contents(path, &data, &len, &err));
    g_assert_cmpuint(len, ==, want->len);
    for (gsize i = 0; i < len; i++) {
        if ((uint8_t)data[i] != want->data[i]) {
            g_error("%s differs from the expected vmcore at byte 0x%zx",
                    path, i);
        }
    }
}

/* Analyse @input, write the vmcore, compare with the generator's */
static void extract_and_compare(Fixture *f, const GenImage *img,
                                const char *input,
                                const DumpOptions *dopts,
                                const VmcoreAnalyseOptions *aopts,
                                gboolean no_copy_range, guint warnings)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = dump_open(input, dopts, &err);
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autoptr(VmcoreValidation) v = NULL;
    g_autofree char *out = path_in(f, "vmcore");
    g_autofree char *want = path_in(f, "expected");
    VmcoreWriteOptions wopts = { .no_copy_range = no_copy_range };
    VmcoreWriteStats stats;

    g_assert_no_error(err);
    a = vmcore_analyse(dump, aopts, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(a->warnings->len, ==, warnings);
    g_assert_cmpuint(a->cpu_notes->len, ==, img->n_notes);
    for (guint i = 0; i < img->n_notes; i++) {
        const VmcoreCpuNote *n = &g_array_index(a->cpu_notes,
                                                VmcoreCpuNote, i);

        g_assert_cmpuint(n->cpu, ==, img->note_cpu[i]);
        g_assert_cmpmem(n->regs, sizeof(n->regs), img->note_regs[i],
                        sizeof(img->note_regs[i]));
    }
    g_assert_true(vmcore_write(a->layout, dump, out, &wopts, &stats,
                                      &err));
    g_assert_no_error(err);
    g_assert_cmpuint(stats.file_size, ==, img->vmcore->len);
    if (no_copy_range) {
        g_assert_cmpuint(stats.copy_range_bytes, ==, 0);
    }
    {
        uint64_t seg = 0, zero = 0;

        for (guint i = 0; i < a->layout->segments->len; i++) {
            const VmcoreSegment *sg = &g_array_index(a->layout->segments,
                                                     VmcoreSegment, i);

            seg += sg->size;
            /* the whole 4 KiB blocks of zeros (segments are pages) */
            for (uint64_t o = 0; o + 4096 <= sg->size; o += 4096) {
                const uint8_t *b = img->vmcore->data + sg->file_offset + o;

                if (b[0] == 0 && memcmp(b, b + 1, 4095) == 0) {
                    zero += 4096;
                }
            }
        }
        g_assert_cmpuint(stats.copy_range_bytes + stats.buffered_bytes +
                         stats.hole_bytes, ==, seg);
        /*
         * Memory that copy_file_range() cannot share (QEMU's ELF: PT_LOAD
         * data off the block grid), or with --no-copy-range, is read and
         * its zero blocks left as holes: the generated RAM is mostly zero
         */
        if (no_copy_range || !(dopts && dopts->raw)) {
            g_assert_cmpuint(stats.copy_range_bytes, ==, 0);
            g_assert_cmpuint(zero, >=, img->p.zero_tail);
            /* a zero block the input splits can be written: never more */
            g_assert_cmpuint(stats.hole_bytes, <=, zero);
            if (img->p.zero_tail) {
                g_assert_cmpuint(stats.hole_bytes, ==, zero);
            }
        }
    }
    assert_file_equals(out, img->vmcore);

    gen_write_vmcore(img, want);
    g_assert_true(vmcore_validate(a->layout, dump, want, &v, &err));
    g_assert_no_error(err);
    if (!v->match) {
        for (guint i = 0; i < v->problems->len; i++) {
            g_test_message("%s", (char *)v->problems->pdata[i]);
        }
    }
    g_assert_true(v->match);
    g_assert_true(v->header_equal);
    g_assert_true(v->notes_equal);
    g_assert_cmpuint(v->expected_notes, ==, img->n_notes + 1);
    g_unlink(out);
    g_unlink(want);
}

typedef struct Case {
    const char *name;
    GenKernel kernel;
    gboolean big_endian;
    uint64_t page_size;
    GenElfLayout layout;
    gboolean file_big_endian;
    unsigned int nloads;
    uint64_t online_mask;
    uint32_t crashing_cpu;
    uint64_t hpte_size;
    gboolean clobber_boot;
    uint64_t zero_tail;
    guint warnings;             /* the analysis must warn this often */
} Case;

static void test_elf_case(Fixture *f, gconstpointer data)
{
    const Case *c = data;
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    g_autofree char *input = path_in(f, "dump.elf");

    gen_params_default(&p);
    p.kernel = c->kernel;
    p.big_endian = c->big_endian;
    p.page_size = c->page_size ? c->page_size : p.page_size;
    p.online_mask = c->online_mask ? c->online_mask : p.online_mask;
    p.crashing_cpu = c->crashing_cpu;
    p.hpte_size = c->hpte_size;
    p.clobber_boot = c->clobber_boot;
    p.zero_tail = c->zero_tail;
    img = gen_image_new(&p);
    gen_write_qemu_elf(img, input, c->layout, c->file_big_endian,
                       c->nloads ? c->nloads : 1);
    extract_and_compare(f, img, input, NULL, NULL, FALSE, c->warnings);
}

#define LE FALSE
#define BE TRUE
#define NEW GEN_ELF_QEMU_NEW
#define OLD GEN_ELF_QEMU_OLD

static const Case cases[] = {
    { .name = "612-le-new", .layout = NEW },
    { .name = "612-le-old", .layout = OLD },
    { .name = "612-be-new", .big_endian = BE, .layout = NEW,
      .file_big_endian = BE },
    { .name = "612-be-old", .big_endian = BE, .layout = OLD,
      .file_big_endian = BE },
    /* the file's byte order is QEMU's choice, not the kernel's */
    { .name = "612-le-in-be-file", .layout = NEW, .file_big_endian = BE },
    { .name = "612-4k-pages", .page_size = 4096, .layout = NEW },
    /* 8 MiB the guest never touched: holes in the vmcore */
    { .name = "612-untouched-ram", .layout = NEW, .zero_tail = 8u << 20 },
    { .name = "612-untouched-ram-4k", .page_size = 4096, .layout = OLD,
      .zero_tail = 8u << 20 },
    { .name = "612-3-loads", .layout = OLD, .nloads = 3 },
    { .name = "612-pn-xnum-new", .page_size = 4096, .layout = NEW,
      .nloads = 70000 },
    { .name = "612-pn-xnum-old", .big_endian = BE, .page_size = 4096,
      .layout = OLD, .file_big_endian = BE, .nloads = 70000 },
    { .name = "612-cpu2-crashed-cpu1-offline", .layout = NEW,
      .online_mask = 0xd, .crashing_cpu = 2 },
    { .name = "612-no-crashing-cpu", .layout = NEW,
      .crashing_cpu = 0xffffffff, .warnings = 1 },
    { .name = "612-hpte", .layout = NEW, .hpte_size = 256 * 1024 },
    { .name = "612-capture-boot", .layout = NEW, .clobber_boot = TRUE },
    { .name = "61-le", .kernel = GEN_LINUX_61, .layout = NEW },
    { .name = "61-be", .kernel = GEN_LINUX_61, .big_endian = BE,
      .layout = OLD, .file_big_endian = BE },
    { .name = "61-4k-cpu3-crashed", .kernel = GEN_LINUX_61,
      .page_size = 4096, .layout = NEW, .nloads = 2, .crashing_cpu = 3 },
};


static GenImage *default_image(gboolean clobber)
{
    GenParams p;

    gen_params_default(&p);
    p.clobber_boot = clobber;
    return gen_image_new(&p);
}

static void test_raw(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "ram.raw");
    DumpOptions dopts = { .raw = TRUE, .raw_base = 0 };

    gen_write_raw(img, input);
    extract_and_compare(f, img, input, &dopts, NULL, FALSE, 0);
    /* and through a buffer instead of copy_file_range() */
    extract_and_compare(f, img, input, &dopts, NULL, TRUE, 0);
}

static void test_fdm_addr(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "dump.elf");
    VmcoreAnalyseOptions aopts = { .have_fdm_addr = TRUE };
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    VmcoreAnalysis *a;

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    aopts.fdm_addr = img->fdm_addr;
    extract_and_compare(f, img, input, NULL, &aopts, FALSE, 0);

    /* nothing registered there */
    aopts.fdm_addr = img->fdm_addr + 8;
    dump = dump_open(input, NULL, &err);
    g_assert_no_error(err);
    a = vmcore_analyse(dump, &aopts, &err);
    g_assert_null(a);
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "dump memory structure at 0x"));
    g_clear_error(&err);
    /* outside the dump */
    aopts.fdm_addr = 1ull << 40;
    a = vmcore_analyse(dump, &aopts, &err);
    g_assert_null(a);
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
}

static void test_scan(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autoptr(GenImage) clobbered = default_image(TRUE);
    g_autofree char *input = path_in(f, "dump.elf");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    uint8_t *copy;

    /*
     * the kernel's copy, found in the first chunk of the kernel's window,
     * and the one in the boot memory copy
     */
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_SCAN_LOW);
    g_assert_cmpuint(a->scanned, ==, 8u << 20);
    g_assert_cmpuint(a->candidates->len, ==, 2);
    g_assert_cmphex(a->fdm_addr, ==, img->fdm_addr);
    g_assert_cmphex(g_array_index(a->candidates, VmcoreFdmCandidate,
                                  1).addr, ==,
                    img->boot_dest + img->fdm_addr);
    g_clear_pointer(&a, vmcore_analysis_free);
    g_clear_pointer(&dump, dump_free);

    /* after the capture kernel ran in boot memory: the copy only */
    gen_write_qemu_elf(clobbered, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_SCAN_LOW);
    g_assert_cmpuint(a->candidates->len, ==, 1);
    g_assert_cmphex(a->fdm_addr, ==, clobbered->boot_dest +
                    clobbered->fdm_addr);
    g_clear_pointer(&a, vmcore_analysis_free);

    /*
     * nothing in a kernel window of 1 MiB: all the rest of RAM scanned,
     * both found
     */
    a = vmcore_analyse(dump, &(VmcoreAnalyseOptions){
                           .kernel_window = 1u << 20 }, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_SCAN);
    g_assert_cmpuint(a->scanned, ==, clobbered->p.ram_size);
    g_assert_cmpuint(a->candidates->len, ==, 1);
    g_assert_cmphex(a->fdm_addr, ==, clobbered->boot_dest +
                    clobbered->fdm_addr);
    g_clear_pointer(&a, vmcore_analysis_free);
    g_clear_pointer(&dump, dump_free);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, &(VmcoreAnalyseOptions){
                           .kernel_window = 1u << 20 }, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_SCAN);
    g_assert_cmpuint(a->candidates->len, ==, 2);
    g_assert_cmphex(a->fdm_addr, ==, img->fdm_addr);
    g_clear_pointer(&a, vmcore_analysis_free);
    g_clear_pointer(&dump, dump_free);

    /* two registrations that disagree (another parameter area) */
    copy = img->ram + img->boot_dest + img->fdm_addr;
    gen_put(copy + 160 + 8, 0x1000000, 8, TRUE);
    gen_put(copy + 160 + 32, 0x1000000, 8, TRUE);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_null(a);
    g_assert_error(err, QF_ERROR, QF_ERROR_MISMATCH);
    g_assert_nonnull(strstr(err->message, "--fdm-addr"));
}

/*
 * A DTB with /rtas ibm,kernel-dump as the platform presents it (@rtas),
 * or only an empty /rtas; version 16 (as prom_init flattens it) when
 * @v16.  g_free(); @ret_len its size
 */
static uint8_t *dtb_blob(const GenImage *img, gboolean rtas, gboolean v16,
                         gboolean pad, size_t *ret_len)
{
    uint8_t fdm[200];
    uint8_t sizes[24];
    size_t len = 40 + 40 * 4;
    uint8_t *blob = g_malloc0(8192);

    memcpy(fdm, img->ram + img->boot_dest + img->fdm_addr, len);
    gen_put(fdm + 6, 0xc000, 2, TRUE);              /* performed+triggered */
    for (int i = 0; i < 4; i++) {
        uint8_t *s = fdm + 40 + 40 * i;

        memcpy(s + 24, s + 16, 8);                  /* bytes_dumped */
    }
    gen_put(sizes, 1, 4, TRUE);
    gen_put(sizes + 4, 0, 4, TRUE);
    gen_put(sizes + 8, img->cpu_state_size, 4, TRUE);
    gen_put(sizes + 12, 2, 4, TRUE);
    gen_put(sizes + 16, 0, 4, TRUE);
    gen_put(sizes + 20, img->p.hpte_size, 4, TRUE);
    g_assert_cmpint(fdt_create(blob, 8192), ==, 0);
    g_assert_cmpint(fdt_finish_reservemap(blob), ==, 0);
    g_assert_cmpint(fdt_begin_node(blob, ""), ==, 0);
    g_assert_cmpint(fdt_begin_node(blob, "rtas"), ==, 0);
    if (pad) {      /* moves what follows by 12 bytes */
        g_assert_cmpint(fdt_property(blob, "fadump-test,pad", NULL, 0), ==,
                        0);
    }
    if (rtas) {
        g_assert_cmpint(fdt_property(blob, "ibm,kernel-dump", fdm, len), ==,
                        0);
        g_assert_cmpint(fdt_property(blob, "ibm,configure-kernel-dump-sizes",
                                     sizes, sizeof(sizes)), ==, 0);
    }
    g_assert_cmpint(fdt_end_node(blob), ==, 0);
    g_assert_cmpint(fdt_end_node(blob), ==, 0);
    g_assert_cmpint(fdt_finish(blob), ==, 0);
    if (v16) {
        gen_put(blob + 20, 16, 4, TRUE);            /* version */
        gen_put(blob + 24, 16, 4, TRUE);            /* last_comp_version */
        gen_put(blob + 36, 0, 4, TRUE);             /* no size_dt_struct */
    }
    *ret_len = fdt_totalsize(blob);
    return blob;
}

static void write_dtb(const GenImage *img, const char *path)
{
    size_t len;
    g_autofree uint8_t *blob = dtb_blob(img, TRUE, FALSE, FALSE, &len);

    g_assert_true(g_file_set_contents(path, (char *)blob, len, NULL));
}

/* Where ibm,kernel-dump's value is in @blob */
static uint64_t kernel_dump_offset(const uint8_t *blob)
{
    const void *v = fdt_getprop(blob, fdt_path_offset(blob, "/rtas"),
                                "ibm,kernel-dump", NULL);

    g_assert_nonnull(v);
    return (const uint8_t *)v - blob;
}

/*
 * A capture boot: the registration nowhere in memory but in the
 * ibm,kernel-dump of the device tree the capture kernel keeps (prom_init's
 * version 16 blob), found in the kernel's window after a tree without it.
 * Its value 4 bytes off the 8-byte grid, as on the real 6.12 guest, where
 * the scan for structures cannot see it (8-aligned: the scan finds it
 * there first, the same registration)
 */
static void test_dt_memory(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(TRUE);
    g_autofree char *input = path_in(f, "dump.elf");
    g_autoptr(GError) err = NULL;
    size_t len, len0;
    size_t len1;
    /* one of them has the value off the 8-byte grid, the other on it */
    g_autofree uint8_t *blob = dtb_blob(img, TRUE, TRUE, FALSE, &len);
    g_autofree uint8_t *blob1 = dtb_blob(img, TRUE, TRUE, TRUE, &len1);
    g_autofree uint8_t *other = dtb_blob(img, FALSE, FALSE, FALSE, &len0);
    const uint64_t at = 3u << 20, at0 = 1u << 20;

    if (kernel_dump_offset(blob) % 8 == 0) {
        uint8_t *t = blob;
        size_t tl = len;

        blob = blob1;
        len = len1;
        blob1 = t;
        len1 = tl;
    }
    g_assert_cmpuint(kernel_dump_offset(blob) % 8, ==, 4);
    g_assert_cmpuint(kernel_dump_offset(blob1) % 8, ==, 0);

    memset(img->ram + img->boot_dest + img->fdm_addr, 0, 200);
    memset(img->vmcore->data + img->fdm_addr +
           gen_get(img->vmcore->data + 64 + 56 + 8, 8, FALSE), 0, 200);
    /* in the clobbered boot memory, where the capture kernel runs */
    g_assert_cmpuint(at + len, <, img->p.boot_mem_size);
    memcpy(img->ram + at0, other, len0);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    {
        g_autoptr(Dump) dump = dump_open(input, NULL, &err);
        VmcoreAnalysis *a = vmcore_analyse(dump, NULL, &err);

        g_assert_null(a);
        g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
        g_clear_error(&err);
    }
    memcpy(img->ram + at, blob, len);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    {
        g_autoptr(Dump) dump = dump_open(input, NULL, &err);
        g_autoptr(VmcoreAnalysis) a = vmcore_analyse(dump, NULL, &err);

        g_assert_no_error(err);
        g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_DT_MEMORY);
        g_assert_cmpstr(vmcore_fdm_origin_name(a->origin), ==, "dt-memory");
        g_assert_cmphex(a->fdm_addr, ==, at);
        g_assert_true(a->dt.have_sizes);
        g_assert_cmphex(a->cpu_state_size, ==, img->cpu_state_size);
        g_assert_cmphex(a->reg.fdm.status_flags, ==, 0xc000);
    }
    extract_and_compare(f, img, input, NULL, NULL, FALSE, 0);

    /* 8-aligned, the value is a structure the scan finds first */
    memset(img->ram + at, 0, 8192);
    memcpy(img->ram + at, blob1, len1);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    {
        g_autoptr(Dump) dump = dump_open(input, NULL, &err);
        g_autoptr(VmcoreAnalysis) a = vmcore_analyse(dump, NULL, &err);

        g_assert_no_error(err);
        g_assert_cmpint(a->origin, ==, VMCORE_FDM_FROM_SCAN_LOW);
        g_assert_cmphex(a->fdm_addr, ==, at + kernel_dump_offset(blob1));
    }
    extract_and_compare(f, img, input, NULL, NULL, FALSE, 0);
}

static void test_dtb(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(TRUE);
    g_autofree char *input = path_in(f, "dump.elf");
    g_autofree char *dtb_path = path_in(f, "capture.dtb");
    g_autoptr(GError) err = NULL;
    DtKernelDump dtb;
    VmcoreAnalyseOptions aopts = { .dtb = &dtb };

    write_dtb(img, dtb_path);
    g_assert_true(dt_kernel_dump_load(dtb_path, &dtb, &err));
    g_assert_no_error(err);
    g_assert_true(dtb.have_sizes);
    g_assert_cmphex(dtb.cpu_state_size, ==, img->cpu_state_size);
    g_assert_cmphex(dtb.fdm.status_flags, ==, 0xc000);
    g_unlink(dtb_path);
    /* no structure left in memory: only the DTB can tell */
    memset(img->ram + img->boot_dest + img->fdm_addr, 0, 200);
    memset(img->vmcore->data + img->fdm_addr +
           gen_get(img->vmcore->data + 64 + 56 + 8, 8, FALSE), 0, 200);
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    extract_and_compare(f, img, input, NULL, &aopts, FALSE, 0);

    /* the same dump without the DTB: nothing found */
    {
        g_autoptr(Dump) dump = dump_open(input, NULL, &err);
        VmcoreAnalysis *a = vmcore_analyse(dump, NULL, &err);

        g_assert_null(a);
        g_assert_error(err, QF_ERROR, QF_ERROR_ABSENT);
        g_assert_nonnull(strstr(err->message, "--fdm-addr or --dtb"));
    }
}

static void test_dtb_errors(Fixture *f, gconstpointer data)
{
    g_autofree char *p = path_in(f, "bad.dtb");
    g_autoptr(GError) err = NULL;
    DtKernelDump dtb;

    g_assert_true(g_file_set_contents(p, "not a device tree", -1, NULL));
    g_assert_false(dt_kernel_dump_load(p, &dtb, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_true(g_str_has_prefix(err->message, p));
    g_clear_error(&err);
    g_unlink(p);
    g_assert_false(dt_kernel_dump_load(p, &dtb, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
}

/*
 * What the tool does, as one call: open, analyse, write.  On failure no
 * file may be left beside the input.
 */
static void extract_must_fail(Fixture *f, const char *input,
                              const DumpOptions *dopts, int code,
                              const char *needle)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = dump_open(input, dopts, &err);
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autofree char *out = path_in(f, "vmcore");

    if (dump) {
        a = vmcore_analyse(dump, NULL, &err);
        if (a) {
            vmcore_write(a->layout, dump, out, NULL, NULL, &err);
        }
    }
    g_assert_error(err, QF_ERROR, code);
    if (!strstr(err->message, needle)) {
        g_error("\"%s\" not in the error \"%s\"", needle, err->message);
    }
    g_test_message("%s", err->message);
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(dir_entries(f), ==, 1);
}

static void truncate_file(const char *path, uint64_t size)
{
    g_assert_cmpint(truncate(path, size), ==, 0);
}

static void test_truncated(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "dump.elf");
    struct stat st;

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    g_assert_cmpint(stat(input, &st), ==, 0);
    /* the trailing section data (7.2+) */
    truncate_file(input, st.st_size - 5);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "truncated dump");
    /* inside memory */
    truncate_file(input, st.st_size / 2);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "needs the file up to");
    /* inside the program headers */
    truncate_file(input, 200);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "program headers");
    truncate_file(input, 40);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "shorter than an ELF64 header");
    truncate_file(input, 0);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "the file is empty");

    /* old layout: no section data, memory cut */
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_OLD, TRUE, 2);
    g_assert_cmpint(stat(input, &st), ==, 0);
    truncate_file(input, st.st_size - 1);
    extract_must_fail(f, input, NULL, QF_ERROR_TRUNCATED,
                      "PT_LOAD 2");
}

/* Break one thing in the guest image; the error must name it */
typedef struct Corruption {
    const char *name;
    int code;
    const char *needle;
} Corruption;

static const Corruption corruptions[] = {
    { "fdh-unknown-magic", QF_ERROR_UNSUPPORTED, "unknown magic" },
    { "fdh-sig-version", QF_ERROR_UNSUPPORTED, "FADMPSIG version 2" },
    { "fdh-pt-regs-size", QF_ERROR_UNSUPPORTED, "pt_regs of 400" },
    { "fdh-mask-size", QF_ERROR_CORRUPT, "cpu mask of 12 bytes" },
    { "regsave-magic", QF_ERROR_CORRUPT, "not \"REGSAVE\"" },
    { "regsave-no-cpustrt", QF_ERROR_CORRUPT, "not CPUSTRT" },
    { "regsave-no-cpuend", QF_ERROR_TRUNCATED, "no CPUEND" },
    { "vmcoreinfo-missing", QF_ERROR_NOT_FOUND, "no note named" },
    { "vmcoreinfo-no-pagesize", QF_ERROR_NOT_FOUND, "PAGESIZE" },
    { "no-registration", QF_ERROR_ABSENT, "was fadump registered" },
    { "fdh-blank", QF_ERROR_NOT_FOUND, "blank (magic 0)" },
};

static void test_corrupt(Fixture *f, gconstpointer data)
{
    const Corruption *c = data;
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "dump.elf");
    uint8_t *F = img->ram + img->fdh_addr;
    uint8_t *A = img->ram + img->cpu_state_dest;
    uint8_t *V = img->ram + img->vmcoreinfo_raddr;

    if (!strcmp(c->name, "fdh-unknown-magic")) {
        memcpy(F, "GISPMDAX", 8);
    } else if (!strcmp(c->name, "fdh-sig-version")) {
        gen_put(F + 8, 2, 4, FALSE);
    } else if (!strcmp(c->name, "fdh-pt-regs-size")) {
        gen_put(F + 32, 400, 4, FALSE);
    } else if (!strcmp(c->name, "fdh-mask-size")) {
        gen_put(F + 36, 12, 4, FALSE);
    } else if (!strcmp(c->name, "regsave-magic")) {
        A[0] = 'X';
    } else if (!strcmp(c->name, "regsave-no-cpustrt")) {
        A[20 + 880 * 2] ^= 1;      /* the third CPU's CPUSTRT */
    } else if (!strcmp(c->name, "regsave-no-cpuend")) {
        /* every CPUEND of the last CPU gone: it runs off the area */
        memset(A + 20 + 880 * 3 + 16, 0x11, img->cpu_state_size -
               (20 + 880 * 3 + 16));
    } else if (!strcmp(c->name, "vmcoreinfo-missing")) {
        memcpy(V + 12, "VMCOREINFX", 10);
    } else if (!strcmp(c->name, "vmcoreinfo-no-pagesize")) {
        uint8_t *t = memmem(V, 200, "PAGESIZE=", 9);

        g_assert_nonnull(t);
        t[0] = 'X';
    } else if (!strcmp(c->name, "fdh-blank")) {
        memset(F, 0, 8);
    } else if (!strcmp(c->name, "no-registration")) {
        memset(img->ram + img->fdm_addr, 0, 200);
        memset(img->ram + img->boot_dest + img->fdm_addr, 0, 200);
    }
    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    extract_must_fail(f, input, NULL, c->code, c->needle);
}

static void test_write_failures(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "dump.elf");
    g_autofree char *out = path_in(f, "vmcore");
    g_autofree char *nodir = path_in(f, "no/such/dir/vmcore");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    volatile sig_atomic_t cancel = 1;
    VmcoreWriteOptions wopts = { .cancel = &cancel };

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);

    g_assert_false(vmcore_write(a->layout, dump, nodir, NULL, NULL,
                                       &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_assert_nonnull(strstr(err->message, "no/such/dir/vmcore"));
    g_clear_error(&err);

    /* interrupted before the first chunk: nothing left, old file kept */
    g_assert_true(g_file_set_contents(out, "old", -1, NULL));
    g_assert_false(vmcore_write(a->layout, dump, out, &wopts, NULL,
                                       &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_assert_cmpuint(dir_entries(f), ==, 2);
    {
        g_autofree char *old = NULL;

        g_assert_true(g_file_get_contents(out, &old, NULL, NULL));
        g_assert_cmpstr(old, ==, "old");
    }
    /* and replaced when complete */
    g_clear_error(&err);
    g_assert_true(vmcore_write(a->layout, dump, out, NULL, NULL,
                                      &err));
    assert_file_equals(out, img->vmcore);
}

/* Plant differences in a copy of the expected vmcore */
static void test_validate_differences(Fixture *f, gconstpointer data)
{
    g_autoptr(GenImage) img = default_image(FALSE);
    g_autofree char *input = path_in(f, "dump.elf");
    g_autofree char *real = path_in(f, "real.vmcore");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autoptr(VmcoreValidation) v = NULL;
    const VmcoreSegment *seg;
    const VmcoreNoteCheck *nc;
    const VmcoreSegmentCheck *sc;
    uint64_t pg = img->p.page_size, at, regs, paddr;
    GByteArray *vm = img->vmcore;

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);

    /* one byte in the 3rd page of the second PT_LOAD */
    seg = &g_array_index(a->layout->segments, VmcoreSegment, 1);
    at = seg->file_offset + 2 * pg + 0x123;
    paddr = seg->src + 2 * pg;
    vm->data[at] ^= 0xff;
    /* gpr5 of the second CPU note */
    regs = g_bytes_get_size(a->layout->header) + 524 + 20 + 112 + 5 * 8;
    vm->data[regs] ^= 0x40;
    gen_write_vmcore(img, real);

    g_assert_true(vmcore_validate(a->layout, dump, real, &v, &err));
    g_assert_no_error(err);
    g_assert_false(v->match);
    g_assert_true(v->header_equal);
    g_assert_false(v->notes_equal);
    nc = v->note_checks->pdata[1];
    g_assert_false(nc->equal);
    g_assert_nonnull(nc->reg_diffs);
    g_assert_cmpuint(nc->reg_diffs->len, ==, 1);
    g_assert_cmpuint(g_array_index(nc->reg_diffs, VmcoreRegDiff, 0).word,
                     ==, 5);
    g_assert_true(((VmcoreNoteCheck *)v->note_checks->pdata[0])->equal);
    sc = v->segment_checks->pdata[0];
    g_assert_cmpuint(sc->differing_pages, ==, 0);
    sc = v->segment_checks->pdata[1];
    g_assert_cmpuint(sc->differing_pages, ==, 1);
    g_assert_cmphex(sc->first_diff_page, ==, paddr);
    g_assert_cmphex(sc->first_diff_byte, ==, paddr + 0x123);
    g_assert_cmpuint(v->problems->len, ==, 2);
    g_clear_pointer(&v, vmcore_validation_free);

    /* a shorter vmcore: the size, and the pages it lacks */
    vm->data[at] ^= 0xff;
    vm->data[regs] ^= 0x40;
    gen_write_vmcore(img, real);
    truncate_file(real, vm->len - pg);
    g_assert_true(vmcore_validate(a->layout, dump, real, &v, &err));
    g_assert_false(v->match);
    sc = v->segment_checks->pdata[1];
    g_assert_cmpuint(sc->differing_pages, ==, 1);
    g_assert_cmphex(sc->first_diff_page, ==,
                    img->p.ram_size - pg);
    g_clear_pointer(&v, vmcore_validation_free);

    /* a different CRASHTIME */
    gen_write_vmcore(img, real);
    {
        g_autofree char *bytes = NULL;
        gsize len;
        char *t;

        g_assert_true(g_file_get_contents(real, &bytes, &len, NULL));
        t = memmem(bytes, len, "CRASHTIME=17", 12);
        g_assert_nonnull(t);
        t[11] = '2';
        g_assert_true(g_file_set_contents(real, bytes, len, NULL));
    }
    g_assert_true(vmcore_validate(a->layout, dump, real, &v, &err));
    g_assert_false(v->match);
    nc = v->note_checks->pdata[4];
    g_assert_cmpstr(nc->name, ==, "VMCOREINFO");
    g_assert_nonnull(strstr(nc->problem, "CRASHTIME=1700000000"));
    g_clear_pointer(&v, vmcore_validation_free);

    /* not a vmcore at all */
    g_assert_true(g_file_set_contents(real, "nope", -1, NULL));
    g_assert_false(vmcore_validate(a->layout, dump, real, &v, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/extract/elf/%s",
                                                cases[i].name);

        g_test_add(name, Fixture, &cases[i], fixture_setup, test_elf_case,
                   fixture_teardown);
    }
    g_test_add("/extract/raw", Fixture, NULL, fixture_setup, test_raw,
               fixture_teardown);
    g_test_add("/extract/fdm-addr", Fixture, NULL, fixture_setup,
               test_fdm_addr, fixture_teardown);
    g_test_add("/extract/dt-memory", Fixture, NULL, fixture_setup,
               test_dt_memory, fixture_teardown);
    g_test_add("/extract/scan", Fixture, NULL, fixture_setup, test_scan,
               fixture_teardown);
    g_test_add("/extract/dtb", Fixture, NULL, fixture_setup, test_dtb,
               fixture_teardown);
    g_test_add("/extract/dtb-errors", Fixture, NULL, fixture_setup,
               test_dtb_errors, fixture_teardown);
    g_test_add("/extract/truncated", Fixture, NULL, fixture_setup,
               test_truncated, fixture_teardown);
    for (size_t i = 0; i < G_N_ELEMENTS(corruptions); i++) {
        g_autofree char *name = g_strdup_printf("/extract/corrupt/%s",
                                                corruptions[i].name);

        g_test_add(name, Fixture, &corruptions[i], fixture_setup,
                   test_corrupt, fixture_teardown);
    }
    g_test_add("/extract/write-failures", Fixture, NULL, fixture_setup,
               test_write_failures, fixture_teardown);
    g_test_add("/extract/validate-differences", Fixture, NULL, fixture_setup,
               test_validate_differences, fixture_teardown);
    return g_test_run();
}
