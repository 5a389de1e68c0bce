/*
 * The fadump contract checks (see fdt-check.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt/check.h"
#include "fdt/decode.h"
#include "fdt/nodes.h"
#include "fdt/rtas.h"
#include "common/byteorder.h"
#include "common/error.h"
#include "papr/fdm.h"

#include <libfdt.h>
#include <string.h>

/* QEMU's register save area: header, then per CPU CPUSTRT, GPR00-31, 21
 * named registers and CPUEND, 16 bytes each */
#define REGSAVE_ENTRIES_OFF     20
#define REGSAVE_ENTRY_SIZE      16
#define REGSAVE_ENTRIES_PER_CPU 55
/* Smallest hash page table (2^18 bytes) */
#define HPT_MIN_SIZE            (256 * 1024)

#define ALL_STATUS_FLAGS    (PAPR_STATUS_PERFORMED | \
                             PAPR_STATUS_TRIGGERED | PAPR_STATUS_ERROR)

/* What check_rtas() found, for the checks of ibm,kernel-dump */
typedef struct Advertised {
    gboolean cpu_size_known;
    uint64_t cpu_size;
} Advertised;

typedef struct Ctx {
    const DtBlob *fdt;
    GArray *index;
    DtCheckReport *report;
    DtMemory mem;
    gboolean mem_ok;
    Advertised adv;
} Ctx;

uint64_t dt_cpu_state_size(uint64_t cpus)
{
    uint64_t size;

    /* saturate rather than wrap for absurd counts */
    if (cpus > (UINT64_MAX / 2) / (REGSAVE_ENTRY_SIZE *
                                   REGSAVE_ENTRIES_PER_CPU)) {
        return UINT64_MAX;
    }
    size = REGSAVE_ENTRIES_OFF +
           cpus * REGSAVE_ENTRY_SIZE * REGSAVE_ENTRIES_PER_CPU;
    return (size + 15) & ~(uint64_t)15;
}

G_GNUC_PRINTF(4, 5)
static void problem(Ctx *c, const char *path, const char *property,
                    const char *fmt, ...)
{
    DtProblem *p = g_new0(DtProblem, 1);
    va_list ap;

    p->path = g_strdup(path);
    p->property = g_strdup(property);
    va_start(ap, fmt);
    p->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(c->report->problems, p);
}

static void problem_free(gpointer data)
{
    DtProblem *p = data;

    g_free(p->path);
    g_free(p->property);
    g_free(p->message);
    g_free(p);
}

void dt_check_report_free(DtCheckReport *report)
{
    if (report) {
        g_ptr_array_unref(report->problems);
        g_free(report);
    }
}

static gboolean is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* The fadump properties anywhere but /rtas */
static void check_placement(Ctx *c, int rtas_off)
{
    for (guint i = 0; i < c->index->len; i++) {
        const DtNode *n = dt_node(c->index, (int)i);
        g_autoptr(GArray) props = NULL;

        if (n->offset == rtas_off) {
            continue;
        }
        props = dt_props(c->fdt, n->offset);
        for (guint j = 0; j < props->len; j++) {
            const DtProp *p = &g_array_index(props, DtProp, j);

            if (dt_rtas_is_fadump_prop(p->name)) {
                problem(c, n->path, p->name, "belongs in /rtas, where the"
                        " OS looks for it; ignored here");
            }
        }
    }
}

/* RTAS token properties: well formed, plausible, unique */
static void check_tokens(Ctx *c, int rtas_off)
{
    g_autoptr(GArray) props = dt_props(c->fdt, rtas_off);
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    for (guint j = 0; j < props->len; j++) {
        const DtProp *p = &g_array_index(props, DtProp, j);
        g_autoptr(GError) err = NULL;
        const char *other;
        uint32_t token;

        if (!dt_rtas_is_call(p->name)) {
            continue;
        }
        if (!dt_decode_token(p->value, p->len, &token, &err)) {
            problem(c, "/rtas", p->name, "%s", err->message);
            continue;
        }
        if (token == 0 || token == DT_RTAS_UNKNOWN_SERVICE) {
            problem(c, "/rtas", p->name, "token 0x%x means no such call",
                    token);
            continue;
        }
        if (!(token & 0xffff) && GUINT32_SWAP_LE_BE(token) <= 0xffff) {
            problem(c, "/rtas", p->name, "token 0x%08x looks byte-swapped"
                    " (0x%x written little-endian?)", token,
                    GUINT32_SWAP_LE_BE(token));
        }
        other = g_hash_table_lookup(seen, GUINT_TO_POINTER(token));
        if (other) {
            problem(c, "/rtas", p->name, "token 0x%x is also the token of"
                    " %s", token, other);
        } else {
            g_hash_table_insert(seen, GUINT_TO_POINTER(token),
                                (gpointer)p->name);
        }
    }
}

