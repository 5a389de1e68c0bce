/*
 * Comparing a real /proc/vmcore (as the capture kernel exported it) with
 * the one rebuilt from a dump: file size, ELF and program headers,
 * segment coverage, the notes (count, order, names, types, every CPU's
 * registers, VMCOREINFO) and the PT_LOAD data page by page.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VMCORE_VALIDATE_H
#define VMCORE_VALIDATE_H

#include <glib.h>
#include <stdint.h>

#include "dump/reader.h"
#include "common/progress.h"
#include "vmcore/layout.h"

/* Larger note segments in the vmcore under test are refused */
#define VMCORE_VALIDATE_MAX_NOTES   (64u << 20)

typedef struct VmcoreRegDiff {
    unsigned int word;          /* pt_regs index (papr_pt_regs_name()) */
    uint64_t expected;
    uint64_t actual;
} VmcoreRegDiff;

typedef struct VmcoreNoteCheck {
    guint index;
    char *name;                 /* the expected note's name */
    uint32_t type;
    gboolean equal;             /* byte for byte */
    char *problem;              /* when not equal: what differs */
    GArray *reg_diffs;          /* NT_PRSTATUS: VmcoreRegDiff */
} VmcoreNoteCheck;

typedef struct VmcoreSegmentCheck {
    guint phdr;                 /* index in the rebuilt program headers */
    uint64_t paddr;
    uint64_t memsz;
    gboolean present;           /* the vmcore has this PT_LOAD */
    uint64_t pages;             /* compared, of the page-rounded segment */
    uint64_t differing_pages;
    uint64_t first_diff_page;   /* guest physical address of that page */
    uint64_t first_diff_byte;   /* of its first differing byte */
} VmcoreSegmentCheck;

typedef struct VmcoreValidation {
    gboolean match;             /* everything below agrees */
    uint64_t expected_size;
    uint64_t actual_size;
    gboolean header_equal;      /* ELF header, program headers, padding */
    guint expected_notes;
    guint actual_notes;
    gboolean notes_equal;       /* the whole note region, padding too */
    GPtrArray *note_checks;     /* VmcoreNoteCheck, per expected note */
    GPtrArray *segment_checks;  /* VmcoreSegmentCheck, per rebuilt load */
    GPtrArray *extra_loads;     /* char *: vmcore PT_LOADs not rebuilt */
    GPtrArray *problems;        /* char *: one line per disagreement */
} VmcoreValidation;

/**
 * vmcore_validate - compare a vmcore with a rebuilt layout
 * @layout: the rebuilt vmcore's layout
 * @dump: where its PT_LOAD data comes from
 * @vmcore: the real vmcore's path
 * @ret: the comparison, vmcore_validation_free(); untouched on failure
 * @error: QF_ERROR_IO when @vmcore cannot be read,
 *     QF_ERROR_CORRUPT / QF_ERROR_TRUNCATED when it is not an
 *     ELF64 core whose headers fit the file, QF_ERROR_UNSUPPORTED for
 *     notes over VMCORE_VALIDATE_MAX_NOTES, and the dump's read errors
 *
 * Returns: TRUE when the comparison was made (see ret->match)
 */
gboolean vmcore_validate(const VmcoreLayout *layout,
                         Dump *dump, const char *vmcore,
                         VmcoreValidation **ret, GError **error);

typedef struct VmcoreValidateOptions {
    QfProgressFunc progress;    /* PT_LOAD bytes compared, of all */
    gpointer progress_data;
} VmcoreValidateOptions;

/**
 * vmcore_validate_with - vmcore_validate() with options
 * @layout: the rebuilt vmcore's layout
 * @dump: where its PT_LOAD data comes from
 * @vmcore: the real vmcore's path
 * @opts: (nullable) progress reporting
 * @ret: as vmcore_validate()
 * @error: as vmcore_validate()
 *
 * Returns: TRUE when the comparison was made (see ret->match)
 */
gboolean vmcore_validate_with(const VmcoreLayout *layout,
                              Dump *dump, const char *vmcore,
                              const VmcoreValidateOptions *opts,
                              VmcoreValidation **ret, GError **error);

void vmcore_validation_free(VmcoreValidation *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmcoreValidation, vmcore_validation_free)

#endif /* VMCORE_VALIDATE_H */
