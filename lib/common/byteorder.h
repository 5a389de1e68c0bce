/*
 * Reading and writing integers of a stated byte order in byte buffers.
 *
 * Every on-disk or guest-visible integer is read and written through
 * these helpers: no struct overlays, no host-order assumptions.  The
 * callers check the bounds first (qf_span_ok()).
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
static inline uint16_t qf_get16(const void *p, bool big_endian)
{
    return big_endian ? qf_be16(p) : qf_le16(p);
}

static inline uint32_t qf_get32(const void *p, bool big_endian)
{
    return big_endian ? qf_be32(p) : qf_le32(p);
}

static inline uint64_t qf_get64(const void *p, bool big_endian)
{
    return big_endian ? qf_be64(p) : qf_le64(p);
}

static inline void qf_put16(void *p, uint16_t v, bool big_endian)
{
    v = big_endian ? GUINT16_TO_BE(v) : GUINT16_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

static inline void qf_put32(void *p, uint32_t v, bool big_endian)
{
    v = big_endian ? GUINT32_TO_BE(v) : GUINT32_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

static inline void qf_put64(void *p, uint64_t v, bool big_endian)
{
    v = big_endian ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

/* All @len bytes at @p are zero (TRUE for len 0) */
static inline bool qf_is_zero(const void *p, size_t len)
{
    const uint8_t *b = p;

    return len == 0 || (b[0] == 0 && memcmp(b, b + 1, len - 1) == 0);
}

/* [off, off + len) lies within a buffer of @size bytes, without overflow */
static inline bool qf_span_ok(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

#endif /* QF_BYTEORDER_H */
