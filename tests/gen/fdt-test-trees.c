/*
 * Test trees (see tests/gen/fdt-test-trees.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fdt-test-trees.h"
#include "fdt/check.h"
#include "papr/fdm.h"

#include <libfdt.h>
#include <string.h>

#define TT_BUF_SIZE (256 * 1024)

void tt_put_be(uint8_t *p, uint64_t v, int size)
{
    for (int i = size - 1; i >= 0; i--, v >>= 8) {
        p[i] = v & 0xff;
    }
}

static void put_section(uint8_t *s, uint16_t type, uint64_t src, uint64_t len,
                        uint64_t dumped, uint64_t dest)
{
    tt_put_be(s + TT_SEC_REQUEST, PAPR_REQUEST_FLAG, 4);
    tt_put_be(s + TT_SEC_TYPE, type, 2);
    tt_put_be(s + TT_SEC_ERROR, 0, 2);
    tt_put_be(s + TT_SEC_SOURCE, src, 8);
    tt_put_be(s + TT_SEC_LENGTH, len, 8);
    tt_put_be(s + TT_SEC_DUMPED, dumped, 8);
    tt_put_be(s + TT_SEC_DEST, dest, 8);
}

size_t tt_fdm(uint8_t *buf, uint64_t cpu_size)
{
    memset(buf, 0, 200);
    tt_put_be(buf, 1, 4);
    tt_put_be(buf + 4, 4, 2);
    tt_put_be(buf + 6, PAPR_STATUS_PERFORMED | PAPR_STATUS_TRIGGERED, 2);
    tt_put_be(buf + 8, 40, 4);
    put_section(buf + TT_SEC(0), PAPR_TYPE_CPU_STATE, 0, cpu_size,
                cpu_size, 0x40000000);
    put_section(buf + TT_SEC(1), PAPR_TYPE_HPTE, 0, 0, 0,
                0x40000000 + cpu_size);
    put_section(buf + TT_SEC(2), PAPR_TYPE_REAL_MODE, 0, 0x40000000,
                0x40000000, 0x40010000);
    put_section(buf + TT_SEC(3), PAPR_TYPE_OS_DEFINED, 0x3ffff800, 0x800,
                0x800, 0x3ffff800);
    return 200;
}

static const TTProp *find_change(const TTSpec *spec, const char *node,
                                 const char *name)
{
    for (unsigned int i = 0; i < spec->n_props; i++) {
        if (!strcmp(spec->props[i].node, node) &&
            !strcmp(spec->props[i].name, name)) {
            return &spec->props[i];
        }
    }
    return NULL;
}

/* A property as the spec wants it: changed, removed or as given */
static void prop(void *fdt, const TTSpec *spec, const char *node,
                 const char *name, const void *value, int len)
{
    const TTProp *c = find_change(spec, node, name);

    if (c) {
        if (c->len >= 0) {
            g_assert_cmpint(fdt_property(fdt, name, c->value, c->len), ==, 0);
        }
        return;
    }
    g_assert_cmpint(fdt_property(fdt, name, value, len), ==, 0);
}

static void prop_u32(void *fdt, const TTSpec *spec, const char *node,
                     const char *name, uint32_t v)
{
    uint8_t b[4];

    tt_put_be(b, v, 4);
    prop(fdt, spec, node, name, b, 4);
}

static void prop_str(void *fdt, const TTSpec *spec, const char *node,
                     const char *name, const char *s)
{
    prop(fdt, spec, node, name, s, (int)strlen(s) + 1);
}

/* Changes that add a property the tree does not have */
static void extra_props(void *fdt, const TTSpec *spec, const char *node,
                        const char *const *known)
{
    for (unsigned int i = 0; i < spec->n_props; i++) {
        const TTProp *c = &spec->props[i];
        gboolean is_known = FALSE;

        for (const char *const *k = known; *k; k++) {
            is_known |= !strcmp(*k, c->name);
        }
        if (!strcmp(c->node, node) && !is_known && c->len >= 0) {
            g_assert_cmpint(fdt_property(fdt, c->name, c->value, c->len), ==,
                            0);
        }
    }
}

static void begin(void *fdt, const char *name)
{
    g_assert_cmpint(fdt_begin_node(fdt, name), ==, 0);
}

static void end(void *fdt)
{
    g_assert_cmpint(fdt_end_node(fdt), ==, 0);
}

static void build_cpus(void *fdt, const TTSpec *spec, unsigned int cpus,
                       unsigned int threads)
{
    static const char *const known[] = { "#address-cells", "#size-cells",
                                         NULL };

    begin(fdt, "cpus");
    prop_u32(fdt, spec, "/cpus", "#address-cells", 1);
    prop_u32(fdt, spec, "/cpus", "#size-cells", 0);
    extra_props(fdt, spec, "/cpus", known);
    for (unsigned int i = 0; i < cpus; i++) {
        g_autofree char *name = g_strdup_printf("PowerPC,POWER10@%x",
                                                i * threads);
        g_autofree char *path = g_strdup_printf("/cpus/%s", name);
        g_autofree uint8_t *servers = g_malloc(4 * threads);
        uint8_t reg[4];

        for (unsigned int t = 0; t < threads; t++) {
            tt_put_be(servers + 4 * t, i * threads + t, 4);
        }
        tt_put_be(reg, i * threads, 4);
        begin(fdt, name);
        prop_str(fdt, spec, path, "device_type", "cpu");
        prop(fdt, spec, path, "reg", reg, 4);
        prop(fdt, spec, path, "ibm,ppc-interrupt-server#s", servers,
             (int)(4 * threads));
        end(fdt);
    }
    end(fdt);
}

