/*
 * Unit tests of finding VMCOREINFO in guest memory without fadump
 * (lib/kernel/vmcoreinfo-find.c): generated guests that never registered
 * fadump, with the kernel's vmcoreinfo_data page and/or vmcoreinfo_note
 * buffer placed at known addresses, saved as QEMU ELF (either byte order)
 * or raw memory at a high base; decoys that start like VMCOREINFO but are
 * not; and the candidate validator on its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kernel/vmcoreinfo-find.h"
#include "common/error.h"
#include "gen-dump.h"

/* What one probe reads: the note header, its name, "OSRELEASE=" */
#define PROBE_LEN       34
#define CANDIDATE_LEN   (24 + KERNEL_VMCOREINFO_BYTES_MAX)

static void params(GenParams *p, gboolean be, uint64_t page_size)
{
    gen_params_default(p);
    p->big_endian = be;
    p->page_size = page_size;
    p->no_fadump = TRUE;
    p->kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
}

/* @patch may change the image's RAM before it is saved */
static GenDump *guest(const GenParams *p, const DumpOptions *raw,
                      void (*patch)(GenImage *img))
{
    GenDumpOptions o = {
        .raw = raw != NULL, .raw_base = raw ? raw->raw_base : 0,
        .layout = GEN_ELF_QEMU_NEW, .nloads = 2, .patch = patch,
    };

    return gen_dump_new(p, &o);
}

static void check_found(const KernelVmcoreinfoFound *f, const GenDump *g,
                        uint64_t paddr, KernelVmcoreinfoForm form,
                        uint64_t base)
{
    g_assert_cmpstr(f->text, ==, g->img->vmcoreinfo);
    g_assert_cmphex(f->paddr, ==, paddr);
    g_assert_cmpint(f->form, ==, form);
    g_assert_cmpint(f->big_endian, ==,
                    form == KERNEL_VMCOREINFO_NOTE && g->img->p.big_endian);
    g_assert_cmpuint(f->page_size, ==, g->img->p.page_size);
    g_assert_cmpuint(f->rejected, ==, 0);
    /* every page from the start up to it, then the candidate */
    g_assert_cmpuint(f->pages_probed, ==, (paddr - base) / 4096 + 1);
    g_assert_cmpuint(f->bytes_read, ==,
                     f->pages_probed * PROBE_LEN + CANDIDATE_LEN);
}

/* The data page alone, low, on a 4 KiB boundary that is not a 64 KiB one */
static void test_data_page(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(GError) err = NULL;
    KernelVmcoreinfoFound f;

    params(&p, be, 4096);
    p.vmcoreinfo_data_paddr = 0x31000;
    p.no_vmcoreinfo_note = TRUE;
    g = guest(&p, NULL, NULL);
    g_assert_true(kernel_vmcoreinfo_find(g->dump, &f, &err));
    g_assert_no_error(err);
    check_found(&f, g, 0x31000, KERNEL_VMCOREINFO_DATA_PAGE, 0);
    g_assert_cmpstr(kernel_vmcoreinfo_form_name(f.form), ==,
                    "vmcoreinfo_data page");
    kernel_vmcoreinfo_found_clear(&f);
    g_assert_null(f.text);
}

/* The note alone (64K pages), both byte orders */
static void test_note(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(GError) err = NULL;
    KernelVmcoreinfoFound f;

    params(&p, be, 65536);
    g = guest(&p, NULL, NULL);
    g_assert_cmphex(g->img->vmcoreinfo_paddr, ==, 0x400000);
    g_assert_true(kernel_vmcoreinfo_find(g->dump, &f, &err));
    g_assert_no_error(err);
    check_found(&f, g, 0x400000, KERNEL_VMCOREINFO_NOTE, 0);
    g_assert_cmpstr(kernel_vmcoreinfo_form_name(f.form), ==,
                    "vmcoreinfo_note");
    kernel_vmcoreinfo_found_clear(&f);
}

/* Both: the lower one wins (low memory first) */
static void test_both_lowest_first(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    KernelVmcoreinfoFound f;

    params(&p, FALSE, 65536);
    p.vmcoreinfo_data_paddr = 0x1800000;        /* above the note */
    g = guest(&p, NULL, NULL);
    g_assert_true(kernel_vmcoreinfo_find(g->dump, &f, NULL));
    check_found(&f, g, 0x400000, KERNEL_VMCOREINFO_NOTE, 0);
    kernel_vmcoreinfo_found_clear(&f);
}

