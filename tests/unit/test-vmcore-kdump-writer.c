/*
 * Unit tests of the kdump-compressed writer (lib/vmcore/kdump-writer.c): a
 * crashed guest from tests/gen/fadump-gen.c goes through vmcore_analyse(); the
 * kdump file written from its layout must hold, page for page, what the ELF
 * vmcore the generator assembled by hand holds, and the same notes. Checked
 * twice: by an independent parser (tests/gen/kdump-gen.c, decompressing with
 * the libraries directly) and through lib/dump's own reader.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "dump/reader.h"
#include "vmcore/analysis.h"
#include "common/error.h"
#include "fadump-gen.h"
#include "kdump-gen.h"
#include "vmcore/kdump-writer.h"

#define TEXT_START  (20u << 20)
#define ZERO_START  (24u << 20)
#define ZERO_END    (30u << 20)

static char *tmp_path(const char *name)
{
    static char *dir;

    if (!dir) {
        dir = g_dir_make_tmp("fadump-kdump-writer-XXXXXX", NULL);
        g_assert_nonnull(dir);
    }
    return g_build_filename(dir, name, NULL);
}

/* A guest with free (zero) and compressible memory besides the filler */
static GenImage *image(gboolean big_endian)
{
    GenParams p;
    GenImage *img;
    uint64_t tail;

    gen_params_default(&p);
    p.big_endian = big_endian;
    img = gen_image_new(&p);
    memset(img->ram + ZERO_START, 0, ZERO_END - ZERO_START);
    for (uint64_t a = TEXT_START; a < ZERO_START; a++) {
        img->ram[a] = 'a' + (a / 61) % 26;
    }
    /* the vmcore's last load ends with RAM */
    tail = img->vmcore->len - (p.ram_size - TEXT_START);
    memcpy(img->vmcore->data + tail, img->ram + TEXT_START,
           ZERO_END - TEXT_START);
    return img;
}

typedef struct ElfLoad {
    uint64_t offset, paddr, size;
} ElfLoad;

/* The expected vmcore's PT_NOTE and PT_LOADs, decoded here */
static GArray *vmcore_loads(const GenImage *img, const uint8_t **notes,
                            uint64_t *notes_len)
{
    const uint8_t *v = img->vmcore->data;
    gboolean be = v[EI_DATA] == ELFDATA2MSB;
    uint64_t phoff = gen_get(v + 32, 8, be);
    unsigned int phnum = gen_get(v + 56, 2, be);
    GArray *loads = g_array_new(FALSE, FALSE, sizeof(ElfLoad));

    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *ph = v + phoff + i * 56;
        uint32_t type = gen_get(ph, 4, be);
        ElfLoad l = {
            .offset = gen_get(ph + 8, 8, be),
            .paddr = gen_get(ph + 24, 8, be),
            .size = gen_get(ph + 32, 8, be),
        };

        if (type == PT_NOTE) {
            *notes = v + l.offset;
            *notes_len = l.size;
        } else if (type == PT_LOAD) {
            g_array_append_val(loads, l);
        }
    }
    return loads;
}

typedef struct Case {
    const char *name;
    uint32_t compression;
    gboolean big_endian;
} Case;

