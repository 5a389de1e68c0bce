/*
 * Analysing a dump the way the fadump capture kernel would (see
 * fadump-analysis.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "fadump-analysis.h"
#include "fadump-error.h"
#include "vmcoreinfo.h"

#define ELF_E_FLAGS_ABI_V2  2

void fadump_analysis_free(FadumpAnalysis *a)
{
    if (!a) {
        return;
    }
    g_clear_pointer(&a->candidates, g_array_unref);
    g_free(a->vmcoreinfo);
    g_free(a->osrelease);
    g_clear_pointer(&a->regsave, fadump_regsave_free);
    g_clear_pointer(&a->cpu_notes, g_array_unref);
    g_clear_pointer(&a->elfcorehdr, fadump_elfcorehdr_free);
    g_clear_pointer(&a->layout, fadump_vmcore_layout_free);
    g_clear_pointer(&a->warnings, g_ptr_array_unref);
    g_free(a);
}

const char *fadump_fdm_origin_name(FadumpFdmOrigin origin)
{
    switch (origin) {
    case FADUMP_FDM_FROM_ADDRESS:
        return "address";
    case FADUMP_FDM_FROM_DTB:
        return "dtb";
    case FADUMP_FDM_FROM_SCAN:
        return "scan";
    }
    return "?";
}

static void warn(FadumpAnalysis *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void warn(FadumpAnalysis *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(a->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Read @len bytes of guest memory into a new buffer; @what for messages */
static GBytes *read_bytes(FadumpDump *dump, uint64_t addr, uint64_t len,
                          const char *what, GError **error)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    GError *err = NULL;

    if (!fadump_dump_read(dump, addr, buf, len, &err)) {
        g_propagate_prefixed_error(error, err, "reading %s at 0x%"
                                   G_GINT64_MODIFIER "x: ", what, addr);
        return NULL;
    }
    return g_bytes_new_take(g_steal_pointer(&buf), len);
}

static gboolean find_registration(FadumpAnalysis *a, FadumpDump *dump,
                                  const FadumpAnalyseOptions *opts,
                                  GError **error)
{
    FadumpFdm fdm;
    const FadumpFdmCandidate *first;

    if (opts->dtb) {
        a->origin = FADUMP_FDM_FROM_DTB;
        return fadump_registration_from_fdm(&opts->dtb->fdm, &a->reg, error);
    }
    if (opts->have_fdm_addr) {
        a->origin = FADUMP_FDM_FROM_ADDRESS;
        a->fdm_addr = opts->fdm_addr;
        if (!fadump_fdm_read_at(dump, opts->fdm_addr, &fdm, error)) {
            return FALSE;
        }
        if (!fadump_registration_from_fdm(&fdm, &a->reg, error)) {
            g_prefix_error(error, "at 0x%" G_GINT64_MODIFIER "x: ",
                           opts->fdm_addr);
            return FALSE;
        }
        return TRUE;
    }
    a->origin = FADUMP_FDM_FROM_SCAN;
    if (!fadump_fdm_scan(dump, opts->progress, opts->progress_data,
                         &a->candidates, error)) {
        g_prefix_error(error, "scanning for the dump memory structure: ");
        return FALSE;
    }
    if (a->candidates->len == 0) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "no registered dump memory structure in guest memory: "
                    "was fadump registered? Give --fdm-addr or --dtb");
        return FALSE;
    }
    /*
     * Those with a known crash-info header; if there is none, the first
     * one, so that its header's magic is reported
     */
    first = NULL;
    for (guint i = 0; i < a->candidates->len; i++) {
        const FadumpFdmCandidate *c =
            &g_array_index(a->candidates, FadumpFdmCandidate, i);

        if (!c->fdh_known) {
            continue;
        }
        if (!first) {
            first = c;
        } else if (!fadump_registration_same_layout(&first->reg, &c->reg)) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_MISMATCH,
                        "the dump memory structures at 0x%" G_GINT64_MODIFIER
                        "x and 0x%" G_GINT64_MODIFIER "x describe different "
                        "registrations: choose one with --fdm-addr",
                        first->addr, c->addr);
            return FALSE;
        }
    }
    if (!first) {
        first = &g_array_index(a->candidates, FadumpFdmCandidate, 0);
    }
    a->fdm_addr = first->addr;
    a->reg = first->reg;
    return TRUE;
}

