/*
 * Analysing a dump the way the fadump capture kernel would (see
 * fadump-analysis.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "vmcore/analysis.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

#define ELF_E_FLAGS_ABI_V2  2

void vmcore_analysis_free(VmcoreAnalysis *a)
{
    if (!a) {
        return;
    }
    g_clear_pointer(&a->candidates, g_array_unref);
    g_free(a->vmcoreinfo);
    g_free(a->osrelease);
    g_clear_pointer(&a->regsave, papr_regsave_free);
    g_clear_pointer(&a->cpu_notes, g_array_unref);
    g_clear_pointer(&a->elfcorehdr, vmcore_core_header_free);
    g_clear_pointer(&a->layout, vmcore_layout_free);
    g_clear_pointer(&a->warnings, g_ptr_array_unref);
    g_free(a);
}

const char *vmcore_fdm_origin_name(VmcoreFdmOrigin origin)
{
    switch (origin) {
    case VMCORE_FDM_FROM_ADDRESS:
        return "address";
    case VMCORE_FDM_FROM_DTB:
        return "dtb";
    case VMCORE_FDM_FROM_SCAN_LOW:
        return "scan-low";
    case VMCORE_FDM_FROM_DT_MEMORY:
        return "dt-memory";
    case VMCORE_FDM_FROM_SCAN:
        return "scan";
    }
    return "?";
}

static void warn(VmcoreAnalysis *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void warn(VmcoreAnalysis *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(a->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Read @len bytes of guest memory into a new buffer; @what for messages */
static GBytes *read_bytes(Dump *dump, uint64_t addr, uint64_t len,
                          const char *what, GError **error)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    GError *err = NULL;

    if (!dump_read(dump, addr, buf, len, &err)) {
        g_propagate_prefixed_error(error, err, "reading %s at 0x%"
                                   G_GINT64_MODIFIER "x: ", what, addr);
        return NULL;
    }
    return g_bytes_new_take(g_steal_pointer(&buf), len);
}

/*
 * The structure found at @addr in boot memory, as the platform copied it
 * at the crash: a candidate when it decodes (it must agree)
 */
static void add_boot_copy(VmcoreAnalysis *a, Dump *dump, uint64_t addr)
{
    const VmcoreRegistration *reg =
        &g_array_index(a->candidates, VmcoreFdmCandidate, 0).reg;

    for (unsigned int i = 0; i < reg->n_boot; i++) {
        const VmcoreBootRegion *b = &reg->boot[i];
        VmcoreFdmCandidate c = { .addr = b->destination +
                                 (addr - b->source) };
        PaprFdm fdm;

        if (addr < b->source || addr - b->source >= b->length) {
            continue;
        }
        if (vmcore_fdm_read_at(dump, c.addr, &fdm, NULL) &&
            vmcore_registration_from_fdm(&fdm, &c.reg, NULL)) {
            c.fdh_known = TRUE;     /* the same header, if it agrees */
            g_array_append_val(a->candidates, c);
        }
        return;
    }
}

/*
 * Where the kernel keeps its registration first (the kernel image, at the
 * start of RAM: @opts' kernel_window), stopping at the first with a known
 * crash-info header, and its boot memory copy; only when there is none,
 * the rest of RAM (no registration at all, or a capture boot whose
 * kernel image window holds neither)
 */
static gboolean scan_registrations(VmcoreAnalysis *a, Dump *dump,
                                   const VmcoreAnalyseOptions *opts,
                                   GError **error)
{
    VmcoreScanOptions so = {
        .end = opts->kernel_window ? opts->kernel_window
                                   : VMCORE_KERNEL_IMAGE_WINDOW,
        .stop_at_known = TRUE,
        .progress = opts->progress,
        .progress_data = opts->progress_data,
    };
    g_autoptr(GArray) rest = NULL;
    const VmcoreFdmCandidate *last;
    uint64_t n;

    a->origin = VMCORE_FDM_FROM_SCAN_LOW;
    if (!vmcore_fdm_scan(dump, &so, &a->candidates, &a->scanned, error)) {
        return FALSE;
    }
    last = a->candidates->len ? &g_array_index(a->candidates,
                                               VmcoreFdmCandidate,
                                               a->candidates->len - 1)
                              : NULL;
    if (last && last->fdh_known) {
        add_boot_copy(a, dump, last->addr);
        return TRUE;
    }
    /* A capture boot: its device tree, in the same window */
    {
        g_autoptr(GError) err = NULL;
        VmcoreDtFound dt;

        if (vmcore_dt_find(dump, 0, so.end, &dt, &err)) {
            a->origin = VMCORE_FDM_FROM_DT_MEMORY;
            a->fdm_addr = dt.addr;
            a->dt = dt.kd;
            return TRUE;
        }
        if (!g_error_matches(err, QF_ERROR, QF_ERROR_ABSENT)) {
            g_propagate_error(error, g_steal_pointer(&err));
            return FALSE;
        }
    }
    if (opts->scan_low_only) {
        return TRUE;
    }
    a->origin = VMCORE_FDM_FROM_SCAN;
    so.start = so.end;
    so.end = 0;
    so.stop_at_known = FALSE;
    if (!vmcore_fdm_scan(dump, &so, &rest, &n, error)) {
        return FALSE;
    }
    a->scanned += n;
    for (guint i = 0; i < rest->len &&
         a->candidates->len < VMCORE_SCAN_MAX_CANDIDATES; i++) {
        g_array_append_val(a->candidates,
                           g_array_index(rest, VmcoreFdmCandidate, i));
    }
    return TRUE;
}

