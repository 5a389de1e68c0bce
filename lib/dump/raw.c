/*
 * Raw RAM images (e.g. the file of -object memory-backend-file): no
 * header, the file is guest memory from a base address the caller gives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "dump/format-internal.h"
#include "common/error.h"

typedef struct RawState {
    const DumpFile *file;
    DumpMemRange range;
} RawState;

static DumpProbe raw_probe(const DumpFile *file,
                           const DumpOptions *opts, void **state,
                           GError **error)
{
    RawState *s;

    if (!opts->raw) {
        return DUMP_PROBE_NOT_MINE;
    }
    if (file->size == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_TRUNCATED,
                    "the file is empty");
        return DUMP_PROBE_ERROR;
    }
    if (opts->raw_base + file->size - 1 < opts->raw_base) {
        g_set_error(error, QF_ERROR, QF_ERROR_INVALID_ARG,
                    "base 0x%" G_GINT64_MODIFIER "x plus %" G_GUINT64_FORMAT
                    " bytes is beyond the 64-bit address space",
                    opts->raw_base, file->size);
        return DUMP_PROBE_ERROR;
    }
    s = g_new0(RawState, 1);
    s->file = file;
    s->range.paddr = opts->raw_base;
    s->range.size = file->size;
    s->range.file_offset = 0;
    s->range.file_size = file->size;
    *state = s;
    return DUMP_PROBE_MINE;
}

static const DumpMemRange *raw_ranges(void *state, size_t *n)
{
    RawState *s = state;

    *n = 1;
    return &s->range;
}

static void raw_cleanup(void *state)
{
    g_free(state);
}

const DumpFormat dump_format_raw = {
    .name = "raw",
    .probe = raw_probe,
    .ranges = raw_ranges,
    .cleanup = raw_cleanup,
};
