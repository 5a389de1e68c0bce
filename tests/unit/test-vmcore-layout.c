/*
 * Unit tests of the ELF core header the 6.12 capture kernel builds
 * (lib/vmcore/elfcorehdr.c) and of the /proc/vmcore layout made from
 * it (lib/vmcore/layout.c), on hand-made inputs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <glib.h>
#include <string.h>

#include "elfcore/notes.h"
#include "vmcore/elfcorehdr.h"
#include "common/error.h"
#include "vmcore/layout.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define PG 65536ull

/* A 6.12 registration: A = 1G, C = 0xde0, M = 1G, B = A + 64K */
static void registration(VmcoreRegistration *reg)
{
    PaprFdm fdm = { .version = 1, .num_sections = 3, .first_offset = 40 };

    fdm.sections[0] = (PaprSection) { 1, 0x1, 0, 0, 0xde0, 0, GiB };
    fdm.sections[1] = (PaprSection) { 1, 0x2, 0, 0, 0, 0, GiB + 0xde0 };
    fdm.sections[2] = (PaprSection) { 1, 0x11, 0, 0, GiB, 0, GiB + PG };
    g_assert_true(vmcore_registration_from_fdm(&fdm, reg, NULL));
    g_assert_cmphex(reg->fdh_addr, ==, 2 * GiB + PG);
    g_assert_cmphex(reg->boot_mem_top, ==, GiB);
}

static GBytes *vmcoreinfo_note(const char *text, size_t bufsize)
{
    g_autoptr(GByteArray) b = g_byte_array_new();

    elfcore_note_append(b, FALSE, "VMCOREINFO", 0, text, strlen(text));
    g_assert_cmpuint(b->len, <=, bufsize);
    {
        guint used = b->len;

        g_byte_array_set_size(b, bufsize);
        memset(b->data + used, 0, bufsize - used);
    }
    return g_byte_array_free_to_bytes(g_steal_pointer(&b));
}

static GBytes *cpu_notes(unsigned int n)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    uint8_t prstatus[504] = { 0 };

    for (unsigned int i = 0; i < n; i++) {
        prstatus[112] = i;
        elfcore_note_append(b, FALSE, "CORE", 1, prstatus, 504);
    }
    g_byte_array_set_size(b, PG);
    memset(b->data + n * 524, 0, PG - n * 524);
    return g_byte_array_free_to_bytes(g_steal_pointer(&b));
}

/* @a: the reserved area's start, 0 for the usual boot_mem_top */
static VmcoreCoreHeader *build_at(uint64_t a, const DumpMemRange *ram,
                                  size_t n, uint64_t *ra_s, uint64_t *ra_e)
{
    static VmcoreRegistration reg;
    PaprFdh fdh = { .size = 432, .vmcoreinfo_raddr = 0x43110000,
                      .vmcoreinfo_size = 0x10024 };
    g_autoptr(GBytes) notes = cpu_notes(4);
    g_autoptr(GBytes) vmci = vmcoreinfo_note("PAGESIZE=65536\n", 0x10024);
    VmcoreElfcorehdrParams p = {
        .reg = &reg, .fdh = &fdh, .ram = ram, .n_ram = n, .page_size = PG,
        .cpu_state_size = 0xde0, .hpte_size = 0, .cpu_notes = notes,
        .vmcoreinfo = vmci, .e_flags = 2,
    };

    registration(&reg);
    if (a) {
        reg.cpu_state_dest = a;
    }
    return vmcore_elfcorehdr_build(&p, ra_s, ra_e);
}

static VmcoreCoreHeader *build(const DumpMemRange *ram, size_t n,
                               uint64_t *ra_s, uint64_t *ra_e)
{
    return build_at(0, ram, n, ra_s, ra_e);
}

static const VmcorePhdr *phdr(const GArray *a, guint i)
{
    return &g_array_index(a, VmcorePhdr, i);
}

#define RANGE(s_, n_) { .paddr = (s_), .size = (n_) }