/*
 * Above the low window: top down in 64 MiB chunks, each ascending.  RAM
 * [1G + 48M, 1G + 80M) as a raw image; the page at 1G + 68M (chunk
 * [1G + 64M, ...), probed first) wins over the one at 1G + 49M
 */
static void patch_second_copy(GenImage *img)
{
    /* the generator placed one at offset 20M; a copy at offset 1M */
    memcpy(img->ram + (1u << 20), img->ram + (20u << 20), 65536);
}

static void test_high_top_down(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    KernelVmcoreinfoFound f;
    uint64_t base = (1ull << 30) + (48u << 20);
    DumpOptions raw = { .raw = TRUE, .raw_base = base };

    params(&p, TRUE, 4096);
    p.no_vmcoreinfo_note = TRUE;
    p.vmcoreinfo_data_paddr = 20u << 20;
    g = guest(&p, &raw, patch_second_copy);
    g_assert_true(kernel_vmcoreinfo_find(g->dump, &f, NULL));
    g_assert_cmpstr(f.text, ==, g->img->vmcoreinfo);
    g_assert_cmphex(f.paddr, ==, base + (20u << 20));
    g_assert_cmpuint(f.pages_probed, ==, (4u << 20) / 4096 + 1);
    kernel_vmcoreinfo_found_clear(&f);
}