/* Present together or not at all */
static void check_presence(Ctx *c, int rtas_off)
{
    static const char *const together[] = {
        DT_PROP_TOKEN, DT_PROP_SIZES, DT_PROP_VERSION,
    };
    gboolean have[G_N_ELEMENTS(together)];
    guint n_have = 0;

    for (guint i = 0; i < G_N_ELEMENTS(together); i++) {
        have[i] = dt_getprop(c->fdt, rtas_off, together[i],
                             NULL) != NULL;
        n_have += have[i];
    }
    if (n_have && n_have < G_N_ELEMENTS(together)) {
        g_autoptr(GString) present = g_string_new(NULL);

        for (guint i = 0; i < G_N_ELEMENTS(together); i++) {
            if (have[i]) {
                g_string_append_printf(present, "%s%s",
                                       present->len ? ", " : "",
                                       together[i]);
            }
        }
        for (guint i = 0; i < G_N_ELEMENTS(together); i++) {
            if (!have[i]) {
                problem(c, "/rtas", together[i], "missing, while %s %s"
                        " there: the fadump properties come together",
                        present->str, n_have > 1 ? "are" : "is");
            }
        }
    }
    if (c->report->dump_active && !have[0]) {
        problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "present, but the"
                " platform does not advertise fadump (no %s)",
                DT_PROP_TOKEN);
    }
    if (have[0]) {
        if (!dt_getprop(c->fdt, rtas_off, DT_PROP_OS_TERM,
                        NULL)) {
            problem(c, "/rtas", DT_PROP_OS_TERM, "missing: the OS has"
                    " no call to trigger the dump with");
        }
        if (!dt_getprop(c->fdt, rtas_off, DT_PROP_EXT_OS_TERM,
                        NULL)) {
            problem(c, "/rtas", DT_PROP_EXT_OS_TERM, "missing: Linux"
                    " does not call ibm,os-term without it, so the dump is"
                    " never triggered");
        }
    }
}

static void check_cpu_size(Ctx *c, uint64_t size)
{
    const DtCpus *cpus = &c->report->cpus;
    uint64_t need, fit;

    if (!size) {
        problem(c, "/rtas", DT_PROP_SIZES, "CPU state size 0: no room"
                " for the register save area");
        return;
    }
    if (!c->report->cpus_known || !cpus->present) {
        return;
    }
    need = dt_cpu_state_size(cpus->present);
    fit = dt_cpu_state_size(cpus->max_known ?
                                MAX(cpus->max, cpus->present) :
                                cpus->present);
    if ((size & 0xffffffff) == 0 && (size >> 32) >= need &&
        (size >> 32) <= fit) {
        problem(c, "/rtas", DT_PROP_SIZES, "CPU state size 0x%"
                G_GINT64_MODIFIER "x: size_hi and size_lo look swapped"
                " (0x%" G_GINT64_MODIFIER "x)", size, size >> 32);
        return;
    }
    if (size <= 0xffffffff &&
        GUINT32_SWAP_LE_BE((uint32_t)size) >= need &&
        GUINT32_SWAP_LE_BE((uint32_t)size) <= fit && size > fit) {
        problem(c, "/rtas", DT_PROP_SIZES, "CPU state size 0x%"
                G_GINT64_MODIFIER "x looks byte-swapped (0x%x written"
                " little-endian?)", size,
                GUINT32_SWAP_LE_BE((uint32_t)size));
        return;
    }
    if (size < need) {
        problem(c, "/rtas", DT_PROP_SIZES, "CPU state size 0x%"
                G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT ") is too small"
                " for the %u CPUs present: the register save area needs"
                " 0x%" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT ")", size,
                size, cpus->present, need, need);
    }
    if (c->report->memory_known && size > c->report->memory_total) {
        problem(c, "/rtas", DT_PROP_SIZES, "CPU state size 0x%"
                G_GINT64_MODIFIER "x exceeds the machine's memory (0x%"
                G_GINT64_MODIFIER "x)", size, c->report->memory_total);
    }
}

