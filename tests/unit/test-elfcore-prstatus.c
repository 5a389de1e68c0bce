/*
 * Unit tests of QEMU's NT_PRSTATUS decoding (lib/elfcore/prstatus.c): the
 * notes of generated dump-guest-memory ELF files of either byte order,
 * with QEMU 9.1+'s pr_pid = CPU index + 1 and older QEMU's pr_pid 0, and
 * hand-assembled note blobs for the odd cases.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "elfcore/prstatus.h"
#include "elfcore/notes.h"
#include "common/error.h"
#include "dump/reader.h"
#include "fadump-gen.h"

/* The notes of a QEMU ELF dump of a 3-vCPU guest without fadump */
static GBytes *qemu_notes(gboolean be, gboolean pid_zero)
{
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("prstatus-XXXXXX", &err);
    g_autofree char *path = g_build_filename(dir, "dump.elf", NULL);
    g_autoptr(Dump) dump = NULL;
    GBytes *notes;

    gen_params_default(&p);
    p.big_endian = be;
    p.no_fadump = TRUE;
    p.ncpus = 3;
    p.qemu_pr_pid_zero = pid_zero;
    img = gen_image_new(&p);
    gen_write_qemu_elf(img, path, GEN_ELF_QEMU_NEW, be, 1);
    dump = dump_open(path, NULL, &err);
    g_assert_no_error(err);
    notes = dump_notes(dump);
    g_assert_nonnull(notes);
    g_unlink(path);
    g_rmdir(dir);
    return notes;
}

static void check_regs(const ElfcoreCpuRegs *r, unsigned int cpu)
{
    for (unsigned int w = 0; w < ELFCORE_PRSTATUS_REG_WORDS; w++) {
        g_assert_cmphex(r->regs[w], ==, gen_qemu_note_reg(cpu, w));
    }
}

static void test_qemu(gconstpointer data)
{
    int v = GPOINTER_TO_INT(data);
    gboolean be = v & 1, pid_zero = v >> 1 & 1;
    g_autoptr(GBytes) notes = qemu_notes(be, pid_zero);
    g_autoptr(GError) err = NULL;
    ElfcoreQemuCpus c = { 0 };
    gsize len;
    const uint8_t *buf = g_bytes_get_data(notes, &len);

    g_assert_true(elfcore_qemu_cpus_parse(buf, len, &c, &err));
    g_assert_no_error(err);
    g_assert_cmpint(c.big_endian, ==, be);
    g_assert_cmpint(c.rule, ==, pid_zero ? ELFCORE_CPU_BY_NOTE_ORDER
                                         : ELFCORE_CPU_BY_PR_PID);
    g_assert_cmpuint(c.cpus->len, ==, 3);
    for (unsigned int i = 0; i < 3; i++) {
        const ElfcoreCpuRegs *r = &g_array_index(c.cpus, ElfcoreCpuRegs, i);

        g_assert_cmpuint(r->cpu, ==, i);
        g_assert_cmpuint(r->pr_pid, ==, pid_zero ? 0 : i + 1);
        /* PRSTATUS, FPREG per CPU */
        g_assert_cmpuint(r->note_index, ==, 2 * i);
        check_regs(r, i);
        g_assert_true(elfcore_qemu_cpus_find(&c, i) == r);
    }
    g_assert_null(elfcore_qemu_cpus_find(&c, 3));
    g_assert_cmpstr(elfcore_cpu_rule_describe(c.rule), ==,
                    pid_zero ? "note order (pr_pid 0: QEMU before 9.1)"
                             : "pr_pid - 1 (QEMU 9.1+)");
    elfcore_qemu_cpus_clear(&c);
    elfcore_qemu_cpus_clear(&c);
}

/* A prstatus with @pid and nip @nip */
static void add_prstatus(GByteArray *b, gboolean be, uint32_t pid,
                         uint64_t nip)
{
    uint8_t pr[ELFCORE_PRSTATUS_PPC64_SIZE] = { 0 };

    gen_put(pr + 32, pid, 4, be);
    gen_put(pr + 112 + 32 * 8, nip, 8, be);
    elfcore_note_append(b, be, "CORE", ELFCORE_NT_PRSTATUS, pr, sizeof(pr));
}

/* pr_pid in reverse order (CPUs hot-plugged out of order): by pid */
static void test_pid_order(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    ElfcoreQemuCpus c = { 0 };

    add_prstatus(b, TRUE, 3, 0x300);
    add_prstatus(b, TRUE, 1, 0x100);
    add_prstatus(b, TRUE, 2, 0x200);
    g_assert_true(elfcore_qemu_cpus_parse(b->data, b->len, &c, NULL));
    g_assert_true(c.big_endian);
    g_assert_cmpint(c.rule, ==, ELFCORE_CPU_BY_PR_PID);
    g_assert_cmpuint(elfcore_qemu_cpus_find(&c, 2)->regs[32], ==, 0x300);
    g_assert_cmpuint(elfcore_qemu_cpus_find(&c, 0)->regs[32], ==, 0x100);
    g_assert_cmpuint(elfcore_qemu_cpus_find(&c, 1)->regs[32], ==, 0x200);
    elfcore_qemu_cpus_clear(&c);
}

