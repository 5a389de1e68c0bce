/*
 * Comparing a real vmcore with a rebuilt layout (see vmcore-validate.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmcore/validate.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "vmcore/cpu-notes.h"
#include "common/error.h"
#include "papr/ptregs.h"

#define CMP_CHUNK   (4u << 20)

typedef struct RealCore {
    const char *path;
    int fd;
    uint64_t size;
    gboolean big_endian;
    GArray *phdrs;              /* VmcorePhdr */
    GByteArray *notes;          /* all PT_NOTE contents, in order */
} RealCore;

static void real_core_clear(RealCore *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    g_clear_pointer(&c->phdrs, g_array_unref);
    g_clear_pointer(&c->notes, g_byte_array_unref);
}

static void note_check_free(gpointer p)
{
    VmcoreNoteCheck *c = p;

    g_free(c->name);
    g_free(c->problem);
    if (c->reg_diffs) {
        g_array_unref(c->reg_diffs);
    }
    g_free(c);
}

void vmcore_validation_free(VmcoreValidation *v)
{
    if (v) {
        g_ptr_array_unref(v->note_checks);
        g_ptr_array_unref(v->segment_checks);
        g_ptr_array_unref(v->extra_loads);
        g_ptr_array_unref(v->problems);
        g_free(v);
    }
}

static void problem(VmcoreValidation *v, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void problem(VmcoreValidation *v, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(v->problems, g_strdup_vprintf(fmt, ap));
    va_end(ap);
    v->match = FALSE;
}

/* Read up to @len bytes at @off; returns how many (short at EOF) */
static gboolean pread_some(const RealCore *c, void *buf, size_t len,
                           uint64_t off, size_t *got, GError **error)
{
    size_t done = 0;

    while (done < len && off + done < c->size) {
        ssize_t n = pread(c->fd, (uint8_t *)buf + done, len - done,
                          off + done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;

            g_set_error(error, QF_ERROR, QF_ERROR_IO,
                        "reading %s: %s", c->path, g_strerror(e));
            return FALSE;
        }
        if (n == 0) {
            break;
        }
        done += n;
    }
    *got = done;
    return TRUE;
}

static gboolean pread_exact(const RealCore *c, void *buf, size_t len,
                            uint64_t off, const char *what, GError **error)
{
    size_t got;

    if (!pread_some(c, buf, len, off, &got, error)) {
        return FALSE;
    }
    if (got < len) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %s at 0x%" G_GINT64_MODIFIER "x ends beyond the "
                    "file (0x%" G_GINT64_MODIFIER "x bytes)", c->path, what,
                    off, c->size);
        return FALSE;
    }
    return TRUE;
}

static gboolean open_real(RealCore *c, GError **error)
{
    uint8_t e[VMCORE_EHDR_SIZE];
    g_autofree uint8_t *table = NULL;
    struct stat st;
    uint64_t phoff;
    uint16_t phnum, phentsize;

    c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0 || fstat(c->fd, &st) < 0) {
        int err = errno;

        g_set_error(error, QF_ERROR, QF_ERROR_IO, "%s: %s", c->path,
                    g_strerror(err));
        return FALSE;
    }
    c->size = st.st_size;
    if (!pread_exact(c, e, sizeof(e), 0, "the ELF header", error)) {
        return FALSE;
    }
    if (memcmp(e, ELFMAG, SELFMAG) != 0 || e[EI_CLASS] != ELFCLASS64 ||
        (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: not an ELF64 file", c->path);
        return FALSE;
    }
    c->big_endian = e[EI_DATA] == ELFDATA2MSB;
    phoff = qf_get64(e + offsetof(Elf64_Ehdr, e_phoff), c->big_endian);
    phentsize = qf_get16(e + offsetof(Elf64_Ehdr, e_phentsize),
                         c->big_endian);
    phnum = qf_get16(e + offsetof(Elf64_Ehdr, e_phnum), c->big_endian);
    if (phnum && phentsize != VMCORE_PHDR_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "%s: program header size %u, not %u", c->path,
                    phentsize, VMCORE_PHDR_SIZE);
        return FALSE;
    }
    if (!qf_span_ok(c->size, phoff, (uint64_t)phnum * VMCORE_PHDR_SIZE)) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "%s: %u program headers at 0x%" G_GINT64_MODIFIER "x "
                    "end beyond the file", c->path, phnum, phoff);
        return FALSE;
    }
    table = g_malloc((size_t)phnum * VMCORE_PHDR_SIZE + 1);
    if (!pread_exact(c, table, (size_t)phnum * VMCORE_PHDR_SIZE, phoff,
                     "the program headers", error)) {
        return FALSE;
    }
    c->phdrs = g_array_new(FALSE, TRUE, sizeof(VmcorePhdr));
    c->notes = g_byte_array_new();
    for (unsigned int i = 0; i < phnum; i++) {
        VmcorePhdr ph;

        vmcore_phdr_decode(table + i * VMCORE_PHDR_SIZE, c->big_endian, &ph);
        g_array_append_val(c->phdrs, ph);
        if (ph.type != PT_NOTE || ph.filesz == 0) {
            continue;   /* an empty PT_NOTE adds nothing (data may be NULL) */
        }
        if (ph.filesz > VMCORE_VALIDATE_MAX_NOTES - c->notes->len) {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "%s: more than %u bytes of notes", c->path,
                        VMCORE_VALIDATE_MAX_NOTES);
            return FALSE;
        }
        {
            guint at = c->notes->len;

            g_byte_array_set_size(c->notes, at + ph.filesz);
            if (!pread_exact(c, c->notes->data + at, ph.filesz, ph.offset,
                             "a PT_NOTE segment", error)) {
                return FALSE;
            }
        }
    }
    return TRUE;
}

