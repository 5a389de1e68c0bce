/*
 * Reading a dump memory structure as the capture kernel does (see
 * fadump-registration.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmcore/registration.h"
#include "common/error.h"

#define LINUX_MAX_BOOT_REGIONS  7       /* RTAS_FADUMP_MAX_BOOT_MEM_REGS */
#define LINUX_PARAM_AREA_SIZE   2048    /* COMMAND_LINE_SIZE */
#define MIN_PAGE_SIZE           4096

static gboolean add_overflows(uint64_t a, uint64_t b)
{
    return a + b < a;
}

gboolean vmcore_registration_from_fdm(const PaprFdm *fdm,
                                      VmcoreRegistration *ret,
                                      GError **error)
{
    VmcoreRegistration reg = { 0 };
    uint64_t last_end = 0;
    gboolean have_zero = FALSE;

    reg.fdm = *fdm;
    reg.cpu_section = reg.hpte_section = reg.param_section = -1;
    for (unsigned int i = 0; i < fdm->num_sections; i++) {
        const PaprSection *s = &fdm->sections[i];

        switch (s->type) {
        case PAPR_TYPE_CPU_STATE:
            /* The kernel takes the last one; Linux registers one */
            reg.cpu_section = i;
            reg.cpu_state_dest = s->destination;
            reg.cpu_state_size = s->length;
            break;
        case PAPR_TYPE_HPTE:
            reg.hpte_section = i;
            reg.hpte_size = s->length;
            break;
        case PAPR_TYPE_REAL_MODE:
            if (add_overflows(s->source, s->length) ||
                add_overflows(reg.boot_mem_size, s->length)) {
                g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                            "section %u: real-mode region 0x%"
                            G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                            "x wraps around", i, s->source, s->length);
                return FALSE;
            }
            if (s->source == 0) {
                reg.boot_mem_dest = s->destination;
                have_zero = TRUE;
            }
            reg.boot[reg.n_boot].source = s->source;
            reg.boot[reg.n_boot].length = s->length;
            reg.boot[reg.n_boot].destination = s->destination;
            reg.n_boot++;
            reg.boot_mem_size += s->length;
            /* unsigned wrap like the kernel's for out-of-order regions */
            reg.hole_size += s->source - last_end;
            last_end = s->source + s->length;
            break;
        case PAPR_TYPE_OS_DEFINED:
            reg.param_section = i;
            reg.param_area = s->destination;
            break;
        default:
            break;
        }
    }
    if (reg.cpu_section < 0) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "dump memory structure: no CPU state section (type "
                    "0x%04x)", PAPR_TYPE_CPU_STATE);
        return FALSE;
    }
    if (!have_zero) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "dump memory structure: no real-mode region starting "
                    "at address 0: Linux cannot locate its boot memory");
        return FALSE;
    }
    if (add_overflows(reg.boot_mem_dest, reg.boot_mem_size) ||
        add_overflows(reg.boot_mem_size, reg.hole_size) ||
        add_overflows(reg.cpu_state_dest, reg.cpu_state_size)) {
        g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                    "dump memory structure: boot memory 0x%"
                    G_GINT64_MODIFIER "x bytes copied to 0x%"
                    G_GINT64_MODIFIER "x wraps around",
                    reg.boot_mem_size, reg.boot_mem_dest);
        return FALSE;
    }
    reg.boot_mem_top = reg.boot_mem_size + reg.hole_size;
    reg.fdh_addr = reg.boot_mem_dest + reg.boot_mem_size;
    *ret = reg;
    return TRUE;
}

static gboolean in_ram(const DumpMemRange *ram, size_t n, uint64_t addr,
                       uint64_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (addr >= ram[i].paddr && addr - ram[i].paddr <= ram[i].size &&
            len <= ram[i].size - (addr - ram[i].paddr)) {
            return TRUE;
        }
    }
    return FALSE;
}

