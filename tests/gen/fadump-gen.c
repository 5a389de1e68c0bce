/*
 * Test input generator (see tests/gen/fadump-gen.h).  Written from the kernel's
 * and our QEMU's side of the contract, not from lib/dump: the expected
 * vmcore is assembled here by hand.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "fadump-gen.h"

#define KERNEL_BASE     ((uint64_t)0xc000000000000000ULL)
#define FDM_SECTIONS_OFF 40
#define NOTE_BUF_T      536

static uint64_t up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static uint64_t down(uint64_t v, uint64_t a)
{
    return v / a * a;
}

void gen_put(uint8_t *p, uint64_t v, int size, gboolean big_endian)
{
    for (int i = 0; i < size; i++) {
        p[big_endian ? size - 1 - i : i] = v >> (8 * i);
    }
}

uint64_t gen_get(const uint8_t *p, int size, gboolean big_endian)
{
    uint64_t v = 0;

    for (int i = 0; i < size; i++) {
        v |= (uint64_t)p[big_endian ? size - 1 - i : i] << (8 * i);
    }
    return v;
}

static uint64_t str2u64(const char *s)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = *s ? (v << 8) | (uint8_t)*s++ : v << 8;
    }
    return v;
}

/*
 * The printk ring buffer (kernel/printk/printk_ringbuffer.c): prb_init(),
 * then one prb_reserve() + commit per record, the tail pushed as the
 * kernel pushes it (desc_push_tail(), data_push_tail()).
 */
#define PRB_DESC_SIZE       24
#define PRB_INFO_SIZE       88
#define PRB_STATE_SHIFT     62
#define PRB_ID_MASK         (~(3ULL << PRB_STATE_SHIFT))
#define PRB_RESERVED        0ULL
#define PRB_COMMITTED       1ULL
#define PRB_FINALIZED       2ULL
#define PRB_REUSABLE        3ULL
#define PRB_FAILED_LPOS     1ULL
#define PRB_NO_LPOS         3ULL

typedef struct GenRing {
    GenImage *img;
    gboolean be;
    GenPrintk v;
    uint64_t rb, descs, infos, data;    /* physical addresses */
    uint64_t count, size;
    unsigned int size_bits;
    uint64_t head_id, tail_id, head_lpos, tail_lpos;
    GArray *live;           /* GenBlock: descriptors not yet recycled */
} GenRing;

typedef struct GenBlock {
    uint64_t id, begin, next;
    gboolean has_data;
    GenPrintkRecord *rec;
} GenBlock;

const char *const gen_default_printk_tail[] = {
    "BUG: Kernel NULL pointer dereference on write at 0x00000000",
    "Faulting instruction address: 0xc000000000a1b2c4",
    "Oops: Kernel access of bad area, sig: 11 [#1]",
    "CPU: 2 PID: 99 Comm: sh Not tainted 6.12.95 #1",
    "NIP [c000000000a1b2c4] gen_crash+0x14/0x30",
    "Kernel panic - not syncing: Fatal exception",
    NULL,
};

static void prb_put(GenRing *r, uint64_t paddr, uint64_t v, int size)
{
    g_assert(paddr + size <= r->img->p.boot_mem_size);
    gen_put(r->img->ram + paddr, v, size, r->be);
}

static void prb_set_desc(GenRing *r, uint64_t id, uint64_t state,
                         uint64_t begin, uint64_t next)
{
    uint64_t d = r->descs + (id & (r->count - 1)) * PRB_DESC_SIZE;

    prb_put(r, d, state << PRB_STATE_SHIFT | (id & PRB_ID_MASK), 8);
    prb_put(r, d + 8, begin, 8);
    prb_put(r, d + 16, next, 8);
}

static gboolean lpos_before(uint64_t a, uint64_t b)
{
    return (int64_t)(a - b) < 0;
}

/* desc_make_reusable() of the oldest descriptor not yet recycled */
static void prb_recycle_oldest(GenRing *r)
{
    GenBlock *b = &g_array_index(r->live, GenBlock, 0);

    prb_set_desc(r, b->id, PRB_REUSABLE, b->begin, b->next);
    if (b->has_data && lpos_before(r->tail_lpos, b->next)) {
        r->tail_lpos = b->next;
    }
    r->img->printk_reusable++;
    g_free(b->rec->text);
    g_free(b->rec);
    g_array_remove_index(r->live, 0);
}

/* desc_reserve(): the descriptor one wrap back is recycled first */
static uint64_t prb_desc_reserve(GenRing *r)
{
    uint64_t id = (r->head_id + 1) & PRB_ID_MASK;

    if (((id - r->count) & PRB_ID_MASK) == r->tail_id) {
        if (r->live->len &&
            g_array_index(r->live, GenBlock, 0).id == r->tail_id) {
            prb_recycle_oldest(r);
        }
        r->tail_id = (r->tail_id + 1) & PRB_ID_MASK;
    }
    r->head_id = id;
    return id;
}

static void prb_record(GenRing *r, uint64_t seq, const char *text,
                       uint64_t state)
{
    GenImage *img = r->img;
    uint64_t id = prb_desc_reserve(r);
    uint64_t len = strlen(text);
    uint64_t info = r->infos + (id & (r->count - 1)) * PRB_INFO_SIZE;
    GenPrintkRecord *rec = g_new0(GenPrintkRecord, 1);
    GenBlock b = { .id = id, .begin = PRB_NO_LPOS, .next = PRB_NO_LPOS,
                   .rec = rec };

    if (len) {
        uint64_t size = (8 + len + 7) / 8 * 8;
        uint64_t begin = r->head_lpos, next = begin + size;
        uint64_t last = r->v == GEN_PRINTK_72 ? next - 1 : next;
        uint64_t at;

        g_assert(size <= r->size / 2);
        if (begin >> r->size_bits != last >> r->size_bits) {
            /* wrapped: the data at the start of the ring */
            next = (next & ~(r->size - 1)) + size;
            at = 0;
            img->printk_wrapped++;
        } else {
            at = begin & (r->size - 1);
            img->printk_exact_end += (next & (r->size - 1)) == 0;
        }
        /* data_push_tail(next - DATA_SIZE) */
        while (lpos_before(r->tail_lpos, next - r->size)) {
            while (r->live->len &&
                   !g_array_index(r->live, GenBlock, 0).has_data) {
                prb_recycle_oldest(r);
            }
            if (!r->live->len) {
                r->tail_lpos = next - r->size;
                break;
            }
            prb_recycle_oldest(r);
        }
        prb_put(r, r->data + at, id, 8);
        memcpy(img->ram + r->data + at + 8, text, len);
        r->head_lpos = next;
        b = (GenBlock) { id, begin, next, TRUE, rec };
    }
    rec->seq = seq;
    rec->ts_nsec = 1000000000ULL * seq / 7 + 4321;
    rec->caller_id = seq % 3 ? 100 + (uint32_t)seq : 0x80000000u | seq % 4;
    rec->level = seq % 8;
    rec->text = g_strdup(text);
    prb_set_desc(r, id, state, b.begin, b.next);
    prb_put(r, info, seq, 8);
    prb_put(r, info + 8, rec->ts_nsec, 8);
    prb_put(r, info + 16, len, 2);
    prb_put(r, info + 18, 0, 1);                    /* facility */
    /* flags:5, level:3: GCC fills a byte from its low bits on LE */
    prb_put(r, info + 19, r->be ? (rec->level | 2 << 3)
                                : (2 | rec->level << 5), 1);
    prb_put(r, info + 20, rec->caller_id, 4);
    g_array_append_val(r->live, b);
}

