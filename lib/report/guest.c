/*
 * Report of a guest dump without fadump (see guest.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report/guest.h"
#include "papr/ptregs.h"

static void reg_line(const KernelGuestFacts *f, const char *name,
                     uint64_t v, GString *s)
{
    g_autofree char *sym = f->ks ? kernel_kallsyms_symbolize(f->ks, v) : NULL;

    g_string_append_printf(s, "    %-4s 0x%016" G_GINT64_MODIFIER "x%s%s\n",
                           name, v, sym ? " " : "", sym ? sym : "");
}

void report_guest_facts_text(const KernelGuestFacts *f,
                             unsigned int log_lines, FILE *out)
{
    g_autoptr(GString) s = g_string_new(NULL);
    const KernelVmcoreinfoFound *v = &f->vmcoreinfo;

    g_string_append(s, "No fadump registration: facts of the guest's own "
                    "memory and QEMU's notes\n");
    g_string_append_printf(s, "Kernel release: %s\n",
                           f->release ? f->release : "(none)");
    g_string_append_printf(s, "VMCOREINFO: %s at 0x%" G_GINT64_MODIFIER
                           "x (%" G_GUINT64_FORMAT " pages probed, %"
                           G_GUINT64_FORMAT " bytes read, %u candidates "
                           "rejected)\n", kernel_vmcoreinfo_form_name(v->form),
                           v->paddr, v->pages_probed, v->bytes_read,
                           v->rejected);
    g_string_append_printf(s, "Byte order: %s (%s)\n",
                           f->big_endian ? "big endian" : "little endian",
                           f->byte_order_source);
    if (f->have_panic_cpu) {
        g_autofree char *what = kernel_panic_cpu_describe(&f->panic_cpu);

        g_string_append_printf(s, "Crashed CPU: %s\n", what);
    } else {
        g_string_append_printf(s, "Crashed CPU: unknown: %s\n",
                               f->panic_cpu_error->message);
    }
    if (!f->ks) {
        g_string_append_printf(s, "Symbols: none: %s\n",
                               f->kallsyms_error->message);
    }
    if (f->have_cpus) {
        g_string_append_printf(s, "CPUs: %u, registers from QEMU's notes, "
                               "numbered by %s\n", f->cpus.cpus->len,
                               elfcore_cpu_rule_describe(f->cpus.rule));
        for (guint i = 0; i < f->cpus.cpus->len; i++) {
            const ElfcoreCpuRegs *r = &g_array_index(f->cpus.cpus,
                                                     ElfcoreCpuRegs, i);

            g_string_append_printf(s, "  CPU %u%s\n", r->cpu,
                                   f->have_panic_cpu &&
                                   f->panic_cpu.panicked &&
                                   f->panic_cpu.cpu == r->cpu
                                   ? " (panicked)" : "");
            reg_line(f, "nip", r->regs[PAPR_PT_NIP], s);
            reg_line(f, "lr", r->regs[PAPR_PT_LINK], s);
            reg_line(f, "r1", r->regs[1], s);
        }
    } else {
        g_string_append_printf(s, "CPUs: no registers: %s\n",
                               f->cpus_error->message);
    }
    if (f->log) {
        guint n = f->log->records->len;
        guint from = log_lines && n > log_lines ? n - log_lines : 0;

        g_string_append_printf(s, "Log (last %u of %" G_GUINT64_FORMAT
                               " records):\n", n - from, f->log->n_records);
        for (guint i = from; i < n; i++) {
            g_string_append(s, "  ");
            kernel_printk_record_format(s, f->log->records->pdata[i]);
        }
    } else {
        g_string_append_printf(s, "Log: none: %s\n", f->log_error->message);
    }
    fputs(s->str, out);
}
