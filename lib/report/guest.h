/*
 * The report of a guest dump without fadump (kernel/guest.h): each fact
 * with where it came from.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REPORT_GUEST_H
#define REPORT_GUEST_H

#include <stdio.h>

#include "kernel/guest.h"

/*
 * As text: release, VMCOREINFO's place, byte order, the panicked CPU,
 * each CPU's nip and link (symbolised when kallsyms could be read), the
 * last @log_lines log records (0: all)
 */
void report_guest_facts_text(const KernelGuestFacts *f,
                             unsigned int log_lines, FILE *out);

#endif /* REPORT_GUEST_H */
