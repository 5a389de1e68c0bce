/*
 * Property values decoded: the fadump properties of /rtas in full, RTAS
 * tokens by the call they name, reg as (address, size) ranges, the rest
 * as strings, cells or bytes (as dtc would show them).  A decoded value
 * is rendered by fdt-text and fdt-json; the per-property decoders are
 * also what fdt-check builds on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_FDT_DECODE_H
#define FADUMP_FDT_DECODE_H

#include <glib.h>
#include <stdint.h>

#include "fadump-fdm.h"
#include "fdt-blob.h"

typedef enum {
    FADUMP_VALUE_EMPTY,         /* a boolean property */
    FADUMP_VALUE_STRINGS,       /* NUL-terminated printable strings */
    FADUMP_VALUE_CELLS,         /* big-endian 32-bit cells */
    FADUMP_VALUE_BYTES,         /* anything else */
    FADUMP_VALUE_REG,           /* (address, size) ranges */
    FADUMP_VALUE_RTAS_TOKEN,    /* /rtas: the token of the call it names */
    FADUMP_VALUE_DUMP_SIZES,    /* ibm,configure-kernel-dump-sizes */
    FADUMP_VALUE_DUMP_VERSION,  /* ibm,configure-kernel-dump-version */
    FADUMP_VALUE_KERNEL_DUMP,   /* ibm,kernel-dump */
    FADUMP_VALUE_LRDR_CAPACITY, /* /rtas ibm,lrdr-capacity */
    FADUMP_VALUE_INVALID,       /* a known property that does not decode */
} FadumpValueKind;

typedef struct FadumpDumpSize {
    uint32_t type;              /* section type, FADUMP_TYPE_* */
    uint64_t size;
} FadumpDumpSize;

typedef struct FadumpLrdrCapacity {
    uint64_t max_address;       /* highest memory address + 1 */
    uint64_t lmb_size;          /* dynamic reconfiguration memory block */
    uint32_t max_processors;    /* as QEMU counts them: cores */
} FadumpLrdrCapacity;

typedef struct FadumpValue {
    FadumpValueKind kind;
    char *name;                 /* the property */
    const uint8_t *raw;         /* borrowed from the tree */
    int len;
    /* INVALID: what it should have been and why it is not */
    FadumpValueKind expected;
    char *error;
    union {
        char **strings;         /* STRINGS: NULL-terminated vector */
        struct {
            GArray *ranges;     /* FadumpMemRange */
            uint32_t size_cells;    /* 0: addresses only */
        } reg;                  /* REG */
        uint32_t token;         /* RTAS_TOKEN */
        GArray *sizes;          /* DUMP_SIZES: FadumpDumpSize */
        struct {
            uint16_t min;
            uint16_t max;
        } version;              /* DUMP_VERSION */
        FadumpFdm *fdm;         /* KERNEL_DUMP */
        FadumpLrdrCapacity lrdr;    /* LRDR_CAPACITY */
    } u;
} FadumpValue;

/* Where a property sits, for the decoders that depend on it */
typedef struct FadumpDecodeCtx {
    gboolean in_rtas;           /* the node is /rtas */
    gboolean reg_cells_known;   /* the parent's cells were readable */
    uint32_t addr_cells;        /* the parent's #address-cells */
    uint32_t size_cells;        /* the parent's #size-cells */
    gboolean raw;               /* no decoding of known properties */
} FadumpDecodeCtx;

/**
 * fadump_value_decode - decode one property value
 * @ctx: where the property is
 * @name: the property's name
 * @raw: its value (borrowed: must outlive the result)
 * @len: its length
 *
 * Never fails: a known property whose value does not decode comes back
 * as FADUMP_VALUE_INVALID, with the reason; rendered, it shows its raw
 * bytes too.
 *
 * Returns: the decoded value; fadump_value_free() frees it.
 */
FadumpValue *fadump_value_decode(const FadumpDecodeCtx *ctx, const char *name,
                                 const uint8_t *raw, int len);

void fadump_value_free(FadumpValue *v);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FadumpValue, fadump_value_free)

/**
 * fadump_value_kind_name - Kind name for messages and JSON: "rtas-token",
 *     "fadump-sizes"...
 *
 * Cannot fail.
 */
const char *fadump_value_kind_name(FadumpValueKind kind);

/**
 * fadump_decode_token - an RTAS token property
 * @raw: the value
 * @len: its length
 * @token: the token
 * @error: FADUMP_ERROR_CORRUPT unless @len is 4
 *
 * Returns: TRUE on success.
 */
gboolean fadump_decode_token(const uint8_t *raw, int len, uint32_t *token,
                             GError **error);

/**
 * fadump_decode_dump_sizes - ibm,configure-kernel-dump-sizes
 * @raw: the value
 * @len: its length
 * @sizes: a new GArray of FadumpDumpSize (g_array_unref())
 * @error: FADUMP_ERROR_CORRUPT when @len is 0 or not a multiple of 12
 *     (one {type, size_hi, size_lo} triple of cells per section)
 *
 * Returns: TRUE on success.
 */
gboolean fadump_decode_dump_sizes(const uint8_t *raw, int len,
                                  GArray **sizes, GError **error);

/**
 * fadump_decode_dump_version - ibm,configure-kernel-dump-version
 * @raw: the value
 * @len: its length
 * @min: the lowest dump format version supported
 * @max: the highest
 * @error: FADUMP_ERROR_CORRUPT unless @len is 4 (two 16-bit values)
 *
 * Returns: TRUE on success.
 */
gboolean fadump_decode_dump_version(const uint8_t *raw, int len,
                                    uint16_t *min, uint16_t *max,
                                    GError **error);

/**
 * fadump_decode_lrdr_capacity - ibm,lrdr-capacity
 * @raw: the value
 * @len: its length
 * @ret: the decoded capacity
 * @error: FADUMP_ERROR_CORRUPT when @len is less than 20 (5 cells)
 *
 * Returns: TRUE on success.
 */
gboolean fadump_decode_lrdr_capacity(const uint8_t *raw, int len,
                                     FadumpLrdrCapacity *ret,
                                     GError **error);

/**
 * fadump_decode_ctx_for_node - where the properties of a node sit
 * @fdt: a validated tree
 * @index: its node index (fdt-nodes.h)
 * @i: the node's position in @index
 * @raw: no decoding of known properties (strings, cells, bytes only)
 * @ctx: filled in; reg is decoded only when the parent's
 *     #address-cells and #size-cells are readable
 */
void fadump_decode_ctx_for_node(const FadumpFdt *fdt, GArray *index, int i,
                                gboolean raw, FadumpDecodeCtx *ctx);

#endif /* FADUMP_FDT_DECODE_H */
