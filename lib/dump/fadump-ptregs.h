/*
 * struct pt_regs of ppc64 Linux (identical in 6.1, 6.12 and 7.2): 48
 * words in the kernel's byte order, the register part of NT_PRSTATUS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_PTREGS_H
#define FADUMP_PTREGS_H

#include <stdint.h>

#define FADUMP_PT_REGS_WORDS    48
#define FADUMP_PT_REGS_SIZE     (FADUMP_PT_REGS_WORDS * 8)     /* 384 */

/* Word indexes */
#define FADUMP_PT_GPR0          0
#define FADUMP_PT_NIP           32
#define FADUMP_PT_MSR           33
#define FADUMP_PT_ORIG_GPR3     34
#define FADUMP_PT_CTR           35
#define FADUMP_PT_LINK          36
#define FADUMP_PT_XER           37
#define FADUMP_PT_CCR           38
#define FADUMP_PT_SOFTE         39
#define FADUMP_PT_TRAP          40
#define FADUMP_PT_DAR           41
#define FADUMP_PT_DSISR         42
#define FADUMP_PT_RESULT        43

/* "gpr0".."gpr31", "nip", "msr", ..., "iamr"; NULL past the end */
const char *fadump_pt_regs_name(unsigned int word);

#endif /* FADUMP_PTREGS_H */
