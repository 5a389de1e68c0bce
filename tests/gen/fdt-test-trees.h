/*
 * Device trees for the lib/fdt unit tests, built with libfdt's
 * sequential-write functions: a pseries tree the way our QEMU makes it
 * (first boot, or capture boot with ibm,kernel-dump), with any property
 * replaced, added or removed; and the dump memory structure Linux 6.12
 * registers, as the platform updates it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FDT_TEST_TREES_H
#define FDT_TEST_TREES_H

#include <glib.h>
#include <stdint.h>

#include "fdt/blob.h"
#include "fdt/platform.h"

/* A property to set (or, with len < 0, remove) in the node at @node */
typedef struct TTProp {
    const char *node;
    const char *name;
    const void *value;
    int len;
} TTProp;

typedef struct TTSpec {
    unsigned int cpus;          /* cpu nodes (default 4) */
    unsigned int threads;       /* threads per cpu node (default 1) */
    unsigned int max_cores;     /* lrdr-capacity processors (default cpus) */
    unsigned int n_mem;         /* memory nodes (default: 4 GiB at 0) */
    DtMemRange mem[4];
    gboolean no_fadump;         /* a platform without fadump */
    uint64_t cpu_size;          /* default: for max_cores * threads */
    uint64_t hpte_size;
    const uint8_t *kernel_dump; /* capture boot: ibm,kernel-dump */
    size_t kernel_dump_len;
    const TTProp *props;        /* changes, applied last */
    unsigned int n_props;
} TTSpec;

#define TT_TOKEN_FADUMP     0x2024u
#define TT_TOKEN_OS_TERM    0x2013u

/* The DTB of @spec (g_free()), @len its size */
void *tt_blob(const TTSpec *spec, size_t *len);

/* The DTB of @spec, validated (asserts it is) */
DtBlob *tt_tree(const TTSpec *spec);

/* Write a big-endian integer of @size bytes at @p */
void tt_put_be(uint8_t *p, uint64_t v, int size);

/*
 * The dump memory structure of a 4 GiB guest booted with
 * crashkernel=1G (CPU, HPTE, one real-mode region, param area) after a
 * dump: @buf needs 200 bytes, returned.  @cpu_size sizes the CPU section.
 */
size_t tt_fdm(uint8_t *buf, uint64_t cpu_size);

/* Offsets of the fields of section @i in a structure from tt_fdm() */
#define TT_SEC(i)           (40 + 40 * (i))
#define TT_SEC_REQUEST      0
#define TT_SEC_TYPE         4
#define TT_SEC_ERROR        6
#define TT_SEC_SOURCE       8
#define TT_SEC_LENGTH       16
#define TT_SEC_DUMPED       24
#define TT_SEC_DEST         32

#endif /* FDT_TEST_TREES_H */
