/*
 * struct pt_regs of ppc64 Linux (identical in 6.1, 6.12 and 7.2): 48
 * words in the kernel's byte order, the register part of NT_PRSTATUS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PAPR_PTREGS_H
#define PAPR_PTREGS_H

#include <stdint.h>

#define PAPR_PT_REGS_WORDS    48
#define PAPR_PT_REGS_SIZE     (PAPR_PT_REGS_WORDS * 8)     /* 384 */

/* Word indexes */
#define PAPR_PT_GPR0          0
#define PAPR_PT_NIP           32
#define PAPR_PT_MSR           33
#define PAPR_PT_ORIG_GPR3     34
#define PAPR_PT_CTR           35
#define PAPR_PT_LINK          36
#define PAPR_PT_XER           37
#define PAPR_PT_CCR           38
#define PAPR_PT_SOFTE         39
#define PAPR_PT_TRAP          40
#define PAPR_PT_DAR           41
#define PAPR_PT_DSISR         42
#define PAPR_PT_RESULT        43

/* "gpr0".."gpr31", "nip", "msr", ..., "iamr"; NULL past the end */
const char *papr_pt_regs_name(unsigned int word);

#endif /* PAPR_PTREGS_H */