/* First line of VMCOREINFO where two texts part, for the message */
static char *first_line_diff(const ElfcoreNote *a, const ElfcoreNote *b)
{
    g_autofree char *x = g_strndup((const char *)a->desc, a->descsz);
    g_autofree char *y = g_strndup((const char *)b->desc, b->descsz);
    g_auto(GStrv) xl = g_strsplit(x, "\n", -1);
    g_auto(GStrv) yl = g_strsplit(y, "\n", -1);

    for (guint i = 0; xl[i] || yl[i]; i++) {
        if (!xl[i] || !yl[i] || strcmp(xl[i], yl[i]) != 0) {
            return g_strdup_printf("line %u: expected \"%s\", vmcore has "
                                   "\"%s\"", i + 1, xl[i] ? xl[i] : "(end)",
                                   yl[i] ? yl[i] : "(end)");
        }
    }
    return g_strdup("same text, different padding");
}

static void compare_note(VmcoreValidation *v, guint i, const ElfcoreNote *e,
                         gboolean ebe, const ElfcoreNote *r, gboolean rbe)
{
    VmcoreNoteCheck *c = g_new0(VmcoreNoteCheck, 1);

    c->index = i;
    c->name = g_strndup((const char *)e->name, e->namesz);
    c->type = e->type;
    g_ptr_array_add(v->note_checks, c);
    if (!r) {
        c->problem = g_strdup("missing from the vmcore");
    } else if (e->namesz != r->namesz || memcmp(e->name, r->name,
                                                e->namesz) != 0 ||
               e->type != r->type) {
        g_autofree char *rn = g_strndup((const char *)r->name, r->namesz);

        c->problem = g_strdup_printf("the vmcore has %s type %u here",
                                     rn, r->type);
    } else if (e->descsz != r->descsz) {
        c->problem = g_strdup_printf("descriptor of %u bytes, the vmcore's "
                                     "has %u", e->descsz, r->descsz);
    } else if (memcmp(e->desc, r->desc, e->descsz) == 0) {
        c->equal = TRUE;
        return;
    } else if (e->type == ELFCORE_NT_PRSTATUS &&
               e->descsz == VMCORE_PRSTATUS_SIZE && elfcore_note_is(e,
                                                                    "CORE")) {
        const unsigned int lo = VMCORE_PRSTATUS_REG_OFFSET;
        const unsigned int hi = lo + PAPR_PT_REGS_SIZE;

        c->reg_diffs = g_array_new(FALSE, TRUE, sizeof(VmcoreRegDiff));
        for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
            VmcoreRegDiff d = {
                .word = w,
                .expected = vmcore_prstatus_reg(e->desc, ebe, w),
                .actual = vmcore_prstatus_reg(r->desc, rbe, w),
            };

            if (d.expected != d.actual) {
                g_array_append_val(c->reg_diffs, d);
            }
        }
        if (memcmp(e->desc, r->desc, lo) != 0 ||
            memcmp(e->desc + hi, r->desc + hi, e->descsz - hi) != 0) {
            c->problem = g_strdup_printf("%u registers differ, and bytes "
                                         "outside pr_reg too",
                                         c->reg_diffs->len);
        } else {
            c->problem = g_strdup_printf("%u registers differ",
                                         c->reg_diffs->len);
        }
    } else if (elfcore_note_is(e, "VMCOREINFO")) {
        c->problem = first_line_diff(e, r);
    } else {
        c->problem = g_strdup("descriptor bytes differ");
    }
    problem(v, "note %u (%s type %u): %s", i, c->name, c->type, c->problem);
}

