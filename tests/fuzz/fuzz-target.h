/*
 * What a fuzz target provides: LLVMFuzzerTestOneInput() (called by
 * libFuzzer, or by fuzz-replay.c), and optionally the inputs it is
 * seeded with, generated rather than committed (fuzz-replay.c runs them
 * with --generated and writes them with --write-seeds).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FUZZ_TARGET_H
#define FUZZ_TARGET_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Called once per generated input; @name says what it is */
typedef void (*FuzzSeedFunc)(const char *name, const uint8_t *data,
                             size_t size, void *opaque);

/**
 * fuzz_target_seeds:
 * @add: called with each generated input
 * @opaque: passed to @add
 *
 * Generate the target's seed inputs (valid ones, as the code under test
 * expects them).  A target without seeds need not define it.
 */
void fuzz_target_seeds(FuzzSeedFunc add, void *opaque);

/* An invariant broken: a bug, whatever the input */
#define FUZZ_ASSERT(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz: %s:%d: invariant broken: %s\n", \
                    __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

#endif /* FUZZ_TARGET_H */