static gboolean find_registration(VmcoreAnalysis *a, Dump *dump,
                                  const VmcoreAnalyseOptions *opts,
                                  GError **error)
{
    PaprFdm fdm;
    const VmcoreFdmCandidate *first;

    if (opts->dtb) {
        a->origin = VMCORE_FDM_FROM_DTB;
        return vmcore_registration_from_fdm(&opts->dtb->fdm, &a->reg, error);
    }
    if (opts->have_fdm_addr) {
        a->origin = VMCORE_FDM_FROM_ADDRESS;
        a->fdm_addr = opts->fdm_addr;
        if (!vmcore_fdm_read_at(dump, opts->fdm_addr, &fdm, error)) {
            return FALSE;
        }
        if (!vmcore_registration_from_fdm(&fdm, &a->reg, error)) {
            g_prefix_error(error, "at 0x%" G_GINT64_MODIFIER "x: ",
                           opts->fdm_addr);
            return FALSE;
        }
        return TRUE;
    }
    if (!scan_registrations(a, dump, opts, error)) {
        g_prefix_error(error, "scanning for the dump memory structure: ");
        return FALSE;
    }
    if (a->origin == VMCORE_FDM_FROM_DT_MEMORY) {
        if (!vmcore_registration_from_fdm(&a->dt.fdm, &a->reg, error)) {
            g_prefix_error(error, "the device tree at 0x%" G_GINT64_MODIFIER
                           "x: ", a->fdm_addr);
            return FALSE;
        }
        return TRUE;
    }
    if (a->candidates->len == 0) {
        g_autofree char *where = a->origin == VMCORE_FDM_FROM_SCAN
            ? g_strdup("guest memory")
            : g_strdup_printf("the first %" G_GUINT64_FORMAT " MiB of guest "
                              "memory, where the kernel keeps it",
                              a->scanned >> 20);

        g_set_error(error, QF_ERROR, QF_ERROR_ABSENT,
                    "no registered dump memory structure in %s: was fadump "
                    "registered? Give --fdm-addr or --dtb", where);
        return FALSE;
    }
    /*
     * Those with a known crash-info header; if there is none, the first
     * one, so that its header's magic is reported
     */
    first = NULL;
    for (guint i = 0; i < a->candidates->len; i++) {
        const VmcoreFdmCandidate *c =
            &g_array_index(a->candidates, VmcoreFdmCandidate, i);

        if (!c->fdh_known) {
            continue;
        }
        if (!first) {
            first = c;
        } else if (!vmcore_registration_same_layout(&first->reg, &c->reg)) {
            g_set_error(error, QF_ERROR, QF_ERROR_MISMATCH,
                        "the dump memory structures at 0x%" G_GINT64_MODIFIER
                        "x and 0x%" G_GINT64_MODIFIER "x describe different "
                        "registrations: choose one with --fdm-addr",
                        first->addr, c->addr);
            return FALSE;
        }
    }
    if (!first) {
        first = &g_array_index(a->candidates, VmcoreFdmCandidate, 0);
    }
    a->fdm_addr = first->addr;
    a->reg = first->reg;
    return TRUE;
}

/* The capture kernel's checks of the platform's work (6.12) */
static void check_sections(VmcoreAnalysis *a)
{
    const PaprFdm *fdm = &a->reg.fdm;
    gboolean reported = fdm->status_flags != 0;

    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const PaprSection *s = &fdm->sections[i];

        switch (s->type) {
        case PAPR_TYPE_CPU_STATE:
        case PAPR_TYPE_HPTE:
        case PAPR_TYPE_REAL_MODE:
            if (s->error_flags) {
                g_autofree char *f =
                    papr_section_error_flags_str(s->error_flags);

                warn(a, "section %u (%s): error flags %s: the capture "
                     "kernel discards this dump", i,
                     papr_section_type_name(s->type), f);
            } else if (reported && s->bytes_dumped != s->length) {
                warn(a, "section %u (%s): 0x%" G_GINT64_MODIFIER "x of 0x%"
                     G_GINT64_MODIFIER "x bytes dumped: the capture kernel "
                     "discards this dump", i,
                     papr_section_type_name(s->type), s->bytes_dumped,
                     s->length);
            }
            break;
        case PAPR_TYPE_OS_DEFINED:
            break;
        default:
            warn(a, "section %u: unknown type 0x%04x, ignored", i, s->type);
        }
    }
    for (unsigned int i = 0; i < a->reg.n_boot; i++) {
        uint64_t expect = a->reg.boot_mem_dest;

        for (unsigned int j = 0; j < i; j++) {
            expect += a->reg.boot[j].length;
        }
        if (a->reg.boot[i].destination != expect) {
            warn(a, "boot region %u is registered with destination 0x%"
                 G_GINT64_MODIFIER "x, the capture kernel reads it at 0x%"
                 G_GINT64_MODIFIER "x", i, a->reg.boot[i].destination,
                 expect);
        }
    }
}

