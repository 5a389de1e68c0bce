/*
 * What a tree says about the machine it describes: its memory (the reg
 * ranges of the memory nodes) and its processors (present ones under
 * /cpus, the most there can be from /rtas ibm,lrdr-capacity).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_PLATFORM_H
#define DT_PLATFORM_H

#include <glib.h>
#include <stdint.h>

#include "fdt/blob.h"

typedef struct DtMemRange {
    uint64_t start;
    uint64_t size;
} DtMemRange;

typedef struct DtMemory {
    GArray *ranges;     /* DtMemRange of every memory node, tree order */
    GArray *merged;     /* sorted; overlapping and adjacent ranges joined */
    uint64_t total;     /* bytes in @merged */
} DtMemory;

typedef struct DtCpus {
    unsigned int nodes;             /* device_type "cpu" nodes under /cpus */
    unsigned int present;           /* their hardware threads */
    unsigned int threads_per_core;  /* most threads of one node */
    gboolean max_known;             /* ibm,lrdr-capacity gave a count */
    uint64_t max;                   /* most CPUs: cores * threads_per_core */
} DtCpus;

/**
 * dt_parse_reg - decode a reg property into (address, size) pairs
 * @value: the property value
 * @len: its length
 * @addr_cells: #address-cells of the parent node, 1 or 2
 * @size_cells: #size-cells of the parent node, 0 to 2
 * @ranges: a new GArray of DtMemRange (g_array_unref())
 * @error: QF_ERROR_UNSUPPORTED for other cell counts,
 *     QF_ERROR_CORRUPT when @len is not a whole number of pairs or a
 *     range wraps past 2^64
 *
 * Returns: TRUE on success.
 */
gboolean dt_parse_reg(const uint8_t *value, int len,
                      uint32_t addr_cells, uint32_t size_cells,
                      GArray **ranges, GError **error);

/**
 * dt_memory - collect the memory ranges of a tree
 * @fdt: a validated tree
 * @index: its node index (fdt-nodes.h)
 * @mem: filled in; dt_memory_clear() frees what it holds
 * @error: QF_ERROR_NOT_FOUND when there is no memory node,
 *     otherwise as dt_parse_reg() and dt_node_cells(),
 *     the message naming the node
 *
 * Memory nodes are the children of the root whose device_type is
 * "memory" (or, without device_type, named memory or memory@...).
 *
 * Returns: TRUE on success; on failure @mem holds nothing.
 */
gboolean dt_memory(const DtBlob *fdt, GArray *index,
                   DtMemory *mem, GError **error);

void dt_memory_clear(DtMemory *mem);

/**
 * dt_memory_contains - [start, start + len) lies within one merged
 *     range of @mem (len 0: the address itself does)
 *
 * Cannot fail.
 */
gboolean dt_memory_contains(const DtMemory *mem,
                            uint64_t start, uint64_t len);

/**
 * dt_cpus - count the processors of a tree
 * @fdt: a validated tree
 * @index: its node index
 * @cpus: filled in
 * @error: QF_ERROR_NOT_FOUND without /cpus, QF_ERROR_CORRUPT for
 *     an ibm,ppc-interrupt-server#s that is not whole cells
 *
 * A cpu node stands for as many threads as its
 * ibm,ppc-interrupt-server#s has cells (1 without it).  The maximum is
 * known when /rtas has an ibm,lrdr-capacity of at least 5 cells: its
 * fifth is the most processors (cores, as QEMU counts them).
 *
 * Returns: TRUE on success.
 */
gboolean dt_cpus(const DtBlob *fdt, GArray *index,
                 DtCpus *cpus, GError **error);

#endif /* DT_PLATFORM_H */