/* The capture kernel's checks of the platform's work (6.12) */
static void check_sections(FadumpAnalysis *a)
{
    const FadumpFdm *fdm = &a->reg.fdm;
    gboolean reported = fdm->status_flags != 0;

    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const FadumpSection *s = &fdm->sections[i];

        switch (s->type) {
        case FADUMP_TYPE_CPU_STATE:
        case FADUMP_TYPE_HPTE:
        case FADUMP_TYPE_REAL_MODE:
            if (s->error_flags) {
                g_autofree char *f =
                    fadump_section_error_flags_str(s->error_flags);

                warn(a, "section %u (%s): error flags %s: the capture "
                     "kernel discards this dump", i,
                     fadump_section_type_name(s->type), f);
            } else if (reported && s->bytes_dumped != s->length) {
                warn(a, "section %u (%s): 0x%" G_GINT64_MODIFIER "x of 0x%"
                     G_GINT64_MODIFIER "x bytes dumped: the capture kernel "
                     "discards this dump", i,
                     fadump_section_type_name(s->type), s->bytes_dumped,
                     s->length);
            }
            break;
        case FADUMP_TYPE_OS_DEFINED:
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

static gboolean read_fdh(FadumpAnalysis *a, FadumpDump *dump, GError **error)
{
    uint8_t buf[FADUMP_FDH_MAX_SIZE];
    uint64_t addr = a->reg.fdh_addr;
    size_t len = fadump_dump_readable(dump, addr, sizeof(buf));
    GError *err = NULL;

    if (len == 0) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                    "crash-info header at 0x%" G_GINT64_MODIFIER "x: not in "
                    "the dump", addr);
        return FALSE;
    }
    if (!fadump_dump_read(dump, addr, buf, len, &err)) {
        g_propagate_prefixed_error(error, err, "crash-info header at 0x%"
                                   G_GINT64_MODIFIER "x: ", addr);
        return FALSE;
    }
    if (!fadump_fdh_decode(buf, len, addr, &a->fdh, error)) {
        return FALSE;
    }
    if (a->fdh.crashing_cpu == FADUMP_FDH_CPU_UNKNOWN) {
        warn(a, "crash-info header: no crashing CPU (the dump was not "
             "triggered by crash_fadump): every CPU gets the platform's "
             "registers");
    }
    return TRUE;
}

static gboolean set_vmcoreinfo(FadumpAnalysis *a, GBytes *notes,
                               uint64_t addr, const FadumpAnalyseOptions *o,
                               GError **error)
{
    gsize len;
    const uint8_t *p = g_bytes_get_data(notes, &len);

    a->vmcoreinfo = fadump_vmcoreinfo_from_notes(p, len, a->fdh.big_endian,
                                                 addr, error);
    if (!a->vmcoreinfo) {
        return FALSE;
    }
    a->osrelease = fadump_vmcoreinfo_get(a->vmcoreinfo, "OSRELEASE");
    if (o->page_size) {
        a->page_size = o->page_size;
        return TRUE;
    }
    if (!fadump_vmcoreinfo_page_size(a->vmcoreinfo, &a->page_size, error)) {
        g_prefix_error(error, "VMCOREINFO at 0x%" G_GINT64_MODIFIER "x: ",
                       addr);
        return FALSE;
    }
    return TRUE;
}

static gboolean read_regsave(FadumpAnalysis *a, FadumpDump *dump,
                             GError **error)
{
    g_autoptr(GBytes) area = NULL;
    const uint8_t *p;
    gsize len;

    if (a->reg.cpu_state_size > FADUMP_CPU_STATE_MAX_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "CPU state section of 0x%" G_GINT64_MODIFIER "x bytes, "
                    "more than the %u this tool reads",
                    a->reg.cpu_state_size, FADUMP_CPU_STATE_MAX_SIZE);
        return FALSE;
    }
    area = read_bytes(dump, a->reg.cpu_state_dest, a->reg.cpu_state_size,
                      "the register save area", error);
    if (!area) {
        return FALSE;
    }
    p = g_bytes_get_data(area, &len);
    return fadump_regsave_decode(p, len, a->reg.cpu_state_dest, &a->regsave,
                                 error);
}

