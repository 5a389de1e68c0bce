/*
 * Writing a vmcore as a kdump-compressed file (see kdump-writer.h).
 *
 * The file is laid out as makedumpfile and QEMU do (kdump-format.h):
 * header, sub-header with the notes, two identical bitmaps over the pfns
 * of the PT_LOADs, one page descriptor per dumped page in pfn order, the
 * shared zero page, then the pages.  Memory is read in BATCH-sized pieces
 * and the descriptors and page data are buffered: memory use does not
 * grow with the guest's RAM (the bitmaps are written a block at a time;
 * all-zero bitmap blocks stay holes).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "dump/kdump-compress.h"
#include "dump/kdump-format.h"
#include "vmcore/kdump-writer.h"
#include "vmcore/output-file.h"
#include "elfcore/vmcoreinfo.h"

#define BATCH           (4u << 20)  /* read, progress, cancel granularity */
#define FLUSH_AT        (4u << 20)  /* buffered page data */
#define DESC_BUF        (64u << 10) /* buffered descriptors */
/* Pfns beyond this are refused: the bitmaps alone would be 8 GiB */
#define KDUMP_MAX_PFNS  (1ull << 36)
/* Where ppc64 Linux maps physical memory (init_uts_ns is found there) */
#define PPC64_PAGE_OFFSET   0xc000000000000000ull
#define UTS_LEN         (6 * KDUMP_UTS_FIELD)

typedef struct PageRun {
    uint64_t pfn;           /* first pfn in the kdump file */
    uint64_t n;             /* pages */
    uint64_t src;           /* where its first page is in the dump */
} PageRun;

typedef struct KWriter {
    Dump *dump;
    VmcoreOutputFile *out;
    gboolean be;
    uint32_t bs;
    uint32_t flag;
    GArray *runs;           /* PageRun, by pfn */
    uint64_t max_mapnr;
    uint64_t n_pages;
    DumpKdumpCompressor *comp;
    uint8_t *in;
    GByteArray *data;       /* page data not yet written */
    uint64_t data_pos;      /* its file offset */
    GByteArray *descs;      /* descriptors not yet written */
    uint64_t desc_pos;
    uint64_t zero_off;
    VmcoreWriteStats stats;
    VmcoreKdumpStats k;
} KWriter;

static gboolean write_at(KWriter *w, const void *data, size_t len,
                         uint64_t off, GError **error)
{
    return vmcore_output_file_write(w->out, data, len, off, error);
}

static int run_cmp(gconstpointer a, gconstpointer b)
{
    const PageRun *x = a, *y = b;

    return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The pfns of the PT_LOADs and where their pages come from */
static gboolean build_runs(KWriter *w, const VmcoreLayout *layout,
                           GError **error)
{
    for (guint i = 0; i < layout->segments->len; i++) {
        const VmcoreSegment *s =
            &g_array_index(layout->segments, VmcoreSegment, i);
        const VmcorePhdr *ph = &g_array_index(layout->phdrs, VmcorePhdr,
                                              s->phdr);
        uint64_t in_page = ph->offset - s->file_offset;
        PageRun r;

        if (ph->paddr < in_page || (ph->paddr - in_page) % w->bs ||
            s->size % w->bs) {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "PT_LOAD %u (physical 0x%" G_GINT64_MODIFIER "x) "
                        "does not map onto whole %u-byte pages", s->phdr,
                        ph->paddr, w->bs);
            return FALSE;
        }
        r.pfn = (ph->paddr - in_page) / w->bs;
        r.n = s->size / w->bs;
        r.src = s->src;
        if (r.pfn > KDUMP_MAX_PFNS || r.n > KDUMP_MAX_PFNS - r.pfn) {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "PT_LOAD %u (physical 0x%" G_GINT64_MODIFIER "x, "
                        "0x%" G_GINT64_MODIFIER "x bytes) lies beyond the "
                        "%llu pfns this writer takes", s->phdr, ph->paddr,
                        ph->memsz, KDUMP_MAX_PFNS);
            return FALSE;
        }
        g_array_append_val(w->runs, r);
    }
    g_array_sort(w->runs, run_cmp);
    for (guint i = 0; i < w->runs->len; i++) {
        const PageRun *r = &g_array_index(w->runs, PageRun, i);

        if (i && r->pfn < r[-1].pfn + r[-1].n) {
            g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                        "two PT_LOADs share page 0x%" G_GINT64_MODIFIER "x "
                        "(pfn): a kdump file holds one copy of each page",
                        r->pfn);
            return FALSE;
        }
        w->n_pages += r->n;
        w->max_mapnr = r->pfn + r->n;
    }
    vmcore_output_file_set_total(w->out, w->n_pages * w->bs);
    return TRUE;
}

