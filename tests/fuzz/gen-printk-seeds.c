/*
 * Seeds of fuzz-printk: the printk rings tests/gen/fadump-gen.c lays out (Linux
 * 6.1, 6.12 and 7.2, both byte orders) and its kallsyms tables, each as
 * fuzz-printk.c reads its input: BASE (8 bytes, big-endian), the VMCOREINFO
 * text, a NUL, the memory from BASE to the end of the ring's data (or of the
 * kallsyms tables).
 *
 *   gen-printk-seeds DIR
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "fadump-gen.h"

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        GenPrintk v;
    } versions[] = {
        { "6.1", GEN_PRINTK_61 }, { "6.12", GEN_PRINTK_612 },
        { "7.2", GEN_PRINTK_72 },
    };

    if (argc != 2) {
        fprintf(stderr, "usage: gen-printk-seeds DIR\n");
        return 2;
    }
    /* each ring version, then kallsyms base- and place-relative */
    for (size_t v = 0; v < G_N_ELEMENTS(versions) + 2; v++) {
        for (int be = 0; be <= 1; be++) {
            gboolean ks = v >= G_N_ELEMENTS(versions);
            gboolean place = v == G_N_ELEMENTS(versions) + 1;
            GenParams p;
            g_autoptr(GenImage) img = NULL;
            g_autoptr(GByteArray) seed = g_byte_array_new();
            g_autofree char *path = NULL;
            uint8_t base[8];
            uint64_t start, end;

            gen_params_default(&p);
            p.ram_size = 4u << 20;
            p.boot_mem_size = 1u << 20;
            p.printk = ks ? GEN_PRINTK_NONE : versions[v].v;
            p.kallsyms = !ks ? GEN_KALLSYMS_NONE
                         : place ? GEN_KALLSYMS_PLACE_RELATIVE
                                 : GEN_KALLSYMS_BASE_RELATIVE;
            p.big_endian = be;
            p.printk_records = 60;
            img = gen_image_new(&p);
            start = ks ? img->kallsyms_paddr : img->prb_paddr;
            end = ks ? img->kallsyms_paddr + 0x4000
                     : img->prb_data + (1u << p.printk_size_bits);
            gen_put(base, start, 8, TRUE);
            g_byte_array_append(seed, base, 8);
            g_byte_array_append(seed, (const uint8_t *)img->vmcoreinfo,
                                strlen(img->vmcoreinfo) + 1);
            g_byte_array_append(seed, img->ram + start, end - start);
            path = g_strdup_printf("%s/%s-%s", argv[1],
                                   place ? "kallsyms-place-relative"
                                         : "kallsyms",
                                   be ? "be" : "le");
            if (!ks) {
                g_free(path);
                path = g_strdup_printf("%s/printk-%s-%s", argv[1],
                                       versions[v].name, be ? "be" : "le");
            }
            if (!g_file_set_contents(path, (const char *)seed->data,
                                     seed->len, NULL)) {
                fprintf(stderr, "gen-printk-seeds: cannot write %s\n", path);
                return 1;
            }
        }
    }
    return 0;
}