/* The e2e guest: 4 GiB in one range */
static void test_612_one_range(void)
{
    DumpMemRange ram[] = { RANGE(0, 4 * GiB) };
    uint64_t ra_s, ra_e;
    g_autoptr(VmcoreCoreHeader) hdr = build(ram, 1, &ra_s, &ra_e);
    g_autoptr(VmcoreLayout) l = NULL;
    g_autoptr(GError) err = NULL;
    const VmcoreSegment *seg;

    g_assert_cmphex(ra_s, ==, GiB);
    g_assert_cmphex(ra_e, ==, 2 * GiB + PG + 432);
    g_assert_cmpuint(hdr->phdrs->len, ==, 4);
    g_assert_cmpuint(phdr(hdr->phdrs, 0)->type, ==, PT_NOTE);
    g_assert_cmphex(phdr(hdr->phdrs, 1)->offset, ==, 0x43110000);
    g_assert_cmphex(phdr(hdr->phdrs, 2)->offset, ==, GiB + PG);
    g_assert_cmphex(phdr(hdr->phdrs, 2)->vaddr, ==, 0xc000000000000000ULL);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->paddr, ==, 0x800101b0);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->memsz, ==, 4 * GiB - 0x800101b0);

    g_assert_true(vmcore_layout_build(hdr, PG, 4, &l, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(l->phdrs->len, ==, 3);
    g_assert_cmpuint(g_bytes_get_size(l->header), ==, PG);
    /* four CPU notes and VMCOREINFO, terminators not counted */
    g_assert_cmpuint(l->notes_len, ==, 4 * 524 + 12 + 12 + 16);
    g_assert_cmpuint(g_bytes_get_size(l->notes), ==, PG);
    g_assert_cmphex(phdr(l->phdrs, 0)->offset, ==, PG);
    g_assert_cmphex(phdr(l->phdrs, 0)->align, ==, 4);
    g_assert_cmphex(phdr(l->phdrs, 1)->offset, ==, 2 * PG);
    /* the page holding the fdh tail comes along, p_offset points in it */
    g_assert_cmphex(phdr(l->phdrs, 2)->offset, ==, 2 * PG + GiB + 0x1b0);
    g_assert_cmpuint(l->segments->len, ==, 2);
    seg = &g_array_index(l->segments, VmcoreSegment, 1);
    g_assert_cmphex(seg->src, ==, 0x80010000);
    g_assert_cmphex(seg->file_offset, ==, 2 * PG + GiB);
    g_assert_cmpuint(l->file_size, ==, 3221291008ull);   /* the real one */
    g_assert_cmpuint(l->warnings->len, ==, 0);
}

/* Ranges inside, after and clear of the reserved area (section 7.1) */
static void test_612_ranges(void)
{
    DumpMemRange ram[] = {
        RANGE(0, 512 * MiB),                /* boot memory: skipped */
        RANGE(512 * MiB, 1536 * MiB),       /* clipped to [1G, 2G): inside */
        RANGE(2 * GiB, 32 * 1024),          /* inside the area */
        RANGE(2 * GiB + 32 * 1024, 2 * GiB),    /* runs past ra_e */
        RANGE(8 * GiB, GiB),                /* no overlap */
    };
    uint64_t ra_s, ra_e;
    g_autoptr(VmcoreCoreHeader) hdr = build(ram, G_N_ELEMENTS(ram), &ra_s,
                                            &ra_e);
    g_autoptr(VmcoreLayout) l = NULL;
    VmcorePhdr zero = { 0 };

    /* notes, boot region, then one slot per range above boot memory */
    g_assert_cmpuint(hdr->phdrs->len, ==, 2 + 1 + 4);
    g_assert_cmpmem(phdr(hdr->phdrs, 3), sizeof(zero), &zero, sizeof(zero));
    g_assert_cmpmem(phdr(hdr->phdrs, 4), sizeof(zero), &zero, sizeof(zero));
    g_assert_cmphex(phdr(hdr->phdrs, 5)->paddr, ==, ra_e);
    g_assert_cmphex(phdr(hdr->phdrs, 5)->offset, ==, ra_e);
    g_assert_cmphex(phdr(hdr->phdrs, 5)->memsz, ==,
                    4 * GiB + 32 * 1024 - ra_e);
    g_assert_cmphex(phdr(hdr->phdrs, 6)->paddr, ==, 8 * GiB);
    g_assert_true(vmcore_layout_build(hdr, PG, 4, &l, NULL));
    /* the PT_NULLs stay in the table and take no file space */
    g_assert_cmpuint(l->phdrs->len, ==, 6);
    g_assert_cmpuint(phdr(l->phdrs, 2)->type, ==, PT_NULL);
    g_assert_cmpuint(phdr(l->phdrs, 3)->type, ==, PT_NULL);
    g_assert_cmpuint(l->segments->len, ==, 3);
}

/* A reserved area above boot memory: ranges around it split in two */
static void test_612_surrounded(void)
{
    DumpMemRange ram[] = { RANGE(0, 4 * GiB) };
    DumpMemRange low[] = { RANGE(0, 2 * GiB) };
    uint64_t ra_s, ra_e;
    g_autoptr(VmcoreCoreHeader) hdr = build_at(1536 * MiB, ram, 1, &ra_s,
                                               &ra_e);
    g_autoptr(VmcoreCoreHeader) hdr2 = NULL;

    g_assert_cmphex(ra_e, ==, 1536 * MiB + PG + GiB + 432);
    g_assert_cmpuint(hdr->phdrs->len, ==, 5);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->paddr, ==, GiB);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->memsz, ==, 512 * MiB);
    g_assert_cmphex(phdr(hdr->phdrs, 4)->paddr, ==, ra_e);
    g_assert_cmphex(phdr(hdr->phdrs, 4)->memsz, ==, 4 * GiB - ra_e);
    /* ending inside the area: the part below it only */
    hdr2 = build_at(1536 * MiB, low, 1, NULL, NULL);
    g_assert_cmpuint(hdr2->phdrs->len, ==, 4);
    g_assert_cmphex(phdr(hdr2->phdrs, 3)->paddr, ==, GiB);
    g_assert_cmphex(phdr(hdr2->phdrs, 3)->memsz, ==, 512 * MiB);
}