static void compare_notes(VmcoreValidation *v,
                          const VmcoreLayout *layout,
                          const RealCore *c)
{
    const uint8_t *en = g_bytes_get_data(layout->notes, NULL);
    g_autoptr(GArray) exp = elfcore_notes_parse(en, layout->notes_len,
                                                layout->big_endian);
    g_autoptr(GArray) act = elfcore_notes_parse(c->notes->data,
                                                c->notes->len, c->big_endian);

    v->expected_notes = exp->len;
    v->actual_notes = act->len;
    for (guint i = 0; i < exp->len; i++) {
        compare_note(v, i, &g_array_index(exp, ElfcoreNote, i),
                     layout->big_endian,
                     i < act->len ? &g_array_index(act, ElfcoreNote, i)
                                  : NULL, c->big_endian);
    }
    for (guint i = exp->len; i < act->len; i++) {
        const ElfcoreNote *r = &g_array_index(act, ElfcoreNote, i);
        g_autofree char *rn = g_strndup((const char *)r->name, r->namesz);

        problem(v, "note %u (%s type %u): only in the vmcore", i, rn,
                r->type);
    }
    if (exp->len != act->len) {
        problem(v, "%u notes expected, the vmcore has %u", exp->len,
                act->len);
    }
}

/* Compare [start, start + len) of the file with the bytes at @want */
static gboolean region_equal(const RealCore *c, uint64_t start,
                             const uint8_t *want, size_t len,
                             gboolean *equal, GError **error)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    size_t got;

    if (!pread_some(c, buf, len, start, &got, error)) {
        return FALSE;
    }
    *equal = got == len && memcmp(buf, want, len) == 0;
    return TRUE;
}

static const VmcorePhdr *find_load(const RealCore *c, const VmcorePhdr *ph,
                                   gboolean *used)
{
    for (guint i = 0; i < c->phdrs->len; i++) {
        const VmcorePhdr *r = &g_array_index(c->phdrs, VmcorePhdr, i);

        if (r->type == PT_LOAD && r->paddr == ph->paddr &&
            r->memsz == ph->memsz && !used[i]) {
            used[i] = TRUE;
            return r;
        }
    }
    return NULL;
}

/* How far the page comparison is */
typedef struct Compared {
    const VmcoreValidateOptions *opts;
    uint64_t done;
    uint64_t total;
} Compared;

static gboolean compare_segment(VmcoreValidation *v, Compared *cmp,
                                const VmcoreLayout *layout,
                                Dump *dump, const RealCore *c,
                                const VmcoreSegment *s,
                                const VmcorePhdr *ph, const VmcorePhdr *real,
                                uint8_t *a, uint8_t *b, GError **error)
{
    VmcoreSegmentCheck *k = g_new0(VmcoreSegmentCheck, 1);
    uint64_t head = ph->offset - s->file_offset;
    uint64_t page = layout->page_size;
    uint64_t base = ph->paddr - head;   /* paddr of the segment's 1st byte */

    k->phdr = s->phdr;
    k->paddr = ph->paddr;
    k->memsz = ph->memsz;
    k->present = real != NULL;
    g_ptr_array_add(v->segment_checks, k);
    if (!real) {
        problem(v, "PT_LOAD [0x%" G_GINT64_MODIFIER "x, 0x%"
                G_GINT64_MODIFIER "x) is not in the vmcore", ph->paddr,
                ph->paddr + ph->memsz);
        return TRUE;
    }
    k->pages = s->size / page;
    for (uint64_t pos = 0; pos < s->size; pos += CMP_CHUNK) {
        size_t n = MIN(s->size - pos, CMP_CHUNK), got = 0;

        if (!dump_read(dump, s->src + pos, a, n, error)) {
            return FALSE;
        }
        if (real->offset >= head &&
            !pread_some(c, b, n, real->offset - head + pos, &got, error)) {
            return FALSE;
        }
        memset(b + got, 0, n - got);
        cmp->done += n;
        if (cmp->opts->progress) {
            cmp->opts->progress(cmp->done, cmp->total,
                                cmp->opts->progress_data);
        }
        for (size_t p = 0; p < n; p += page) {
            size_t plen = MIN(page, n - p);

            if (p + plen <= got && memcmp(a + p, b + p, plen) == 0) {
                continue;
            }
            if (k->differing_pages++ == 0) {
                size_t i = 0;

                while (i < plen && p + i < got && a[p + i] == b[p + i]) {
                    i++;
                }
                k->first_diff_page = base + pos + p;
                k->first_diff_byte = base + pos + p + i;
            }
        }
    }
    if (k->differing_pages) {
        problem(v, "PT_LOAD [0x%" G_GINT64_MODIFIER "x, 0x%"
                G_GINT64_MODIFIER "x): %" G_GUINT64_FORMAT " of %"
                G_GUINT64_FORMAT " pages differ, the first at 0x%"
                G_GINT64_MODIFIER "x (byte 0x%" G_GINT64_MODIFIER "x)",
                ph->paddr, ph->paddr + ph->memsz, k->differing_pages,
                k->pages, k->first_diff_page, k->first_diff_byte);
    }
    return TRUE;
}

