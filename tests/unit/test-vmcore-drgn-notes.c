/*
 * Unit tests of the notes rewritten for drgn (lib/vmcore/drgn-notes.c):
 * pr_pid = CPU + 1 in every NT_PRSTATUS, no CRASHTIME= in VMCOREINFO,
 * everything else byte for byte; on notes built here the way the capture
 * kernel (fadump_regs_to_elf_notes(), pr_pid 0) and QEMU lay them out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "elfcore/notes.h"
#include "vmcore/drgn-notes.h"
#include "vmcore/layout.h"

#define PG 65536u
#define PRSTATUS_SIZE 504

static const char vmcoreinfo_text[] =
    "OSRELEASE=6.12.0\nPAGESIZE=65536\nCRASHTIME=1764770000\n"
    "NUMBER(panic_cpu)=1\n";
static const char vmcoreinfo_without[] =
    "OSRELEASE=6.12.0\nPAGESIZE=65536\nNUMBER(panic_cpu)=1\n";

/* An NT_PRSTATUS whose bytes are all @fill but pr_pid = @pid */
static void add_prstatus(GByteArray *b, gboolean be, uint8_t fill,
                         uint32_t pid)
{
    uint8_t d[PRSTATUS_SIZE];

    memset(d, fill, sizeof(d));
    qf_put32(d + VMCORE_PRSTATUS_PID_OFFSET, pid, be);
    elfcore_note_append(b, be, "CORE", ELFCORE_NT_PRSTATUS, d, sizeof(d));
}

static GBytes *padded(GByteArray *b, guint size)
{
    guint used = b->len;

    g_assert_cmpuint(used, <=, size);
    g_byte_array_set_size(b, size);
    memset(b->data + used, 0, size - used);
    return g_byte_array_free_to_bytes(b);
}

/* The capture kernel's: n CPU notes (pr_pid 0) and VMCOREINFO, one blob */
static GBytes *fadump_notes(gboolean be, unsigned int n)
{
    GByteArray *b = g_byte_array_new();

    for (unsigned int i = 0; i < n; i++) {
        add_prstatus(b, be, 0xa0 + i, 0);
    }
    elfcore_note_append(b, be, "VMCOREINFO", 0, vmcoreinfo_text,
                        strlen(vmcoreinfo_text));
    return padded(b, 2 * PG);
}

static uint32_t pid_of(const ElfcoreNote *n, gboolean be)
{
    return qf_get32(n->desc + VMCORE_PRSTATUS_PID_OFFSET, be);
}

/* Every byte of an NT_PRSTATUS but pr_pid is @fill */
static void assert_prstatus_kept(const ElfcoreNote *n, uint8_t fill)
{
    g_assert_cmpuint(n->descsz, ==, PRSTATUS_SIZE);
    for (guint j = 0; j < PRSTATUS_SIZE; j++) {
        if (j < VMCORE_PRSTATUS_PID_OFFSET ||
            j >= VMCORE_PRSTATUS_PID_OFFSET + 4) {
            g_assert_cmphex(n->desc[j], ==, fill);
        }
    }
}

static void check_fadump(gboolean be)
{
    g_autoptr(GBytes) in = fadump_notes(be, 3);
    const uint32_t cpus[] = { 0, 2, 5 };
    guint seen = 0;
    gsize len;
    const uint8_t *p = g_bytes_get_data(in, &len);
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) out = vmcore_drgn_notes(p, len, be, cpus, 3, &seen,
                                              &err);
    const uint8_t *q;
    g_autoptr(GArray) notes = NULL;
    const ElfcoreNote *vi;
    uint64_t real;
    gboolean dropped;

    g_assert_no_error(err);
    g_assert_cmpuint(seen, ==, 3);
    q = g_bytes_get_data(out, &len);
    g_assert_cmpuint(len, ==, 2 * PG);
    notes = elfcore_notes_parse(q, len, be);
    g_assert_cmpuint(notes->len, ==, 4);
    for (guint i = 0; i < 3; i++) {
        const ElfcoreNote *n = &g_array_index(notes, ElfcoreNote, i);

        g_assert_true(elfcore_note_is(n, "CORE"));
        g_assert_cmpuint(n->type, ==, ELFCORE_NT_PRSTATUS);
        g_assert_cmpuint(pid_of(n, be), ==, cpus[i] + 1);
        assert_prstatus_kept(n, 0xa0 + i);
    }
    vi = &g_array_index(notes, ElfcoreNote, 3);
    g_assert_true(elfcore_note_is(vi, "VMCOREINFO"));
    g_assert_cmpuint(vi->descsz, ==, strlen(vmcoreinfo_without));
    g_assert_cmpmem(vi->desc, vi->descsz, vmcoreinfo_without,
                    strlen(vmcoreinfo_without));
    /* the kernel's walk ends right after it: zeros follow */
    real = elfcore_notes_real_size(q, len, be, &dropped);
    g_assert_false(dropped);
    g_assert_cmpuint(real, ==, 3 * 524 + elfcore_note_size(
                         11, strlen(vmcoreinfo_without)));
    for (gsize i = real; i < len; i++) {
        g_assert_cmphex(q[i], ==, 0);
    }
}

