/*
 * fadump-gen: write a generated crashed guest (tests/unit/fadump-gen.c)
 * to a directory, for tests that drive the fadump-extract command:
 *
 *   fadump-gen DIR [--kernel 6.1|6.12] [--big-endian] [--old-layout]
 *
 * DIR/dump.elf       QMP dump-guest-memory style ELF
 * DIR/ram.raw        the same memory as a raw image (base 0)
 * DIR/expected.vmcore  the vmcore the capture kernel would export
 * DIR/fdm-addr       the registered structure's address, in hex
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "fadump-gen.h"

int main(int argc, char **argv)
{
    GenParams p;
    g_autoptr(GenImage) img = NULL;
    GenElfLayout layout = GEN_ELF_QEMU_NEW;
    const char *dir = NULL;
    g_autofree char *elf = NULL, *raw = NULL, *vmcore = NULL, *fdm = NULL;
    g_autofree char *addr = NULL;

    gen_params_default(&p);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
            p.kernel = !strcmp(argv[++i], "6.1") ? GEN_LINUX_61
                                                 : GEN_LINUX_612;
        } else if (!strcmp(argv[i], "--big-endian")) {
            p.big_endian = TRUE;
        } else if (!strcmp(argv[i], "--old-layout")) {
            layout = GEN_ELF_QEMU_OLD;
        } else if (!dir && argv[i][0] != '-') {
            dir = argv[i];
        } else {
            fprintf(stderr, "usage: fadump-gen DIR [--kernel 6.1|6.12] "
                    "[--big-endian] [--old-layout]\n");
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "fadump-gen: no DIR\n");
        return 2;
    }
    img = gen_image_new(&p);
    elf = g_build_filename(dir, "dump.elf", NULL);
    raw = g_build_filename(dir, "ram.raw", NULL);
    vmcore = g_build_filename(dir, "expected.vmcore", NULL);
    fdm = g_build_filename(dir, "fdm-addr", NULL);
    gen_write_qemu_elf(img, elf, layout, p.big_endian, 2);
    gen_write_raw(img, raw);
    gen_write_vmcore(img, vmcore);
    addr = g_strdup_printf("0x%" G_GINT64_MODIFIER "x\n", img->fdm_addr);
    if (!g_file_set_contents(fdm, addr, -1, NULL)) {
        return 1;
    }
    return 0;
}
