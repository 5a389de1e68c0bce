/*
 * Test input generator: kdump-compressed files ("diskdump", as
 * makedumpfile and QMP dump-guest-memory's kdump formats write them) of
 * a guest memory image, laid out here independently of lib/dump: every
 * field is written at its offset by hand, pages are compressed by calling
 * zlib, LZO and snappy directly, and the flattened stream is emitted in
 * shuffled records.  Used by the reader's tests and to check the
 * --kdump writer's output field by field.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_KDUMP_GEN_H
#define FADUMP_KDUMP_GEN_H

#include <glib.h>
#include <stdint.h>

/* Compression bits of the header status and page flags */
#define KGEN_ZLIB       0x1
#define KGEN_LZO        0x2
#define KGEN_SNAPPY     0x4
#define KGEN_INCOMPLETE 0x8

/* Offsets in the 64-bit disk_dump_header and kdump_sub_header */
#define KGEN_HDR_STATUS         424
#define KGEN_HDR_BLOCK_SIZE     428
#define KGEN_HDR_SUB_HDR_SIZE   432
#define KGEN_HDR_BITMAP_BLOCKS  436
#define KGEN_HDR_MAX_MAPNR      440
#define KGEN_SUB_OFF_NOTE       48
#define KGEN_SUB_SIZE_NOTE      56
#define KGEN_SUB_MAX_MAPNR_64   96

typedef struct KgenParams {
    uint32_t compression;   /* KGEN_ZLIB, _LZO, _SNAPPY, or 0: raw pages */
    gboolean big_endian;
    gboolean flattened;     /* makedumpfile -F stream, shuffled records */
    uint32_t block_size;    /* the page size */
    /* Guest physical [hole_start, hole_end) is left out (not dumped) */
    uint64_t hole_start, hole_end;
    /*
     * Incomplete dump: only the first @written pages are written (the
     * rest have zeroed descriptors, no data), status has 0x8.  0: all.
     */
    uint64_t written;
    const uint8_t *notes;   /* the sub-header's notes (may be NULL) */
    size_t notes_len;
    const char *vmcoreinfo; /* also a VMCOREINFO note and the offset */
} KgenParams;

/* zlib, little endian, 64 KiB pages, no hole, complete, no notes */
void kgen_params_default(KgenParams *p);

/* What was written, for tests that patch the file */
typedef struct KgenLayout {
    uint64_t file_size;     /* of the kdump file proper (not flattened) */
    uint64_t bitmap_off;
    uint64_t bitmap_len;    /* of one bitmap */
    uint64_t desc_off;
    uint64_t n_pages;       /* dumped pages (descriptors) */
    uint64_t data_off;      /* the shared zero page */
    uint64_t n_zero;        /* pages sharing it */
    uint64_t n_compressed;
} KgenLayout;

/*
 * The kdump file of guest memory @ram ([0, @ram_size)), as bytes in a
 * GByteArray (the real file, or the flattened stream)
 */
GByteArray *kgen_build(const KgenParams *p, const uint8_t *ram,
                       uint64_t ram_size, KgenLayout *layout);

void kgen_write(const KgenParams *p, const uint8_t *ram, uint64_t ram_size,
                const char *path, KgenLayout *layout);

/* Flatten a real kdump file: records of @chunk bytes, in reverse order */
GByteArray *kgen_flatten(const uint8_t *file, uint64_t len, size_t chunk);



/*
 * An independent reader of complete kdump files, to check what
 * lib/dump's writer wrote: the header fields and each page, decompressed
 * here by calling zlib, LZO and snappy directly
 */
typedef struct KgenFile {
    const uint8_t *d;
    uint64_t len;
    gboolean be;
    uint32_t version;
    uint32_t status;
    uint32_t bs;
    uint64_t max_mapnr;
    uint64_t bitmap_off;
    uint64_t bitmap_len;
    uint64_t desc_off;
    uint64_t note_off, note_size;
    uint64_t vi_off, vi_size;
    char release[66];
    char machine[66];
} KgenFile;

/* Parse the headers (asserting that they are sane) */
void kgen_parse(const uint8_t *d, uint64_t len, KgenFile *f);

/*
 * Page @pfn into @out (bs bytes); FALSE when it is not in the dump.
 * *@data_off: where its data is, *@flags: its descriptor's flags.
 */
gboolean kgen_page(const KgenFile *f, uint64_t pfn, uint8_t *out,
                   uint64_t *data_off, uint32_t *flags);

#endif /* FADUMP_KDUMP_GEN_H */
