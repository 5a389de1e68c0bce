/*
 * Building the CPU notes (see fadump-cpu-notes.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "vmcore/cpu-notes.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"

GBytes *vmcore_cpu_notes_build(const PaprRegsave *rs, const PaprFdh *fdh,
                               uint64_t page_size, GArray **ret_cpus)
{
    uint64_t size = (uint64_t)rs->num_cpus * VMCORE_NOTE_BUF_T_SIZE;
    GByteArray *buf = g_byte_array_sized_new(size);
    GArray *cpus = g_array_new(FALSE, TRUE, sizeof(VmcoreCpuNote));
    gboolean be = fdh->big_endian;

    size = (size + page_size - 1) & ~(page_size - 1);
    for (guint i = 0; i < rs->cpus->len; i++) {
        const PaprRegsaveCpu *c =
            &g_array_index(rs->cpus, PaprRegsaveCpu, i);
        uint8_t prstatus[VMCORE_PRSTATUS_SIZE] = { 0 };
        uint8_t *pr_reg = prstatus + VMCORE_PRSTATUS_REG_OFFSET;
        VmcoreCpuNote note = { .cpu = c->id };

        if (!papr_fdh_cpu_online(fdh, c->id)) {
            continue;
        }
        if (c->id == fdh->crashing_cpu) {
            note.from_fdh = TRUE;
            memcpy(pr_reg, fdh->regs, PAPR_PT_REGS_SIZE);
            for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
                note.regs[w] = papr_fdh_reg(fdh, w);
            }
        } else {
            memcpy(note.regs, c->regs, sizeof(note.regs));
            for (unsigned int w = 0; w < PAPR_PT_REGS_WORDS; w++) {
                qf_put64(pr_reg + 8 * w, c->regs[w], be);
            }
        }
        elfcore_note_append(buf, be, "CORE", ELFCORE_NT_PRSTATUS, prstatus,
                            sizeof(prstatus));
        g_array_append_val(cpus, note);
    }
    /* At most num_cpus notes of 524 bytes fit the 536-byte slots */
    g_assert(buf->len <= size);
    {
        guint used = buf->len;

        /* the terminator and the rest of the buffer are zero */
        g_byte_array_set_size(buf, size);
        if (size > used) {      /* no CPUs: no buffer, data is NULL */
            memset(buf->data + used, 0, size - used);
        }
    }
    if (ret_cpus) {
        *ret_cpus = cpus;
    } else {
        g_array_unref(cpus);
    }
    return g_byte_array_free_to_bytes(buf);
}

uint64_t vmcore_prstatus_reg(const uint8_t *desc, gboolean big_endian,
                             unsigned int i)
{
    return qf_get64(desc + VMCORE_PRSTATUS_REG_OFFSET + 8 * i,
                    big_endian);
}
