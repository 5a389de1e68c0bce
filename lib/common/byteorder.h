/*
 * Reading integers of a stated byte order out of untrusted buffers.
 *
 * Every on-disk or guest-visible integer is read through these helpers:
 * no struct overlays, no host-order assumptions.  The callers check the
 * bounds first (qf_span_ok()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QF_BYTEORDER_H
#define QF_BYTEORDER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t qf_be16(const void *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT16_FROM_BE(v);
}

static inline uint32_t qf_be32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_BE(v);
}

static inline uint64_t qf_be64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT64_FROM_BE(v);
}

static inline uint16_t qf_le16(const void *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT16_FROM_LE(v);
}

static inline uint32_t qf_le32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_LE(v);
}

static inline uint64_t qf_le64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT64_FROM_LE(v);
}

/* Native order of a guest: little (ppc64le) or big (ppc64) endian */
static inline uint32_t qf_get32(const void *p, bool big_endian)
{
    return big_endian ? qf_be32(p) : qf_le32(p);
}

static inline uint64_t qf_get64(const void *p, bool big_endian)
{
    return big_endian ? qf_be64(p) : qf_le64(p);
}

/* [off, off + len) lies within a buffer of @size bytes, without overflow */
static inline bool qf_span_ok(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

#endif /* QF_BYTEORDER_H */
