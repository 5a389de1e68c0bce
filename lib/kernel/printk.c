/*
 * The printk ring buffer walker (see printk-ring.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <string.h>

#include "kernel/printk.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

/* Larger structures than these are refused (6.12: 88, 24, 88 bytes) */
#define MAX_STRUCT_SIZE     4096
#define MAX_PROBLEMS        8
#define ID_SIZE             8       /* sizeof(unsigned long) on ppc64 */
#define TEXT_LEN_MAX        0xffff  /* printk_info.text_len is a u16 */

/* desc_ring state_var: two state bits on top of the descriptor ID */
#define DESC_STATE_SHIFT    62
#define DESC_ID_MASK        (~(3ULL << DESC_STATE_SHIFT))
#define DESC_COMMITTED      1
#define DESC_FINALIZED      2
#define DESC_REUSABLE       3
#define NO_LPOS             3ULL    /* data-less: an empty line */

/* Where things are, all from VMCOREINFO */
typedef struct PrbLayout {
    uint64_t rb_size, rb_desc_ring, rb_text_data_ring, rb_fail;
    uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
    uint64_t data_size_bits, data_data, data_head_lpos, data_tail_lpos;
    uint64_t desc_size, desc_state_var, desc_text_blk_lpos;
    uint64_t lpos_begin, lpos_next;
    uint64_t info_size, info_seq, info_ts_nsec, info_text_len,
             info_caller_id;
    uint64_t counter;
} PrbLayout;

static const struct {
    const char *key;
    size_t field;
} layout_keys[] = {
#define K(key, f) { key, offsetof(PrbLayout, f) }
    K("SIZE(printk_ringbuffer)", rb_size),
    K("OFFSET(printk_ringbuffer.desc_ring)", rb_desc_ring),
    K("OFFSET(printk_ringbuffer.text_data_ring)", rb_text_data_ring),
    K("OFFSET(printk_ringbuffer.fail)", rb_fail),
    K("OFFSET(prb_desc_ring.count_bits)", dr_count_bits),
    K("OFFSET(prb_desc_ring.descs)", dr_descs),
    K("OFFSET(prb_desc_ring.infos)", dr_infos),
    K("OFFSET(prb_desc_ring.head_id)", dr_head_id),
    K("OFFSET(prb_desc_ring.tail_id)", dr_tail_id),
    K("OFFSET(prb_data_ring.size_bits)", data_size_bits),
    K("OFFSET(prb_data_ring.data)", data_data),
    K("OFFSET(prb_data_ring.head_lpos)", data_head_lpos),
    K("OFFSET(prb_data_ring.tail_lpos)", data_tail_lpos),
    K("SIZE(prb_desc)", desc_size),
    K("OFFSET(prb_desc.state_var)", desc_state_var),
    K("OFFSET(prb_desc.text_blk_lpos)", desc_text_blk_lpos),
    K("OFFSET(prb_data_blk_lpos.begin)", lpos_begin),
    K("OFFSET(prb_data_blk_lpos.next)", lpos_next),
    K("SIZE(printk_info)", info_size),
    K("OFFSET(printk_info.seq)", info_seq),
    K("OFFSET(printk_info.ts_nsec)", info_ts_nsec),
    K("OFFSET(printk_info.text_len)", info_text_len),
    K("OFFSET(printk_info.caller_id)", info_caller_id),
    K("OFFSET(atomic_long_t.counter)", counter),
#undef K
};

typedef struct Walk {
    KernelMem *k;
    PrbLayout l;
    KernelPrintkLog *log;
    uint64_t descs, infos, data;
    uint64_t count, size;
    unsigned int max_records;
    uint64_t kept_text;         /* bytes of text in log->records */
    uint8_t desc[MAX_STRUCT_SIZE];
    uint8_t info[MAX_STRUCT_SIZE];
} Walk;

static void record_free(gpointer p)
{
    KernelPrintkRecord *r = p;

    g_free(r->text);
    g_free(r);
}

void kernel_printk_log_free(KernelPrintkLog *log)
{
    if (log) {
        g_ptr_array_unref(log->records);
        g_ptr_array_unref(log->problems);
        g_free(log);
    }
}

static gboolean corrupt(GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static gboolean corrupt(GError **error, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, QF_ERROR, QF_ERROR_CORRUPT,
                "printk ring buffer: %s", msg);
    return FALSE;
}

