/*
 * Unit tests of the register save area decoder (lib/papr/regsave.c)
 * and of the CPU notes built from it (lib/vmcore/cpu-notes.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>

#include "elfcore/notes.h"
#include "vmcore/cpu-notes.h"
#include "common/error.h"
#include "papr/regsave.h"

#define A 0x40000000ULL

typedef struct Area {
    uint8_t buf[4096];
    size_t pos;
} Area;

static void put_be(uint8_t *p, uint64_t v, int size)
{
    for (int i = size - 1; i >= 0; i--, v >>= 8) {
        p[i] = v & 0xff;
    }
}

static void area_init(Area *a, uint32_t num_cpu_offset, uint32_t ncpus)
{
    memset(a, 0, sizeof(*a));
    put_be(a->buf, PAPR_REGSAVE_MAGIC, 8);
    put_be(a->buf + 12, num_cpu_offset, 4);
    put_be(a->buf + num_cpu_offset, ncpus, 4);
    a->pos = num_cpu_offset + 4;
}

/* An entry with a raw 8-byte id (names may hold any bytes) */
static void entry_raw(Area *a, const char id[8], uint64_t value)
{
    memcpy(a->buf + a->pos, id, 8);
    put_be(a->buf + a->pos + 8, value, 8);
    a->pos += 16;
}

static void entry(Area *a, const char *name, uint64_t value)
{
    char id[8] = { 0 };

    memcpy(id, name, MIN(strlen(name), sizeof(id)));
    entry_raw(a, id, value);
}

static void test_reg_id(void)
{
    /* the values the contract lists */
    g_assert_cmphex(papr_reg_id("REGSAVE"), ==, 0x5245475341564500ULL);
    g_assert_cmphex(papr_reg_id("CPUSTRT"), ==, 0x4350555354525400ULL);
    g_assert_cmphex(papr_reg_id("CPUEND"), ==, 0x435055454E440000ULL);
    g_assert_cmphex(papr_reg_id("GPR31"), ==, 0x4750523331000000ULL);
    g_assert_cmphex(papr_reg_id("LR"), ==, 0x4C52000000000000ULL);
    g_assert_cmphex(papr_reg_id("FADMPSIG"), ==, 0x4641444D50534947ULL);
}

/* What our QEMU writes: count at 16, entries at 20 */
static void test_qemu_layout(void)
{
    Area a;
    g_autoptr(PaprRegsave) rs = NULL;
    g_autoptr(GError) err = NULL;
    const PaprRegsaveCpu *c;

    area_init(&a, 16, 2);
    for (uint32_t cpu = 0; cpu < 2; cpu++) {
        entry(&a, "CPUSTRT", 0xabcd00000000ULL | cpu);  /* high bits: no id */
        for (int i = 0; i < 32; i++) {
            char name[8];

            g_snprintf(name, sizeof(name), "GPR%02d", i);
            entry(&a, name, 0x100 * cpu + i);
        }
        entry(&a, "NIA", 0xc000000000004900ULL);
        entry(&a, "MSR", 0x8000000000001033ULL);
        entry(&a, "CR", 0x22);
        entry(&a, "LR", 0x10184d0c);
        entry(&a, "CTR", 0x33);
        entry(&a, "XER", 0x44);
        entry(&a, "DAR", 0x55);
        entry(&a, "DSISR", 0x66);
        entry(&a, "SRR0", 0x77);            /* Linux ignores these */
        entry(&a, "CFAR", 0x88);
        entry(&a, "CPUEND", cpu);
    }
    g_assert_true(papr_regsave_decode(a.buf, sizeof(a.buf), A, &rs,
                                        &err));
    g_assert_no_error(err);
    g_assert_cmpuint(rs->num_cpu_offset, ==, 16);
    g_assert_cmpuint(rs->num_cpus, ==, 2);
    g_assert_cmpuint(rs->used, ==, a.pos);
    g_assert_cmpuint(rs->cpus->len, ==, 2);
    c = &g_array_index(rs->cpus, PaprRegsaveCpu, 1);
    g_assert_cmpuint(c->id, ==, 1);
    g_assert_cmpuint(c->offset, ==, 20 + 44 * 16);
    g_assert_cmpuint(c->n_entries, ==, 42);
    g_assert_cmpuint(c->n_ignored, ==, 2);
    g_assert_cmphex(c->regs[7], ==, 0x107);
    g_assert_cmphex(c->regs[PAPR_PT_NIP], ==, 0xc000000000004900ULL);
    g_assert_cmphex(c->regs[PAPR_PT_MSR], ==, 0x8000000000001033ULL);
    g_assert_cmphex(c->regs[PAPR_PT_CCR], ==, 0x22);
    g_assert_cmphex(c->regs[PAPR_PT_LINK], ==, 0x10184d0c);
    g_assert_cmphex(c->regs[PAPR_PT_CTR], ==, 0x33);
    g_assert_cmphex(c->regs[PAPR_PT_XER], ==, 0x44);
    g_assert_cmphex(c->regs[PAPR_PT_DAR], ==, 0x55);
    g_assert_cmphex(c->regs[PAPR_PT_DSISR], ==, 0x66);
    g_assert_cmphex(c->regs[PAPR_PT_SOFTE], ==, 0);
    g_assert_cmphex(c->regs[PAPR_PT_ORIG_GPR3], ==, 0);
}