static void check_hpte_size(Ctx *c, uint64_t size)
{
    if (!size) {
        return;     /* radix MMU: no hash page table to save */
    }
    if (!is_pow2(size) || size < HPT_MIN_SIZE) {
        problem(c, "/rtas", DT_PROP_SIZES, "HPTE size 0x%"
                G_GINT64_MODIFIER "x is not 0 or a power of 2 of at least"
                " 0x%x (a hash page table)", size, HPT_MIN_SIZE);
    } else if (c->report->memory_known && size > c->report->memory_total) {
        problem(c, "/rtas", DT_PROP_SIZES, "HPTE size 0x%"
                G_GINT64_MODIFIER "x exceeds the machine's memory (0x%"
                G_GINT64_MODIFIER "x)", size, c->report->memory_total);
    }
}

static void check_sizes(Ctx *c, int rtas_off)
{
    g_autoptr(GArray) sizes = NULL;
    g_autoptr(GError) err = NULL;
    gboolean cpu_seen = FALSE, hpte_seen = FALSE;
    int len;
    const uint8_t *v = dt_getprop(c->fdt, rtas_off,
                                  DT_PROP_SIZES, &len);

    if (!v) {
        return;
    }
    if (!dt_decode_dump_sizes(v, len, &sizes, &err)) {
        problem(c, "/rtas", DT_PROP_SIZES, "%s", err->message);
        return;
    }
    for (guint i = 0; i < sizes->len; i++) {
        const DtDumpSize *s = &g_array_index(sizes, DtDumpSize, i);
        uint32_t swapped = GUINT32_SWAP_LE_BE(s->type);

        switch (s->type) {
        case PAPR_TYPE_CPU_STATE:
            if (cpu_seen) {
                problem(c, "/rtas", DT_PROP_SIZES, "CPU state size"
                        " given twice");
                break;
            }
            cpu_seen = TRUE;
            c->adv.cpu_size_known = TRUE;
            c->adv.cpu_size = s->size;
            check_cpu_size(c, s->size);
            break;
        case PAPR_TYPE_HPTE:
            if (hpte_seen) {
                problem(c, "/rtas", DT_PROP_SIZES, "HPTE size given"
                        " twice");
                break;
            }
            hpte_seen = TRUE;
            check_hpte_size(c, s->size);
            break;
        default:
            if (swapped == PAPR_TYPE_CPU_STATE ||
                swapped == PAPR_TYPE_HPTE) {
                problem(c, "/rtas", DT_PROP_SIZES, "entry %u: type"
                        " 0x%08x looks byte-swapped (%s written"
                        " little-endian?)", i, s->type,
                        papr_section_type_name((uint16_t)swapped));
            }
            /* other types: Linux ignores them */
            break;
        }
    }
    if (!cpu_seen) {
        problem(c, "/rtas", DT_PROP_SIZES, "no CPU state size (type"
                " 0x0001): Linux then reserves no room for the registers"
                " and the dump is lost");
    }
}