static gboolean compare_loads(VmcoreValidation *v,
                              const VmcoreLayout *layout,
                              Dump *dump, const RealCore *c,
                              const VmcoreValidateOptions *opts,
                              GError **error)
{
    Compared cmp = { .opts = opts };

    g_autofree gboolean *used = g_new0(gboolean, c->phdrs->len + 1);
    g_autofree uint8_t *a = g_malloc(CMP_CHUNK);
    g_autofree uint8_t *b = g_malloc(CMP_CHUNK);

    for (guint i = 0; i < layout->segments->len; i++) {
        cmp.total += g_array_index(layout->segments, VmcoreSegment,
                                   i).size;
    }
    for (guint i = 0; i < layout->segments->len; i++) {
        const VmcoreSegment *s =
            &g_array_index(layout->segments, VmcoreSegment, i);
        const VmcorePhdr *ph = &g_array_index(layout->phdrs, VmcorePhdr,
                                              s->phdr);

        if (!compare_segment(v, &cmp, layout, dump, c, s, ph,
                             find_load(c, ph, used), a, b, error)) {
            return FALSE;
        }
    }
    for (guint i = 0; i < c->phdrs->len; i++) {
        const VmcorePhdr *r = &g_array_index(c->phdrs, VmcorePhdr, i);

        if (r->type == PT_LOAD && !used[i]) {
            g_ptr_array_add(v->extra_loads, g_strdup_printf(
                "[0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)",
                r->paddr, r->paddr + r->memsz));
            problem(v, "the vmcore has PT_LOAD [0x%" G_GINT64_MODIFIER
                    "x, 0x%" G_GINT64_MODIFIER "x), the rebuilt one not",
                    r->paddr, r->paddr + r->memsz);
        }
    }
    return TRUE;
}

gboolean vmcore_validate(const VmcoreLayout *layout,
                         Dump *dump, const char *vmcore,
                         VmcoreValidation **ret, GError **error)
{
    return vmcore_validate_with(layout, dump, vmcore, NULL, ret,
                                error);
}

gboolean vmcore_validate_with(const VmcoreLayout *layout,
                              Dump *dump, const char *vmcore,
                              const VmcoreValidateOptions *opts,
                              VmcoreValidation **ret, GError **error)
{
    static const VmcoreValidateOptions defaults = { 0 };
    g_autoptr(VmcoreValidation) v = g_new0(VmcoreValidation, 1);
    RealCore c = { .path = vmcore, .fd = -1 };
    gsize hlen, nlen;
    const uint8_t *h = g_bytes_get_data(layout->header, &hlen);
    const uint8_t *n = g_bytes_get_data(layout->notes, &nlen);
    gboolean ok = FALSE;

    v->match = TRUE;
    v->note_checks = g_ptr_array_new_with_free_func(note_check_free);
    v->segment_checks = g_ptr_array_new_with_free_func(g_free);
    v->extra_loads = g_ptr_array_new_with_free_func(g_free);
    v->problems = g_ptr_array_new_with_free_func(g_free);
    v->expected_size = layout->file_size;
    if (!open_real(&c, error)) {
        goto out;
    }
    v->actual_size = c.size;
    if (c.size != layout->file_size) {
        problem(v, "the vmcore has %" G_GUINT64_FORMAT " bytes, the rebuilt "
                "one %" G_GUINT64_FORMAT, c.size, layout->file_size);
    }
    if (c.big_endian != layout->big_endian) {
        problem(v, "the vmcore is %s-endian, the rebuilt one %s-endian",
                c.big_endian ? "big" : "little",
                layout->big_endian ? "big" : "little");
    }
    if (!region_equal(&c, 0, h, hlen, &v->header_equal, error) ||
        !region_equal(&c, hlen, n, nlen, &v->notes_equal, error)) {
        goto out;
    }
    if (!v->header_equal) {
        problem(v, "ELF header or program headers differ (the first 0x%zx "
                "bytes)", hlen);
    }
    {
        guint before = v->problems->len;

        compare_notes(v, layout, &c);
        if (!v->notes_equal && v->problems->len == before) {
            problem(v, "the note region differs in its padding");
        }
    }
    if (!compare_loads(v, layout, dump, &c, opts ? opts : &defaults,
                       error)) {
        goto out;
    }
    ok = TRUE;
    *ret = g_steal_pointer(&v);
out:
    real_core_clear(&c);
    return ok;
}