/* GPR names read as Linux's kstrtoint() reads the two digits */
static void test_gpr_names(void)
{
    static const struct {
        char id[8];
        int gpr;                /* -1: ignored */
    } cases[] = {
        { "GPR05", 5 }, { "GPR5", 5 }, { "GPR+5", 5 }, { "GPR-0", 0 },
        { "GPR7\n", 7 }, { "GPR31", 31 }, { "GPR32", -1 }, { "GPR-1", -1 },
        { "GPRx1", -1 }, { "GPR", -1 }, { "GPR1a", -1 }, { "GPR 1", -1 },
        { "GPR09X", 9 },      /* only two characters are looked at */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Area a;
        g_autoptr(PaprRegsave) rs = NULL;
        const PaprRegsaveCpu *c;

        area_init(&a, 16, 1);
        entry(&a, "CPUSTRT", 0);
        entry_raw(&a, cases[i].id, 0x1234);
        entry(&a, "CPUEND", 0);
        g_assert_true(papr_regsave_decode(a.buf, a.pos, A, &rs, NULL));
        c = &g_array_index(rs->cpus, PaprRegsaveCpu, 0);
        for (int r = 0; r < 48; r++) {
            uint64_t want = r == cases[i].gpr ? 0x1234 : 0;

            if (c->regs[r] != want) {
                g_error("id \"%.8s\": word %d is 0x%" G_GINT64_MODIFIER "x",
                        cases[i].id, r, c->regs[r]);
            }
        }
        g_assert_cmpuint(c->n_ignored, ==, cases[i].gpr < 0);
    }
}

static void expect_error(const Area *a, size_t len, int code,
                         const char *needle)
{
    PaprRegsave *rs = (PaprRegsave *)0x1;
    g_autoptr(GError) err = NULL;

    g_assert_false(papr_regsave_decode(a->buf, len, A, &rs, &err));
    g_assert_true(rs == (PaprRegsave *)0x1);
    g_assert_error(err, QF_ERROR, code);
    g_assert_true(g_str_has_prefix(err->message,
                                   "register save area at 0x40000000: "));
    if (!strstr(err->message, needle)) {
        g_error("\"%s\" not in \"%s\"", needle, err->message);
    }
}

static void test_errors(void)
{
    Area a;

    area_init(&a, 16, 1);
    entry(&a, "CPUSTRT", 0);
    entry(&a, "GPR00", 1);
    entry(&a, "CPUEND", 0);
    expect_error(&a, 12, QF_ERROR_TRUNCATED, "the header takes 16");
    expect_error(&a, 18, QF_ERROR_TRUNCATED, "CPU count at offset");
    expect_error(&a, 30, QF_ERROR_TRUNCATED, "would start");
    expect_error(&a, a.pos - 16, QF_ERROR_TRUNCATED, "no CPUEND");
    a.buf[0] = 0;
    expect_error(&a, a.pos, QF_ERROR_CORRUPT, "not \"REGSAVE\"");

    /* a list that does not start with CPUSTRT */
    area_init(&a, 16, 2);
    entry(&a, "CPUSTRT", 0);
    entry(&a, "CPUEND", 0);
    entry(&a, "GPR00", 0);
    expect_error(&a, sizeof(a.buf), QF_ERROR_CORRUPT, "list 1");

    area_init(&a, 16, PAPR_REGSAVE_MAX_CPUS + 1);
    expect_error(&a, sizeof(a.buf), QF_ERROR_UNSUPPORTED, "8193");

    /* the count may live further on (num_cpu_offset is honoured) */
    area_init(&a, 64, 0);
    {
        g_autoptr(PaprRegsave) rs = NULL;

        g_assert_true(papr_regsave_decode(a.buf, 68, A, &rs, NULL));
        g_assert_cmpuint(rs->num_cpus, ==, 0);
        g_assert_cmpuint(rs->used, ==, 68);
    }
}