/* Each field, and the 8-byte words read at it, within its structure */
static gboolean check_layout(const PrbLayout *l, GError **error)
{
    uint64_t atomic = l->counter + 8;
    const struct {
        const char *name;
        uint64_t off, len, size;
    } fields[] = {
        /* atomic_long_t members: their counter is read */
        { "desc_ring.tail_id", l->rb_desc_ring + l->dr_tail_id, atomic,
          l->rb_size },
        { "text_data_ring.tail_lpos",
          l->rb_text_data_ring + l->data_tail_lpos, atomic, l->rb_size },
        { "fail", l->rb_fail, atomic, l->rb_size },
        { "desc_ring.count_bits", l->rb_desc_ring + l->dr_count_bits, 4,
          l->rb_size },
        { "desc_ring.descs", l->rb_desc_ring + l->dr_descs, 8, l->rb_size },
        { "desc_ring.infos", l->rb_desc_ring + l->dr_infos, 8, l->rb_size },
        { "desc_ring.head_id", l->rb_desc_ring + l->dr_head_id, atomic,
          l->rb_size },
        { "text_data_ring.size_bits",
          l->rb_text_data_ring + l->data_size_bits, 4, l->rb_size },
        { "text_data_ring.data", l->rb_text_data_ring + l->data_data, 8,
          l->rb_size },
        { "text_data_ring.head_lpos",
          l->rb_text_data_ring + l->data_head_lpos, atomic, l->rb_size },
        { "state_var", l->desc_state_var + l->counter, 8, l->desc_size },
        { "text_blk_lpos.begin", l->desc_text_blk_lpos + l->lpos_begin, 8,
          l->desc_size },
        { "text_blk_lpos.next", l->desc_text_blk_lpos + l->lpos_next, 8,
          l->desc_size },
        { "seq", l->info_seq, 8, l->info_size },
        { "ts_nsec", l->info_ts_nsec, 8, l->info_size },
        { "text_len", l->info_text_len, 4, l->info_size },
        { "caller_id", l->info_caller_id, 4, l->info_size },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i].off + fields[i].len > fields[i].size) {
            return corrupt(error, "VMCOREINFO puts %s at %" G_GUINT64_FORMAT
                           ", outside its structure of %" G_GUINT64_FORMAT
                           " bytes", fields[i].name, fields[i].off,
                           fields[i].size);
        }
    }
    return TRUE;
}

static gboolean read_layout(const char *vmcoreinfo, PrbLayout *l,
                            GError **error)
{
    for (size_t i = 0; i < G_N_ELEMENTS(layout_keys); i++) {
        uint64_t *field = (uint64_t *)((char *)l + layout_keys[i].field);

        if (!elfcore_vmcoreinfo_number(vmcoreinfo, layout_keys[i].key, field,
                                       error)) {
            g_prefix_error(error, "printk ring buffer: ");
            return FALSE;
        }
        if (*field > MAX_STRUCT_SIZE) {
            return corrupt(error, "VMCOREINFO %s=%" G_GUINT64_FORMAT
                           " exceeds %u bytes", layout_keys[i].key, *field,
                           MAX_STRUCT_SIZE);
        }
    }
    return check_layout(l, error);
}

