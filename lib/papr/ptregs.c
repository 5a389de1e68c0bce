/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "papr/ptregs.h"

#include <stddef.h>

const char *papr_pt_regs_name(unsigned int word)
{
    static const char *const names[PAPR_PT_REGS_WORDS] = {
        "gpr0", "gpr1", "gpr2", "gpr3", "gpr4", "gpr5", "gpr6", "gpr7",
        "gpr8", "gpr9", "gpr10", "gpr11", "gpr12", "gpr13", "gpr14",
        "gpr15", "gpr16", "gpr17", "gpr18", "gpr19", "gpr20", "gpr21",
        "gpr22", "gpr23", "gpr24", "gpr25", "gpr26", "gpr27", "gpr28",
        "gpr29", "gpr30", "gpr31",
        "nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe",
        "trap", "dar", "dsisr", "result", "ppr", "exit_result", "kuap",
        "iamr",
    };

    return word < PAPR_PT_REGS_WORDS ? names[word] : NULL;
}