/* Boot memory with a hole: two regions, copied back to back */
static void test_612_boot_regions(void)
{
    PaprFdm fdm = { .version = 1, .num_sections = 4, .first_offset = 40 };
    VmcoreRegistration reg;
    PaprFdh fdh = { .size = 432, .vmcoreinfo_raddr = 0x43110000,
                      .vmcoreinfo_size = 0x10024 };
    DumpMemRange ram[] = { RANGE(0, 256 * MiB), RANGE(512 * MiB,
                                                      3584 * MiB) };
    g_autoptr(GBytes) notes = cpu_notes(1);
    g_autoptr(GBytes) vmci = vmcoreinfo_note("PAGESIZE=65536\n", 0x10024);
    uint64_t A = GiB, B = GiB + PG, ra_e;
    VmcoreElfcorehdrParams p = {
        .reg = &reg, .fdh = &fdh, .ram = ram, .n_ram = 2, .page_size = PG,
        .cpu_state_size = 0xde0, .cpu_notes = notes, .vmcoreinfo = vmci,
        .e_flags = 2,
    };
    g_autoptr(VmcoreCoreHeader) hdr = NULL;

    fdm.sections[0] = (PaprSection) { 1, 0x1, 0, 0, 0xde0, 0, A };
    fdm.sections[1] = (PaprSection) { 1, 0x2, 0, 0, 0, 0, A + 0xde0 };
    fdm.sections[2] = (PaprSection) { 1, 0x11, 0, 0, 256 * MiB, 0, B };
    fdm.sections[3] = (PaprSection) { 1, 0x11, 0, 512 * MiB, 256 * MiB, 0,
                                        B + 256 * MiB };
    g_assert_true(vmcore_registration_from_fdm(&fdm, &reg, NULL));
    g_assert_cmpuint(reg.n_boot, ==, 2);
    g_assert_cmphex(reg.boot_mem_size, ==, 512 * MiB);
    g_assert_cmphex(reg.hole_size, ==, 256 * MiB);
    g_assert_cmphex(reg.boot_mem_top, ==, 768 * MiB);
    g_assert_cmphex(reg.fdh_addr, ==, B + 512 * MiB);
    hdr = vmcore_elfcorehdr_build(&p, NULL, &ra_e);
    g_assert_cmphex(ra_e, ==, A + PG + 512 * MiB + 432);
    g_assert_cmpuint(hdr->phdrs->len, ==, 2 + 2 + 2);
    g_assert_cmphex(phdr(hdr->phdrs, 2)->paddr, ==, 0);
    g_assert_cmphex(phdr(hdr->phdrs, 2)->offset, ==, B);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->paddr, ==, 512 * MiB);
    g_assert_cmphex(phdr(hdr->phdrs, 3)->offset, ==, B + 256 * MiB);
    /* [768M, A) below the reserved area, [ra_e, 4G) above it */
    g_assert_cmphex(phdr(hdr->phdrs, 4)->paddr, ==, 768 * MiB);
    g_assert_cmphex(phdr(hdr->phdrs, 4)->memsz, ==, A - 768 * MiB);
    g_assert_cmphex(phdr(hdr->phdrs, 5)->paddr, ==, ra_e);
    g_assert_cmphex(phdr(hdr->phdrs, 5)->memsz, ==, 4 * GiB - ra_e);
}

static VmcoreCoreHeader *plain_header(void)
{
    VmcoreCoreHeader *hdr = vmcore_core_header_new(TRUE);
    uint8_t *e = hdr->ehdr;

    memcpy(e, ELFMAG, 4);
    e[EI_CLASS] = ELFCLASS64;
    e[EI_DATA] = ELFDATA2MSB;
    e[EI_VERSION] = 1;
    e[17] = ET_CORE;
    e[19] = EM_PPC64;
    e[23] = 1;
    e[53] = 64;
    e[55] = 56;
    return hdr;
}