/* What the walk from the tail ID to the head ID finds */
static void prb_expect(GenRing *r)
{
    for (guint i = 0; i < r->live->len; i++) {
        GenBlock *b = &g_array_index(r->live, GenBlock, i);

        g_ptr_array_add(r->img->printk_expected, b->rec);
    }
}

static void gen_printk_record_free(gpointer p)
{
    GenPrintkRecord *rec = p;

    g_free(rec->text);
    g_free(rec);
}

/* The ring in boot memory at @base, and its VMCOREINFO lines */
static void write_printk(GenImage *img, uint64_t base, GString *vmci)
{
    const GenParams *p = &img->p;
    gboolean v61 = p->printk == GEN_PRINTK_61;
    uint64_t rb_size = v61 ? 80 : 88, dr_size = v61 ? 40 : 48;
    uint64_t text_data_ring = dr_size, fail = dr_size + 32;
    const char *const *tail = p->printk_tail ? p->printk_tail
                                             : gen_default_printk_tail;
    unsigned int ntail = g_strv_length((char **)tail);
    GenRing r = { .img = img, .be = p->big_endian, .v = p->printk };
    uint64_t id0;

    r.count = 1ULL << p->printk_count_bits;
    r.size_bits = p->printk_size_bits;
    r.size = 1ULL << r.size_bits;
    r.rb = base + 0x100;
    r.descs = base + 0x1000;
    r.infos = r.descs + up(r.count * PRB_DESC_SIZE, 0x100);
    r.data = r.infos + up(r.count * PRB_INFO_SIZE, 0x100);
    g_assert(r.data + r.size <= p->boot_mem_size);
    memset(img->ram + base, 0, r.data + r.size - base);
    r.live = g_array_new(FALSE, FALSE, sizeof(GenBlock));
    img->prb_paddr = base;
    img->prb_rb = r.rb;
    img->prb_descs = r.descs;
    img->prb_infos = r.infos;
    img->prb_data = r.data;

    /* prb_init() */
    /* DESC0_ID(): -(_DESCS_COUNT() + 1) in unsigned int, 32 bits */
    id0 = (uint32_t)(0U - (uint32_t)(r.count + 1)) & PRB_ID_MASK;
    r.head_id = r.tail_id = id0;
    r.head_lpos = r.tail_lpos = -r.size;
    prb_set_desc(&r, id0, PRB_REUSABLE, PRB_FAILED_LPOS, PRB_FAILED_LPOS);
    prb_put(&r, r.infos, -r.count, 8);

    for (unsigned int i = 0; i < p->printk_records; i++) {
        g_autofree char *text = NULL;
        unsigned int back = p->printk_records - i;

        if (back <= ntail) {
            text = g_strdup(tail[ntail - back]);
        } else if (i % 23 == 7) {
            text = g_strdup("");                    /* data-less */
        } else if (i % 17 == 5) {
            text = g_strdup_printf("gen: record %u\x01 two\nlines", i);
        } else {
            text = g_strdup_printf("gen: record %u %.*s", i,
                                   (int)(i * 37 % 90),
                                   "abcdefghijklmnopqrstuvwxyz0123456789"
                                   "abcdefghijklmnopqrstuvwxyz0123456789"
                                   "abcdefghijklmnopqrstuvwxyz");
        }
        /* the last record is committed, not yet finalized */
        prb_record(&r, i, text, i + 1 == p->printk_records ? PRB_COMMITTED
                                                           : PRB_FINALIZED);
    }
    /* a CPU was writing a record when the crash came: reserved */
    prb_set_desc(&r, prb_desc_reserve(&r), PRB_RESERVED, PRB_FAILED_LPOS,
                 PRB_FAILED_LPOS);
    prb_expect(&r);
    g_array_unref(r.live);

    /* the ring's header; prb points at it */
    prb_put(&r, base, KERNEL_BASE + r.rb, 8);
    prb_put(&r, r.rb + 0, p->printk_count_bits, 4);
    prb_put(&r, r.rb + 8, KERNEL_BASE + r.descs, 8);
    prb_put(&r, r.rb + 16, KERNEL_BASE + r.infos, 8);
    prb_put(&r, r.rb + 24, r.head_id, 8);
    prb_put(&r, r.rb + 32, r.tail_id, 8);
    prb_put(&r, r.rb + text_data_ring, r.size_bits, 4);
    prb_put(&r, r.rb + text_data_ring + 8, KERNEL_BASE + r.data, 8);
    prb_put(&r, r.rb + text_data_ring + 16, r.head_lpos, 8);
    prb_put(&r, r.rb + text_data_ring + 24, r.tail_lpos, 8);
    prb_put(&r, r.rb + fail, 0, 8);

    /* log_buf_vmcoreinfo_setup() */
    g_string_append_printf(vmci,
        "SYMBOL(prb)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(printk_rb_static)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(clear_seq)=%" G_GINT64_MODIFIER "x\n"
        "SIZE(printk_ringbuffer)=%" G_GUINT64_FORMAT "\n"
        "OFFSET(printk_ringbuffer.desc_ring)=0\n"
        "OFFSET(printk_ringbuffer.text_data_ring)=%" G_GUINT64_FORMAT "\n"
        "OFFSET(printk_ringbuffer.fail)=%" G_GUINT64_FORMAT "\n"
        "SIZE(prb_desc_ring)=%" G_GUINT64_FORMAT "\n"
        "OFFSET(prb_desc_ring.count_bits)=0\n"
        "OFFSET(prb_desc_ring.descs)=8\n"
        "OFFSET(prb_desc_ring.infos)=16\n"
        "OFFSET(prb_desc_ring.head_id)=24\n"
        "OFFSET(prb_desc_ring.tail_id)=32\n"
        "SIZE(prb_desc)=24\n"
        "OFFSET(prb_desc.state_var)=0\n"
        "OFFSET(prb_desc.text_blk_lpos)=8\n"
        "SIZE(prb_data_blk_lpos)=16\n"
        "OFFSET(prb_data_blk_lpos.begin)=0\n"
        "OFFSET(prb_data_blk_lpos.next)=8\n"
        "SIZE(printk_info)=88\n"
        "OFFSET(printk_info.seq)=0\n"
        "OFFSET(printk_info.ts_nsec)=8\n"
        "OFFSET(printk_info.text_len)=16\n"
        "OFFSET(printk_info.caller_id)=20\n"
        "OFFSET(printk_info.dev_info)=24\n"
        "SIZE(dev_printk_info)=64\n"
        "OFFSET(dev_printk_info.subsystem)=0\n"
        "LENGTH(printk_info_subsystem)=16\n"
        "OFFSET(dev_printk_info.device)=16\n"
        "LENGTH(printk_info_device)=48\n"
        "SIZE(prb_data_ring)=32\n"
        "OFFSET(prb_data_ring.size_bits)=0\n"
        "OFFSET(prb_data_ring.data)=8\n"
        "OFFSET(prb_data_ring.head_lpos)=16\n"
        "OFFSET(prb_data_ring.tail_lpos)=24\n"
        "SIZE(atomic_long_t)=8\n"
        "OFFSET(atomic_long_t.counter)=0\n"
        "SIZE(latched_seq)=24\n"
        "OFFSET(latched_seq.val)=8\n",
        KERNEL_BASE + base, KERNEL_BASE + r.rb, KERNEL_BASE + base + 8,
        rb_size, text_data_ring, fail, dr_size);
}

