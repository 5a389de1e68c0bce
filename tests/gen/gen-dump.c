/*
 * A generated guest as an open dump (see gen-dump.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "gen-dump.h"

GenDump *gen_dump_new(const GenParams *p, const GenDumpOptions *o)
{
    static const GenDumpOptions qemu_elf = {
        .layout = GEN_ELF_QEMU_NEW, .nloads = 2,
    };
    GenDump *g = g_new0(GenDump, 1);
    g_autoptr(GError) err = NULL;
    DumpOptions raw = { .raw = TRUE, .raw_base = o ? o->raw_base : 0 };

    o = o ? o : &qemu_elf;
    g->img = gen_image_new(p);
    if (o->patch) {
        o->patch(g->img);
    }
    g->dir = g_dir_make_tmp("gen-dump-XXXXXX", &err);
    g_assert_no_error(err);
    g->path = g_build_filename(g->dir, "dump", NULL);
    if (o->raw) {
        gen_write_raw(g->img, g->path);
    } else {
        gen_write_qemu_elf(g->img, g->path, o->layout, p->big_endian,
                           o->nloads);
    }
    g->dump = dump_open(g->path, o->raw ? &raw : NULL, &err);
    g_assert_no_error(err);
    return g;
}

void gen_dump_free(GenDump *g)
{
    if (!g) {
        return;
    }
    dump_free(g->dump);
    g_unlink(g->path);
    g_rmdir(g->dir);
    g_free(g->path);
    g_free(g->dir);
    gen_image_free(g->img);
    g_free(g);
}