static void test_notes_walk(void)
{
    g_autoptr(VmcoreCoreHeader) hdr = plain_header();
    g_autoptr(GByteArray) n1 = g_byte_array_new();
    g_autoptr(GBytes) b1 = NULL;
    g_autoptr(GByteArray) n2 = g_byte_array_new();
    g_autoptr(GBytes) b2 = NULL;
    g_autoptr(VmcoreLayout) l = NULL;
    VmcorePhdr note = { .type = PT_NOTE };
    VmcorePhdr load = { .type = PT_LOAD, .offset = 0x1234, .paddr = 0x1234,
                        .filesz = 0x10, .memsz = 0x10 };
    const uint8_t *merged;

    /* two notes, then one whose descriptor runs past p_memsz */
    elfcore_note_append(n1, TRUE, "A", 1, "xyz", 3);
    elfcore_note_append(n1, TRUE, "BB", 2, "12345678", 8);
    elfcore_note_append(n1, TRUE, "C", 3, "0123456789abcdef", 16);
    note.memsz = n1->len - 4;
    b1 = g_bytes_new(n1->data, n1->len);
    vmcore_core_header_add(hdr, &note, b1);
    /* the walk stops at n_namesz 0, whatever follows */
    elfcore_note_append(n2, TRUE, "D", 4, "q", 1);
    g_byte_array_append(n2, (const guint8 *)"\0\0\0\0\0\0\0\0\0\0\0\0"
                        "\0\0\0\5junk", 20);
    note.memsz = n2->len;
    b2 = g_bytes_new(n2->data, n2->len);
    vmcore_core_header_add(hdr, &note, b2);
    vmcore_core_header_add(hdr, &load, NULL);

    g_assert_true(vmcore_layout_build(hdr, 4096, 0, &l, NULL));
    g_assert_cmpuint(l->warnings->len, ==, 1);
    g_assert_nonnull(strstr(l->warnings->pdata[0], "dropped"));
    g_assert_cmpuint(l->notes_len, ==, 20 + 24 + 20);
    merged = g_bytes_get_data(l->notes, NULL);
    g_assert_cmpmem(merged, 44, n1->data, 44);
    g_assert_cmpmem(merged + 44, 20, n2->data, 20);
    g_assert_cmpuint(phdr(l->phdrs, 0)->align, ==, 0);
    g_assert_cmpuint(phdr(l->phdrs, 0)->filesz, ==, 64);
    /* unaligned load: its page comes whole */
    g_assert_cmphex(phdr(l->phdrs, 1)->offset, ==, 2 * 4096 + 0x234);
    g_assert_cmpuint(l->file_size, ==, 3 * 4096);
    /* the table is encoded in the header's byte order */
    {
        const uint8_t *h = g_bytes_get_data(l->header, NULL);
        VmcorePhdr back;

        g_assert_cmpuint(h[57], ==, 2);             /* e_phnum, BE */
        vmcore_phdr_decode(h + 64 + 56, TRUE, &back);
        g_assert_cmpmem(&back, sizeof(back), phdr(l->phdrs, 1),
                        sizeof(back));
    }
}

static void test_errors(void)
{
    g_autoptr(VmcoreCoreHeader) hdr = plain_header();
    g_autoptr(GError) err = NULL;
    VmcoreLayout *l = NULL;
    VmcorePhdr load = { .type = PT_LOAD, .offset = UINT64_MAX - 10,
                        .memsz = 0x10 };
    VmcorePhdr note = { .type = PT_NOTE };
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);

    g_assert_false(vmcore_layout_build(hdr, 1000, 4, &l, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_false(vmcore_layout_build(hdr, 4096, 4, &l, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "no program headers"));
    g_clear_error(&err);

    vmcore_core_header_add(hdr, &load, NULL);
    g_assert_false(vmcore_layout_build(hdr, 4096, 4, &l, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "no PT_NOTE"));
    g_clear_error(&err);

    g_array_remove_index(hdr->phdrs, 0);
    g_ptr_array_remove_index(hdr->note_data, 0);
    vmcore_core_header_add(hdr, &note, empty);
    vmcore_core_header_add(hdr, &load, NULL);
    g_assert_false(vmcore_layout_build(hdr, 4096, 4, &l, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "wrap"));
    g_clear_error(&err);

    hdr->ehdr[19] = EM_X86_64;
    g_assert_false(vmcore_layout_build(hdr, 4096, 4, &l, &err));
    g_assert_error(err, QF_ERROR, QF_ERROR_CORRUPT);
    g_assert_nonnull(strstr(err->message, "not sane"));
    g_assert_null(l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmcore-layout/612/one-range", test_612_one_range);
    g_test_add_func("/vmcore-layout/612/ranges", test_612_ranges);
    g_test_add_func("/vmcore-layout/612/surrounded", test_612_surrounded);
    g_test_add_func("/vmcore-layout/612/boot-regions", test_612_boot_regions);
    g_test_add_func("/vmcore-layout/notes-walk", test_notes_walk);
    g_test_add_func("/vmcore-layout/errors", test_errors);
    return g_test_run();
}
