/*
 * fadump-gen: write a generated crashed guest (tests/gen/fadump-gen.c)
 * to a directory, for tests that drive the fadump-extract command:
 *
 *   fadump-gen DIR [--kernel 6.1|6.12] [--big-endian] [--old-layout]
 *              [--printk 6.1|6.12|7.2] [--clobber-boot]
 *              [--no-fadump [--panic-cpu N]] [--crashing-cpu N]
 *              [--cmdline CMDLINE]
 *              [--backtraces [--os-term]]
 *
 * DIR/dump.elf       QMP dump-guest-memory style ELF
 * DIR/ram.raw        the same memory as a raw image (base 0)
 * DIR/expected.vmcore  the vmcore the capture kernel would export
 * DIR/fdm-addr       the registered structure's address, in hex
 * DIR/printk.txt     with --printk: the records the ring holds, as
 *                    vmcore-dmesg prints them
 *
 * --backtraces lays out every CPU's kernel stack and kallsyms tables
 * (GenParams.backtraces, base-relative kallsyms)
 *
 * --no-fadump: a guest that never registered (see below); panic_cpu holds
 * --panic-cpu N (-1: no CPU panicked), else the --crashing-cpu, else 1;
 * --os-term: QEMU's note of the crashing CPU as at ibm,os-term
 * (GenParams.os_term); --cmdline: the log's last records start with
 * "Kernel command line: CMDLINE"
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
    gboolean crashing_given = FALSE, panic_given = FALSE;
    g_autofree char *cmdline = NULL;
    const char *tail[16] = { NULL };
    int32_t panic_cpu = -1;

    gen_params_default(&p);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
            p.kernel = !strcmp(argv[++i], "6.1") ? GEN_LINUX_61
                                                 : GEN_LINUX_612;
        } else if (!strcmp(argv[i], "--big-endian")) {
            p.big_endian = TRUE;
        } else if (!strcmp(argv[i], "--old-layout")) {
            layout = GEN_ELF_QEMU_OLD;
        } else if (!strcmp(argv[i], "--printk") && i + 1 < argc) {
            i++;
            p.printk = !strcmp(argv[i], "6.1") ? GEN_PRINTK_61
                       : !strcmp(argv[i], "7.2") ? GEN_PRINTK_72
                       : GEN_PRINTK_612;
        } else if (!strcmp(argv[i], "--clobber-boot")) {
            p.clobber_boot = TRUE;
        } else if (!strcmp(argv[i], "--no-fadump")) {
            /*
             * never registered: VMCOREINFO only in vmcoreinfo_data at
             * 0x30000, kallsyms, panic_cpu = 1 at 0x480000
             */
            p.no_fadump = TRUE;
            p.no_vmcoreinfo_note = TRUE;
            p.vmcoreinfo_data_paddr = 0x30000;
            p.kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
            p.panic_cpu_sym = TRUE;
            p.panic_cpu_paddr = 0x480000;
            p.panic_cpu = 1;
        } else if (!strcmp(argv[i], "--crashing-cpu") && i + 1 < argc) {
            p.crashing_cpu = (uint32_t)g_ascii_strtoull(argv[++i], NULL, 0);
            crashing_given = TRUE;
        } else if (!strcmp(argv[i], "--panic-cpu") && i + 1 < argc) {
            /* --no-fadump: panic_cpu's value (-1: none panicked) */
            panic_cpu = (int32_t)g_ascii_strtoll(argv[++i], NULL, 0);
            panic_given = TRUE;
        } else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
            /* the log's tail: the boot's command line, then the default */
            cmdline = g_strdup_printf("Kernel command line: %s", argv[++i]);
            tail[0] = cmdline;
            for (unsigned int t = 0; gen_default_printk_tail[t]; t++) {
                tail[t + 1] = gen_default_printk_tail[t];
            }
            p.printk_tail = tail;
        } else if (!strcmp(argv[i], "--os-term")) {
            p.os_term = TRUE;
        } else if (!strcmp(argv[i], "--backtraces")) {
            p.backtraces = TRUE;
            p.kallsyms = GEN_KALLSYMS_BASE_RELATIVE;
        } else if (!dir && argv[i][0] != '-') {
            dir = argv[i];
        } else {
            fprintf(stderr, "usage: fadump-gen DIR [--kernel 6.1|6.12] "
                    "[--big-endian] [--old-layout] [--printk 6.1|6.12|7.2] "
                    "[--clobber-boot] [--no-fadump] [--crashing-cpu N] "
                    "[--panic-cpu N] [--cmdline CMDLINE] "
                    "[--backtraces [--os-term]]\n");
            return 2;
        }
    }
    /* without fadump, the crashing CPU is the one panic_cpu names */
    if (p.no_fadump && (panic_given || crashing_given)) {
        p.panic_cpu = panic_given ? panic_cpu : (int32_t)p.crashing_cpu;
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
    if (p.printk != GEN_PRINTK_NONE) {
        g_autofree char *path = g_build_filename(dir, "printk.txt", NULL);
        g_autoptr(GString) text = g_string_new(NULL);

        for (guint i = 0; i < img->printk_expected->len; i++) {
            const GenPrintkRecord *r = img->printk_expected->pdata[i];

            g_string_append_printf(text, "[%5" G_GUINT64_FORMAT ".%06"
                                   G_GUINT64_FORMAT "] ",
                                   r->ts_nsec / 1000000000,
                                   r->ts_nsec % 1000000000 / 1000);
            for (const char *c = r->text; *c; c++) {
                if (g_ascii_isprint(*c) || g_ascii_isspace(*c)) {
                    g_string_append_c(text, *c);
                } else {
                    g_string_append_printf(text, "\\x%02x", (guint8)*c);
                }
            }
            g_string_append_c(text, '\n');
        }
        if (!g_file_set_contents(path, text->str, text->len, NULL)) {
            return 1;
        }
    }
    return 0;
}