static void build_memory(void *fdt, const TTSpec *spec)
{
    static const char *const mem_known[] = { "device_type", "reg", NULL };
    DtMemRange dflt = { 0, 4ull << 30 };
    const DtMemRange *mem = spec->n_mem ? spec->mem : &dflt;
    unsigned int n = spec->n_mem ? spec->n_mem : 1;

    for (unsigned int i = 0; i < n; i++) {
        g_autofree char *name = g_strdup_printf("memory@%" G_GINT64_MODIFIER
                                                "x", mem[i].start);
        g_autofree char *path = g_strdup_printf("/%s", name);
        uint8_t reg[16];

        tt_put_be(reg, mem[i].start, 8);
        tt_put_be(reg + 8, mem[i].size, 8);
        begin(fdt, name);
        prop_str(fdt, spec, path, "device_type", "memory");
        prop(fdt, spec, path, "reg", reg, 16);
        extra_props(fdt, spec, path, mem_known);
        end(fdt);
    }
}

static void build_rtas(void *fdt, const TTSpec *spec, unsigned int max_cpus,
                       unsigned int max_cores)
{
    static const char *const known[] = {
        "rtas-size", "ibm,os-term", "get-time-of-day",
        "ibm,configure-kernel-dump", "ibm,extended-os-term",
        "ibm,lrdr-capacity", "ibm,configure-kernel-dump-sizes",
        "ibm,configure-kernel-dump-version", "ibm,kernel-dump", NULL,
    };
    uint64_t cpu_size = spec->cpu_size ? spec->cpu_size :
                        dt_cpu_state_size(max_cpus);
    uint8_t sizes[24], version[4], lrdr[20];

    begin(fdt, "rtas");
    prop_u32(fdt, spec, "/rtas", "rtas-size", 0x2000);
    prop_u32(fdt, spec, "/rtas", "get-time-of-day", 0x2001);
    prop_u32(fdt, spec, "/rtas", "ibm,os-term", TT_TOKEN_OS_TERM);
    if (!spec->no_fadump) {
        prop_u32(fdt, spec, "/rtas", "ibm,configure-kernel-dump",
                 TT_TOKEN_FADUMP);
    }
    prop(fdt, spec, "/rtas", "ibm,extended-os-term", NULL, 0);
    tt_put_be(lrdr, 4ull << 30, 8);
    tt_put_be(lrdr + 8, 256ull << 20, 8);
    tt_put_be(lrdr + 16, max_cores, 4);
    prop(fdt, spec, "/rtas", "ibm,lrdr-capacity", lrdr, 20);
    if (!spec->no_fadump) {
        tt_put_be(sizes, PAPR_TYPE_CPU_STATE, 4);
        tt_put_be(sizes + 4, cpu_size >> 32, 4);
        tt_put_be(sizes + 8, cpu_size & 0xffffffff, 4);
        tt_put_be(sizes + 12, PAPR_TYPE_HPTE, 4);
        tt_put_be(sizes + 16, spec->hpte_size >> 32, 4);
        tt_put_be(sizes + 20, spec->hpte_size & 0xffffffff, 4);
        prop(fdt, spec, "/rtas", "ibm,configure-kernel-dump-sizes", sizes,
             24);
        tt_put_be(version, 1, 2);
        tt_put_be(version + 2, 1, 2);
        prop(fdt, spec, "/rtas", "ibm,configure-kernel-dump-version",
             version, 4);
    }
    if (spec->kernel_dump) {
        prop(fdt, spec, "/rtas", "ibm,kernel-dump", spec->kernel_dump,
             (int)spec->kernel_dump_len);
    }
    extra_props(fdt, spec, "/rtas", known);
    end(fdt);
}

void *tt_blob(const TTSpec *spec, size_t *len)
{
    static const char *const root_known[] = {
        "#address-cells", "#size-cells", "compatible", "model", NULL,
    };
    static const char *const chosen_known[] = { "bootargs", NULL };
    unsigned int cpus = spec->cpus ? spec->cpus : 4;
    unsigned int threads = spec->threads ? spec->threads : 1;
    unsigned int max_cores = spec->max_cores ? spec->max_cores : cpus;
    void *fdt = g_malloc0(TT_BUF_SIZE);

    g_assert_cmpint(fdt_create(fdt, TT_BUF_SIZE), ==, 0);
    g_assert_cmpint(fdt_finish_reservemap(fdt), ==, 0);
    begin(fdt, "");
    prop_u32(fdt, spec, "/", "#address-cells", 2);
    prop_u32(fdt, spec, "/", "#size-cells", 2);
    prop_str(fdt, spec, "/", "compatible", "qemu,pseries");
    prop_str(fdt, spec, "/", "model", "IBM pSeries (emulated by qemu)");
    extra_props(fdt, spec, "/", root_known);
    begin(fdt, "chosen");
    prop_str(fdt, spec, "/chosen", "bootargs",
             "console=hvc0 fadump=on crashkernel=1G");
    extra_props(fdt, spec, "/chosen", chosen_known);
    end(fdt);
    build_cpus(fdt, spec, cpus, threads);
    build_memory(fdt, spec);
    build_rtas(fdt, spec, max_cores * threads, max_cores);
    end(fdt);
    g_assert_cmpint(fdt_finish(fdt), ==, 0);
    *len = fdt_totalsize(fdt);
    return fdt;
}

DtBlob *tt_tree(const TTSpec *spec)
{
    g_autoptr(GError) err = NULL;
    size_t len;
    g_autofree void *blob = tt_blob(spec, &len);
    DtBlob *fdt = dt_new_from_data(blob, len, "test.dtb", &err);

    g_assert_no_error(err);
    g_assert_nonnull(fdt);
    return fdt;
}