static void problem(Walk *w, uint64_t id, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void problem(Walk *w, uint64_t id, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    w->log->n_skipped++;
    if (w->log->problems->len >= MAX_PROBLEMS) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(w->log->problems,
                    g_strdup_printf("descriptor %" G_GUINT64_FORMAT ": %s",
                                    id, msg));
}

static uint64_t get(Walk *w, const uint8_t *p, unsigned int size)
{
    return kernel_mem_get(w->k, p, size);
}

/* Whether lpos @a and @b lie in different wraps (DATA_WRAPS()) */
static gboolean wraps_differ(const Walk *w, uint64_t a, uint64_t b)
{
    return a >> w->log->size_bits != b >> w->log->size_bits;
}

/*
 * get_data(): where the text of a block is; FALSE when the block cannot
 * hold a record.  @next - 1 is the block's last byte: a block that ends
 * exactly at the ring's end is not wrapped (Linux 6.18+ writes those,
 * earlier kernels wrap them and never produce such an lpos).
 */
static gboolean block_data(Walk *w, uint64_t begin, uint64_t next,
                           uint64_t *at, uint64_t *len, const char **why)
{
    /* lpos values count up modulo 2^64 (they start at -DATA_SIZE) */
    uint64_t span = next - begin;

    if (begin % ID_SIZE || next % ID_SIZE) {
        *why = "unaligned data block";
        return FALSE;
    }
    if (span == 0 || span > 2 * w->size) {
        *why = "data block of impossible size";
        return FALSE;
    }
    if (!wraps_differ(w, begin, next - 1)) {
        *at = begin % w->size;
        *len = span;
    } else if (!wraps_differ(w, begin + w->size, next - 1)) {
        *at = 0;
        *len = next % w->size ? next % w->size : w->size;
    } else {
        *why = "illegal data block";
        return FALSE;
    }
    if (*len < ID_SIZE || *len > w->size) {
        *why = "data block of impossible size";
        return FALSE;
    }
    return TRUE;
}

/* Keep @r among the last max_records, within the data ring's size */
static void keep(Walk *w, KernelPrintkRecord *r)
{
    GPtrArray *kept = w->log->records;

    w->log->n_records++;
    g_ptr_array_add(kept, r);
    w->kept_text += r->text_len;
    while (kept->len > 1 &&
           ((w->max_records && kept->len > w->max_records) ||
            w->kept_text > w->size)) {
        KernelPrintkRecord *old = g_ptr_array_index(kept, 0);

        w->kept_text -= old->text_len;
        g_ptr_array_remove_index(kept, 0);
    }
}

/*
 * DESC0_ID(): prb_init() leaves the last descriptor reusable with this ID,
 * where tail and head start.  The kernel computes it in unsigned int
 * (-(_DESCS_COUNT() + 1)), so it has 32 bits: 4294963199 for 2^12
 * descriptors.
 */
static uint64_t desc0_id(uint64_t count)
{
    return (uint32_t)(0U - (uint32_t)(count + 1)) & DESC_ID_MASK;
}

static gboolean one_descriptor(Walk *w, uint64_t id, GError **error)
{
    const PrbLayout *l = &w->l;
    uint64_t index = id & (w->count - 1);
    uint64_t sv, state, begin, next, at = 0, len = 0, text_len, block_id;
    const uint8_t *lpos;
    const char *why = NULL;
    g_autofree char *text = NULL;
    KernelPrintkRecord *r;
    uint8_t idbuf[ID_SIZE];

    if (!kernel_mem_read(w->k, w->descs + index * l->desc_size, w->desc,
                         l->desc_size, error) ||
        !kernel_mem_read(w->k, w->infos + index * l->info_size, w->info,
                         l->info_size, error)) {
        g_prefix_error(error, "printk ring buffer: descriptor %"
                       G_GUINT64_FORMAT ": ", id);
        return FALSE;
    }
    sv = get(w, w->desc + l->desc_state_var + l->counter, 8);
    state = sv >> DESC_STATE_SHIFT;
    if ((sv & DESC_ID_MASK) != id) {
        problem(w, id, "holds ID %" G_GUINT64_FORMAT " (reused)",
                (uint64_t)(sv & DESC_ID_MASK));
        return TRUE;
    }
    if (state == DESC_REUSABLE && id == desc0_id(w->count)) {
        return TRUE;        /* prb_init()'s placeholder: never a record */
    }
    if (state != DESC_COMMITTED && state != DESC_FINALIZED) {
        problem(w, id, "%s", state == 0 ? "reserved, not committed"
                                        : "reusable");
        return TRUE;
    }
    lpos = w->desc + l->desc_text_blk_lpos;
    begin = get(w, lpos + l->lpos_begin, 8);
    next = get(w, lpos + l->lpos_next, 8);
    text_len = get(w, w->info + l->info_text_len, 2);
    r = g_new0(KernelPrintkRecord, 1);
    r->seq = get(w, w->info + l->info_seq, 8);
    r->ts_nsec = get(w, w->info + l->info_ts_nsec, 8);
    r->caller_id = get(w, w->info + l->info_caller_id, 4);
    /*
     * facility and the flags:5/level:3 bit-field follow text_len in every
     * kernel since 5.10; VMCOREINFO does not export them
     */
    r->facility = w->info[l->info_text_len + 2];
    if (kernel_mem_big_endian(w->k)) {
        r->flags = w->info[l->info_text_len + 3] >> 3;
        r->level = w->info[l->info_text_len + 3] & 7;
    } else {
        r->flags = w->info[l->info_text_len + 3] & 0x1f;
        r->level = w->info[l->info_text_len + 3] >> 5;
    }
    if ((begin & 1) && (next & 1)) {
        if (begin != NO_LPOS || next != NO_LPOS) {
            problem(w, id, "text lost (data-less)");
            record_free(r);
            return TRUE;
        }
        r->text = g_strdup("");
        keep(w, r);
        return TRUE;
    }
    if (!block_data(w, begin, next, &at, &len, &why)) {
        problem(w, id, "%s [0x%" G_GINT64_MODIFIER "x, 0x%"
                G_GINT64_MODIFIER "x)", why, begin, next);
        record_free(r);
        return TRUE;
    }
    if (!kernel_mem_read(w->k, w->data + at, idbuf, ID_SIZE, error)) {
        g_prefix_error(error, "printk ring buffer: data of descriptor %"
                       G_GUINT64_FORMAT ": ", id);
        record_free(r);
        return FALSE;
    }
    block_id = get(w, idbuf, ID_SIZE);
    if (block_id != id) {
        problem(w, id, "its data block holds ID %" G_GUINT64_FORMAT
                " (overwritten)", block_id);
        record_free(r);
        return TRUE;
    }
    len -= ID_SIZE;
    if (text_len > len) {
        r->truncated = TRUE;
        text_len = len;
    }
    text = g_malloc(text_len + 1);
    if (!kernel_mem_read(w->k, w->data + at + ID_SIZE, text, text_len,
                         error)) {
        g_prefix_error(error, "printk ring buffer: text of descriptor %"
                       G_GUINT64_FORMAT ": ", id);
        record_free(r);
        return FALSE;
    }
    text[text_len] = 0;
    r->text = g_steal_pointer(&text);
    r->text_len = text_len;
    keep(w, r);
    return TRUE;
}

KernelPrintkLog *kernel_printk_log_read(KernelMem *k,
                                        const char *vmcoreinfo,
                                        unsigned int max_records,
                                        GError **error)
{
    g_autoptr(KernelPrintkLog) log = g_new0(KernelPrintkLog, 1);
    g_autofree Walk *w = g_new0(Walk, 1);
    uint8_t rb[MAX_STRUCT_SIZE];
    const uint8_t *dr, *data;
    uint64_t prb_var, span;

    log->records = g_ptr_array_new_with_free_func(record_free);
    log->problems = g_ptr_array_new_with_free_func(g_free);
    w->k = k;
    w->log = log;
    w->max_records = max_records;
    if (!elfcore_vmcoreinfo_symbol(vmcoreinfo, "prb", &prb_var, error)) {
        g_prefix_error(error, "printk ring buffer (Linux 5.10+): ");
        return NULL;
    }
    if (!read_layout(vmcoreinfo, &w->l, error)) {
        return NULL;
    }
    if (!kernel_mem_read_ulong(k, prb_var, &log->prb, error) ||
        !kernel_mem_read(k, log->prb, rb, w->l.rb_size, error)) {
        g_prefix_error(error, "printk ring buffer: reading prb: ");
        return NULL;
    }
    dr = rb + w->l.rb_desc_ring;
    data = rb + w->l.rb_text_data_ring;
    log->count_bits = get(w, dr + w->l.dr_count_bits, 4);
    log->size_bits = get(w, data + w->l.data_size_bits, 4);
    w->descs = get(w, dr + w->l.dr_descs, 8);
    w->infos = get(w, dr + w->l.dr_infos, 8);
    log->head_id = get(w, dr + w->l.dr_head_id + w->l.counter, 8);
    log->tail_id = get(w, dr + w->l.dr_tail_id + w->l.counter, 8);
    w->data = get(w, data + w->l.data_data, 8);
    log->head_lpos = get(w, data + w->l.data_head_lpos + w->l.counter, 8);
    log->tail_lpos = get(w, data + w->l.data_tail_lpos + w->l.counter, 8);
    log->fail = get(w, rb + w->l.rb_fail + w->l.counter, 8);
    if (log->count_bits > KERNEL_PRINTK_MAX_COUNT_BITS ||
        log->size_bits > KERNEL_PRINTK_MAX_SIZE_BITS ||
        log->size_bits < 4) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "printk ring buffer at 0x%" G_GINT64_MODIFIER "x: 2^%u "
                    "descriptors and 2^%u data bytes; this reader takes up "
                    "to 2^%u and 2^4..2^%u", log->prb, log->count_bits,
                    log->size_bits, KERNEL_PRINTK_MAX_COUNT_BITS,
                    KERNEL_PRINTK_MAX_SIZE_BITS);
        return NULL;
    }
    w->count = 1ULL << log->count_bits;
    w->size = 1ULL << log->size_bits;
    span = (log->head_id - log->tail_id) & DESC_ID_MASK;
    if (span >= w->count) {
        corrupt(error, "tail ID %" G_GUINT64_FORMAT " to head ID %"
                G_GUINT64_FORMAT " spans more than its %" G_GUINT64_FORMAT
                " descriptors", log->tail_id, log->head_id, w->count);
        return NULL;
    }
    /* at most one pass over the descriptors, whatever they hold */
    for (uint64_t n = 0; n <= span; n++) {
        if (!one_descriptor(w, (log->tail_id + n) & DESC_ID_MASK, error)) {
            return NULL;
        }
    }
    return g_steal_pointer(&log);
}

void kernel_printk_record_format(GString *out, const KernelPrintkRecord *r)
{
    g_string_append_printf(out, "[%5" G_GUINT64_FORMAT ".%06"
                           G_GUINT64_FORMAT "] ", r->ts_nsec / 1000000000,
                           r->ts_nsec % 1000000000 / 1000);
    for (size_t i = 0; i < r->text_len; i++) {
        unsigned char c = r->text[i];

        if (g_ascii_isprint(c) || g_ascii_isspace(c)) {
            g_string_append_c(out, c);
        } else {
            g_string_append_printf(out, "\\x%02x", c);
        }
    }
    g_string_append_c(out, '\n');
}
