/*
 * Decoding the register save area (see fadump-regsave.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "papr/regsave.h"
#include "common/byteorder.h"
#include "common/error.h"

#define GPR_MASK    0xffffff0000000000ULL   /* RTAS_FADUMP_GPR_MASK */

uint64_t papr_reg_id(const char *name)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = *name ? (v << 8) | (uint8_t)*name++ : v << 8;
    }
    return v;
}

/*
 * The GPR number of a "GPRnn" id the way Linux gets it: the two bytes
 * after "GPR" through kstrtoint(..., 10); -1 when it is no GPR for Linux.
 */
static int gpr_index(uint64_t id)
{
    char s[3] = { (char)(id >> 32), (char)(id >> 24), 0 };
    const char *p = s;
    gboolean neg = FALSE;
    int val = 0, digits = 0;

    if ((id & GPR_MASK) != papr_reg_id("GPR")) {
        return -1;
    }
    if (*p == '-') {
        neg = TRUE;
        p++;
    } else if (*p == '+') {
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        val = val * 10 + (*p - '0');
    }
    if (*p == '\n') {
        p++;
    }
    if (!digits || *p || val > 31) {
        return -1;
    }
    return neg ? -val : val;
}

/* rtas_fadump_set_regval(); FALSE when Linux ignores the id */
static gboolean set_reg(uint64_t *regs, uint64_t id, uint64_t val)
{
    static const struct {
        const char *name;
        unsigned int word;
    } named[] = {
        { "NIA", PAPR_PT_NIP }, { "MSR", PAPR_PT_MSR },
        { "CTR", PAPR_PT_CTR }, { "LR", PAPR_PT_LINK },
        { "XER", PAPR_PT_XER }, { "CR", PAPR_PT_CCR },
        { "DAR", PAPR_PT_DAR }, { "DSISR", PAPR_PT_DSISR },
    };
    int gpr = gpr_index(id);

    if (gpr >= 0) {
        regs[PAPR_PT_GPR0 + gpr] = val;
        return TRUE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(named); i++) {
        if (id == papr_reg_id(named[i].name)) {
            regs[named[i].word] = val;
            return TRUE;
        }
    }
    return FALSE;
}

void papr_regsave_free(PaprRegsave *rs)
{
    if (rs) {
        g_array_unref(rs->cpus);
        g_free(rs);
    }
}

/* papr_regsave_decode() without the "register save area at" prefix */
static gboolean decode(const void *buf, size_t len, PaprRegsave **ret,
                       GError **error)
{
    const uint8_t *p = buf;
    const uint64_t cpustrt = papr_reg_id("CPUSTRT");
    const uint64_t cpuend = papr_reg_id("CPUEND");
    g_autoptr(PaprRegsave) rs = NULL;
    uint64_t magic, off;

    if (len < 16) {
        return qf_fail(error, QF_ERROR_TRUNCATED, "%zu bytes, the header "
                       "takes 16", len);
    }
    magic = qf_be64(p);
    if (magic != PAPR_REGSAVE_MAGIC) {
        return qf_fail(error, QF_ERROR_CORRUPT, "magic 0x%016"
                       G_GINT64_MODIFIER "x, not \"REGSAVE\": the platform "
                       "did not save registers here", magic);
    }
    rs = g_new0(PaprRegsave, 1);
    rs->cpus = g_array_new(FALSE, TRUE, sizeof(PaprRegsaveCpu));
    rs->version = qf_be32(p + 8);
    rs->num_cpu_offset = qf_be32(p + 12);
    if (!qf_span_ok(len, rs->num_cpu_offset, 4)) {
        return qf_fail(error, QF_ERROR_TRUNCATED, "CPU count at offset 0x%x, "
                       "beyond the area's %zu bytes", rs->num_cpu_offset, len);
    }
    rs->num_cpus = qf_be32(p + rs->num_cpu_offset);
    if (rs->num_cpus > PAPR_REGSAVE_MAX_CPUS) {
        return qf_fail(error, QF_ERROR_UNSUPPORTED, "%u CPU lists, more than "
                       "the %d CPUs Linux can have", rs->num_cpus,
                       PAPR_REGSAVE_MAX_CPUS);
    }
    off = (uint64_t)rs->num_cpu_offset + 4;
    for (uint32_t i = 0; i < rs->num_cpus; i++) {
        PaprRegsaveCpu cpu = { 0 };
        uint64_t id;

        if (!qf_span_ok(len, off, PAPR_REGSAVE_ENTRY_SIZE)) {
            return qf_fail(error, QF_ERROR_TRUNCATED, "CPU list %u of %u "
                           "would start at offset 0x%" G_GINT64_MODIFIER "x, "
                           "beyond the area's %zu bytes", i, rs->num_cpus, off,
                           len);
        }
        id = qf_be64(p + off);
        if (id != cpustrt) {
            return qf_fail(error, QF_ERROR_CORRUPT, "CPU list %u at offset 0x%"
                           G_GINT64_MODIFIER "x starts with id 0x%016"
                           G_GINT64_MODIFIER "x, not CPUSTRT (Linux: "
                           "\"Unable to read CPU state data\")", i, off, id);
        }
        cpu.offset = off;
        cpu.id = qf_be64(p + off + 8) & 0xffffffffu;
        off += PAPR_REGSAVE_ENTRY_SIZE;
        for (;;) {
            if (!qf_span_ok(len, off, PAPR_REGSAVE_ENTRY_SIZE)) {
                return qf_fail(error, QF_ERROR_TRUNCATED, "CPU list %u (cpu "
                               "%u) has no CPUEND before the end of the area "
                               "(%zu bytes)", i, cpu.id, len);
            }
            id = qf_be64(p + off);
            off += PAPR_REGSAVE_ENTRY_SIZE;
            if (id == cpuend) {
                break;
            }
            cpu.n_entries++;
            if (!set_reg(cpu.regs, id, qf_be64(p + off - 8))) {
                cpu.n_ignored++;
            }
        }
        g_array_append_val(rs->cpus, cpu);
    }
    rs->used = off;
    *ret = g_steal_pointer(&rs);
    return TRUE;
}

gboolean papr_regsave_decode(const void *buf, size_t len, uint64_t addr,
                             PaprRegsave **ret, GError **error)
{
    if (!decode(buf, len, ret, error)) {
        g_prefix_error(error, "register save area at 0x%" G_GINT64_MODIFIER
                       "x: ", addr);
        return FALSE;
    }
    return TRUE;
}
