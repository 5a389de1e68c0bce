/*
 * kallsyms without a vmlinux (see kallsyms.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kernel/kallsyms.h"
#include "common/error.h"
#include "elfcore/vmcoreinfo.h"

#define TOKENS          256
#define TOKEN_TABLE_MAX (64u << 10)
#define NAME_MAX_LEN    512     /* KSYM_NAME_LEN */

struct KernelKallsyms {
    KernelMem *k;
    uint32_t num_syms;
    uint64_t names;             /* address of kallsyms_names */
    uint64_t *addrs;            /* num_syms, as the kernel computes them */
    char *token_table;          /* token_table_len bytes, NUL-terminated */
    size_t token_table_len;
    uint16_t token_index[TOKENS];
};

void kernel_kallsyms_free(KernelKallsyms *ks)
{
    if (ks) {
        g_free(ks->addrs);
        g_free(ks->token_table);
        g_free(ks);
    }
}

static gboolean symbol(const char *vmcoreinfo, const char *name,
                       uint64_t *ret, GError **error)
{
    if (!elfcore_vmcoreinfo_symbol(vmcoreinfo, name, ret, error)) {
        g_prefix_error(error, "kallsyms: ");
        return FALSE;
    }
    return TRUE;
}

static gboolean kread(KernelKallsyms *ks, uint64_t vaddr, void *buf,
                      size_t len, const char *what, GError **error)
{
    if (!kernel_mem_read(ks->k, vaddr, buf, len, error)) {
        g_prefix_error(error, "kallsyms: %s: ", what);
        return FALSE;
    }
    return TRUE;
}

KernelKallsyms *kernel_kallsyms_load(KernelMem *k, const char *vmcoreinfo,
                                     GError **error)
{
    g_autoptr(KernelKallsyms) ks = g_new0(KernelKallsyms, 1);
    uint64_t num_va, offsets, base_va = 0, tt, ti, base;
    g_autofree char *rel = NULL;
    gboolean place_relative;
    uint8_t b[8], idx[TOKENS * 2];
    g_autofree uint8_t *raw = NULL;
    size_t tt_len = 0;

    ks->k = k;
    if (!symbol(vmcoreinfo, "kallsyms_num_syms", &num_va, error) ||
        !symbol(vmcoreinfo, "kallsyms_names", &ks->names, error) ||
        !symbol(vmcoreinfo, "kallsyms_token_table", &tt, error) ||
        !symbol(vmcoreinfo, "kallsyms_token_index", &ti, error) ||
        !symbol(vmcoreinfo, "kallsyms_offsets", &offsets, error) ||
        !kread(ks, num_va, b, 4, "kallsyms_num_syms", error)) {
        return NULL;
    }
    /*
     * Up to 6.x the offsets are u32s from kallsyms_relative_base; newer
     * kernels (7.2) dropped the base: each offset is an s32 from its own
     * place (offset_to_ptr()), and VMCOREINFO has no relative base
     */
    rel = elfcore_vmcoreinfo_get(vmcoreinfo, "SYMBOL(kallsyms_relative_base)");
    place_relative = rel == NULL;
    if (!place_relative &&
        !symbol(vmcoreinfo, "kallsyms_relative_base", &base_va, error)) {
        return NULL;
    }
    ks->num_syms = kernel_mem_get(k, b, 4);
    if (ks->num_syms == 0 || ks->num_syms > KERNEL_KALLSYMS_MAX_SYMS) {
        g_set_error(error, QF_ERROR, QF_ERROR_UNSUPPORTED,
                    "kallsyms: %u symbols; this reader takes 1 to %u",
                    ks->num_syms, KERNEL_KALLSYMS_MAX_SYMS);
        return NULL;
    }
    if (!place_relative &&
        !kread(ks, base_va, b, 8, "kallsyms_relative_base", error)) {
        return NULL;
    }
    base = place_relative ? 0 : kernel_mem_get(k, b, 8);
    raw = g_malloc((size_t)ks->num_syms * 4);
    if (!kread(ks, offsets, raw, (size_t)ks->num_syms * 4,
               "kallsyms_offsets", error) ||
        !kread(ks, ti, idx, sizeof(idx), "kallsyms_token_index", error)) {
        return NULL;
    }
    ks->addrs = g_new(uint64_t, ks->num_syms);
    for (uint32_t i = 0; i < ks->num_syms; i++) {
        uint32_t off = kernel_mem_get(k, raw + 4 * i, 4);

        ks->addrs[i] = place_relative
                       ? offsets + 4 * (uint64_t)i + (int64_t)(int32_t)off
                       : base + off;
    }
    for (int i = 0; i < TOKENS; i++) {
        ks->token_index[i] = kernel_mem_get(k, idx + 2 * i, 2);
        tt_len = MAX(tt_len, ks->token_index[i]);
    }
    /* the last token's text follows its offset; tokens are short */
    tt_len = MIN(tt_len + NAME_MAX_LEN, TOKEN_TABLE_MAX);
    ks->token_table = g_malloc0(tt_len + 1);
    ks->token_table_len = tt_len;
    if (!kread(ks, tt, ks->token_table, tt_len, "kallsyms_token_table",
               error)) {
        return NULL;
    }
    return g_steal_pointer(&ks);
}

/* The length of the names entry at @at, and where its tokens start */
static gboolean entry_len(KernelKallsyms *ks, uint64_t at, unsigned int *len,
                          unsigned int *hdr)
{
    uint8_t b[2];

    if (!kernel_mem_read(ks->k, at, b, 2, NULL)) {
        return FALSE;
    }
    *len = b[0];
    *hdr = 1;
    if (b[0] & 0x80) {      /* big symbols: two-byte ULEB128 length */
        *len = (b[0] & 0x7f) | (unsigned int)b[1] << 7;
        *hdr = 2;
    }
    return TRUE;
}