/* Linux 6.10+: VMCOREINFO at fdh.vmcoreinfo_raddr, header built here */
static gboolean build_sig(FadumpAnalysis *a, FadumpDump *dump,
                          const FadumpAnalyseOptions *opts, GError **error)
{
    g_autoptr(GBytes) vmci = NULL;
    g_autoptr(GBytes) cpu_notes = NULL;
    g_autofree FadumpMemRange *ram = NULL;
    FadumpElfcorehdrParams p = { 0 };

    if (a->fdh.vmcoreinfo_size > FADUMP_VMCOREINFO_MAX_SIZE) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_UNSUPPORTED,
                    "crash-info header at 0x%" G_GINT64_MODIFIER "x: "
                    "VMCOREINFO of 0x%" G_GINT64_MODIFIER "x bytes, more "
                    "than the %u this tool reads", a->fdh.addr,
                    a->fdh.vmcoreinfo_size, FADUMP_VMCOREINFO_MAX_SIZE);
        return FALSE;
    }
    vmci = read_bytes(dump, a->fdh.vmcoreinfo_raddr, a->fdh.vmcoreinfo_size,
                      "VMCOREINFO", error);
    if (!vmci ||
        !set_vmcoreinfo(a, vmci, a->fdh.vmcoreinfo_raddr, opts, error) ||
        !read_regsave(a, dump, error)) {
        return FALSE;
    }
    cpu_notes = fadump_cpu_notes_build(a->regsave, &a->fdh, a->page_size,
                                       &a->cpu_notes);
    p.reg = &a->reg;
    p.fdh = &a->fdh;
    p.ram = ram = fadump_dump_ram_map(dump, &p.n_ram);
    p.page_size = a->page_size;
    p.cpu_state_size = a->cpu_state_size;
    p.hpte_size = a->hpte_size;
    p.cpu_notes = cpu_notes;
    p.vmcoreinfo = vmci;
    p.e_flags = ELF_E_FLAGS_ABI_V2;
    a->elfcorehdr = fadump_elfcorehdr_build(&p, &a->ra_start, &a->ra_end);
    return fadump_vmcore_layout_build(a->elfcorehdr, a->page_size, 4,
                                      &a->layout, error);
}

/* Linux 6.1: the crashed kernel's header after the fdh */
static gboolean build_inf(FadumpAnalysis *a, FadumpDump *dump,
                          const FadumpAnalyseOptions *opts, GError **error)
{
    g_autoptr(GBytes) cpu_notes = NULL;
    const FadumpPhdr *ph;

    if (!fadump_elfcorehdr_read(dump, &a->fdh, &a->elfcorehdr, error)) {
        return FALSE;
    }
    if (a->elfcorehdr->phdrs->len < 2 ||
        (ph = &g_array_index(a->elfcorehdr->phdrs, FadumpPhdr, 1))->type !=
        4 /* PT_NOTE */) {
        g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_CORRUPT,
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
    cpu_notes = fadump_cpu_notes_build(a->regsave, &a->fdh, a->page_size,
                                       &a->cpu_notes);
    fadump_elfcorehdr_set_cpu_notes(a->elfcorehdr, cpu_notes);
    return fadump_vmcore_layout_build(a->elfcorehdr, a->page_size, 0,
                                      &a->layout, error);
}

FadumpAnalysis *fadump_analyse(FadumpDump *dump,
                               const FadumpAnalyseOptions *opts,
                               GError **error)
{
    static const FadumpAnalyseOptions defaults = { 0 };
    g_autoptr(FadumpAnalysis) a = g_new0(FadumpAnalysis, 1);
    gboolean ok;

    opts = opts ? opts : &defaults;
    a->warnings = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < fadump_dump_n_warnings(dump); i++) {
        warn(a, "%s", fadump_dump_warning(dump, i));
    }
    if (!find_registration(a, dump, opts, error)) {
        return NULL;
    }
    check_sections(a);
    a->cpu_state_size = a->reg.cpu_state_size;
    a->hpte_size = a->reg.hpte_size;
    if (opts->dtb && opts->dtb->have_sizes) {
        a->cpu_state_size = opts->dtb->cpu_state_size;
        a->hpte_size = opts->dtb->hpte_size;
    }
    if (!read_fdh(a, dump, error)) {
        return NULL;
    }
    ok = a->fdh.layout == FADUMP_FDH_LAYOUT_SIG
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
        const FadumpVmcoreSegment *s =
            &g_array_index(a->layout->segments, FadumpVmcoreSegment, i);

        if (!fadump_dump_covers(dump, s->src, s->size)) {
            g_set_error(error, FADUMP_ERROR, FADUMP_ERROR_NOT_FOUND,
                        "vmcore segment %u needs guest memory [0x%"
                        G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x), "
                        "which the dump does not hold entirely", i, s->src,
                        s->src + s->size);
            return NULL;
        }
    }
    return g_steal_pointer(&a);
}