/*
 * kallsyms (scripts/kallsyms.c): names as token indexes (a length byte,
 * two for 128 tokens and more), tokens 0x01..0x03 standing for strings,
 * the others for their own character; base-relative u32 offsets
 */
static const struct {
    const char *name;           /* type letter, then the name */
    uint32_t offset;            /* from the relative base, KERNEL_BASE */
} gen_syms[] = {
    { "T_stext", 0 },
    { "Tcrash_fadump", 0x38000 },
    { "tppc_panic_fadump_handler", 0x38400 },
    { "W__gen_alias_of_panic", 0x88000 },
    { "Tpanic", 0x88000 },
    { "tsysrq_handle_crash", 0x365c00 },
    { "T_etext", 0x400000 },
};

/* ... and with backtraces, the functions on the stacks (no alias) */
#define SYM_ALIAS   "W__gen_alias_of_panic"
static const struct {
    const char *name;
    uint32_t offset;
} bt_syms[] = {
    { "Tsystem_call_common", 0x10000 },
    { "tdecrementer_common_virt", 0x12000 },
    { "Tsystem_call_exception", 0x20000 },
    { "Ttimer_interrupt", 0x21000 },
    { "Tplpar_hcall_norets_notrace", 0x30000 },
    { "tpseries_lpar_idle", 0x31000 },
    { "Tarch_cpu_idle", 0x32000 },
    { "tdo_idle", 0x33000 },
    { "Tcpu_startup_entry", 0x34000 },
    { "Tstart_secondary", 0x35000 },
    { "Tstart_secondary_prolog", 0x36000 },
    { "Tatomic_notifier_call_chain", 0x40000 },
    { "Tksys_write", 0x100000 },
    { "Tvfs_write", 0x101000 },
    { "tproc_reg_write", 0x102000 },
    { "t__handle_sysrq", 0x200000 },
    { "twrite_sysrq_trigger", 0x201000 },
};

typedef struct GenSym {
    const char *name;
    uint32_t offset;
} GenSym;

