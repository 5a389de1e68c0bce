/*
 * Fuzz target of what a guest dump without fadump is read by: the
 * VMCOREINFO candidate validator (lib/kernel/vmcoreinfo-find.c), given
 * the bytes as a page start, and QEMU's NT_PRSTATUS decoder
 * (lib/elfcore/prstatus.c), given them as a note segment.  Either an
 * error, or a text that is NUL-free printable lines within the input and
 * VMCOREINFO_BYTES, and CPUs whose notes lie inside the input.  Seeds:
 * the generated guests' VMCOREINFO note buffers and texts, and the notes
 * of QEMU ELF dumps (tests/gen/fadump-gen.c) with either pr_pid rule.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "elfcore/prstatus.h"
#include "fuzz-dump.h"
#include "kernel/vmcoreinfo-find.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    KernelVmcoreinfoForm form;
    gboolean be;
    g_autofree char *text = kernel_vmcoreinfo_candidate(data, size, &form,
                                                        &be, &err);
    ElfcoreQemuCpus c = { 0 };

    if (text) {
        size_t n = strlen(text);

        FUZZ_ASSERT(n > 0 && n <= size && n <= KERNEL_VMCOREINFO_BYTES_MAX);
        FUZZ_ASSERT(text[n - 1] == '\n');
        FUZZ_ASSERT(g_str_has_prefix(text, "OSRELEASE="));
    } else {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
    }
    g_clear_error(&err);
    if (elfcore_qemu_cpus_parse(data, size, &c, &err)) {
        FUZZ_ASSERT(c.cpus->len > 0 &&
                    c.cpus->len <= size / ELFCORE_PRSTATUS_PPC64_SIZE);
        for (guint i = 0; i < c.cpus->len; i++) {
            const ElfcoreCpuRegs *r = &g_array_index(c.cpus, ElfcoreCpuRegs,
                                                     i);

            FUZZ_ASSERT(elfcore_qemu_cpus_find(&c, r->cpu) != NULL);
            FUZZ_ASSERT(c.rule != ELFCORE_CPU_BY_PR_PID ||
                        r->cpu == r->pr_pid - 1);
        }
        elfcore_qemu_cpus_clear(&c);
    } else {
        FUZZ_ASSERT(err && err->domain == QF_ERROR && *err->message);
    }
    return 0;
}

static void write_elf(const GenImage *img, const char *path,
                      const void *opaque)
{
    gen_write_qemu_elf(img, path, GEN_ELF_QEMU_OLD, img->p.big_endian, 1);
}

void fuzz_target_seeds(FuzzSeedFunc add, void *opaque)
{
    fuzz_struct_seeds(FUZZ_STRUCT_VMCOREINFO, add, opaque);
    for (unsigned int v = 0; v < 4; v++) {
        const FuzzGuest *g = fuzz_guest(v & 1);
        GenImage img = *g->img;
        g_autoptr(GBytes) b = NULL;
        const uint8_t *e;
        uint64_t phoff;
        g_autofree char *name = g_strdup_printf("qemu-notes-%s%s", g->name,
                                                v & 2 ? "-pid0" : "");

        /* the text alone, as in the vmcoreinfo_data page */
        if (v < 2) {
            g_autofree char *tname = g_strdup_printf("text-%s", g->name);

            add(tname, (const uint8_t *)img.vmcoreinfo,
                strlen(img.vmcoreinfo) + 1, opaque);
        }
        img.p.qemu_pr_pid_zero = v & 2;
        b = fuzz_gen_file(&img, write_elf, NULL);
        e = g_bytes_get_data(b, NULL);
        /* GEN_ELF_QEMU_OLD: program header 0, the PT_NOTE, at e_phoff */
        phoff = qf_get64(e + 32, img.p.big_endian);
        add(name, e + qf_get64(e + phoff + 8, img.p.big_endian),
            qf_get64(e + phoff + 32, img.p.big_endian), opaque);
    }
}
