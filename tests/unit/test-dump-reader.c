/*
 * Unit tests of the dump readers (lib/dump/reader.c, dump/elf.c, dump/raw.c):
 * QEMU ELF dumps from tests/gen/fadump-gen.c and hand-made ELF cores for the
 * corner cases and the refusals.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dump/reader.h"
#include "common/error.h"
#include "fadump-gen.h"

static char *tmp_path(const char *name)
{
    static char *dir;

    if (!dir) {
        dir = g_dir_make_tmp("fadump-reader-XXXXXX", NULL);
        g_assert_nonnull(dir);
    }
    return g_build_filename(dir, name, NULL);
}

/* Read guest memory through the reader and compare with the image */
static void check_reads(Dump *dump, const GenImage *img)
{
    static const uint64_t spots[][2] = {
        { 0, 64 }, { 0x123457, 3 }, { (32u << 20) - 8, 8 },
        { 0, 4u << 20 },                  /* large: mapping given back */
        { (16u << 20) - 5, 4096 },        /* across PT_LOADs (3 of them) */
    };
    g_autofree uint8_t *buf = g_malloc(4u << 20);
    g_autoptr(GError) err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(spots); i++) {
        g_assert_true(dump_read(dump, spots[i][0], buf, spots[i][1],
                                       &err));
        g_assert_no_error(err);
        g_assert_cmpmem(buf, spots[i][1], img->ram + spots[i][0],
                        spots[i][1]);
    }
    /* past the end of RAM */
    g_assert_false(dump_read(dump, (32u << 20) - 4, buf, 8, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_false(dump_covers(dump, (32u << 20) - 4, 8));
    g_assert_true(dump_covers(dump, 0, 32u << 20));
}

static void test_qemu_elf(gconstpointer data)
{
    const int *v = data;    /* layout, file byte order, loads */
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    g_autofree char *path = tmp_path("qemu.elf");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    g_autofree DumpMemRange *map = NULL;
    const DumpMemRange *r;
    size_t n;
    DumpExtent ext;

    gen_params_default(&p);
    img = gen_image_new(&p);
    gen_write_qemu_elf(img, path, v[0], v[1], v[2]);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dump_format_name(dump), ==, "elf");
    r = dump_ranges(dump, &n);
    g_assert_cmpuint(n, ==, v[2]);
    g_assert_cmphex(r[0].paddr, ==, 0);
    g_assert_cmphex(r[n - 1].paddr + r[n - 1].size, ==, 32u << 20);
    map = dump_ram_map(dump, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmphex(map[0].size, ==, 32u << 20);
    check_reads(dump, img);

    /* the memory is plain file bytes: copy_file_range() can take them */
    g_assert_true(dump_extent(dump, 0x1000, 0x100, &ext, &err));
    g_assert_cmpint(ext.kind, ==, DUMP_EXTENT_FILE);
    g_assert_cmpint(ext.fd, >=, 0);
    g_assert_cmpuint(ext.len, ==, 0x100);
    g_assert_cmphex(ext.offset, ==, r[0].file_offset + 0x1000);
    g_unlink(path);
}

static void test_raw(void)
{
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    g_autofree char *path = tmp_path("ram.raw");
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    DumpOptions o = { .raw = TRUE, .raw_base = 0x10000000 };
    const DumpMemRange *r;
    uint8_t buf[16];
    size_t n;

    gen_params_default(&p);
    img = gen_image_new(&p);
    gen_write_raw(img, path);
    dump = dump_open(path, &o, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dump_format_name(dump), ==, "raw");
    r = dump_ranges(dump, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmphex(r[0].paddr, ==, 0x10000000);
    g_assert_true(dump_read(dump, 0x10000010, buf, 16, &err));
    g_assert_cmpmem(buf, 16, img->ram + 0x10, 16);
    g_assert_false(dump_read(dump, 0x0fffffff, buf, 2, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_clear_pointer(&dump, dump_free);
    g_clear_error(&err);

    /* without --raw-base it is no format at all */
    dump = dump_open(path, NULL, &err);
    g_assert_null(dump);
    g_assert_error(err, QF_ERROR, QF_ERROR_UNSUPPORTED);
    g_clear_error(&err);
    /* base + size beyond 2^64 */
    o.raw_base = UINT64_MAX - 100;
    dump = dump_open(path, &o, &err);
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_clear_error(&err);
    /* an empty image */
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    dump = dump_open(path, &o, &err);
    g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    g_unlink(path);
}

/* Hand-made ELF cores */
typedef struct Phdr {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz;
} Phdr;

static void write_core(const char *path, gboolean be, uint8_t cls,
                       uint16_t type, const Phdr *ph, unsigned int n,
                       size_t data)
{
    size_t size = 64 + 56 * n + data;
    g_autofree uint8_t *f = g_malloc0(size);

    memcpy(f, ELFMAG, 4);
    f[EI_CLASS] = cls;
    f[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
    f[EI_VERSION] = 1;
    gen_put(f + 16, type, 2, be);
    gen_put(f + 18, EM_PPC64, 2, be);
    gen_put(f + 20, 1, 4, be);
    gen_put(f + 32, 64, 8, be);
    gen_put(f + 52, 64, 2, be);
    gen_put(f + 54, 56, 2, be);
    gen_put(f + 56, n, 2, be);
    for (unsigned int i = 0; i < n; i++) {
        uint8_t *p = f + 64 + 56 * i;

        gen_put(p, ph[i].type, 4, be);
        gen_put(p + 8, ph[i].offset, 8, be);
        gen_put(p + 16, ph[i].paddr, 8, be);
        gen_put(p + 24, ph[i].paddr, 8, be);
        gen_put(p + 32, ph[i].filesz, 8, be);
        gen_put(p + 40, ph[i].memsz, 8, be);
    }
    for (size_t i = 64 + 56 * n; i < size; i++) {
        f[i] = 0xa0 | (i & 0xf);
    }
    g_assert_true(g_file_set_contents(path, (char *)f, size, NULL));
}

/* p_filesz < p_memsz: the rest reads as zeros; loads sorted by address */
static void test_elf_partial(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    g_autofree char *path = tmp_path("partial.elf");
    Phdr ph[] = {
        { PT_LOAD, 0x200, 0x10000, 0x100, 0x100 },
        { PT_NOTE, 0x300, 0, 0x10, 0x10 },
        { PT_LOAD, 0x100, 0x1000, 0x80, 0x1000 },
        { PT_LOAD, 0x100, 0x5000, 0, 0 },       /* empty: ignored */
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(Dump) dump = NULL;
    const DumpMemRange *r;
    uint8_t buf[0x100];
    size_t n;
    DumpExtent ext;

    write_core(path, be, ELFCLASS64, ET_CORE, ph, 4, 0x400);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    r = dump_ranges(dump, &n);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(r[0].paddr, ==, 0x1000);
    g_assert_cmphex(r[0].file_size, ==, 0x80);
    g_assert_cmphex(r[1].paddr, ==, 0x10000);
    g_assert_true(dump_read(dump, 0x1070, buf, 0x20, &err));
    for (int i = 0; i < 0x10; i++) {
        g_assert_cmphex(buf[i], ==, 0xa0 | ((0x170 + i) & 0xf));
        g_assert_cmphex(buf[0x10 + i], ==, 0);
    }
    g_assert_true(dump_extent(dump, 0x1100, 0x1000, &ext, &err));
    g_assert_cmpint(ext.kind, ==, DUMP_EXTENT_ZERO);
    g_assert_cmpint(ext.fd, ==, -1);
    g_assert_cmphex(ext.len, ==, 0xf00);
    g_assert_false(dump_extent(dump, 0x3000, 1, &ext, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_unlink(path);
}

static void expect_refusal(const Phdr *ph, unsigned int n, size_t data,
                           uint8_t cls, uint16_t type, int code,
                           const char *needle)
{
    g_autofree char *path = tmp_path("bad.elf");
    g_autoptr(GError) err = NULL;
    Dump *dump;

    write_core(path, FALSE, cls, type, ph, n, data);
    dump = dump_open(path, NULL, &err);
    g_assert_null(dump);
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message, path));
    if (!strstr(err->message, needle)) {
        g_error("\"%s\" not in \"%s\"", needle, err->message);
    }
    g_unlink(path);
}

static void test_elf_refusals(void)
{
    Phdr ok = { PT_LOAD, 0x100, 0, 0x100, 0x100 };
    Phdr overlap[] = { ok, { PT_LOAD, 0x100, 0x80, 0x10, 0x10 } };
    Phdr big_file = { PT_LOAD, 0x100, 0, 0x200, 0x100 };
    Phdr past_end = { PT_LOAD, 0x100, 0, 0x1000, 0x1000 };
    Phdr wraps = { PT_LOAD, 0x100, UINT64_MAX - 8, 0x10, 0x10 };
    /* The first ends exactly at 2^64: its end must not wrap to 0 */
    Phdr top_overlap[] = {
        { PT_LOAD, 0x100, UINT64_MAX - 0xf, 0x10, 0x10 },
        { PT_LOAD, 0x100, UINT64_MAX - 7, 0x8, 0x8 },
    };
    Phdr note_past = { PT_NOTE, 0x100, 0, 0x1000, 0x1000 };
    Phdr note_only = { PT_NOTE, 0x100, 0, 0x10, 0x10 };

    expect_refusal(&ok, 1, 0x200, ELFCLASS32, ET_CORE,
                   QF_ERROR_UNSUPPORTED, "ELF class 1");
    expect_refusal(&ok, 1, 0x200, ELFCLASS64, ET_EXEC,
                   QF_ERROR_UNSUPPORTED, "not a core file");
    expect_refusal(overlap, 2, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "overlap");
    expect_refusal(top_overlap, 2, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "overlap");
    expect_refusal(&big_file, 1, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "exceeds p_memsz");
    expect_refusal(&past_end, 1, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_TRUNCATED, "truncated dump");
    expect_refusal(&wraps, 1, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "wrap");
    expect_refusal(&note_past, 1, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_TRUNCATED, "PT_NOTE 0");
    expect_refusal(&note_only, 1, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "no PT_LOAD");
    expect_refusal(NULL, 0, 0x200, ELFCLASS64, ET_CORE,
                   QF_ERROR_CORRUPT, "no program headers");
}

/* Byte-level damage to a header: EI_DATA, PN_XNUM, section headers */
static void test_elf_header_damage(void)
{
    g_autofree char *path = tmp_path("damaged.elf");
    Phdr ok = { PT_LOAD, 0x100, 0, 0x100, 0x100 };
    g_autofree char *f = NULL;
    gsize len;
    g_autoptr(GError) err = NULL;

    write_core(path, FALSE, ELFCLASS64, ET_CORE, &ok, 1, 0x200);
    g_assert_true(g_file_get_contents(path, &f, &len, NULL));

    f[EI_DATA] = 3;
    g_assert_true(g_file_set_contents(path, f, len, NULL));
    g_assert_null(dump_open(path, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "EI_DATA"));
    g_clear_error(&err);
    f[EI_DATA] = ELFDATA2LSB;

    /* PN_XNUM with no section header to hold the count */
    gen_put((uint8_t *)f + 56, 0xffff, 2, FALSE);
    g_assert_true(g_file_set_contents(path, f, len, NULL));
    g_assert_null(dump_open(path, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "PN_XNUM"));
    g_clear_error(&err);
    gen_put((uint8_t *)f + 56, 1, 2, FALSE);

    /* section headers past the end of the file */
    gen_put((uint8_t *)f + 40, len - 10, 8, FALSE);
    gen_put((uint8_t *)f + 58, 64, 2, FALSE);
    gen_put((uint8_t *)f + 60, 1, 2, FALSE);
    g_assert_true(g_file_set_contents(path, f, len, NULL));
    g_assert_null(dump_open(path, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    g_assert_nonnull(strstr(err->message, "section headers"));
    g_clear_error(&err);

    /* the program header size */
    gen_put((uint8_t *)f + 40, 0, 8, FALSE);
    gen_put((uint8_t *)f + 54, 32, 2, FALSE);
    g_assert_true(g_file_set_contents(path, f, len, NULL));
    g_assert_null(dump_open(path, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "program header size 32"));
    g_unlink(path);
}

static void test_open_errors(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = tmp_path("");

    g_assert_null(dump_open("/nonexistent/dump", NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_IO);
    g_assert_true(g_str_has_prefix(err->message, "/nonexistent/dump: "));
    g_clear_error(&err);
    g_assert_null(dump_open(dir, NULL, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_clear_error(&err);
}

/*
 * An unlinked file opened by fd (QMP acquisition): the name is the
 * caller's, reads do not move the fd's offset, and the fd is the dump's
 * to close, on failure too.
 */
static void test_open_fd(void)
{
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    g_autofree char *path = tmp_path("byfd.elf");
    g_autoptr(GError) err = NULL;
    Dump *dump;
    int fd;

    gen_params_default(&p);
    img = gen_image_new(&p);
    gen_write_qemu_elf(img, path, GEN_ELF_QEMU_NEW, FALSE, 1);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_unlink(path);
    g_assert_cmpint(lseek(fd, 7, SEEK_SET), ==, 7);
    dump = dump_open_fd(fd, "qmp:sock, QEMU's dump", NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dump_format_name(dump), ==, "elf");
    check_reads(dump, img);
    g_assert_cmpint(lseek(fd, 0, SEEK_CUR), ==, 7);
    dump_free(dump);
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);
    g_assert_cmpint(errno, ==, EBADF);

    /* not a dump: the error names it as the caller did, the fd is closed */
    g_assert_true(g_file_set_contents(path, "garbage garbage garbage",
                                      -1, NULL));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_null(dump_open_fd(fd, "qmp:sock, QEMU's dump", NULL, &err));
    g_assert_true(g_str_has_prefix(err->message, "qmp:sock, QEMU's dump: "));
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);
    g_unlink(path);
}

/* Files too short for any header: said so, not "not a dump" */
static void test_too_short(void)
{
    g_autofree char *path = tmp_path("short");
    static const struct {
        const char *data;
        size_t len;
        const char *says;
    } cases[] = {
        { "", 0, "the file is empty (0 bytes)" },
        { "x", 1, "not a dump (1 bytes)" },
        { "KDUMP  ", 7, "not a dump (7 bytes)" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_true(g_file_set_contents(path, cases[i].data, cases[i].len,
                                          NULL));
        g_assert_null(dump_open(path, NULL, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
        g_assert_nonnull(strstr(err->message, cases[i].says));
        g_assert_nonnull(strstr(err->message, "shorter than any dump"));
    }
    g_unlink(path);
}

int main(int argc, char **argv)
{
    static const int variants[][3] = {
        { GEN_ELF_QEMU_NEW, FALSE, 1 }, { GEN_ELF_QEMU_NEW, TRUE, 3 },
        { GEN_ELF_QEMU_OLD, FALSE, 3 }, { GEN_ELF_QEMU_OLD, TRUE, 1 },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
        g_autofree char *name = g_strdup_printf(
            "/dump-reader/qemu-elf/%s-%s-%d",
            variants[i][0] == GEN_ELF_QEMU_NEW ? "7.2" : "old",
            variants[i][1] ? "be" : "le", variants[i][2]);

        g_test_add_data_func(name, variants[i], test_qemu_elf);
    }
    g_test_add_func("/dump-reader/raw", test_raw);
    g_test_add_data_func("/dump-reader/elf/partial/le",
                         GINT_TO_POINTER(FALSE), test_elf_partial);
    g_test_add_data_func("/dump-reader/elf/partial/be",
                         GINT_TO_POINTER(TRUE), test_elf_partial);
    g_test_add_func("/dump-reader/elf/refusals", test_elf_refusals);
    g_test_add_func("/dump-reader/elf/header-damage", test_elf_header_damage);
    g_test_add_func("/dump-reader/open-errors", test_open_errors);
    g_test_add_func("/dump-reader/too-short", test_too_short);
    g_test_add_func("/dump-reader/open-fd", test_open_fd);
    {
        int rc = g_test_run();
        g_autofree char *dir = tmp_path("");

        g_rmdir(dir);
        return rc;
    }
}