static void check_version(Ctx *c, int rtas_off)
{
    g_autoptr(GError) err = NULL;
    uint16_t min, max;
    int len;
    const uint8_t *v = dt_getprop(c->fdt, rtas_off,
                                  DT_PROP_VERSION, &len);

    if (!v) {
        return;
    }
    if (!dt_decode_dump_version(v, len, &min, &max, &err)) {
        problem(c, "/rtas", DT_PROP_VERSION, "%s", err->message);
        return;
    }
    if ((min & 0xff) == 0 && min && GUINT16_SWAP_LE_BE(min) <= 0xff &&
        (max & 0xff) == 0 && GUINT16_SWAP_LE_BE(max) <= 0xff) {
        problem(c, "/rtas", DT_PROP_VERSION, "versions 0x%04x..0x%04x"
                " look byte-swapped (%u..%u written little-endian?)", min,
                max, GUINT16_SWAP_LE_BE(min), GUINT16_SWAP_LE_BE(max));
        return;
    }
    if (min > max) {
        problem(c, "/rtas", DT_PROP_VERSION, "lowest version %u above"
                " the highest, %u", min, max);
    } else if (min > PAPR_FDM_FORMAT_VERSION ||
               max < PAPR_FDM_FORMAT_VERSION) {
        problem(c, "/rtas", DT_PROP_VERSION, "versions %u..%u leave out"
                " format version %d, the one Linux registers", min, max,
                PAPR_FDM_FORMAT_VERSION);
    }
}

/* The section at @i of @fdm, for messages */
static char *section_name(const PaprFdm *fdm, unsigned int i)
{
    return g_strdup_printf("section %u (%s)", i,
                           papr_section_type_name(fdm->sections[i].type));
}

/* Sections with a source in memory: all but CPU state and HPTE (QEMU's
 * fadump_section_src_len()) */
static gboolean is_copy_type(uint16_t type)
{
    return type != PAPR_TYPE_CPU_STATE && type != PAPR_TYPE_HPTE;
}

static gboolean ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                               uint64_t blen)
{
    /* inclusive ends, computed only once they are known not to wrap */
    return alen && blen && a <= b + (blen - 1) && b <= a + (alen - 1);
}

/* [start, start + len) does not wrap past 2^64 */
static gboolean span_fits(uint64_t start, uint64_t len)
{
    return !len || start + (len - 1) >= start;
}

static void check_section_memory(Ctx *c, const PaprFdm *fdm,
                                 unsigned int i)
{
    const PaprSection *s = &fdm->sections[i];
    g_autofree char *name = section_name(fdm, i);

    if (!span_fits(s->destination, s->length)) {
        problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s: destination 0x%"
                G_GINT64_MODIFIER "x + length 0x%" G_GINT64_MODIFIER "x"
                " wraps past 2^64", name, s->destination, s->length);
        return;
    }
    if (is_copy_type(s->type) && !span_fits(s->source, s->length)) {
        problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s: source 0x%"
                G_GINT64_MODIFIER "x + length 0x%" G_GINT64_MODIFIER "x"
                " wraps past 2^64", name, s->source, s->length);
        return;
    }
    if (!c->mem_ok) {
        return;
    }
    if (s->length && !dt_memory_contains(&c->mem, s->destination,
                                         s->length)) {
        problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s: destination"
                " [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)"
                " is not inside the memory nodes", name, s->destination,
                s->destination + s->length);
    }
    if (is_copy_type(s->type) && s->length &&
        !dt_memory_contains(&c->mem, s->source, s->length)) {
        problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s: source [0x%"
                G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x) is not"
                " inside the memory nodes", name, s->source,
                s->source + s->length);
    }
}