/* The notes: mask filter, crashing CPU from the fdh, area order */
static void test_cpu_notes(gconstpointer data)
{
    gboolean be = GPOINTER_TO_INT(data);
    Area a;
    g_autoptr(PaprRegsave) rs = NULL;
    g_autoptr(GBytes) notes = NULL;
    g_autoptr(GArray) cpus = NULL;
    g_autoptr(GArray) parsed = NULL;
    PaprFdh fdh = { .big_endian = be, .crashing_cpu = 3,
                      .cpu_mask_sz = 8 };
    const uint8_t *p;
    gsize len;

    area_init(&a, 16, 3);
    for (uint32_t cpu = 3; cpu > 0; cpu--) {        /* 3, 2, 1 */
        entry(&a, "CPUSTRT", cpu);
        entry(&a, "NIA", 0x1000 + cpu);
        entry(&a, "CPUEND", cpu);
    }
    g_assert_true(papr_regsave_decode(a.buf, a.pos, A, &rs, NULL));
    /* CPUs 1 and 3 online; the mask in the kernel's order */
    fdh.cpu_mask[be ? 7 : 0] = 0x0a;
    for (int w = 0; w < 48; w++) {
        uint64_t v = 0xc000000000000000ULL + w;

        v = be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
        memcpy(fdh.regs + 8 * w, &v, 8);
    }
    notes = vmcore_cpu_notes_build(rs, &fdh, 4096, &cpus);
    p = g_bytes_get_data(notes, &len);
    g_assert_cmpuint(len, ==, 4096);                /* PAGE_ALIGN(3*536) */
    g_assert_cmpuint(cpus->len, ==, 2);
    g_assert_cmpuint(g_array_index(cpus, VmcoreCpuNote, 0).cpu, ==, 3);
    g_assert_true(g_array_index(cpus, VmcoreCpuNote, 0).from_fdh);
    g_assert_cmpuint(g_array_index(cpus, VmcoreCpuNote, 1).cpu, ==, 1);
    g_assert_false(g_array_index(cpus, VmcoreCpuNote, 1).from_fdh);

    parsed = elfcore_notes_parse(p, len, be);
    g_assert_cmpuint(parsed->len, ==, 2);
    for (guint i = 0; i < 2; i++) {
        const ElfcoreNote *n = &g_array_index(parsed, ElfcoreNote, i);

        g_assert_true(elfcore_note_is(n, "CORE"));
        g_assert_cmpuint(n->type, ==, ELFCORE_NT_PRSTATUS);
        g_assert_cmpuint(n->descsz, ==, VMCORE_PRSTATUS_SIZE);
        g_assert_cmpuint(n->offset, ==, i * VMCORE_PRSTATUS_NOTE_SIZE);
    }
    /* the crashing CPU: every word of fdh->regs, verbatim */
    g_assert_cmpmem(g_array_index(parsed, ElfcoreNote, 0).desc + 112, 384,
                    fdh.regs, 384);
    g_assert_cmphex(vmcore_prstatus_reg(g_array_index(parsed, ElfcoreNote,
                                                      1).desc, be, 32), ==,
                    0x1001);
    g_assert_cmphex(vmcore_prstatus_reg(g_array_index(parsed, ElfcoreNote,
                                                      1).desc, be, 0), ==, 0);
    /* then zeros: the terminator and the rest of the buffer */
    for (gsize i = 2 * VMCORE_PRSTATUS_NOTE_SIZE; i < len; i++) {
        g_assert_cmpuint(p[i], ==, 0);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/regsave/reg-id", test_reg_id);
    g_test_add_func("/regsave/qemu-layout", test_qemu_layout);
    g_test_add_func("/regsave/gpr-names", test_gpr_names);
    g_test_add_func("/regsave/errors", test_errors);
    g_test_add_data_func("/regsave/cpu-notes/little-endian",
                         GINT_TO_POINTER(FALSE), test_cpu_notes);
    g_test_add_data_func("/regsave/cpu-notes/big-endian",
                         GINT_TO_POINTER(TRUE), test_cpu_notes);
    return g_test_run();
}
