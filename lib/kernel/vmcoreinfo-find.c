/*
 * VMCOREINFO found in guest memory (see vmcoreinfo-find.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <unistd.h>

#include "kernel/vmcoreinfo-find.h"
#include "kernel/mem.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

#define PREFIX          "OSRELEASE="
#define PREFIX_LEN      (sizeof(PREFIX) - 1)
/* append_elf_note(): 12-byte header, "VMCOREINFO\0" padded to 12 */
#define NOTE_NAME       "VMCOREINFO\0\0"
#define NOTE_TEXT_OFF   24
#define PROBE_LEN       (NOTE_TEXT_OFF + PREFIX_LEN)
#define CANDIDATE_MAX   (NOTE_TEXT_OFF + KERNEL_VMCOREINFO_BYTES_MAX)
/* The part above the low window is probed top down in chunks this big */
#define HIGH_CHUNK      (64ull << 20)
#define UTS_LEN         64      /* __NEW_UTS_LEN */

const char *kernel_vmcoreinfo_form_name(KernelVmcoreinfoForm form)
{
    return form == KERNEL_VMCOREINFO_NOTE ? "vmcoreinfo_note"
                                          : "vmcoreinfo_data page";
}

void kernel_vmcoreinfo_found_clear(KernelVmcoreinfoFound *f)
{
    if (f) {
        g_clear_pointer(&f->text, g_free);
    }
}

/* Does @b start like either form?  Sets @form and @be */
static gboolean starts_like(const uint8_t *b, size_t len,
                            KernelVmcoreinfoForm *form, gboolean *be)
{
    if (len >= PREFIX_LEN && memcmp(b, PREFIX, PREFIX_LEN) == 0) {
        *form = KERNEL_VMCOREINFO_DATA_PAGE;
        *be = FALSE;
        return TRUE;
    }
    if (len >= PROBE_LEN && memcmp(b + 12, NOTE_NAME, 12) == 0 &&
        memcmp(b + NOTE_TEXT_OFF, PREFIX, PREFIX_LEN) == 0) {
        for (int big = 0; big < 2; big++) {
            if (qf_get32(b, big) == 11 && qf_get32(b + 8, big) == 0) {
                *form = KERNEL_VMCOREINFO_NOTE;
                *be = big;
                return TRUE;
            }
        }
    }
    return FALSE;
}

/* KEY=VALUE lines of printable ASCII, the last one ended */
static gboolean check_lines(const char *t, size_t n, GError **error)
{
    size_t line = 0;

    if (n == 0 || t[n - 1] != '\n') {
        return qf_fail(error, QF_ERROR_CORRUPT,
                       "text of %zu bytes does not end with a newline", n);
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n') {
            const char *eq = memchr(t + line, '=', i - line);

            if (!eq || eq == t + line) {
                return qf_fail(error, QF_ERROR_CORRUPT,
                               "line at offset %zu is not KEY=VALUE", line);
            }
            line = i + 1;
        } else if (t[i] < 0x20 || t[i] > 0x7e) {
            return qf_fail(error, QF_ERROR_CORRUPT,
                           "byte 0x%02x at offset %zu is not text",
                           (unsigned char)t[i], i);
        }
    }
    return TRUE;
}

static gboolean check_text(const char *text, size_t n, GError **error)
{
    g_autofree char *release = NULL;
    uint64_t page_size;

    if (!check_lines(text, n, error)) {
        return FALSE;
    }
    release = elfcore_vmcoreinfo_get(text, "OSRELEASE");
    if (!release || !*release || strlen(release) > UTS_LEN) {
        return qf_fail(error, QF_ERROR_CORRUPT,
                       "OSRELEASE= is empty or longer than %u", UTS_LEN);
    }
    if (!elfcore_vmcoreinfo_page_size(text, &page_size, error)) {
        return FALSE;
    }
    if (page_size != 4096 && page_size != 65536) {
        return qf_fail(error, QF_ERROR_CORRUPT,
                       "PAGESIZE=%" G_GUINT64_FORMAT " is not a ppc64 "
                       "kernel's (4096 or 65536)", page_size);
    }
    if (n > page_size) {
        return qf_fail(error, QF_ERROR_CORRUPT,
                       "%zu bytes of text, more than VMCOREINFO_BYTES "
                       "(PAGESIZE=%" G_GUINT64_FORMAT ")", n, page_size);
    }
    if (!strstr(text, "\nSYMBOL(")) {
        return qf_fail(error, QF_ERROR_CORRUPT, "no SYMBOL() line");
    }
    return kernel_mem_check_vmcoreinfo(text, NULL, error);
}