static void check_section(Ctx *c, const PaprFdm *fdm, unsigned int i)
{
    const PaprSection *s = &fdm->sections[i];
    g_autofree char *name = section_name(fdm, i);
    gboolean requested = s->request_flag & PAPR_REQUEST_FLAG;
    const char *p = DT_PROP_KERNEL_DUMP;

    if (s->request_flag & ~(uint32_t)PAPR_REQUEST_FLAG) {
        problem(c, "/rtas", p, "%s: request flag 0x%08x has bits other than"
                " 0x1", name, s->request_flag);
    }
    if (s->type != PAPR_TYPE_CPU_STATE && s->type != PAPR_TYPE_HPTE &&
        s->type != PAPR_TYPE_REAL_MODE &&
        s->type < PAPR_TYPE_OS_DEFINED &&
        !(s->error_flags & PAPR_SECERR_INVALID_TYPE)) {
        problem(c, "/rtas", p, "%s: unknown data type 0x%04x not flagged"
                " invalid-data-type", name, s->type);
    }
    if (s->error_flags) {
        g_autofree char *flags = papr_section_error_flags_str(s->error_flags);

        problem(c, "/rtas", p, "%s: error flags 0x%04x (%s): the platform"
                " could not dump it", name, s->error_flags, flags);
    }
    if (s->bytes_dumped > s->length) {
        problem(c, "/rtas", p, "%s: 0x%" G_GINT64_MODIFIER "x bytes dumped,"
                " more than the 0x%" G_GINT64_MODIFIER "x requested", name,
                s->bytes_dumped, s->length);
    } else if (!requested && s->bytes_dumped) {
        problem(c, "/rtas", p, "%s: not requested, yet 0x%"
                G_GINT64_MODIFIER "x bytes dumped", name, s->bytes_dumped);
    } else if (requested && !s->error_flags &&
               s->bytes_dumped != s->length) {
        problem(c, "/rtas", p, "%s: 0x%" G_GINT64_MODIFIER "x of 0x%"
                G_GINT64_MODIFIER "x bytes dumped and no error flags: Linux"
                " discards an incomplete dump", name, s->bytes_dumped,
                s->length);
    }
    if (s->type == PAPR_TYPE_CPU_STATE && c->adv.cpu_size_known &&
        s->length < c->adv.cpu_size) {
        problem(c, "/rtas", p, "%s: 0x%" G_GINT64_MODIFIER "x bytes, less"
                " than the 0x%" G_GINT64_MODIFIER "x advertised in %s", name,
                s->length, c->adv.cpu_size, DT_PROP_SIZES);
    }
    check_section_memory(c, fdm, i);
}

/* A copy preserved where it is: nothing written, nothing to overlap */
static gboolean in_place(const PaprSection *s)
{
    return is_copy_type(s->type) && s->source == s->destination;
}

/*
 * No destination overlaps another section's source or destination, as
 * QEMU requires at REGISTER (the copies must not depend on their order);
 * a section preserved in place only has to be kept off by the others.
 */
static void check_overlaps(Ctx *c, const PaprFdm *fdm)
{
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const PaprSection *a = &fdm->sections[i];

        if (!span_fits(a->destination, a->length) || in_place(a)) {
            continue;
        }
        for (unsigned int j = 0; j < fdm->num_sections; j++) {
            const PaprSection *b = &fdm->sections[j];
            g_autofree char *an = section_name(fdm, i);
            g_autofree char *bn = section_name(fdm, j);

            if (!span_fits(b->destination, b->length) ||
                !span_fits(b->source, b->length)) {
                continue;
            }
            if (i == j) {
                if (is_copy_type(a->type) &&
                    ranges_overlap(a->destination, a->length, a->source,
                                   a->length)) {
                    problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s:"
                            " destination overlaps its own source", an);
                }
                continue;
            }
            if (is_copy_type(b->type) &&
                ranges_overlap(a->destination, a->length, b->source,
                               b->length)) {
                problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s:"
                        " destination overlaps the source of %s", an, bn);
            } else if (j > i && !in_place(b) &&
                       ranges_overlap(a->destination, a->length,
                                      b->destination, b->length)) {
                problem(c, "/rtas", DT_PROP_KERNEL_DUMP, "%s and %s:"
                        " destinations overlap", an, bn);
            }
        }
    }
}

