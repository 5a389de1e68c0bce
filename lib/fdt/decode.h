/*
 * Property values decoded: the fadump properties of /rtas in full, RTAS
 * tokens by the call they name, reg as (address, size) ranges, the rest
 * as strings, cells or bytes (as dtc would show them).  A decoded value
 * is rendered by fdt-text and fdt-json; the per-property decoders are
 * also what fdt-check builds on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef DT_DECODE_H
#define DT_DECODE_H

#include <glib.h>
#include <stdint.h>

#include "papr/fdm.h"
#include "fdt/blob.h"

typedef enum {
    DT_VALUE_EMPTY,         /* a boolean property */
    DT_VALUE_STRINGS,       /* NUL-terminated printable strings */
    DT_VALUE_CELLS,         /* big-endian 32-bit cells */
    DT_VALUE_BYTES,         /* anything else */
    DT_VALUE_REG,           /* (address, size) ranges */
    DT_VALUE_RTAS_TOKEN,    /* /rtas: the token of the call it names */
    DT_VALUE_DUMP_SIZES,    /* ibm,configure-kernel-dump-sizes */
    DT_VALUE_DUMP_VERSION,  /* ibm,configure-kernel-dump-version */
    DT_VALUE_KERNEL_DUMP,   /* ibm,kernel-dump */
    DT_VALUE_LRDR_CAPACITY, /* /rtas ibm,lrdr-capacity */
    DT_VALUE_INVALID,       /* a known property that does not decode */
} DtValueKind;

typedef struct DtDumpSize {
    uint32_t type;              /* section type, PAPR_TYPE_* */
    uint64_t size;
} DtDumpSize;

typedef struct DtLrdrCapacity {
    uint64_t max_address;       /* highest memory address + 1 */
    uint64_t lmb_size;          /* dynamic reconfiguration memory block */
    uint32_t max_processors;    /* as QEMU counts them: cores */
} DtLrdrCapacity;

typedef struct DtValue {
    DtValueKind kind;
    char *name;                 /* the property */
    const uint8_t *raw;         /* borrowed from the tree */
    int len;
    /* INVALID: what it should have been and why it is not */
    DtValueKind expected;
    char *error;
    union {
        char **strings;         /* STRINGS: NULL-terminated vector */
        struct {
            GArray *ranges;     /* DtMemRange */
            uint32_t size_cells;    /* 0: addresses only */
        } reg;                  /* REG */
        uint32_t token;         /* RTAS_TOKEN */
        GArray *sizes;          /* DUMP_SIZES: DtDumpSize */
        struct {
            uint16_t min;
            uint16_t max;
        } version;              /* DUMP_VERSION */
        PaprFdm *fdm;         /* KERNEL_DUMP */
        DtLrdrCapacity lrdr;    /* LRDR_CAPACITY */
    } u;
} DtValue;

/* Where a property sits, for the decoders that depend on it */
typedef struct DtDecodeCtx {
    gboolean in_rtas;           /* the node is /rtas */
    gboolean reg_cells_known;   /* the parent's cells were readable */
    uint32_t addr_cells;        /* the parent's #address-cells */
    uint32_t size_cells;        /* the parent's #size-cells */
    gboolean raw;               /* no decoding of known properties */
} DtDecodeCtx;

/**
 * dt_value_decode - decode one property value
 * @ctx: where the property is
 * @name: the property's name
 * @raw: its value (borrowed: must outlive the result)
 * @len: its length
 *
 * Never fails: a known property whose value does not decode comes back
 * as DT_VALUE_INVALID, with the reason; rendered, it shows its raw
 * bytes too.
 *
 * Returns: the decoded value; dt_value_free() frees it.
 */
DtValue *dt_value_decode(const DtDecodeCtx *ctx, const char *name,
                         const uint8_t *raw, int len);

void dt_value_free(DtValue *v);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtValue, dt_value_free)

/**
 * dt_value_kind_name - Kind name for messages and JSON: "rtas-token",
 *     "fadump-sizes"...
 *
 * Cannot fail.
 */
const char *dt_value_kind_name(DtValueKind kind);

/**
 * dt_decode_token - an RTAS token property
 * @raw: the value
 * @len: its length
 * @token: the token
 * @error: QF_ERROR_CORRUPT unless @len is 4
 *
 * Returns: TRUE on success.
 */
gboolean dt_decode_token(const uint8_t *raw, int len, uint32_t *token,
                         GError **error);

/**
 * dt_decode_dump_sizes - ibm,configure-kernel-dump-sizes
 * @raw: the value
 * @len: its length
 * @sizes: a new GArray of DtDumpSize (g_array_unref())
 * @error: QF_ERROR_CORRUPT when @len is 0 or not a multiple of 12
 *     (one {type, size_hi, size_lo} triple of cells per section)
 *
 * Returns: TRUE on success.
 */
gboolean dt_decode_dump_sizes(const uint8_t *raw, int len,
                              GArray **sizes, GError **error);

/**
 * dt_decode_dump_version - ibm,configure-kernel-dump-version
 * @raw: the value
 * @len: its length
 * @min: the lowest dump format version supported
 * @max: the highest
 * @error: QF_ERROR_CORRUPT unless @len is 4 (two 16-bit values)
 *
 * Returns: TRUE on success.
 */
gboolean dt_decode_dump_version(const uint8_t *raw, int len,
                                uint16_t *min, uint16_t *max,
                                GError **error);

/**
 * dt_decode_lrdr_capacity - ibm,lrdr-capacity
 * @raw: the value
 * @len: its length
 * @ret: the decoded capacity
 * @error: QF_ERROR_CORRUPT when @len is less than 20 (5 cells)
 *
 * Returns: TRUE on success.
 */
gboolean dt_decode_lrdr_capacity(const uint8_t *raw, int len,
                                 DtLrdrCapacity *ret,
                                 GError **error);

/**
 * dt_decode_ctx_for_node - where the properties of a node sit
 * @fdt: a validated tree
 * @index: its node index (fdt-nodes.h)
 * @i: the node's position in @index
 * @raw: no decoding of known properties (strings, cells, bytes only)
 * @ctx: filled in; reg is decoded only when the parent's
 *     #address-cells and #size-cells are readable
 */
void dt_decode_ctx_for_node(const DtBlob *fdt, GArray *index, int i,
                            gboolean raw, DtDecodeCtx *ctx);

#endif /* DT_DECODE_H */