char *kernel_vmcoreinfo_candidate(const uint8_t *buf, size_t len,
                                  KernelVmcoreinfoForm *form,
                                  gboolean *big_endian, GError **error)
{
    const char *t;
    size_t n;
    g_autofree char *text = NULL;

    if (!starts_like(buf, len, form, big_endian)) {
        qf_fail(error, QF_ERROR_NOT_FOUND,
                "neither \"" PREFIX "\" nor a VMCOREINFO note");
        return NULL;
    }
    len = MIN(len, CANDIDATE_MAX);
    if (*form == KERNEL_VMCOREINFO_DATA_PAGE) {
        const uint8_t *nul;

        t = (const char *)buf;
        n = MIN(len, KERNEL_VMCOREINFO_BYTES_MAX);
        nul = memchr(t, 0, n);
        if (!nul) {
            qf_fail(error, n < KERNEL_VMCOREINFO_BYTES_MAX
                           ? QF_ERROR_TRUNCATED : QF_ERROR_CORRUPT,
                    "no end of the text in its %zu bytes", n);
            return NULL;
        }
        n = nul - buf;
    } else {
        uint32_t descsz = qf_get32(buf + 4, *big_endian);

        t = (const char *)buf + NOTE_TEXT_OFF;
        if (descsz > KERNEL_VMCOREINFO_BYTES_MAX) {
            qf_fail(error, QF_ERROR_CORRUPT,
                    "note of %u bytes, more than VMCOREINFO_BYTES can be",
                    descsz);
            return NULL;
        }
        if (NOTE_TEXT_OFF + (size_t)descsz > len) {
            qf_fail(error, QF_ERROR_TRUNCATED,
                    "note of %u bytes, only %zu there", descsz,
                    len - NOTE_TEXT_OFF);
            return NULL;
        }
        n = descsz;
        if (memchr(t, 0, n)) {
            qf_fail(error, QF_ERROR_CORRUPT, "NUL byte inside the note's text");
            return NULL;
        }
    }
    text = g_strndup(t, n);
    if (!check_text(text, n, error)) {
        return NULL;
    }
    return g_steal_pointer(&text);
}

typedef struct Finder {
    Dump *dump;
    KernelVmcoreinfoFound *ret;
    uint8_t *buf;           /* CANDIDATE_MAX bytes */
    GError *last;           /* why the last candidate was rejected */
} Finder;

/* The first bytes of the page at @q; how many were read (0: none) */
static size_t probe(Finder *f, const DumpExtent *ext, uint64_t ext_start,
                    uint64_t q, uint64_t end, uint8_t *out)
{
    size_t n = MIN(PROBE_LEN, end - q);

    if (ext->kind == DUMP_EXTENT_FILE && q + n <= ext_start + ext->len &&
        pread(ext->fd, out, n, ext->offset + (q - ext_start)) == (ssize_t)n) {
        return n;
    }
    n = dump_readable(f->dump, q, n);
    if (n == 0 || !dump_read(f->dump, q, out, n, NULL)) {
        return 0;
    }
    return n;
}