/* Read @len bytes at kdump physical address @paddr through the runs */
static gboolean read_phys(KWriter *w, uint64_t paddr, void *buf, size_t len)
{
    uint64_t pfn = paddr / w->bs;

    for (guint i = 0; i < w->runs->len; i++) {
        const PageRun *r = &g_array_index(w->runs, PageRun, i);
        uint64_t start = r->pfn * w->bs;

        if (pfn >= r->pfn && pfn < r->pfn + r->n) {
            if (paddr + len > start + r->n * w->bs) {
                return FALSE;
            }
            return dump_read(w->dump, r->src + (paddr - start), buf,
                             len, NULL);
        }
    }
    return FALSE;
}

/* Whether @f (a new_utsname field) is a NUL-terminated printable string */
static gboolean uts_field_ok(const uint8_t *f)
{
    const uint8_t *nul = memchr(f, 0, KDUMP_UTS_FIELD);

    if (!nul) {
        return FALSE;
    }
    for (const uint8_t *p = f; p < nul; p++) {
        if (*p < 0x20 || *p > 0x7e) {
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * The header's utsname: the crashed kernel's init_uts_ns when VMCOREINFO
 * says where it is, else sysname, OSRELEASE and the machine by byte order
 */
static void fill_utsname(KWriter *w, const char *vmcoreinfo, uint8_t *uts)
{
    g_autofree char *sym = vmcoreinfo
        ? elfcore_vmcoreinfo_get(vmcoreinfo, "SYMBOL(init_uts_ns)") : NULL;
    g_autofree char *off = vmcoreinfo
        ? elfcore_vmcoreinfo_get(vmcoreinfo, "OFFSET(uts_namespace.name)")
        : NULL;
    g_autofree char *release = vmcoreinfo
        ? elfcore_vmcoreinfo_get(vmcoreinfo, "OSRELEASE") : NULL;
    uint8_t found[UTS_LEN];

    if (sym && off) {
        uint64_t va = g_ascii_strtoull(sym, NULL, 16);
        uint64_t o = g_ascii_strtoull(off, NULL, 10);

        if (va >= PPC64_PAGE_OFFSET && o < 65536 &&
            read_phys(w, va - PPC64_PAGE_OFFSET + o, found, UTS_LEN) &&
            memcmp(found, "Linux", 6) == 0) {
            gboolean ok = TRUE;

            for (int i = 0; i < 6; i++) {
                ok = ok && uts_field_ok(found + i * KDUMP_UTS_FIELD);
            }
            if (ok) {
                memcpy(uts, found, UTS_LEN);
                return;
            }
        }
    }
    memset(uts, 0, UTS_LEN);
    memcpy(uts, "Linux", 5);
    if (release) {
        g_strlcpy((char *)uts + 2 * KDUMP_UTS_FIELD, release,
                  KDUMP_UTS_FIELD);
    }
    g_strlcpy((char *)uts + 4 * KDUMP_UTS_FIELD,
              w->be ? "ppc64" : "ppc64le", KDUMP_UTS_FIELD);
}

/* Header and sub-header */
static gboolean write_headers(KWriter *w, const VmcoreLayout *layout,
                              uint32_t sub_blocks, uint64_t bitmap_len,
                              GError **error)
{
    gsize nlen = layout->notes_len;
    const uint8_t *notes = g_bytes_get_data(layout->notes, NULL);
    g_autoptr(GArray) parsed = elfcore_notes_parse(notes, nlen, w->be);
    g_autofree char *vmcoreinfo = NULL;
    g_autofree char *crashtime = NULL;
    uint64_t note_off = (uint64_t)w->bs + KDUMP_SUB_SIZE;
    uint64_t vi_off = 0, vi_size = 0;
    uint32_t nr_cpus = 0;
    uint8_t h[KDUMP_HDR_SIZE] = { 0 };
    uint8_t sub[KDUMP_SUB_SIZE] = { 0 };
    gboolean be = w->be;

    for (guint i = 0; i < parsed->len; i++) {
        const ElfcoreNote *n = &g_array_index(parsed, ElfcoreNote, i);

        if (n->type == ELFCORE_NT_PRSTATUS && elfcore_note_is(n, "CORE")) {
            nr_cpus++;
        } else if (elfcore_note_is(n, "VMCOREINFO") && !vmcoreinfo) {
            vi_off = note_off + (n->desc - notes);
            vi_size = n->descsz;
            vmcoreinfo = g_strndup((const char *)n->desc, n->descsz);
        }
    }
    crashtime = vmcoreinfo ? elfcore_vmcoreinfo_get(vmcoreinfo, "CRASHTIME")
                           : NULL;

    memcpy(h, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
    qf_put32(h + KDUMP_HDR_VERSION, 6, be);
    fill_utsname(w, vmcoreinfo, h + KDUMP_HDR_UTSNAME);
    if (crashtime) {
        qf_put64(h + KDUMP_HDR_TV_SEC,
                 g_ascii_strtoull(crashtime, NULL, 10), be);
    }
    qf_put32(h + KDUMP_HDR_STATUS, w->flag, be);
    qf_put32(h + KDUMP_HDR_BLOCK_SIZE, w->bs, be);
    qf_put32(h + KDUMP_HDR_SUB_HDR_SIZE, sub_blocks, be);
    qf_put32(h + KDUMP_HDR_BITMAP_BLOCKS, 2 * bitmap_len / w->bs, be);
    qf_put32(h + KDUMP_HDR_MAX_MAPNR, MIN(w->max_mapnr, G_MAXUINT32), be);
    qf_put32(h + KDUMP_HDR_NR_CPUS, nr_cpus, be);

    qf_put64(sub + KDUMP_SUB_END_PFN, MIN(w->max_mapnr, G_MAXUINT32), be);
    qf_put64(sub + KDUMP_SUB_OFF_VMCOREINFO, vi_off, be);
    qf_put64(sub + KDUMP_SUB_SIZE_VMCOREINFO, vi_size, be);
    qf_put64(sub + KDUMP_SUB_OFF_NOTE, nlen ? note_off : 0, be);
    qf_put64(sub + KDUMP_SUB_SIZE_NOTE, nlen, be);
    qf_put64(sub + KDUMP_SUB_END_PFN_64, w->max_mapnr, be);
    qf_put64(sub + KDUMP_SUB_MAX_MAPNR_64, w->max_mapnr, be);

    return write_at(w, h, sizeof(h), 0, error) &&
           write_at(w, sub, sizeof(sub), w->bs, error) &&
           write_at(w, notes, nlen, note_off, error);
}

/* Both bitmaps, a block at a time; blocks without a bit stay holes */
static gboolean write_bitmaps(KWriter *w, uint64_t off, uint64_t len,
                              GError **error)
{
    g_autofree uint8_t *block = g_malloc0(w->bs);
    uint64_t bits = (uint64_t)w->bs * 8;
    uint64_t cur = G_MAXUINT64;

    for (guint i = 0; i <= w->runs->len; i++) {
        const PageRun *r = i < w->runs->len
                           ? &g_array_index(w->runs, PageRun, i) : NULL;
        uint64_t pfn = r ? r->pfn : 0;
        uint64_t end = r ? r->pfn + r->n : 0;

        do {
            uint64_t b = r ? pfn / bits : G_MAXUINT64;

            if (b != cur && cur != G_MAXUINT64) {
                if (!write_at(w, block, w->bs, off + cur * w->bs, error) ||
                    !write_at(w, block, w->bs, off + len + cur * w->bs,
                              error)) {
                    return FALSE;
                }
                memset(block, 0, w->bs);
            }
            cur = b;
            for (; r && pfn < end && pfn / bits == cur; pfn++) {
                block[(pfn % bits) / 8] |= 1u << (pfn % 8);
            }
        } while (r && pfn < end);
    }
    return TRUE;
}

/* Write what @buf holds at *@pos, move *@pos past it, empty @buf */
static gboolean flush(KWriter *w, GByteArray *buf, uint64_t *pos,
                      GError **error)
{
    if (!write_at(w, buf->data, buf->len, *pos, error)) {
        return FALSE;
    }
    *pos += buf->len;
    g_byte_array_set_size(buf, 0);
    return TRUE;
}

static gboolean flush_data(KWriter *w, GError **error)
{
    return flush(w, w->data, &w->data_pos, error);
}

static gboolean flush_descs(KWriter *w, GError **error)
{
    return flush(w, w->descs, &w->desc_pos, error);
}

/* One page: its descriptor, and its data unless it is the zero page */
static gboolean add_page(KWriter *w, const uint8_t *page, GError **error)
{
    uint8_t d[KDUMP_PD_LEN] = { 0 };
    uint64_t off = w->data_pos + w->data->len;
    uint32_t size = w->bs, flags = 0;
    const uint8_t *c;
    size_t clen;

    if (qf_is_zero(page, w->bs)) {
        off = w->zero_off;
        w->k.zero_pages++;
        w->stats.hole_bytes += w->bs;
    } else if ((c = dump_kdump_compress(w->comp, page, &clen))) {
        size = clen;
        flags = w->flag;
        g_byte_array_append(w->data, c, clen);
        w->k.compressed_pages++;
        w->stats.buffered_bytes += clen;
    } else {
        g_byte_array_append(w->data, page, w->bs);
        w->k.raw_pages++;
        w->stats.buffered_bytes += w->bs;
    }
    qf_put64(d + KDUMP_PD_OFFSET, off, w->be);
    qf_put32(d + KDUMP_PD_SIZE, size, w->be);
    qf_put32(d + KDUMP_PD_FLAGS, flags, w->be);
    g_byte_array_append(w->descs, d, sizeof(d));
    w->k.pages++;
    if (w->data->len >= FLUSH_AT && !flush_data(w, error)) {
        return FALSE;
    }
    return w->descs->len < DESC_BUF || flush_descs(w, error);
}

static gboolean write_pages(KWriter *w, GError **error)
{
    for (guint i = 0; i < w->runs->len; i++) {
        const PageRun *r = &g_array_index(w->runs, PageRun, i);
        uint64_t size = r->n * w->bs;

        for (uint64_t pos = 0; pos < size; pos += BATCH) {
            size_t n = MIN(BATCH, size - pos);

            if (!vmcore_output_file_check_cancel(w->out, error)) {
                return FALSE;
            }
            if (!dump_read(w->dump, r->src + pos, w->in, n, error)) {
                return FALSE;
            }
            for (size_t k = 0; k < n; k += w->bs) {
                if (!add_page(w, w->in + k, error)) {
                    return FALSE;
                }
            }
            vmcore_output_file_advance(w->out, n);
        }
    }
    return flush_data(w, error) && flush_descs(w, error);
}

static gboolean write_file(KWriter *w, const VmcoreLayout *layout,
                           GError **error)
{
    uint64_t notes_len = layout->notes_len;
    uint32_t sub_blocks;
    uint64_t bitmap_len, bitmap_off, desc_off;

    if (!build_runs(w, layout, error)) {
        return FALSE;
    }
    if (w->n_pages == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "the vmcore has no memory: nothing to put in a kdump "
                    "file");
        return FALSE;
    }
    sub_blocks = (KDUMP_SUB_SIZE + notes_len + w->bs - 1) / w->bs;
    bitmap_len = ((w->max_mapnr + 7) / 8 + w->bs - 1) / w->bs * w->bs;
    bitmap_off = (uint64_t)w->bs * (1 + sub_blocks);
    desc_off = bitmap_off + 2 * bitmap_len;
    w->desc_pos = desc_off;
    w->zero_off = desc_off + w->n_pages * KDUMP_PD_LEN;
    w->data_pos = w->zero_off + w->bs;     /* the zero page: a hole */
    if (!write_headers(w, layout, sub_blocks, bitmap_len, error) ||
        !write_bitmaps(w, bitmap_off, bitmap_len, error) ||
        !write_pages(w, error)) {
        return FALSE;
    }
    w->stats.file_size = w->data_pos;
    return vmcore_output_file_set_size(w->out, w->data_pos, error);
}

gboolean vmcore_kdump_write(const VmcoreLayout *layout,
                            Dump *dump, uint32_t compression,
                            const char *path, const VmcoreWriteOptions *opts,
                            VmcoreWriteStats *stats,
                            VmcoreKdumpStats *kstats, GError **error)
{
    static const VmcoreWriteOptions defaults = { 0 };
    g_autoptr(VmcoreOutputFile) out = NULL;
    g_autoptr(DumpKdumpCompressor) comp = NULL;
    g_autofree uint8_t *in = NULL;
    g_autoptr(GArray) runs = g_array_new(FALSE, FALSE, sizeof(PageRun));
    g_autoptr(GByteArray) data = NULL;
    g_autoptr(GByteArray) descs = NULL;
    KWriter w = { 0 };

    if (layout->page_size < 4096 || layout->page_size > (1u << 20) ||
        (layout->page_size & (layout->page_size - 1))) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "page size %" G_GUINT64_FORMAT " is not a power of two "
                    "from 4 KiB to 1 MiB", layout->page_size);
        return FALSE;
    }
    comp = dump_kdump_compressor_new(compression, layout->page_size);
    if (!comp) {
        const char *name = dump_kdump_compression_name(compression);

        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "compression %s is not in this build",
                    name ? name : "(unknown)");
        return FALSE;
    }
    opts = opts ? opts : &defaults;
    in = g_malloc(BATCH);
    data = g_byte_array_sized_new(FLUSH_AT + layout->page_size);
    descs = g_byte_array_sized_new(DESC_BUF + KDUMP_PD_LEN);
    w.dump = dump;
    w.be = layout->big_endian;
    w.bs = layout->page_size;
    w.flag = compression;
    w.runs = runs;
    w.comp = comp;
    w.in = in;
    w.data = data;
    w.descs = descs;
    out = vmcore_output_file_new(path, opts->cancel, opts->progress,
                                 opts->progress_data, error);
    if (!out) {
        return FALSE;
    }
    w.out = out;
    if (!write_file(&w, layout, error) ||
        !vmcore_output_file_commit(out, opts->sync, "kdump file", error)) {
        return FALSE;
    }
    if (stats) {
        *stats = w.stats;
    }
    if (kstats) {
        *kstats = w.k;
    }
    return TRUE;
}