static void check_kernel_dump(Ctx *c, int rtas_off)
{
    g_autoptr(GError) err = NULL;
    const char *p = DT_PROP_KERNEL_DUMP;
    PaprFdm fdm;
    gboolean any_error = FALSE;
    int len, cpu_sections = 0, hpte_sections = 0;
    gboolean boot_from_0 = FALSE;
    const uint8_t *v = dt_getprop(c->fdt, rtas_off, p, &len);

    if (!v) {
        return;
    }
    if (!papr_fdm_decode(v, (size_t)len, &fdm, &err)) {
        problem(c, "/rtas", p, "%s", err->message);
        return;
    }
    if (fdm.status_flags & ~ALL_STATUS_FLAGS) {
        problem(c, "/rtas", p, "status flags 0x%04x: unknown bits 0x%04x",
                fdm.status_flags, fdm.status_flags & ~ALL_STATUS_FLAGS);
    }
    if (!(fdm.status_flags & PAPR_STATUS_PERFORMED)) {
        g_autofree char *flags = papr_status_flags_str(fdm.status_flags);

        problem(c, "/rtas", p, "status flags 0x%04x (%s) lack"
                " dump-performed: a structure in the tree stands for a dump"
                " taken", fdm.status_flags, flags);
    }
    if (fdm.dd_block_size || fdm.dd_block_offset || fdm.dd_num_blocks ||
        fdm.dd_offset_disk_path || fdm.max_time_auto) {
        problem(c, "/rtas", p, "disk dump or automatic dump-reboot fields"
                " set: neither is supported");
    }
    for (unsigned int i = 0; i < fdm.num_sections; i++) {
        const PaprSection *s = &fdm.sections[i];

        any_error |= s->error_flags != 0;
        cpu_sections += s->type == PAPR_TYPE_CPU_STATE;
        hpte_sections += s->type == PAPR_TYPE_HPTE;
        boot_from_0 |= s->type == PAPR_TYPE_REAL_MODE && s->source == 0;
        check_section(c, &fdm, i);
    }
    if (any_error && !(fdm.status_flags & PAPR_STATUS_ERROR)) {
        problem(c, "/rtas", p, "sections have error flags but the status"
                " flags 0x%04x lack dump-error", fdm.status_flags);
    } else if (!any_error && (fdm.status_flags & PAPR_STATUS_ERROR)) {
        problem(c, "/rtas", p, "status says dump-error but no section has"
                " error flags");
    }
    if (cpu_sections != 1) {
        problem(c, "/rtas", p, "%d CPU state sections, Linux needs exactly"
                " one", cpu_sections);
    }
    if (hpte_sections > 1) {
        problem(c, "/rtas", p, "%d HPTE sections, at most one is allowed",
                hpte_sections);
    }
    if (!boot_from_0) {
        problem(c, "/rtas", p, "no real mode region from address 0: Linux"
                " finds the crashed kernel's boot memory through it");
    }
    check_overlaps(c, &fdm);
}

/* Memory and CPUs, which the size and kernel-dump checks compare with */
static void read_platform(Ctx *c)
{
    g_autoptr(GError) err = NULL;
    DtCheckReport *r = c->report;

    if (dt_memory(c->fdt, c->index, &c->mem, &err)) {
        c->mem_ok = TRUE;
        r->memory_known = TRUE;
        r->memory_total = c->mem.total;
    } else if (r->offered || r->dump_active) {
        problem(c, "/", NULL, "memory nodes: %s", err->message);
    }
    g_clear_error(&err);
    if (dt_cpus(c->fdt, c->index, &r->cpus, &err)) {
        r->cpus_known = TRUE;
        if (!r->cpus.present && r->offered) {
            problem(c, "/cpus", NULL, "no cpu node: the CPU state size"
                    " cannot be checked");
        }
    } else if (r->offered) {
        problem(c, "/", NULL, "CPUs: %s", err->message);
    }
}

DtCheckReport *dt_check(const DtBlob *fdt, GArray *index)
{
    Ctx c = { .fdt = fdt, .index = index };
    int rtas_off = fdt_path_offset(fdt->blob, "/rtas");

    c.report = g_new0(DtCheckReport, 1);
    c.report->problems = g_ptr_array_new_with_free_func(problem_free);

    check_placement(&c, rtas_off);
    if (rtas_off >= 0) {
        c.report->offered = dt_getprop(fdt, rtas_off,
                                       DT_PROP_TOKEN, NULL) != NULL;
        c.report->dump_active = dt_getprop(fdt, rtas_off,
                                           DT_PROP_KERNEL_DUMP,
                                           NULL) != NULL;
        read_platform(&c);
        check_presence(&c, rtas_off);
        check_tokens(&c, rtas_off);
        check_sizes(&c, rtas_off);
        check_version(&c, rtas_off);
        check_kernel_dump(&c, rtas_off);
    }
    dt_memory_clear(&c.mem);
    return c.report;
}
