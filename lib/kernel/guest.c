/*
 * The facts of a guest dump without fadump (see guest.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kernel/guest.h"
#include "kernel/dump-mem.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

void kernel_guest_facts_free(KernelGuestFacts *f)
{
    if (f) {
        kernel_vmcoreinfo_found_clear(&f->vmcoreinfo);
        g_free(f->release);
        elfcore_qemu_cpus_clear(&f->cpus);
        g_clear_error(&f->cpus_error);
        kernel_kallsyms_free(f->ks);
        kernel_mem_free(f->k);
        g_clear_error(&f->kallsyms_error);
        g_clear_error(&f->panic_cpu_error);
        kernel_printk_log_free(f->log);
        g_clear_error(&f->log_error);
        g_free(f->cmdline);
        g_free(f);
    }
}

KernelFadumpParam kernel_fadump_param(const char *cmdline)
{
    g_auto(GStrv) words = g_strsplit_set(cmdline, " \t\n", -1);
    KernelFadumpParam p = KERNEL_FADUMP_PARAM_OFF;

    for (char **w = words; *w; w++) {
        if (g_str_has_prefix(*w, "fadump=")) {
            /* strncmp(p, "on", 2) and strncmp(p, "nocma", 5), as Linux */
            p = g_str_has_prefix(*w + 7, "on") ||
                g_str_has_prefix(*w + 7, "nocma")
                ? KERNEL_FADUMP_PARAM_ON : KERNEL_FADUMP_PARAM_OFF;
        }
    }
    return p;
}

/* The boot's "Kernel command line: " record, if the log still has it */
static void fadump_from_log(KernelGuestFacts *f)
{
    for (guint i = 0; f->log && i < f->log->records->len; i++) {
        const KernelPrintkRecord *r = f->log->records->pdata[i];

        if (g_str_has_prefix(r->text, KERNEL_CMDLINE_PREFIX)) {
            f->cmdline = g_strchomp(g_strdup(r->text +
                                             strlen(KERNEL_CMDLINE_PREFIX)));
            f->fadump_param = kernel_fadump_param(f->cmdline);
            return;
        }
    }
}

KernelGuestFacts *kernel_guest_facts(Dump *dump, GError **error)
{
    g_autoptr(KernelGuestFacts) f = g_new0(KernelGuestFacts, 1);
    g_autoptr(GBytes) notes = dump_notes(dump);

    if (!kernel_vmcoreinfo_find(dump, &f->vmcoreinfo, error)) {
        return NULL;
    }
    f->release = elfcore_vmcoreinfo_get(f->vmcoreinfo.text, "OSRELEASE");
    if (!notes) {
        g_set_error(&f->cpus_error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "QEMU CPU notes: the dump (%s) carries no notes",
                    dump_format_name(dump));
    } else {
        gsize len;
        const uint8_t *p = g_bytes_get_data(notes, &len);

        f->have_cpus = elfcore_qemu_cpus_parse(p, len, &f->cpus,
                                               &f->cpus_error);
    }
    if (f->have_cpus) {
        f->big_endian = f->cpus.big_endian;
        f->byte_order_source = "QEMU notes";
    } else if (f->vmcoreinfo.form == KERNEL_VMCOREINFO_NOTE) {
        f->big_endian = f->vmcoreinfo.big_endian;
        f->byte_order_source = "VMCOREINFO note";
    } else {
        f->big_endian = FALSE;
        f->byte_order_source = "assumed: nothing tells";
    }
    f->k = kernel_mem_new_for_dump(dump, f->big_endian);
    f->ks = kernel_kallsyms_load(f->k, f->vmcoreinfo.text,
                                 &f->kallsyms_error);
    f->have_panic_cpu = kernel_panic_cpu_read(f->k, f->vmcoreinfo.text, f->ks,
                                              &f->panic_cpu,
                                              &f->panic_cpu_error);
    f->log = kernel_printk_log_read(f->k, f->vmcoreinfo.text, 0, &f->log_error);
    /* panic_cpu not locatable (no CONFIG_KALLSYMS_ALL): the log says */
    if (!f->have_panic_cpu && f->log &&
        g_error_matches(f->panic_cpu_error, QF_ERROR, QF_ERROR_NOT_FOUND) &&
        kernel_panic_cpu_from_log(f->log, &f->panic_cpu)) {
        f->have_panic_cpu = TRUE;
    }
    fadump_from_log(f);
    return g_steal_pointer(&f);
}
