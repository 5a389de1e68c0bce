/*
 * Comparing a real /proc/vmcore (as the capture kernel exported it) with
 * the one rebuilt from a dump: file size, ELF and program headers,
 * segment coverage, the notes (count, order, names, types, every CPU's
 * registers, VMCOREINFO) and the PT_LOAD data page by page.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_VMCORE_VALIDATE_H
#define FADUMP_VMCORE_VALIDATE_H

#include <glib.h>
#include <stdint.h>

#include "dump-reader.h"
#include "fadump-progress.h"
#include "vmcore-layout.h"

/* Larger note segments in the vmcore under test are refused */
#define FADUMP_VALIDATE_MAX_NOTES   (64u << 20)

typedef struct FadumpRegDiff {
    unsigned int word;          /* pt_regs index (fadump_pt_regs_name()) */
    uint64_t expected;
    uint64_t actual;
} FadumpRegDiff;

typedef struct FadumpNoteCheck {
    guint index;
    char *name;                 /* the expected note's name */
    uint32_t type;
    gboolean equal;             /* byte for byte */
    char *problem;              /* when not equal: what differs */
    GArray *reg_diffs;          /* NT_PRSTATUS: FadumpRegDiff */
} FadumpNoteCheck;

typedef struct FadumpSegmentCheck {
    guint phdr;                 /* index in the rebuilt program headers */
    uint64_t paddr;
    uint64_t memsz;
    gboolean present;           /* the vmcore has this PT_LOAD */
    uint64_t pages;             /* compared, of the page-rounded segment */
    uint64_t differing_pages;
    uint64_t first_diff_page;   /* guest physical address of that page */
    uint64_t first_diff_byte;   /* of its first differing byte */
} FadumpSegmentCheck;

typedef struct FadumpValidation {
    gboolean match;             /* everything below agrees */
    uint64_t expected_size;
    uint64_t actual_size;
    gboolean header_equal;      /* ELF header, program headers, padding */
    guint expected_notes;
    guint actual_notes;
    gboolean notes_equal;       /* the whole note region, padding too */
    GPtrArray *note_checks;     /* FadumpNoteCheck, per expected note */
    GPtrArray *segment_checks;  /* FadumpSegmentCheck, per rebuilt load */
    GPtrArray *extra_loads;     /* char *: vmcore PT_LOADs not rebuilt */
    GPtrArray *problems;        /* char *: one line per disagreement */
} FadumpValidation;

/**
 * fadump_vmcore_validate - compare a vmcore with a rebuilt layout
 * @layout: the rebuilt vmcore's layout
 * @dump: where its PT_LOAD data comes from
 * @vmcore: the real vmcore's path
 * @ret: the comparison, fadump_validation_free(); untouched on failure
 * @error: FADUMP_ERROR_IO when @vmcore cannot be read,
 *     FADUMP_ERROR_CORRUPT / FADUMP_ERROR_TRUNCATED when it is not an
 *     ELF64 core whose headers fit the file, FADUMP_ERROR_UNSUPPORTED for
 *     notes over FADUMP_VALIDATE_MAX_NOTES, and the dump's read errors
 *
 * Returns: TRUE when the comparison was made (see ret->match)
 */
gboolean fadump_vmcore_validate(const FadumpVmcoreLayout *layout,
                                FadumpDump *dump, const char *vmcore,
                                FadumpValidation **ret, GError **error);

typedef struct FadumpValidateOptions {
    FadumpProgressFunc progress;    /* PT_LOAD bytes compared, of all */
    gpointer progress_data;
} FadumpValidateOptions;

/**
 * fadump_vmcore_validate_with - fadump_vmcore_validate() with options
 * @layout: the rebuilt vmcore's layout
 * @dump: where its PT_LOAD data comes from
 * @vmcore: the real vmcore's path
 * @opts: (nullable) progress reporting
 * @ret: as fadump_vmcore_validate()
 * @error: as fadump_vmcore_validate()
 *
 * Returns: TRUE when the comparison was made (see ret->match)
 */
gboolean fadump_vmcore_validate_with(const FadumpVmcoreLayout *layout,
                                     FadumpDump *dump, const char *vmcore,
                                     const FadumpValidateOptions *opts,
                                     FadumpValidation **ret, GError **error);

void fadump_validation_free(FadumpValidation *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpValidation, fadump_validation_free)

#endif /* FADUMP_VMCORE_VALIDATE_H */