static gint sym_cmp(gconstpointer a, gconstpointer b)
{
    const GenSym *x = a, *y = b;

    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The symbols laid out: gen_syms (+ bt_syms), by address */
static GArray *kallsyms_list(const GenImage *img)
{
    GArray *l = g_array_new(FALSE, FALSE, sizeof(GenSym));

    for (size_t i = 0; i < G_N_ELEMENTS(gen_syms); i++) {
        GenSym s = { gen_syms[i].name, gen_syms[i].offset };

        if (!img->p.backtraces || strcmp(s.name, SYM_ALIAS)) {
            g_array_append_val(l, s);
        }
    }
    for (size_t i = 0; img->p.backtraces && i < G_N_ELEMENTS(bt_syms); i++) {
        GenSym s = { bt_syms[i].name, bt_syms[i].offset };

        g_array_append_val(l, s);
    }
    if (img->p.panic_cpu_sym) {
        GenSym s = { "Bpanic_cpu", (uint32_t)img->p.panic_cpu_paddr };

        g_array_append_val(l, s);
    }
    /* stable enough: no two of bt_syms share an address with another */
    g_array_sort(l, sym_cmp);
    return l;
}
static const char *const gen_tokens[] = { NULL, "crash_", "fadump",
                                          "_handler" };

static void write_kallsyms(GenImage *img, uint64_t base, GString *vmci)
{
    gboolean be = img->p.big_endian;
    uint64_t names = base, offsets = base + 0x2000;
    uint64_t token_index = base + 0x3000, token_table = base + 0x3400;
    uint64_t num = base + 0x3f00, rel = base + 0x3f08;
    uint8_t *p = img->ram + names;
    uint64_t tt = 0;
    g_autofree char *big = g_strdup_printf("t%0150d", 7);
    g_autoptr(GArray) syms = kallsyms_list(img);
    unsigned int n = syms->len + 1;
    gboolean place_relative = img->p.kallsyms == GEN_KALLSYMS_PLACE_RELATIVE;

    g_assert(base + 0x4000 <= img->p.boot_mem_size);
    memset(img->ram + base, 0, 0x4000);
    img->kallsyms_paddr = base;
    for (unsigned int t = 0; t < 256; t++) {
        const char *text = t < G_N_ELEMENTS(gen_tokens) && gen_tokens[t]
                           ? gen_tokens[t] : NULL;
        char one[2] = { (char)t, 0 };

        gen_put(img->ram + token_index + 2 * t, tt, 2, be);
        text = text ? text : t >= 0x20 && t < 0x7f ? one : "";
        memcpy(img->ram + token_table + tt, text, strlen(text) + 1);
        tt += strlen(text) + 1;
    }
    /* the symbols, then one of 151 characters past the last (big) */
    for (unsigned int i = 0; i < n; i++) {
        const char *name = i + 1 < n ? g_array_index(syms, GenSym, i).name
                                     : big;
        uint32_t off = i + 1 < n ? g_array_index(syms, GenSym, i).offset
                                 : MAX(0x500000, g_array_index(syms, GenSym,
                                                    n - 2).offset + 0x1000);
        uint8_t tok[256];
        unsigned int len = 0;

        while (*name) {
            size_t t;

            for (t = 1; t < G_N_ELEMENTS(gen_tokens); t++) {
                if (g_str_has_prefix(name, gen_tokens[t])) {
                    break;
                }
            }
            if (t < G_N_ELEMENTS(gen_tokens)) {
                name += strlen(gen_tokens[t]);
            } else {
                t = (uint8_t)*name++;
            }
            tok[len++] = t;
        }
        if (len >= 0x80) {
            *p++ = 0x80 | (len & 0x7f);
            *p++ = len >> 7;
        } else {
            *p++ = len;
        }
        memcpy(p, tok, len);
        p += len;
        if (place_relative) {
            /* offset_to_ptr(): from this entry's own address */
            off = (uint32_t)(int32_t)((int64_t)off -
                                      (int64_t)(offsets + 4 * i));
        }
        gen_put(img->ram + offsets + 4 * i, off, 4, be);
    }
    g_assert(p <= img->ram + offsets);
    gen_put(img->ram + num, n, 4, be);
    g_string_append_printf(vmci,
        "SYMBOL(kallsyms_names)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(kallsyms_num_syms)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(kallsyms_token_table)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(kallsyms_token_index)=%" G_GINT64_MODIFIER "x\n"
        "SYMBOL(kallsyms_offsets)=%" G_GINT64_MODIFIER "x\n",
        KERNEL_BASE + names, KERNEL_BASE + num, KERNEL_BASE + token_table,
        KERNEL_BASE + token_index, KERNEL_BASE + offsets);
    if (!place_relative) {
        gen_put(img->ram + rel, KERNEL_BASE, 8, be);
        g_string_append_printf(vmci, "SYMBOL(kallsyms_relative_base)=%"
                               G_GINT64_MODIFIER "x\n", KERNEL_BASE + rel);
    }
}

void gen_params_default(GenParams *p)
{
    *p = (GenParams) {
        .kernel = GEN_LINUX_612,
        .big_endian = FALSE,
        .page_size = 65536,
        .ram_size = 32u << 20,
        .boot_mem_size = 8u << 20,
        .ncpus = 4,
        .nr_cpus = 32,
        .online_mask = 0xf,
        .crashing_cpu = 0,
        .hpte_size = 0,
        .param_area = TRUE,
        .printk = GEN_PRINTK_NONE,
        .printk_records = 200,
        .printk_count_bits = 5,
        .printk_size_bits = 11,
    };
}

/* Registers QEMU saves besides the GPRs, and their pt_regs word */
static const struct {
    const char *name;
    int word;
} named_regs[] = {
    { "NIA", 32 }, { "MSR", 33 }, { "CR", 38 }, { "LR", 36 }, { "CTR", 35 },
    { "XER", 37 }, { "DAR", 41 }, { "DSISR", 42 }, { "SRR0", -1 },
    { "SRR1", -1 }, { "CFAR", -1 }, { "PIR", -1 }, { "PVR", -1 },
    { "DSCR", -1 }, { "PPR", -1 }, { "AMR", -1 }, { "IAMR", -1 },
    { "SPRG0", -1 }, { "SPRG1", -1 }, { "SPRG2", -1 }, { "SPRG3", -1 },
};
#define REGS_PER_CPU (2 + 32 + G_N_ELEMENTS(named_regs))

/* Register @k of the register save area's CPU @cpu (GPRs, named_regs) */
static uint64_t reg_value(const GenImage *img, unsigned int cpu,
                          unsigned int k)
{
    if (img && img->p.backtraces && cpu < 64 &&
        img->bt_scenario[cpu] != GEN_BT_NONE) {
        if (k < 32) {
            return img->bt_regs[cpu][k];
        }
        if (k - 32 < G_N_ELEMENTS(named_regs) &&
            named_regs[k - 32].word >= 0) {
            return img->bt_regs[cpu][named_regs[k - 32].word];
        }
    }
    return 0xc0de000000000011ULL | (uint64_t)cpu << 32 | (uint64_t)k << 8;
}

/* Word @w of CPU @cpu's NT_PRSTATUS pr_reg as QEMU writes it */
static uint64_t qemu_note_reg(const GenImage *img, unsigned int cpu,
                              unsigned int w)
{
    /* target/ppc/arch_dump.c ppc_write_elf_prstatus() */
    if (w < 32 || w == 32 || w == 33 || w == 35 || w == 36 || w == 37 ||
        w == 38) {
        /* with backtraces, where QEMU stopped the vCPU: its stack's */
        if (img && img->p.backtraces && cpu < 64 &&
            img->bt_scenario[cpu] != GEN_BT_NONE) {
            uint64_t v = img->bt_regs[cpu][w];

            if (!img->p.os_term || cpu != img->p.crashing_cpu) {
                return v;
            }
            /* in real mode: MSR_IR, MSR_DR clear; LR a real address */
            return w == 32 ? GEN_OS_TERM_NIP
                   : w == 33 ? v & ~0x30ULL
                   : w == 36 ? v & ~0xc000000000000000ULL : v;
        }
        return reg_value(img, cpu, w);
    }
    return 0;
}

uint64_t gen_qemu_note_reg(unsigned int cpu, unsigned int w)
{
    return qemu_note_reg(NULL, cpu, w);
}

/* The crashing CPU's pt_regs word @w (the crash-info header's) */
static uint64_t crash_reg(const GenImage *img, unsigned int w)
{
    uint32_t cpu = img->p.crashing_cpu;

    if (img->p.backtraces && cpu < 64 &&
        img->bt_scenario[cpu] != GEN_BT_NONE) {
        return img->bt_regs[cpu][w];
    }
    return 0xc000000000038000ULL + 8 * w;
}

#define BT_TEXT(off)    (KERNEL_BASE + (off))

/* CPU @cpu's stack, as GEN_BT_* says, in its SgenImage */
static void bt_scenario(SgenImage *s, GenBtScenario what)
{
    /* the idle task of a secondary CPU, up to the idle loop */
    if (what == GEN_BT_IDLE || what == GEN_BT_IDLE_IRQ) {
        sgen_kthread_base(s, 0);
        sgen_call(s, BT_TEXT(0x36010), 112);    /* start_secondary_prolog */
        sgen_call(s, BT_TEXT(0x352a4), 112);    /* start_secondary */
        sgen_call(s, BT_TEXT(0x3403c), 48);     /* cpu_startup_entry */
        sgen_call(s, BT_TEXT(0x3314c), 112);    /* do_idle */
        sgen_call(s, BT_TEXT(0x32044), 64);     /* arch_cpu_idle */
    }
    switch (what) {
    case GEN_BT_NONE:
        break;
    case GEN_BT_CRASH:
        /* echo c > /proc/sysrq-trigger, then panic() -> crash_fadump() */
        sgen_user_base(s, 0, 0xc00, 0x7fff8a1b2c3cULL, 0x7fffc0de0000ULL);
        sgen_call(s, BT_TEXT(0x1015c), 112);    /* system_call_common */
        sgen_call(s, BT_TEXT(0x2018c), 144);    /* system_call_exception */
        sgen_call(s, BT_TEXT(0x100080), 128);   /* ksys_write */
        sgen_call(s, BT_TEXT(0x1010e4), 160);   /* vfs_write */
        sgen_call(s, BT_TEXT(0x10207c), 96);    /* proc_reg_write */
        sgen_call(s, BT_TEXT(0x201098), 112);   /* write_sysrq_trigger */
        sgen_call(s, BT_TEXT(0x2000f8), 128);   /* __handle_sysrq */
        sgen_call(s, BT_TEXT(0x365c44), 48);    /* sysrq_handle_crash */
        sgen_call(s, BT_TEXT(0x88178), 176);    /* panic */
        sgen_call(s, BT_TEXT(0x4009c), 96);     /* atomic_notifier_... */
        sgen_call(s, BT_TEXT(0x38434), 48);     /* ppc_panic_fadump_h.. */
        /* LR: a call crash_fadump() made and returned from */
        sgen_crash(s, BT_TEXT(0x38100), BT_TEXT(0x38120));
        break;
    case GEN_BT_IDLE:
        /* pseries_lpar_idle() -> cede: the hcall is a leaf */
        sgen_leaf(s, BT_TEXT(0x31098), FALSE);  /* pseries_lpar_idle */
        sgen_crash(s, BT_TEXT(0x30018), 0);     /* plpar_hcall_norets.. */
        break;
    case GEN_BT_IDLE_IRQ:
        /* a decrementer interrupt in pseries_lpar_idle() */
        sgen_exception(s, 0x900, BT_TEXT(0x31060), -1);
        sgen_call(s, BT_TEXT(0x121a8), 144);    /* decrementer_common_v.. */
        sgen_crash(s, BT_TEXT(0x21064), 0);     /* timer_interrupt */
        break;
    case GEN_BT_USER:
        sgen_user_cpu(s, 0x10001234ULL, 0x7fffd0000000ULL);
        break;
    }
}

/* Lay out every CPU's stack at @base and take its registers */
static void write_backtraces(GenImage *img, uint64_t base)
{
    gboolean v61 = img->p.kernel == GEN_LINUX_61;
    uint64_t ts = v61 ? 16384 : 32768;
    static const GenBtScenario others[] = {
        GEN_BT_IDLE, GEN_BT_IDLE_IRQ, GEN_BT_USER,
    };
    unsigned int other = 0;

    img->bt_thread_size = ts;
    img->bt_stacks_paddr = base;
    for (unsigned int cpu = 0; cpu < MIN(img->p.ncpus, 64); cpu++) {
        uint64_t at = base + (uint64_t)cpu * GEN_BT_STACKS * ts;
        g_autoptr(SgenImage) s = sgen_new_at(img->p.big_endian,
                                             v61 ? SGEN_LAYOUT_61
                                                 : SGEN_LAYOUT_612,
                                             ts, GEN_BT_STACKS, FALSE, at);
        const uint8_t *mem;
        size_t len;

        img->bt_scenario[cpu] = cpu == img->p.crashing_cpu ? GEN_BT_CRASH
                                : others[other++ % G_N_ELEMENTS(others)];
        bt_scenario(s, img->bt_scenario[cpu]);
        mem = sgen_memory(s, &len);
        g_assert(at + len <= img->p.boot_mem_size / 8 * 7);
        memcpy(img->ram + at, mem, len);
        memcpy(img->bt_regs[cpu], sgen_regs(s), sizeof(img->bt_regs[cpu]));
        img->bt_expected[cpu] = sgen_expected(s);
    }
}

typedef struct Load {
    uint64_t paddr, size, src;
} Load;

/*
 * An ELF64 ET_CORE file header for EM_PPC64 at @e (64 zeroed bytes):
 * program headers at @phoff, @phnum of them (0xffff: PN_XNUM)
 */
static void put_core_ehdr(uint8_t *e, gboolean be, uint64_t phoff,
                          uint32_t e_flags, unsigned int phnum)
{
    memcpy(e, "\177ELF", 4);
    e[4] = 2;                       /* ELFCLASS64 */
    e[5] = be ? 2 : 1;              /* ELFDATA2MSB / LSB */
    e[6] = 1;                       /* EV_CURRENT */
    gen_put(e + 16, 4, 2, be);      /* ET_CORE */
    gen_put(e + 18, 21, 2, be);     /* EM_PPC64 */
    gen_put(e + 20, 1, 4, be);
    gen_put(e + 32, phoff, 8, be);
    gen_put(e + 48, e_flags, 4, be);
    gen_put(e + 52, 64, 2, be);     /* e_ehsize */
    gen_put(e + 54, 56, 2, be);     /* e_phentsize */
    gen_put(e + 56, phnum, 2, be);
}

/* /proc/vmcore from its notes and loads (fs/proc/vmcore.c by hand) */
static GByteArray *assemble_vmcore(const GenImage *img, GByteArray *notes,
                                   const Load *loads, unsigned int nloads,
                                   uint32_t e_flags, uint64_t note_align)
{
    gboolean be = img->p.big_endian;
    uint64_t pg = img->p.page_size;
    unsigned int phnum = 1 + nloads;
    uint64_t elfsz = up(64 + 56 * phnum, pg);
    uint64_t notes_sz = up(notes->len, pg);
    uint64_t off = elfsz + notes_sz;
    GByteArray *out = g_byte_array_new();
    uint8_t *e, *ph;

    g_byte_array_set_size(out, off);
    memset(out->data, 0, off);
    e = out->data;
    put_core_ehdr(e, be, 64, e_flags, phnum);
    ph = e + 64;
    gen_put(ph, 4, 4, be);
    gen_put(ph + 8, elfsz, 8, be);
    gen_put(ph + 32, notes->len, 8, be);
    gen_put(ph + 40, notes->len, 8, be);
    gen_put(ph + 48, note_align, 8, be);
    memcpy(out->data + elfsz, notes->data, notes->len);
    for (unsigned int i = 0; i < nloads; i++) {
        uint64_t start = down(loads[i].src, pg);
        uint64_t end = up(loads[i].src + loads[i].size, pg);

        ph = out->data + 64 + 56 * (i + 1);
        gen_put(ph, 1, 4, be);
        gen_put(ph + 4, 7, 4, be);
        gen_put(ph + 8, off + loads[i].src - start, 8, be);
        gen_put(ph + 16, KERNEL_BASE + loads[i].paddr, 8, be);
        gen_put(ph + 24, loads[i].paddr, 8, be);
        gen_put(ph + 32, loads[i].size, 8, be);
        gen_put(ph + 40, loads[i].size, 8, be);
        g_assert(end <= img->p.ram_size);
        g_byte_array_append(out, img->ram + start, end - start);
        off += end - start;
    }
    return out;
}

static void append_note(GByteArray *b, gboolean be, const char *name,
                        uint32_t type, const uint8_t *desc, uint32_t descsz)
{
    uint8_t hdr[12];
    uint32_t namesz = strlen(name) + 1;
    static const uint8_t zero[4];

    gen_put(hdr, namesz, 4, be);
    gen_put(hdr + 4, descsz, 4, be);
    gen_put(hdr + 8, type, 4, be);
    g_byte_array_append(b, hdr, 12);
    g_byte_array_append(b, (const uint8_t *)name, namesz);
    g_byte_array_append(b, zero, up(namesz, 4) - namesz);
    g_byte_array_append(b, desc, descsz);
    g_byte_array_append(b, zero, up(descsz, 4) - descsz);
}

static void put_section(uint8_t *s, uint16_t type, uint64_t src,
                        uint64_t len, uint64_t dest)
{
    gen_put(s, 1, 4, TRUE);
    gen_put(s + 4, type, 2, TRUE);
    gen_put(s + 8, src, 8, TRUE);
    gen_put(s + 16, len, 8, TRUE);
    gen_put(s + 32, dest, 8, TRUE);
}

/* What our QEMU writes at os-term (fadump_build_cpu_state) */
static void write_regsave(GenImage *img)
{
    uint8_t *a = img->ram + img->cpu_state_dest;
    uint8_t *e = a + 20;

    memset(a, 0, img->cpu_state_size);
    gen_put(a, str2u64("REGSAVE"), 8, TRUE);
    gen_put(a + 8, 1, 4, TRUE);
    gen_put(a + 12, 16, 4, TRUE);
    gen_put(a + 16, img->p.ncpus, 4, TRUE);
    for (unsigned int cpu = 0; cpu < img->p.ncpus; cpu++) {
        unsigned int k = 0;

        gen_put(e, str2u64("CPUSTRT"), 8, TRUE);
        gen_put(e + 8, cpu, 8, TRUE);
        e += 16;
        for (int i = 0; i < 32; i++, k++) {
            /* odd CPUs use "GPR5", even ones "GPR05": Linux takes both */
            g_autofree char *name = g_strdup_printf(cpu % 2 ? "GPR%d"
                                                            : "GPR%02d", i);

            gen_put(e, str2u64(name), 8, TRUE);
            gen_put(e + 8, reg_value(img, cpu, k), 8, TRUE);
            e += 16;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(named_regs); i++, k++) {
            gen_put(e, str2u64(named_regs[i].name), 8, TRUE);
            gen_put(e + 8, reg_value(img, cpu, k), 8, TRUE);
            e += 16;
        }
        gen_put(e, str2u64("CPUEND"), 8, TRUE);
        gen_put(e + 8, cpu, 8, TRUE);
        e += 16;
    }
    g_assert((uint64_t)(e - a) <= img->cpu_state_size);
}

/* The registers the capture kernel puts in CPU @cpu's note */
static void note_regs(const GenImage *img, unsigned int cpu, uint64_t *r)
{
    memset(r, 0, 48 * 8);
    if (cpu == img->p.crashing_cpu) {
        for (unsigned int w = 0; w < 48; w++) {
            r[w] = crash_reg(img, w);
        }
        return;
    }
    for (unsigned int i = 0; i < 32; i++) {
        r[i] = reg_value(img, cpu, i);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(named_regs); i++) {
        if (named_regs[i].word >= 0) {
            r[named_regs[i].word] = reg_value(img, cpu, 32 + i);
        }
    }
}

static GByteArray *cpu_notes(GenImage *img)
{
    GByteArray *b = g_byte_array_new();
    gboolean be = img->p.big_endian;

    for (unsigned int cpu = 0; cpu < img->p.ncpus; cpu++) {
        uint8_t prstatus[504] = { 0 };

        if (cpu >= 64 || !(img->p.online_mask >> cpu & 1) ||
            cpu >= img->p.nr_cpus) {
            continue;
        }
        note_regs(img, cpu, img->note_regs[img->n_notes]);
        img->note_cpu[img->n_notes] = cpu;
        for (unsigned int w = 0; w < 48; w++) {
            gen_put(prstatus + 112 + 8 * w, img->note_regs[img->n_notes][w],
                    8, be);
        }
        img->n_notes++;
        append_note(b, be, "CORE", 1, prstatus, sizeof(prstatus));
    }
    return b;
}

static void write_fdh(GenImage *img, uint64_t mask_sz, uint64_t elfcorehdr)
{
    gboolean be = img->p.big_endian;
    uint8_t *f = img->ram + img->fdh_addr;
    uint64_t regs_off, mask_off;

    memset(f, 0, img->fdh_size);
    if (img->p.kernel == GEN_LINUX_612) {
        gen_put(f, str2u64("FADMPSIG"), 8, be);
        gen_put(f + 8, 1, 4, be);
        gen_put(f + 12, img->p.crashing_cpu, 4, be);
        gen_put(f + 16, img->vmcoreinfo_raddr, 8, be);
        gen_put(f + 24, 36 + img->p.page_size, 8, be);
        gen_put(f + 32, 384, 4, be);
        gen_put(f + 36, mask_sz, 4, be);
        regs_off = 40;
        mask_off = 424;
    } else {
        gen_put(f, str2u64("FADMPINF"), 8, be);
        gen_put(f + 8, elfcorehdr, 8, be);
        gen_put(f + 16, img->p.crashing_cpu, 4, be);
        regs_off = 24;
        mask_off = 408;
    }
    for (unsigned int w = 0; w < 48; w++) {
        gen_put(f + regs_off + 8 * w, crash_reg(img, w), 8, be);
    }
    for (unsigned int cpu = 0; cpu < MIN(img->p.nr_cpus, 64); cpu++) {
        if (img->p.online_mask >> cpu & 1) {
            uint8_t *word = f + mask_off + (cpu / 64) * 8;

            gen_put(word, gen_get(word, 8, be) | 1ULL << (cpu % 64), 8, be);
        }
    }
}

/* The 6.1 kernel's ELF core header (fadump_create_elfcore_headers) */
static void write_elfcorehdr_61(GenImage *img, uint64_t at,
                                const Load *loads, unsigned int nloads,
                                uint32_t e_flags)
{
    gboolean be = img->p.big_endian;
    uint8_t *e = img->ram + at, *ph;

    memset(e, 0, 64 + 56 * (2 + nloads));
    put_core_ehdr(e, be, 64, e_flags, 2 + nloads);
    ph = e + 64;
    gen_put(ph, 4, 4, be);                          /* CPU notes, empty */
    ph += 56;
    gen_put(ph, 4, 4, be);
    gen_put(ph + 8, img->vmcoreinfo_raddr, 8, be);
    gen_put(ph + 24, img->vmcoreinfo_raddr, 8, be);
    gen_put(ph + 32, 36 + img->p.page_size, 8, be);
    gen_put(ph + 40, 36 + img->p.page_size, 8, be);
    for (unsigned int i = 0; i < nloads; i++) {
        ph += 56;
        gen_put(ph, 1, 4, be);
        gen_put(ph + 4, 7, 4, be);
        gen_put(ph + 8, loads[i].src, 8, be);
        gen_put(ph + 16, KERNEL_BASE + loads[i].paddr, 8, be);
        gen_put(ph + 24, loads[i].paddr, 8, be);
        gen_put(ph + 32, loads[i].size, 8, be);
        gen_put(ph + 40, loads[i].size, 8, be);
    }
}

GenImage *gen_image_new(const GenParams *p)
{
    GenImage *img = g_new0(GenImage, 1);
    uint64_t R = p->ram_size, M = p->boot_mem_size, pg = p->page_size;
    uint64_t mask_sz = (p->nr_cpus + 63) / 64 * 8;
    gboolean be = p->big_endian;
    gboolean v61 = p->kernel == GEN_LINUX_61;
    unsigned int nsec = v61 ? 3 : 3 + !!p->param_area;
    uint64_t param = R - 2048, ra_end, elfcorehdr = 0;
    g_autofree char *text = NULL;
    g_autoptr(GString) vtext = NULL;
    g_autoptr(GByteArray) vmci = g_byte_array_new();
    g_autoptr(GByteArray) notes = NULL;
    Load loads[2];
    uint8_t *fdm;
    gsize tlen;

    g_assert(p->ncpus <= 64 && p->nr_cpus >= 1);
    img->p = *p;
    img->ram = g_malloc(R);
    img->printk_expected = g_ptr_array_new_with_free_func(
        gen_printk_record_free);
    for (uint64_t off = 0; off < R; off += 8) {
        uint64_t v = (off + 1) * 0x9e3779b97f4a7c15ULL;

        memcpy(img->ram + off, &v, 8);
    }
    g_assert(p->zero_tail <= R / 4);    /* above everything placed */
    memset(img->ram + R - p->zero_tail, 0, p->zero_tail);

    /* the first kernel's reserved area (fadump-contract section 4) */
    img->cpu_state_size = up(20 + 16 * REGS_PER_CPU * p->ncpus, 16);
    img->cpu_state_dest = up(M, pg);
    img->boot_dest = up(img->cpu_state_dest + img->cpu_state_size +
                        p->hpte_size, pg);
    img->fdh_addr = img->boot_dest + M;
    img->fdh_size = (v61 ? 408 : 424) + mask_sz;
    img->fdm_addr = M / 4 + 0x720;
    img->vmcoreinfo_paddr = up(M / 2, pg);
    img->vmcoreinfo_raddr = img->vmcoreinfo_paddr + img->boot_dest;

    /* the kernel's registration, in its .bss */
    fdm = p->no_fadump ? g_malloc0(FDM_SECTIONS_OFF + 40 * nsec)
                       : img->ram + img->fdm_addr;
    memset(fdm, 0, FDM_SECTIONS_OFF + 40 * nsec);
    gen_put(fdm, 1, 4, TRUE);
    gen_put(fdm + 4, nsec, 2, TRUE);
    gen_put(fdm + 8, FDM_SECTIONS_OFF, 4, TRUE);
    put_section(fdm + 40, 0x0001, 0, img->cpu_state_size,
                img->cpu_state_dest);
    put_section(fdm + 80, 0x0002, 0, p->hpte_size,
                img->cpu_state_dest + img->cpu_state_size);
    put_section(fdm + 120, 0x0011, 0, M, img->boot_dest);
    if (nsec == 4) {
        put_section(fdm + 160, 0x0100, param, 2048, param);
        if (!p->no_fadump) {
            memset(img->ram + param, 0, 2048);
        }
    }
    if (p->no_fadump) {
        g_free(fdm);
    }

    /* VMCOREINFO: a zeroed VMCOREINFO_NOTE_SIZE buffer holding the note */
    vtext = g_string_new(NULL);
    g_string_append_printf(vtext, "OSRELEASE=%s\nPAGESIZE=%" G_GUINT64_FORMAT
                           "\nSYMBOL(_stext)=c000000000000000\n",
                           v61 ? "6.1.176" : "6.12.95", pg);
    if (p->printk != GEN_PRINTK_NONE) {
        write_printk(img, up(M / 8 * 5, pg), vtext);
    }
    if (p->kallsyms) {
        write_kallsyms(img, up(M / 8 * 7, pg), vtext);
    }
    if (p->backtraces) {
        write_backtraces(img, up(M / 8 * 6, pg));
    }
    g_string_append(vtext, "NUMBER(RADIX_MMU)=1\nKERNELOFFSET=0\n"
                    "CRASHTIME=1700000000\n");
    text = g_string_free(g_steal_pointer(&vtext), FALSE);
    img->vmcoreinfo = g_strdup(text);
    tlen = strlen(text);
    g_assert(tlen + 24 <= 36 + pg);
    append_note(vmci, be, "VMCOREINFO", 0, (const uint8_t *)text, tlen);
    if (!p->no_vmcoreinfo_note) {
        memset(img->ram + img->vmcoreinfo_paddr, 0, 36 + pg);
        memcpy(img->ram + img->vmcoreinfo_paddr, vmci->data, vmci->len);
    }
    if (p->vmcoreinfo_data_paddr) {
        /* get_zeroed_page(), then vmcoreinfo_append_str() */
        g_assert(p->vmcoreinfo_data_paddr % 4096 == 0 &&
                 p->vmcoreinfo_data_paddr + pg <= R);
        memset(img->ram + p->vmcoreinfo_data_paddr, 0, pg);
        memcpy(img->ram + p->vmcoreinfo_data_paddr, text, tlen);
    }
    if (p->panic_cpu_sym) {
        g_assert(img->p.panic_cpu_paddr + 4 <= R);
        gen_put(img->ram + img->p.panic_cpu_paddr, (uint32_t)p->panic_cpu, 4,
                be);
    }

    /* the vmcore's loads: boot memory from its copy, then the rest */
    loads[0] = (Load) { 0, M, img->boot_dest };
    if (v61) {
        uint64_t size61 = up(up(img->cpu_state_size + p->hpte_size, pg) + M +
                             img->fdh_size + 64 + 56 + 56 * (1 + 2), pg);

        ra_end = img->cpu_state_dest + size61;
        elfcorehdr = img->fdh_addr + img->fdh_size;
    } else {
        ra_end = img->cpu_state_dest +
                 up(img->cpu_state_size + p->hpte_size, pg) + M +
                 img->fdh_size;
    }
    g_assert(ra_end < param);
    loads[1] = (Load) { ra_end, R - ra_end, ra_end };

    if (!p->no_fadump) {
        /* at the crash: the crash-info header (and the 6.1 ELF header) */
        write_fdh(img, mask_sz, elfcorehdr);
        if (v61) {
            write_elfcorehdr_61(img, elfcorehdr, loads, 2, be ? 1 : 2);
        }

        /* the platform at os-term: copy boot memory, save the registers */
        memcpy(img->ram + img->boot_dest, img->ram, M);
        write_regsave(img);
        if (p->clobber_boot) {
            memset(img->ram, 0xee, M);
        }
    }

    notes = cpu_notes(img);
    g_byte_array_append(notes, vmci->data, vmci->len);
    img->vmcore = assemble_vmcore(img, notes, loads, 2,
                                  v61 && be ? 1 : 2, v61 ? 0 : 4);
    return img;
}

void gen_image_free(GenImage *img)
{
    if (img) {
        g_free(img->ram);
        g_byte_array_unref(img->vmcore);
        g_ptr_array_unref(img->printk_expected);
        g_free(img->vmcoreinfo);
        for (unsigned int i = 0; i < 64; i++) {
            if (img->bt_expected[i]) {
                g_array_unref(img->bt_expected[i]);
            }
        }
        g_free(img);
    }
}

static void write_file(const char *path, const void *data, size_t len)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, data, len, &err));
}