/* Neither: a clear error, and all of RAM probed once */
static void test_absent(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(GError) err = NULL;
    KernelVmcoreinfoFound f;

    params(&p, FALSE, 65536);
    p.no_vmcoreinfo_note = TRUE;
    g = guest(&p, NULL, NULL);
    g_assert_false(kernel_vmcoreinfo_find(g->dump, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "VMCOREINFO: not in guest memory "
                    "(8192 pages probed, 0 candidates rejected)");
    g_assert_null(f.text);
    g_assert_cmpuint(f.pages_probed, ==, 8192);
    g_assert_cmpuint(f.bytes_read, ==, 8192 * PROBE_LEN);
}

/*
 * Decoys before the real page: a page starting "OSRELEASE=" over random
 * bytes, and a note header with an impossible size; both are rejected
 */
static void patch_decoys(GenImage *img)
{
    uint8_t *d1 = img->ram + 0x10000, *d2 = img->ram + 0x20000;

    memcpy(d1, "OSRELEASE=", 10);
    memcpy(d2, img->ram + 0x400000, 64);
    gen_put(d2 + 4, 0x7fffffff, 4, img->p.big_endian);
}

static void test_decoys(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    KernelVmcoreinfoFound f;

    params(&p, be, 65536);
    g = guest(&p, NULL, patch_decoys);
    g_assert_true(kernel_vmcoreinfo_find(g->dump, &f, NULL));
    g_assert_cmphex(f.paddr, ==, 0x400000);
    g_assert_cmpuint(f.rejected, ==, 2);
    g_assert_cmpuint(f.pages_probed, ==, 0x400000 / 4096 + 1);
    g_assert_cmpuint(f.bytes_read, ==,
                     f.pages_probed * PROBE_LEN + 3 * CANDIDATE_LEN);
    kernel_vmcoreinfo_found_clear(&f);
}

/* Only decoys: the error says how many and why the last one failed */
static void patch_only_decoy(GenImage *img)
{
    memcpy(img->ram + 0x10000, "OSRELEASE=1\nPAGESIZE=65536\n\0", 28);
}

static void test_only_decoy(void)
{
    GenParams p;
    g_autoptr(GenDump) g = NULL;
    g_autoptr(GError) err = NULL;
    KernelVmcoreinfoFound f;

    params(&p, FALSE, 65536);
    p.no_vmcoreinfo_note = TRUE;
    g = guest(&p, NULL, patch_only_decoy);
    g_assert_false(kernel_vmcoreinfo_find(g->dump, &f, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "VMCOREINFO: not in guest memory "
                    "(8192 pages probed, 1 candidates rejected; last: at "
                    "0x10000: no SYMBOL() line)");
    g_assert_cmpuint(f.rejected, ==, 1);
}

static char *try(const char *text, size_t len, GError **error)
{
    KernelVmcoreinfoForm form;
    gboolean be;

    return kernel_vmcoreinfo_candidate((const uint8_t *)text, len, &form,
                                       &be, error);
}

#define GOOD "OSRELEASE=6.12.95\nPAGESIZE=4096\nSYMBOL(_stext)=c000000000000000\n"

/* The validator: what is refused and with which code */
static void test_candidate(void)
{
    static const struct {
        const char *text;
        int code;
    } bad[] = {
        { "OSRELEASE=6.12.95\nPAGESIZE=4096\nSYMBOL(_stext)=c0", QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\x01\nPAGESIZE=4096\nSYMBOL(a)=c0\n", QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\nPAGESIZE=8192\nSYMBOL(a)=c0\n", QF_ERROR_CORRUPT },
        { "OSRELEASE=\nPAGESIZE=4096\nSYMBOL(a)=c0\n", QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\nPAGESIZE=4096\n", QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\nnoequals\nPAGESIZE=4096\nSYMBOL(a)=c0\n",
          QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\nPAGESIZE=4096\nSYMBOL(a)=zz\n", QF_ERROR_CORRUPT },
        { "OSRELEASE=6.12\nPAGESIZE=4096\nSYMBOL(a)=ffffffff81000000\n",
          QF_ERROR_UNSUPPORTED },
        { "OSRELEASx=6.12\n", QF_ERROR_NOT_FOUND },
    };
    g_autoptr(GString) big = g_string_new(GOOD);
    g_autofree char *ok = NULL;
    KernelVmcoreinfoForm form;
    gboolean be;

    ok = try(GOOD "\0", sizeof(GOOD), NULL);
    g_assert_cmpstr(ok, ==, GOOD);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_null(try(bad[i].text, strlen(bad[i].text) + 1, &err));
        g_assert_error(err, QF_ERROR, bad[i].code);
    }
    /* cut before its NUL: truncated */
    {
        g_autoptr(GError) err = NULL;

        g_assert_null(try(GOOD, strlen(GOOD), &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    }
    /* longer than PAGESIZE=4096 (VMCOREINFO_BYTES) */
    while (big->len <= 4096) {
        g_string_append(big, "NUMBER(x)=1\n");
    }
    {
        g_autoptr(GError) err = NULL;

        g_assert_null(try(big->str, big->len + 1, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
        g_assert_nonnull(strstr(err->message, "VMCOREINFO_BYTES"));
    }
    /* as a note, either byte order; a descsz past the buffer */
    for (int b = 0; b < 2; b++) {
        uint8_t note[24 + sizeof(GOOD)] = { 0 };
        g_autofree char *t = NULL;
        g_autoptr(GError) err = NULL;

        gen_put(note, 11, 4, b);
        gen_put(note + 4, strlen(GOOD), 4, b);
        memcpy(note + 12, "VMCOREINFO", 10);
        memcpy(note + 24, GOOD, strlen(GOOD));
        t = kernel_vmcoreinfo_candidate(note, sizeof(note), &form, &be, NULL);
        g_assert_cmpstr(t, ==, GOOD);
        g_assert_cmpint(form, ==, KERNEL_VMCOREINFO_NOTE);
        g_assert_cmpint(be, ==, b);
        gen_put(note + 4, sizeof(GOOD) + 100, 4, b);
        g_assert_null(kernel_vmcoreinfo_candidate(note, sizeof(note), &form,
                                                  &be, &err));
        g_assert_error(err, QF_ERROR, QF_ERROR_TRUNCATED);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/kernel-vmcoreinfo-find/data-page/le",
                         GINT_TO_POINTER(0), test_data_page);
    g_test_add_data_func("/kernel-vmcoreinfo-find/data-page/be",
                         GINT_TO_POINTER(1), test_data_page);
    g_test_add_data_func("/kernel-vmcoreinfo-find/note/le",
                         GINT_TO_POINTER(0), test_note);
    g_test_add_data_func("/kernel-vmcoreinfo-find/note/be",
                         GINT_TO_POINTER(1), test_note);
    g_test_add_func("/kernel-vmcoreinfo-find/lowest-first",
                    test_both_lowest_first);
    g_test_add_func("/kernel-vmcoreinfo-find/high-top-down",
                    test_high_top_down);
    g_test_add_func("/kernel-vmcoreinfo-find/absent", test_absent);
    g_test_add_data_func("/kernel-vmcoreinfo-find/decoys/le",
                         GINT_TO_POINTER(0), test_decoys);
    g_test_add_data_func("/kernel-vmcoreinfo-find/decoys/be",
                         GINT_TO_POINTER(1), test_decoys);
    g_test_add_func("/kernel-vmcoreinfo-find/only-decoy", test_only_decoy);
    g_test_add_func("/kernel-vmcoreinfo-find/candidate", test_candidate);
    return g_test_run();
}