gboolean vmcore_registration_plausible(const VmcoreRegistration *reg,
                                       const DumpMemRange *ram,
                                       size_t n_ram, GError **error)
{
    const PaprFdm *fdm = &reg->fdm;
    const PaprSection *cpu = &fdm->sections[0];
    const PaprSection *hpte = &fdm->sections[1];
    uint64_t next_dest, next_src = 0;
    unsigned int i;

    if (fdm->first_offset != PAPR_FDM_HEADER_SIZE ||
        fdm->dd_block_size || fdm->dd_block_offset || fdm->dd_num_blocks ||
        fdm->dd_offset_disk_path || fdm->num_sections < 3) {
        return qf_fail(error, QF_ERROR_CORRUPT, "header is not what Linux "
                       "registers");
    }
    if (cpu->type != PAPR_TYPE_CPU_STATE || cpu->source ||
        cpu->length == 0 || cpu->destination % MIN_PAGE_SIZE) {
        return qf_fail(error, QF_ERROR_CORRUPT, "section 0 is not a CPU state "
                       "section");
    }
    if (add_overflows(cpu->destination, cpu->length) ||
        add_overflows(hpte->destination, hpte->length)) {
        return qf_fail(error, QF_ERROR_CORRUPT, "CPU state or HPTE "
                       "destination wraps around");
    }
    if (hpte->type != PAPR_TYPE_HPTE || hpte->source ||
        hpte->destination != cpu->destination + cpu->length) {
        return qf_fail(error, QF_ERROR_CORRUPT, "section 1 is not an HPTE "
                       "section after the CPU state");
    }
    for (i = 0; i < fdm->num_sections; i++) {
        if (fdm->sections[i].request_flag != PAPR_REQUEST_FLAG) {
            return qf_fail(error, QF_ERROR_CORRUPT, "section %u: request flag "
                           "0x%x", i, fdm->sections[i].request_flag);
        }
    }
    next_dest = reg->boot_mem_dest;
    if (next_dest % MIN_PAGE_SIZE ||
        next_dest < hpte->destination + hpte->length) {
        return qf_fail(error, QF_ERROR_CORRUPT, "boot memory copy at 0x%"
                       G_GINT64_MODIFIER "x does not follow the CPU state and "
                       "HPTE", next_dest);
    }
    for (i = 2; i < fdm->num_sections; i++) {
        const PaprSection *s = &fdm->sections[i];

        if (s->type != PAPR_TYPE_REAL_MODE) {
            break;
        }
        if (s->length == 0 || s->source < next_src ||
            (i == 2 && s->source != 0) || s->destination != next_dest) {
            return qf_fail(error, QF_ERROR_CORRUPT, "section %u: real-mode "
                           "region out of order", i);
        }
        next_src = s->source + s->length;
        next_dest += s->length;
    }
    if (i - 2 < 1 || i - 2 > LINUX_MAX_BOOT_REGIONS) {
        return qf_fail(error, QF_ERROR_CORRUPT, "%u real-mode regions, Linux "
                       "registers 1 to %d", i - 2, LINUX_MAX_BOOT_REGIONS);
    }
    if (i < fdm->num_sections) {
        const PaprSection *s = &fdm->sections[i];

        if (s->type != PAPR_TYPE_OS_DEFINED ||
            s->length != LINUX_PARAM_AREA_SIZE ||
            s->source != s->destination || i + 1 != fdm->num_sections) {
            return qf_fail(error, QF_ERROR_CORRUPT, "section %u is not a "
                           "parameter area", i);
        }
    }
    if (reg->boot_mem_top > reg->cpu_state_dest) {
        return qf_fail(error, QF_ERROR_CORRUPT, "reserved area at 0x%"
                       G_GINT64_MODIFIER "x is below the top of boot memory "
                       "0x%" G_GINT64_MODIFIER "x", reg->cpu_state_dest,
                       reg->boot_mem_top);
    }
    for (i = 0; i < fdm->num_sections; i++) {
        const PaprSection *s = &fdm->sections[i];

        if (!in_ram(ram, n_ram, s->destination, s->length)) {
            return qf_fail(error, QF_ERROR_CORRUPT, "section %u: destination "
                           "0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                           "x is not in RAM", i, s->destination, s->length);
        }
    }
    if (!in_ram(ram, n_ram, reg->fdh_addr, 8)) {
        return qf_fail(error, QF_ERROR_CORRUPT, "crash-info header at 0x%"
                       G_GINT64_MODIFIER "x is not in RAM", reg->fdh_addr);
    }
    return TRUE;
}

gboolean vmcore_registration_same_layout(const VmcoreRegistration *a,
                                         const VmcoreRegistration *b)
{
    if (a->fdm.num_sections != b->fdm.num_sections) {
        return FALSE;
    }
    for (unsigned int i = 0; i < a->fdm.num_sections; i++) {
        const PaprSection *x = &a->fdm.sections[i];
        const PaprSection *y = &b->fdm.sections[i];

        if (x->type != y->type || x->source != y->source ||
            x->length != y->length || x->destination != y->destination) {
            return FALSE;
        }
    }
    return TRUE;
}