void gen_write_raw(const GenImage *img, const char *path)
{
    write_file(path, img->ram, img->p.ram_size);
}

void gen_write_vmcore(const GenImage *img, const char *path)
{
    write_file(path, img->vmcore->data, img->vmcore->len);
}

void gen_write_qemu_elf(const GenImage *img, const char *path,
                        GenElfLayout layout, gboolean be,
                        unsigned int nloads)
{
    static const char shstrtab[] = "\0.shstrtab";
    gboolean xnum = nloads + 1 >= 0xffff;
    unsigned int phnum = nloads + 1;
    unsigned int shnum = layout == GEN_ELF_QEMU_NEW ? 2 : xnum ? 1 : 0;
    uint64_t shoff = 0, phoff, notes_off, mem_off, off;
    g_autoptr(GByteArray) notes = g_byte_array_new();
    g_autoptr(GByteArray) head = g_byte_array_new();
    uint64_t R = img->p.ram_size;
    uint8_t *e;
    FILE *f;

    for (unsigned int cpu = 0; cpu < img->p.ncpus; cpu++) {
        uint8_t prstatus[504] = { 0 }, fpregs[264] = { 0 };

        /* pr_pid: QEMU 9.1+ the CPU index + 1 (dump.c cpu_index()) */
        gen_put(prstatus + 32, img->p.qemu_pr_pid_zero ? 0 : cpu + 1, 4, be);
        for (unsigned int w = 0; w < 48; w++) {
            gen_put(prstatus + 112 + 8 * w, qemu_note_reg(img, cpu, w), 8,
                    be);
        }
        append_note(notes, be, "CORE", 1, prstatus, sizeof(prstatus));
        append_note(notes, be, "CORE", 2, fpregs, sizeof(fpregs));
    }
    if (layout == GEN_ELF_QEMU_NEW) {
        shoff = 64;
        phoff = 64 + 64 * shnum;
        notes_off = phoff + 56ull * phnum;
    } else {
        phoff = 64;
        shoff = xnum ? phoff + 56ull * phnum : 0;
        notes_off = phoff + 56ull * phnum + 64ull * shnum;
    }
    mem_off = notes_off + notes->len;

    g_byte_array_set_size(head, notes_off);
    memset(head->data, 0, notes_off);
    e = head->data;
    put_core_ehdr(e, be, phoff, 0, xnum ? 0xffff : phnum);
    gen_put(e + 40, shoff, 8, be);
    gen_put(e + 58, shnum ? 64 : 0, 2, be);
    gen_put(e + 60, shnum, 2, be);
    gen_put(e + 62, layout == GEN_ELF_QEMU_NEW ? 1 : 0, 2, be);
    if (shnum) {
        uint8_t *s0 = head->data + shoff;

        if (xnum) {
            gen_put(s0 + 44, phnum, 4, be);         /* sh_info */
        }
        if (layout == GEN_ELF_QEMU_NEW) {
            uint8_t *s1 = s0 + 64;

            gen_put(s1, 1, 4, be);                  /* sh_name */
            gen_put(s1 + 4, 3, 4, be);              /* SHT_STRTAB */
            gen_put(s1 + 24, mem_off + R, 8, be);   /* sh_offset */
            gen_put(s1 + 32, sizeof(shstrtab), 8, be);
        }
    }
    e = head->data + phoff;
    gen_put(e, 4, 4, be);
    gen_put(e + 8, notes_off, 8, be);
    gen_put(e + 32, notes->len, 8, be);
    gen_put(e + 40, notes->len, 8, be);
    off = 0;
    for (unsigned int i = 0; i < nloads; i++) {
        uint64_t size = i + 1 < nloads ? R / nloads / 8 * 8 : R - off;

        e = head->data + phoff + 56ull * (i + 1);
        gen_put(e, 1, 4, be);
        gen_put(e + 8, mem_off + off, 8, be);
        gen_put(e + 16, off, 8, be);
        gen_put(e + 24, off, 8, be);
        gen_put(e + 32, size, 8, be);
        gen_put(e + 40, size, 8, be);
        off += size;
    }
    g_byte_array_append(head, notes->data, notes->len);

    f = fopen(path, "wb");
    g_assert_nonnull(f);
    g_assert_cmpuint(fwrite(head->data, 1, head->len, f), ==, head->len);
    g_assert_cmpuint(fwrite(img->ram, 1, R, f), ==, R);
    if (layout == GEN_ELF_QEMU_NEW) {
        g_assert_cmpuint(fwrite(shstrtab, 1, sizeof(shstrtab), f), ==,
                         sizeof(shstrtab));
    }
    g_assert_cmpint(fclose(f), ==, 0);
}