/* The expanded name of symbol @i, without its type letter */
static char *symbol_name(KernelKallsyms *ks, uint32_t i)
{
    uint64_t at = ks->names;
    unsigned int len, hdr;
    uint8_t tokens[0x8000];
    g_autoptr(GString) name = g_string_new(NULL);

    for (uint32_t n = 0; n < i; n++) {
        if (!entry_len(ks, at, &len, &hdr)) {
            return NULL;
        }
        at += hdr + len;
    }
    if (!entry_len(ks, at, &len, &hdr) ||
        !kernel_mem_read(ks->k, at + hdr, tokens, len, NULL)) {
        return NULL;
    }
    for (unsigned int t = 0; t < len && name->len < NAME_MAX_LEN; t++) {
        size_t off = ks->token_index[tokens[t]];

        if (off >= ks->token_table_len) {
            return NULL;
        }
        g_string_append(name, ks->token_table + off);
    }
    if (name->len < 2) {
        return NULL;
    }
    return g_strdup(name->str + 1);
}

char *kernel_kallsyms_symbolize(KernelKallsyms *ks, uint64_t addr)
{
    uint32_t lo = 0, hi = ks->num_syms;
    g_autofree char *name = NULL;
    uint64_t size;

    if (addr < ks->addrs[0]) {
        return NULL;
    }
    /* the last symbol at or below @addr (the first of equal ones) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (ks->addrs[mid] <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    while (lo > 0 && ks->addrs[lo - 1] == ks->addrs[lo]) {
        lo--;
    }
    hi = lo;
    while (hi < ks->num_syms && ks->addrs[hi] == ks->addrs[lo]) {
        hi++;
    }
    if (hi == ks->num_syms) {
        return NULL;    /* past the last symbol: no size known */
    }
    size = ks->addrs[hi] - ks->addrs[lo];
    name = symbol_name(ks, lo);
    if (!name) {
        return NULL;
    }
    return g_strdup_printf("%s+0x%" G_GINT64_MODIFIER "x/0x%"
                           G_GINT64_MODIFIER "x", name, addr - ks->addrs[lo],
                           size);
}

/* kallsyms_names read in chunks while walking it */
#define NAMES_CHUNK     (64u << 10)

typedef struct NamesCursor {
    KernelKallsyms *ks;
    uint64_t start;             /* address of buf[0] */
    size_t len;                 /* bytes valid in buf */
    uint8_t buf[NAMES_CHUNK];
} NamesCursor;

/* @need bytes at @at, or NULL when they cannot be read */
static const uint8_t *names_at(NamesCursor *c, uint64_t at, size_t need)
{
    if (at >= c->start && at - c->start + need <= c->len) {
        return c->buf + (at - c->start);
    }
    /* a whole chunk, or at the end of memory just what is needed */
    c->start = at;
    c->len = NAMES_CHUNK;
    if (!kernel_mem_read(c->ks->k, at, c->buf, c->len, NULL)) {
        c->len = need;
        if (!kernel_mem_read(c->ks->k, at, c->buf, c->len, NULL)) {
            c->len = 0;
            return NULL;
        }
    }
    return c->buf;
}

gboolean kernel_kallsyms_lookup(KernelKallsyms *ks, const char *name,
                                uint64_t *ret, GError **error)
{
    g_autofree NamesCursor *c = g_new0(NamesCursor, 1);
    size_t want = strlen(name);
    uint64_t at = ks->names;
    gboolean have_local = FALSE;
    uint64_t local = 0;
    char full[NAME_MAX_LEN + 1];

    c->ks = ks;
    for (uint32_t i = 0; i < ks->num_syms; i++) {
        const uint8_t *e = names_at(c, at, 1);
        unsigned int len, hdr = 1;
        size_t n = 0;

        if (!e) {
            goto unreadable;
        }
        len = e[0];
        if (e[0] & 0x80) {      /* two-byte ULEB128 length */
            if (!(e = names_at(c, at, 2))) {
                goto unreadable;
            }
            len = (e[0] & 0x7f) | (unsigned int)e[1] << 7;
            hdr = 2;
        }
        if (!(e = names_at(c, at + hdr, len))) {
            goto unreadable;
        }
        at += hdr + len;
        /* expand only as far as it can still be @name */
        for (unsigned int t = 0; t < len && n <= want + 1; t++) {
            size_t off = ks->token_index[e[t]];
            const char *tok;
            size_t tl;

            if (off >= ks->token_table_len) {
                break;
            }
            tok = ks->token_table + off;
            tl = MIN(strlen(tok), sizeof(full) - 1 - n);
            memcpy(full + n, tok, tl);
            n += tl;
        }
        if (n != want + 1 || memcmp(full + 1, name, want) != 0) {
            continue;
        }
        if (g_ascii_isupper(full[0])) {
            *ret = ks->addrs[i];
            return TRUE;
        }
        if (!have_local) {
            have_local = TRUE;
            local = ks->addrs[i];
        }
    }
    if (have_local) {
        *ret = local;
        return TRUE;
    }
    return qf_fail(error, QF_ERROR_NOT_FOUND,
                   "kallsyms: no symbol %s among %u", name, ks->num_syms);
unreadable:
    if (have_local) {
        *ret = local;
        return TRUE;
    }
    return qf_fail(error, QF_ERROR_NOT_FOUND,
                   "kallsyms: names table unreadable at 0x%"
                   G_GINT64_MODIFIER "x looking for %s", at, name);
}