static void test_write(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(GenImage) img = image(c->big_endian);
    g_autofree char *input = tmp_path("dump.elf");
    g_autofree char *out = tmp_path("out.kdump");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(Dump) back = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autoptr(GArray) loads = NULL;
    g_autoptr(GBytes) back_notes = NULL;
    g_autofree char *file = NULL;
    g_autofree uint8_t *page = g_malloc(65536);
    g_autofree uint8_t *page2 = g_malloc(65536);
    const uint8_t *notes = NULL;
    uint64_t notes_len = 0, zero_off = 0;
    VmcoreWriteStats stats;
    VmcoreKdumpStats ks;
    uint64_t zero = 0, compressed = 0, raw = 0;
    KgenFile f;
    gsize len;

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, c->big_endian, 1);
    dump = dump_open(input, NULL, &err);
    g_assert_no_error(err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(vmcore_kdump_write(a->layout, dump, c->compression, out,
                                     NULL, &stats, &ks, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(out, &file, &len, &err));
    g_assert_cmpuint(len, ==, stats.file_size);

    /* the independent parser: header, notes, every page */
    kgen_parse((const uint8_t *)file, len, &f);
    g_assert_cmpuint(f.version, ==, 6);
    g_assert_cmpuint(f.be, ==, c->big_endian);
    g_assert_cmpuint(f.bs, ==, 65536);
    g_assert_cmpuint(f.status, ==, c->compression);
    g_assert_cmpstr(f.release, ==, "6.12.95");
    g_assert_cmpstr(f.machine, ==, c->big_endian ? "ppc64" : "ppc64le");
    loads = vmcore_loads(img, &notes, &notes_len);
    g_assert_cmpuint(f.note_size, ==, notes_len);
    g_assert_cmpmem(file + f.note_off, f.note_size, notes, notes_len);
    g_assert_cmpuint(f.vi_size, >, 0);
    g_assert_true(g_str_has_prefix(file + f.vi_off, "OSRELEASE=6.12.95\n"));
    /* whole pages: the vmcore holds the pages holding each PT_LOAD */
    for (guint i = 0; i < loads->len; i++) {
        const ElfLoad *l = &g_array_index(loads, ElfLoad, i);
        uint64_t first = l->paddr & ~(uint64_t)65535;

        for (uint64_t pa = first; pa < l->paddr + l->size; pa += 65536) {
            const uint8_t *want = img->vmcore->data + l->offset -
                                  (l->paddr - pa);
            uint64_t off;
            uint32_t flags;

            g_assert_true(kgen_page(&f, pa / 65536, page, &off, &flags));
            g_assert_cmpmem(page, 65536, want, 65536);
            if (flags) {
                g_assert_cmpuint(flags, ==, c->compression);
                compressed++;
            } else if (page[0] == 0 && !memcmp(page, page + 1, 65535)) {
                /* every zero page shares one record */
                g_assert_true(zero_off == 0 || zero_off == off);
                zero_off = off;
                zero++;
            } else {
                raw++;
            }
        }
    }
    g_assert_cmpuint(zero, ==, ks.zero_pages);
    g_assert_cmpuint(zero, >=, (ZERO_END - ZERO_START) / 65536);
    g_assert_cmpuint(compressed, ==, ks.compressed_pages);
    g_assert_cmpuint(compressed, >=, (ZERO_START - TEXT_START) / 65536);
    g_assert_cmpuint(raw, ==, ks.raw_pages);
    g_assert_cmpuint(raw, >, 0);        /* the filler does not compress */
    g_assert_cmpuint(ks.pages, ==, zero + compressed + raw);

    /* lib/dump's reader: the same memory, the same notes */
    back = dump_open(out, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dump_format_name(back), ==, "kdump");
    back_notes = dump_notes(back);
    g_assert_cmpmem(g_bytes_get_data(back_notes, NULL),
                    g_bytes_get_size(back_notes), notes, notes_len);
    g_assert_nonnull(strstr(dump_vmcoreinfo(back), "PAGESIZE=65536"));
    for (guint i = 0; i < loads->len; i++) {
        const ElfLoad *l = &g_array_index(loads, ElfLoad, i);
        uint64_t first = l->paddr & ~(uint64_t)65535;

        for (uint64_t pa = first; pa < l->paddr + l->size; pa += 65536) {
            g_assert_true(dump_read(back, pa, page2, 65536, &err));
            g_assert_cmpmem(page2, 65536, img->vmcore->data + l->offset -
                            (l->paddr - pa), 65536);
        }
    }
    g_unlink(input);
    g_unlink(out);
}

static void test_failures(void)
{
    g_autoptr(GenImage) img = image(FALSE);
    g_autofree char *input = tmp_path("fail.elf");
    g_autofree char *out = tmp_path("fail.kdump");
    g_autofree char *dir = g_path_get_dirname(out);
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autoptr(VmcoreAnalysis) a = NULL;
    g_autoptr(GDir) d = NULL;
    volatile sig_atomic_t cancel = 1;
    VmcoreWriteOptions opts = { .cancel = &cancel };
    const char *name;

    gen_write_qemu_elf(img, input, GEN_ELF_QEMU_NEW, FALSE, 1);
    dump = dump_open(input, NULL, &err);
    a = vmcore_analyse(dump, NULL, &err);
    g_assert_no_error(err);
    /* cancelled: nothing left behind */
    g_assert_false(vmcore_kdump_write(a->layout, dump, KGEN_ZLIB, out, &opts,
                                      NULL, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_clear_error(&err);
    /* a compression this writer does not know */
    g_assert_false(vmcore_kdump_write(a->layout, dump, 0x40, out, NULL,
                                      NULL, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    /* a directory that does not exist */
    g_assert_false(vmcore_kdump_write(a->layout, dump, KGEN_ZLIB,
                                      "/nonexistent/dir/x.kdump", NULL, NULL,
                                      NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_clear_error(&err);
    g_unlink(input);
    d = g_dir_open(dir, 0, NULL);
    while ((name = g_dir_read_name(d))) {
        g_error("left behind: %s", name);
    }
}

static const Case cases[] = {
    { "zlib-le", KGEN_ZLIB, FALSE },
    { "zlib-be", KGEN_ZLIB, TRUE },
    { "lzo-le", KGEN_LZO, FALSE },
    { "lzo-be", KGEN_LZO, TRUE },
    { "snappy-le", KGEN_SNAPPY, FALSE },
    { "snappy-be", KGEN_SNAPPY, TRUE },
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/kdump-writer/%s",
                                                cases[i].name);

        g_test_add_data_func(name, &cases[i], test_write);
    }
    g_test_add_func("/kdump-writer/failures", test_failures);
    return g_test_run();
}