static gboolean read_fdh(VmcoreAnalysis *a, Dump *dump, GError **error)
{
    uint8_t buf[PAPR_FDH_MAX_SIZE];
    uint64_t addr = a->reg.fdh_addr;
    size_t len = dump_readable(dump, addr, sizeof(buf));
    GError *err = NULL;

    if (len == 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                    "crash-info header at 0x%" G_GINT64_MODIFIER "x: not in "
                    "the dump", addr);
        return FALSE;
    }
    if (!dump_read(dump, addr, buf, len, &err)) {
        g_propagate_prefixed_error(error, err, "crash-info header at 0x%"
                                   G_GINT64_MODIFIER "x: ", addr);
        return FALSE;
    }
    if (!papr_fdh_decode(buf, len, addr, &a->fdh, error)) {
        return FALSE;
    }
    if (a->fdh.crashing_cpu == PAPR_FDH_CPU_UNKNOWN) {
        warn(a, "crash-info header: no crashing CPU (the dump was not "
             "triggered by crash_fadump): every CPU gets the platform's "
             "registers");
    }
    return TRUE;
}

static gboolean set_vmcoreinfo(VmcoreAnalysis *a, GBytes *notes,
                               uint64_t addr, const VmcoreAnalyseOptions *o,
                               GError **error)
{
    gsize len;
    const uint8_t *p = g_bytes_get_data(notes, &len);

    a->vmcoreinfo = elfcore_vmcoreinfo_from_notes(p, len, a->fdh.big_endian,
                                                  addr, error);
    if (!a->vmcoreinfo) {
        return FALSE;
    }
    a->osrelease = elfcore_vmcoreinfo_get(a->vmcoreinfo, "OSRELEASE");
    if (o->page_size) {
        a->page_size = o->page_size;
        return TRUE;
    }
    if (!elfcore_vmcoreinfo_page_size(a->vmcoreinfo, &a->page_size, error)) {
        g_prefix_error(error, "VMCOREINFO at 0x%" G_GINT64_MODIFIER "x: ",
                       addr);
        return FALSE;
    }
    return TRUE;
}

static gboolean read_regsave(VmcoreAnalysis *a, Dump *dump,
                             GError **error)
{
    g_autoptr(GBytes) area = NULL;
    const uint8_t *p;
    gsize len;

    if (a->reg.cpu_state_size > VMCORE_CPU_STATE_MAX_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "CPU state section of 0x%" G_GINT64_MODIFIER "x bytes, "
                    "more than the %u this tool reads",
                    a->reg.cpu_state_size, VMCORE_CPU_STATE_MAX_SIZE);
        return FALSE;
    }
    area = read_bytes(dump, a->reg.cpu_state_dest, a->reg.cpu_state_size,
                      "the register save area", error);
    if (!area) {
        return FALSE;
    }
    p = g_bytes_get_data(area, &len);
    return papr_regsave_decode(p, len, a->reg.cpu_state_dest, &a->regsave,
                               error);
}