static void test_fadump_le(void)
{
    check_fadump(FALSE);
}

static void test_fadump_be(void)
{
    check_fadump(TRUE);
}

/* QEMU's notes: numbered already, more than NT_PRSTATUS per CPU */
static void test_qemu_kept(void)
{
    GByteArray *b = g_byte_array_new();
    uint8_t fpregs[264];
    g_autoptr(GBytes) in = NULL;
    g_autoptr(GBytes) out = NULL;
    g_autoptr(GError) err = NULL;
    const uint8_t *p;
    gsize len;
    guint seen = 0;

    memset(fpregs, 0x5a, sizeof(fpregs));
    for (unsigned int cpu = 0; cpu < 2; cpu++) {
        add_prstatus(b, FALSE, 0x11, cpu + 1);
        elfcore_note_append(b, FALSE, "CORE", 2, fpregs, sizeof(fpregs));
    }
    elfcore_note_append(b, FALSE, "VMCOREINFO", 0, vmcoreinfo_without,
                        strlen(vmcoreinfo_without));
    in = padded(b, PG);
    p = g_bytes_get_data(in, &len);
    out = vmcore_drgn_notes(p, len, FALSE, NULL, 0, &seen, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(seen, ==, 2);
    /* no CRASHTIME, pr_pid kept: the very same bytes */
    g_assert_true(g_bytes_equal(in, out));
}

static void test_too_few_cpus(void)
{
    g_autoptr(GBytes) in = fadump_notes(FALSE, 3);
    const uint32_t cpus[] = { 0, 1 };
    guint seen = 0;
    gsize len;
    const uint8_t *p = g_bytes_get_data(in, &len);
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) out = vmcore_drgn_notes(p, len, FALSE, cpus, 2, &seen,
                                              &err);

    g_assert_null(out);
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_assert_nonnull(strstr(err->message, "NT_PRSTATUS note 2"));
}

static void test_short_prstatus(void)
{
    GByteArray *b = g_byte_array_new();
    uint8_t d[20] = { 0 };
    const uint32_t cpus[] = { 0 };
    guint seen = 0;
    g_autoptr(GBytes) in = NULL;
    g_autoptr(GBytes) out = NULL;
    g_autoptr(GError) err = NULL;
    const uint8_t *p;
    gsize len;

    elfcore_note_append(b, FALSE, "CORE", ELFCORE_NT_PRSTATUS, d, sizeof(d));
    in = padded(b, 4096);
    p = g_bytes_get_data(in, &len);
    out = vmcore_drgn_notes(p, len, FALSE, cpus, 1, &seen, &err);
    g_assert_null(out);
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
}

/* Every truncation of the notes: a result of the same size, or an error */
static void test_truncated(void)
{
    g_autoptr(GBytes) in = fadump_notes(TRUE, 2);
    const uint32_t cpus[] = { 3, 4 };
    const uint8_t *p = g_bytes_get_data(in, NULL);

    for (gsize len = 0; len < 2 * 524 + 200; len++) {
        g_autofree uint8_t *copy = g_memdup2(p, len);
        g_autoptr(GError) err = NULL;
        g_autoptr(GBytes) out = NULL;
        guint seen = 0;

        out = vmcore_drgn_notes(copy, len, TRUE, cpus, 2, &seen, &err);
        g_assert_no_error(err);
        g_assert_cmpuint(g_bytes_get_size(out), ==, len);
        g_assert_cmpuint(seen, ==, MIN(2, len / 524));
    }
}

/*
 * The 6.1 capture kernel's header: CPU notes and VMCOREINFO in two
 * PT_NOTEs, then a PT_LOAD; the numbering runs on across PT_NOTEs and
 * the layout keeps its PT_LOAD offsets
 */
