/*
 * QEMU's NT_PRSTATUS notes (see prstatus.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "elfcore/prstatus.h"
#include "elfcore/notes.h"
#include "common/byteorder.h"
#include "common/error.h"

static gboolean is_prstatus(const ElfcoreNote *n)
{
    return n->type == ELFCORE_NT_PRSTATUS && elfcore_note_is(n, "CORE");
}

static guint count_prstatus(GArray *notes)
{
    guint count = 0;

    for (guint i = 0; i < notes->len; i++) {
        count += is_prstatus(&g_array_index(notes, ElfcoreNote, i));
    }
    return count;
}

void elfcore_qemu_cpus_clear(ElfcoreQemuCpus *c)
{
    if (c && c->cpus) {
        g_array_unref(c->cpus);
        c->cpus = NULL;
    }
}

const char *elfcore_cpu_rule_describe(ElfcoreCpuRule rule)
{
    switch (rule) {
    case ELFCORE_CPU_BY_PR_PID:
        return "pr_pid - 1 (QEMU 9.1+)";
    case ELFCORE_CPU_BY_NOTE_ORDER:
        return "note order (pr_pid 0: QEMU before 9.1)";
    case ELFCORE_CPU_BY_NOTE_ORDER_PID_UNUSABLE:
        return "note order (pr_pid neither all 0 nor distinct)";
    }
    return "?";
}

const ElfcoreCpuRegs *elfcore_qemu_cpus_find(const ElfcoreQemuCpus *c,
                                             uint32_t cpu)
{
    for (guint i = 0; c->cpus && i < c->cpus->len; i++) {
        const ElfcoreCpuRegs *r = &g_array_index(c->cpus, ElfcoreCpuRegs, i);

        if (r->cpu == cpu) {
            return r;
        }
    }
    return NULL;
}

/* pr_pid - 1 works when every pr_pid is non-zero and they are distinct */
static gboolean pids_usable(GArray *cpus)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    for (guint i = 0; i < cpus->len; i++) {
        uint32_t pid = g_array_index(cpus, ElfcoreCpuRegs, i).pr_pid;

        if (pid == 0 || pid > ELFCORE_PRSTATUS_MAX_CPUS ||
            g_hash_table_contains(seen, GUINT_TO_POINTER(pid))) {
            return FALSE;
        }
        g_hash_table_add(seen, GUINT_TO_POINTER(pid));
    }
    return TRUE;
}

gboolean elfcore_qemu_cpus_parse(const uint8_t *buf, uint64_t len,
                                 ElfcoreQemuCpus *ret, GError **error)
{
    g_autoptr(GArray) le = elfcore_notes_parse(buf, len, FALSE);
    g_autoptr(GArray) be = elfcore_notes_parse(buf, len, TRUE);
    guint n_le = count_prstatus(le), n_be = count_prstatus(be);
    gboolean big_endian = n_be > n_le;
    GArray *notes = big_endian ? be : le;
    g_autoptr(GArray) cpus = g_array_new(FALSE, TRUE, sizeof(ElfcoreCpuRegs));
    gboolean all_zero = TRUE;

    if (MAX(n_le, n_be) == 0) {
        return qf_fail(error, QF_ERROR_NOT_FOUND,
                       "QEMU CPU notes: no NT_PRSTATUS note named CORE in "
                       "%" G_GUINT64_FORMAT " bytes of notes", len);
    }
    if (MAX(n_le, n_be) > ELFCORE_PRSTATUS_MAX_CPUS) {
        return qf_fail(error, QF_ERROR_UNSUPPORTED,
                       "QEMU CPU notes: %u NT_PRSTATUS notes; this reader "
                       "takes at most %u", MAX(n_le, n_be),
                       ELFCORE_PRSTATUS_MAX_CPUS);
    }
    for (guint i = 0; i < notes->len; i++) {
        const ElfcoreNote *n = &g_array_index(notes, ElfcoreNote, i);
        ElfcoreCpuRegs r = { .note_index = i };

        if (!is_prstatus(n)) {
            continue;
        }
        if (n->descsz != ELFCORE_PRSTATUS_PPC64_SIZE) {
            return qf_fail(error, QF_ERROR_CORRUPT,
                           "QEMU CPU notes: NT_PRSTATUS at offset 0x%"
                           G_GINT64_MODIFIER "x has %u bytes, not the %u of "
                           "ppc64's elf_prstatus", n->offset, n->descsz,
                           ELFCORE_PRSTATUS_PPC64_SIZE);
        }
        r.pr_pid = qf_get32(n->desc + ELFCORE_PRSTATUS_PID_OFFSET, big_endian);
        all_zero &= r.pr_pid == 0;
        for (unsigned int w = 0; w < ELFCORE_PRSTATUS_REG_WORDS; w++) {
            r.regs[w] = qf_get64(n->desc + ELFCORE_PRSTATUS_REG_OFFSET + 8 * w,
                                 big_endian);
        }
        g_array_append_val(cpus, r);
    }
    ret->big_endian = big_endian;
    ret->rule = all_zero ? ELFCORE_CPU_BY_NOTE_ORDER
                : pids_usable(cpus) ? ELFCORE_CPU_BY_PR_PID
                : ELFCORE_CPU_BY_NOTE_ORDER_PID_UNUSABLE;
    for (guint i = 0; i < cpus->len; i++) {
        ElfcoreCpuRegs *r = &g_array_index(cpus, ElfcoreCpuRegs, i);

        r->cpu = ret->rule == ELFCORE_CPU_BY_PR_PID ? r->pr_pid - 1 : i;
    }
    ret->cpus = g_steal_pointer(&cpus);
    return TRUE;
}