/* Linux 6.10+: VMCOREINFO at fdh.vmcoreinfo_raddr, header built here */
static gboolean build_sig(VmcoreAnalysis *a, Dump *dump,
                          const VmcoreAnalyseOptions *opts, GError **error)
{
    g_autoptr(GBytes) vmci = NULL;
    g_autoptr(GBytes) cpu_notes = NULL;
    g_autofree DumpMemRange *ram = NULL;
    VmcoreElfcorehdrParams p = { 0 };

    if (a->fdh.vmcoreinfo_size > ELFCORE_VMCOREINFO_MAX_SIZE) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "crash-info header at 0x%" G_GINT64_MODIFIER "x: "
                    "VMCOREINFO of 0x%" G_GINT64_MODIFIER "x bytes, more "
                    "than the %u this tool reads", a->fdh.addr,
                    a->fdh.vmcoreinfo_size, ELFCORE_VMCOREINFO_MAX_SIZE);
        return FALSE;
    }
    vmci = read_bytes(dump, a->fdh.vmcoreinfo_raddr, a->fdh.vmcoreinfo_size,
                      "VMCOREINFO", error);
    if (!vmci ||
        !set_vmcoreinfo(a, vmci, a->fdh.vmcoreinfo_raddr, opts, error) ||
        !read_regsave(a, dump, error)) {
        return FALSE;
    }
    cpu_notes = vmcore_cpu_notes_build(a->regsave, &a->fdh, a->page_size,
                                       &a->cpu_notes);
    p.reg = &a->reg;
    p.fdh = &a->fdh;
    p.ram = ram = dump_ram_map(dump, &p.n_ram);
    p.page_size = a->page_size;
    p.cpu_state_size = a->cpu_state_size;
    p.hpte_size = a->hpte_size;
    p.cpu_notes = cpu_notes;
    p.vmcoreinfo = vmci;
    p.e_flags = ELF_E_FLAGS_ABI_V2;
    a->elfcorehdr = vmcore_elfcorehdr_build(&p, &a->ra_start, &a->ra_end);
    return vmcore_layout_build(a->elfcorehdr, a->page_size, 4,
                                      &a->layout, error);
}

/* Linux 6.1: the crashed kernel's header after the fdh */
static gboolean build_inf(VmcoreAnalysis *a, Dump *dump,
                          const VmcoreAnalyseOptions *opts, GError **error)
{
    g_autoptr(GBytes) cpu_notes = NULL;
    const VmcorePhdr *ph;

    if (!vmcore_elfcorehdr_read(dump, &a->fdh, &a->elfcorehdr, error)) {
        return FALSE;
    }
    if (a->elfcorehdr->phdrs->len < 2 ||
        (ph = &g_array_index(a->elfcorehdr->phdrs, VmcorePhdr, 1))->type !=
        4 /* PT_NOTE */) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "ELF core header at 0x%" G_GINT64_MODIFIER "x: program "
                    "header 1 is not the VMCOREINFO PT_NOTE",
                    a->fdh.elfcorehdr_addr);
        return FALSE;
    }
    if (!set_vmcoreinfo(a, a->elfcorehdr->note_data->pdata[1], ph->offset,
                        opts, error) ||
        !read_regsave(a, dump, error)) {
        return FALSE;
    }
    cpu_notes = vmcore_cpu_notes_build(a->regsave, &a->fdh, a->page_size,
                                       &a->cpu_notes);
    vmcore_elfcorehdr_set_cpu_notes(a->elfcorehdr, cpu_notes);
    return vmcore_layout_build(a->elfcorehdr, a->page_size, 0,
                                      &a->layout, error);
}

VmcoreAnalysis *vmcore_analyse(Dump *dump,
                               const VmcoreAnalyseOptions *opts,
                               GError **error)
{
    static const VmcoreAnalyseOptions defaults = { 0 };
    g_autoptr(VmcoreAnalysis) a = g_new0(VmcoreAnalysis, 1);
    const DtKernelDump *dt;
    gboolean ok;

    opts = opts ? opts : &defaults;
    a->warnings = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < dump_n_warnings(dump); i++) {
        warn(a, "%s", dump_warning(dump, i));
    }
    if (!find_registration(a, dump, opts, error)) {
        return NULL;
    }
    check_sections(a);
    a->cpu_state_size = a->reg.cpu_state_size;
    a->hpte_size = a->reg.hpte_size;
    dt = opts->dtb ? opts->dtb
         : a->origin == VMCORE_FDM_FROM_DT_MEMORY ? &a->dt : NULL;
    if (dt && dt->have_sizes) {
        a->cpu_state_size = dt->cpu_state_size;
        a->hpte_size = dt->hpte_size;
    }
    if (!read_fdh(a, dump, error)) {
        return NULL;
    }
    ok = a->fdh.layout == PAPR_FDH_LAYOUT_SIG
         ? build_sig(a, dump, opts, error)
         : build_inf(a, dump, opts, error);
    if (!ok) {
        return NULL;
    }
    for (guint i = 0; i < a->layout->warnings->len; i++) {
        warn(a, "%s", (char *)a->layout->warnings->pdata[i]);
    }
    /* Every byte the vmcore would hold must be in the dump */
    for (guint i = 0; i < a->layout->segments->len; i++) {
        const VmcoreSegment *s =
            &g_array_index(a->layout->segments, VmcoreSegment, i);

        if (!dump_covers(dump, s->src, s->size)) {
            g_set_error(error, QF_ERROR, QF_ERROR_NOT_FOUND,
                        "vmcore segment %u needs guest memory [0x%"
                        G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x), "
                        "which the dump does not hold entirely", i, s->src,
                        s->src + s->size);
            return NULL;
        }
    }
    return g_steal_pointer(&a);
}