/* A candidate at @q: read it whole and validate it */
static gboolean take(Finder *f, uint64_t q)
{
    uint64_t m = dump_readable(f->dump, q, CANDIDATE_MAX);
    KernelVmcoreinfoForm form;
    gboolean be;
    char *text;

    g_clear_error(&f->last);
    if (!dump_read(f->dump, q, f->buf, m, &f->last)) {
        f->ret->rejected++;
        return FALSE;
    }
    f->ret->bytes_read += m;
    text = kernel_vmcoreinfo_candidate(f->buf, m, &form, &be, &f->last);
    if (!text) {
        g_prefix_error(&f->last, "at 0x%" G_GINT64_MODIFIER "x: ", q);
        f->ret->rejected++;
        return FALSE;
    }
    f->ret->text = text;
    f->ret->paddr = q;
    f->ret->form = form;
    f->ret->big_endian = form == KERNEL_VMCOREINFO_NOTE && be;
    /* validated: it has one */
    elfcore_vmcoreinfo_page_size(text, &f->ret->page_size, NULL);
    return TRUE;
}

/* Probe the page starts of [@a, @b) in ascending order */
static gboolean probe_window(Finder *f, uint64_t a, uint64_t b)
{
    uint64_t p = (a + KERNEL_VMCOREINFO_PROBE_STEP - 1) &
                 ~(uint64_t)(KERNEL_VMCOREINFO_PROBE_STEP - 1);

    while (p < b && p >= a) {
        DumpExtent ext;
        uint64_t end, q;

        if (!dump_extent(f->dump, p, b - p, &ext, NULL)) {
            return FALSE;       /* not in the dump: nothing to find */
        }
        end = p + ext.len;
        for (q = p; q < end; q += KERNEL_VMCOREINFO_PROBE_STEP) {
            uint8_t head[PROBE_LEN];
            KernelVmcoreinfoForm form;
            gboolean be;
            size_t n;

            if (ext.kind == DUMP_EXTENT_ZERO) {
                continue;       /* not stored: zeros */
            }
            n = probe(f, &ext, p, q, b, head);
            f->ret->pages_probed++;
            f->ret->bytes_read += n;
            if (starts_like(head, n, &form, &be) && take(f, q)) {
                return TRUE;
            }
        }
        if (q <= p) {
            break;              /* wrapped */
        }
        p = q;
    }
    return FALSE;
}

gboolean kernel_vmcoreinfo_find(Dump *dump, KernelVmcoreinfoFound *ret,
                                GError **error)
{
    size_t n;
    g_autofree DumpMemRange *ram = dump_ram_map(dump, &n);
    g_autofree uint8_t *buf = g_malloc(CANDIDATE_MAX);
    Finder f = { .dump = dump, .ret = ret, .buf = buf };

    memset(ret, 0, sizeof(*ret));
    /* low memory first, ascending */
    for (size_t i = 0; i < n; i++) {
        uint64_t s = ram[i].paddr, e = ram[i].paddr + ram[i].size;

        if (s < KERNEL_VMCOREINFO_LOW_WINDOW &&
            probe_window(&f, s, MIN(e, KERNEL_VMCOREINFO_LOW_WINDOW))) {
            goto found;
        }
    }
    /* then the rest, top down in chunks */
    for (size_t i = n; i-- > 0;) {
        uint64_t s = MAX(ram[i].paddr, KERNEL_VMCOREINFO_LOW_WINDOW);
        uint64_t top = ram[i].paddr + ram[i].size;

        while (top > s) {
            uint64_t lo = MAX(s, (top - 1) / HIGH_CHUNK * HIGH_CHUNK);

            if (probe_window(&f, lo, top)) {
                goto found;
            }
            top = lo;
        }
    }
    g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                "VMCOREINFO: not in guest memory (%" G_GUINT64_FORMAT
                " pages probed, %u candidates rejected%s%s)",
                ret->pages_probed, ret->rejected, f.last ? "; last: " : "",
                f.last ? f.last->message : "");
    g_clear_error(&f.last);
    return FALSE;
found:
    g_clear_error(&f.last);
    return TRUE;
}