static void test_core_header(void)
{
    g_autoptr(VmcoreCoreHeader) hdr = vmcore_core_header_new(FALSE);
    g_autoptr(VmcoreCoreHeader) drgn = NULL;
    g_autoptr(VmcoreLayout) l0 = NULL;
    g_autoptr(VmcoreLayout) l1 = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GArray) notes = NULL;
    GByteArray *a = g_byte_array_new();
    GByteArray *v = g_byte_array_new();
    g_autoptr(GBytes) cpu_notes = NULL;
    g_autoptr(GBytes) vi_note = NULL;
    const uint32_t cpus[] = { 7, 1 };
    const uint8_t *m;
    VmcorePhdr note = { .type = 4 }, load = { .type = 1 };

    memcpy(hdr->ehdr, "\177ELF\2\1\1", 7);
    qf_put16(hdr->ehdr + 16, 4, FALSE);         /* ET_CORE */
    qf_put16(hdr->ehdr + 18, 21, FALSE);        /* EM_PPC64 */
    qf_put32(hdr->ehdr + 20, 1, FALSE);
    qf_put16(hdr->ehdr + 52, 64, FALSE);
    qf_put16(hdr->ehdr + 54, 56, FALSE);
    add_prstatus(a, FALSE, 0x33, 0);
    add_prstatus(a, FALSE, 0x44, 0);
    cpu_notes = padded(a, PG);
    elfcore_note_append(v, FALSE, "VMCOREINFO", 0, vmcoreinfo_text,
                        strlen(vmcoreinfo_text));
    vi_note = padded(v, 4096);
    note.memsz = PG;
    vmcore_core_header_add(hdr, &note, cpu_notes);
    note.memsz = 4096;
    vmcore_core_header_add(hdr, &note, vi_note);
    load.offset = load.paddr = 0;
    load.vaddr = 0xc000000000000000ull;
    load.filesz = load.memsz = 1ull << 30;
    vmcore_core_header_add(hdr, &load, NULL);

    drgn = vmcore_core_header_for_drgn(hdr, cpus, 2, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(drgn->phdrs->len, ==, 3);
    g_assert_cmpmem(drgn->ehdr, 64, hdr->ehdr, 64);
    g_assert_null(g_ptr_array_index(drgn->note_data, 2));
    g_assert_true(vmcore_layout_build(hdr, PG, 0, &l0, &err));
    g_assert_true(vmcore_layout_build(drgn, PG, 0, &l1, &err));
    g_assert_no_error(err);
    /* 2 x 524 + the shorter VMCOREINFO: still one page of notes */
    g_assert_cmpuint(l1->notes_len, ==,
                     l0->notes_len -
                     elfcore_note_size(11, strlen(vmcoreinfo_text)) +
                     elfcore_note_size(11, strlen(vmcoreinfo_without)));
    g_assert_cmpuint(l1->file_size, ==, l0->file_size);
    g_assert_cmpuint(g_array_index(l1->phdrs, VmcorePhdr, 1).offset, ==,
                     g_array_index(l0->phdrs, VmcorePhdr, 1).offset);
    m = g_bytes_get_data(l1->notes, NULL);
    notes = elfcore_notes_parse(m, l1->notes_len, FALSE);
    g_assert_cmpuint(notes->len, ==, 3);
    g_assert_cmpuint(pid_of(&g_array_index(notes, ElfcoreNote, 0), FALSE),
                     ==, 8);
    g_assert_cmpuint(pid_of(&g_array_index(notes, ElfcoreNote, 1), FALSE),
                     ==, 2);
    g_assert_null(g_strstr_len((const char *)m, l1->notes_len,
                               "CRASHTIME="));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmcore/drgn-notes/fadump-le", test_fadump_le);
    g_test_add_func("/vmcore/drgn-notes/fadump-be", test_fadump_be);
    g_test_add_func("/vmcore/drgn-notes/qemu-kept", test_qemu_kept);
    g_test_add_func("/vmcore/drgn-notes/too-few-cpus", test_too_few_cpus);
    g_test_add_func("/vmcore/drgn-notes/short-prstatus",
                    test_short_prstatus);
    g_test_add_func("/vmcore/drgn-notes/truncated", test_truncated);
    g_test_add_func("/vmcore/drgn-notes/core-header", test_core_header);
    return g_test_run();
}