/* Some pr_pid 0, or the same twice: note order, and it says why */
static void test_pid_unusable(void)
{
    static const uint32_t pids[2][3] = { { 1, 0, 3 }, { 1, 1, 2 } };

    for (int k = 0; k < 2; k++) {
        g_autoptr(GByteArray) b = g_byte_array_new();
        ElfcoreQemuCpus c = { 0 };

        for (int i = 0; i < 3; i++) {
            add_prstatus(b, FALSE, pids[k][i], 0x100 * (i + 1));
        }
        g_assert_true(elfcore_qemu_cpus_parse(b->data, b->len, &c, NULL));
        g_assert_false(c.big_endian);
        g_assert_cmpint(c.rule, ==, ELFCORE_CPU_BY_NOTE_ORDER_PID_UNUSABLE);
        for (unsigned int i = 0; i < 3; i++) {
            g_assert_cmpuint(elfcore_qemu_cpus_find(&c, i)->regs[32], ==,
                             0x100 * (i + 1));
        }
        elfcore_qemu_cpus_clear(&c);
    }
}

/* No PRSTATUS (only other notes, or none, or garbage): a clear error */
static void test_absent(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    uint8_t fp[264] = { 0 };
    g_autoptr(GError) err = NULL;
    ElfcoreQemuCpus c = { 0 };

    elfcore_note_append(b, FALSE, "CORE", 2, fp, sizeof(fp));
    elfcore_note_append(b, FALSE, "VMCOREINFO", 0, "OSRELEASE=x\n", 12);
    /* NT_PRSTATUS under another name is not QEMU's */
    elfcore_note_append(b, FALSE, "LINUX", 1, fp, sizeof(fp));
    g_assert_false(elfcore_qemu_cpus_parse(b->data, b->len, &c, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_true(g_str_has_prefix(err->message, "QEMU CPU notes: no "
                                                 "NT_PRSTATUS"));
    g_clear_error(&err);
    g_assert_false(elfcore_qemu_cpus_parse(NULL, 0, &c, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_NOT_FOUND);
    g_assert_null(c.cpus);
}

/* A PRSTATUS of another size (a 32-bit guest's, or damage): corrupt */
static void test_wrong_size(void)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    uint8_t pr[ELFCORE_PRSTATUS_PPC64_SIZE] = { 0 };
    g_autoptr(GError) err = NULL;
    ElfcoreQemuCpus c = { 0 };

    add_prstatus(b, TRUE, 1, 0x100);
    elfcore_note_append(b, TRUE, "CORE", 1, pr, 500);
    g_assert_false(elfcore_qemu_cpus_parse(b->data, b->len, &c, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "has 500 bytes"));
}

/* Notes cut short: the complete ones count */
static void test_truncated(void)
{
    g_autoptr(GBytes) notes = qemu_notes(FALSE, FALSE);
    gsize len;
    const uint8_t *buf = g_bytes_get_data(notes, &len);
    ElfcoreQemuCpus c = { 0 };
    /* CPU 0's PRSTATUS and FPREG, and half of CPU 1's PRSTATUS */
    uint64_t cut = 2 * elfcore_note_size(5, 504) - elfcore_note_size(5, 504) +
                   elfcore_note_size(5, 264) + elfcore_note_size(5, 504) / 2;

    g_assert_cmpuint(cut, <, len);
    g_assert_true(elfcore_qemu_cpus_parse(buf, cut, &c, NULL));
    g_assert_cmpuint(c.cpus->len, ==, 1);
    check_regs(&g_array_index(c.cpus, ElfcoreCpuRegs, 0), 0);
    elfcore_qemu_cpus_clear(&c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/elfcore-prstatus/qemu/le-pid", GINT_TO_POINTER(0),
                         test_qemu);
    g_test_add_data_func("/elfcore-prstatus/qemu/be-pid", GINT_TO_POINTER(1),
                         test_qemu);
    g_test_add_data_func("/elfcore-prstatus/qemu/le-pid0", GINT_TO_POINTER(2),
                         test_qemu);
    g_test_add_data_func("/elfcore-prstatus/qemu/be-pid0", GINT_TO_POINTER(3),
                         test_qemu);
    g_test_add_func("/elfcore-prstatus/pid-order", test_pid_order);
    g_test_add_func("/elfcore-prstatus/pid-unusable", test_pid_unusable);
    g_test_add_func("/elfcore-prstatus/absent", test_absent);
    g_test_add_func("/elfcore-prstatus/wrong-size", test_wrong_size);
    g_test_add_func("/elfcore-prstatus/truncated", test_truncated);
    return g_test_run();
}
