/*
 * Helpers of the lib/dump fuzz targets (see fuzz-dump.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/error.h"
#include "fuzz-dump.h"

/* Bytes read per range: enough to cross a page, bounded for speed */
#define READ_SAMPLE 8192

static void die_errno(const char *what)
{
    fprintf(stderr, "fuzz: %s: %s\n", what, g_strerror(errno));
    abort();
}

FuzzFile *fuzz_file_new(const void *data, size_t size)
{
    FuzzFile *f = g_new0(FuzzFile, 1);

    f->fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (f->fd < 0) {
        die_errno("memfd_create");
    }
    snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
    fuzz_file_truncate(f, size);
    if (size) {
        fuzz_file_pwrite(f, data, size, 0);
    }
    return f;
}

void fuzz_file_free(FuzzFile *f)
{
    if (f) {
        close(f->fd);
        g_free(f);
    }
}

void fuzz_file_pwrite(FuzzFile *f, const void *data, size_t size,
                      uint64_t offset)
{
    const uint8_t *p = data;

    while (size) {
        ssize_t n = pwrite(f->fd, p, size, (off_t)offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            die_errno("pwrite");
        }
        p += n;
        size -= n;
        offset += n;
    }
}

void fuzz_file_truncate(FuzzFile *f, uint64_t size)
{
    if (ftruncate(f->fd, (off_t)size) < 0) {
        die_errno("ftruncate");
    }
}

Dump *fuzz_dump_open(const FuzzFile *f, const DumpOptions *opts)
{
    g_autoptr(GError) err = NULL;
    Dump *dump = dump_open(f->path, opts, &err);

    FUZZ_ASSERT(!dump == !!err);
    if (err) {
        FUZZ_ASSERT(err->domain == QF_ERROR && err->message &&
                    *err->message);
    }
    return dump;
}

void fuzz_read_all(Dump *dump)
{
    size_t n, n_ram;
    const DumpMemRange *r = dump_ranges(dump, &n);
    g_autofree DumpMemRange *ram = dump_ram_map(dump, &n_ram);
    g_autofree uint8_t *buf = g_malloc(READ_SAMPLE);
    uint64_t file_size = dump_file_size(dump);

    FUZZ_ASSERT(dump_format_name(dump) != NULL);
    for (size_t i = 0; i < n; i++) {
        uint64_t len = MIN(r[i].size, READ_SAMPLE);
        uint64_t last = r[i].paddr + r[i].size - len;
        g_autoptr(GError) err = NULL;
        DumpExtent ext;

        FUZZ_ASSERT(r[i].size > 0);
        FUZZ_ASSERT(i == 0 ||
                    r[i].paddr > r[i - 1].paddr + r[i - 1].size - 1);
        FUZZ_ASSERT(dump_covers(dump, r[i].paddr, r[i].size));
        FUZZ_ASSERT(dump_readable(dump, r[i].paddr, len) == len);
        /* the file may have shrunk since: then an error, not a crash */
        if (!dump_read(dump, r[i].paddr, buf, len, &err)) {
            FUZZ_ASSERT(err && err->message);
            g_clear_error(&err);
        }
        if (!dump_read(dump, last, buf, len, &err)) {
            FUZZ_ASSERT(err && err->message);
            g_clear_error(&err);
        }
        /* inside a range: always found, and said how it is stored */
        FUZZ_ASSERT(dump_extent(dump, r[i].paddr, len, &ext, &err));
        FUZZ_ASSERT(ext.len > 0 && ext.len <= len);
        FUZZ_ASSERT(ext.kind == DUMP_EXTENT_FILE ||
                    (ext.kind == DUMP_EXTENT_ZERO && ext.fd == -1) ||
                    ext.kind == DUMP_EXTENT_READ);
        FUZZ_ASSERT(ext.kind != DUMP_EXTENT_FILE ||
                    ext.offset + ext.len <= file_size);
    }
    /* a read past the end of memory fails */
    if (n) {
        g_autoptr(GError) err = NULL;
        uint64_t end = r[n - 1].paddr + r[n - 1].size;

        if (end != 0) {
            FUZZ_ASSERT(!dump_read(dump, end - 1, buf, 2, &err));
            FUZZ_ASSERT(err != NULL);
        }
    }
    for (size_t i = 1; i < n_ram; i++) {
        FUZZ_ASSERT(ram[i].paddr >= ram[i - 1].paddr + ram[i - 1].size);
    }
}

void fuzz_gen_params(GenParams *p, GenKernel kernel, gboolean big_endian)
{
    gen_params_default(p);
    p->kernel = kernel;
    p->big_endian = big_endian;
    p->page_size = 4096;
    p->ram_size = 1u << 20;
    p->boot_mem_size = 256u << 10;
    p->ncpus = 2;
    p->nr_cpus = 64;
    p->online_mask = 0x3;
}

GBytes *fuzz_gen_file(const GenImage *img,
                      void (*write)(const GenImage *img, const char *path,
                                    const void *opaque),
                      const void *opaque)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("fuzz-seed-XXXXXX", &err);
    g_autofree char *path = NULL;
    char *data = NULL;
    gsize len;

    if (!dir) {
        fprintf(stderr, "fuzz: %s\n", err->message);
        abort();
    }
    path = g_build_filename(dir, "seed", NULL);
    write(img, path, opaque);
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "fuzz: %s\n", err->message);
        abort();
    }
    g_unlink(path);
    g_rmdir(dir);
    return g_bytes_new_take(data, len);
}

const FuzzGuest *fuzz_guest(unsigned int variant)
{
    static FuzzGuest guests[FUZZ_GUESTS];
    static const char *const names[FUZZ_GUESTS] = {
        "6.12-le", "6.12-be", "6.1-le", "6.1-be",
    };
    FuzzGuest *g = &guests[variant % FUZZ_GUESTS];

    if (!g->img) {
        GenParams p;

        variant %= FUZZ_GUESTS;
        fuzz_gen_params(&p, variant < 2 ? GEN_LINUX_612 : GEN_LINUX_61,
                        variant & 1);
        g->img = gen_image_new(&p);
        g->raw = fuzz_file_new(g->img->ram, p.ram_size);
        g->name = names[variant];
    }
    return g;
}

const char *fuzz_struct_name(FuzzStruct s)
{
    static const char *const names[FUZZ_STRUCTS] = {
        "fdm", "fdh", "regsave", "vmcoreinfo", "elfcorehdr",
    };

    return s < FUZZ_STRUCTS ? names[s] : "?";
}

gboolean fuzz_struct_at(const FuzzGuest *g, FuzzStruct s, uint64_t *addr,
                        uint64_t *len)
{
    const GenImage *img = g->img;
    gboolean v61 = img->p.kernel == GEN_LINUX_61;

    switch (s) {
    case FUZZ_STRUCT_FDM:
        *addr = img->fdm_addr;
        *len = 40 + 40 * (v61 ? 3 : 4);
        return TRUE;
    case FUZZ_STRUCT_FDH:
        *addr = img->fdh_addr;
        *len = img->fdh_size;
        return TRUE;
    case FUZZ_STRUCT_REGSAVE:
        *addr = img->cpu_state_dest;
        *len = img->cpu_state_size;
        return TRUE;
    case FUZZ_STRUCT_VMCOREINFO:
        /* the copy the capture kernel reads; its note is at the start */
        *addr = img->vmcoreinfo_raddr;
        *len = 512;
        return TRUE;
    case FUZZ_STRUCT_ELFCOREHDR:
        /* header, CPU notes, VMCOREINFO, two loads */
        *addr = img->fdh_addr + img->fdh_size;
        *len = 64 + 56 * 4;
        return v61;
    default:
        return FALSE;
    }
}

void fuzz_struct_seeds(FuzzStruct s, FuzzSeedFunc add, void *opaque)
{
    for (unsigned int v = 0; v < FUZZ_GUESTS; v++) {
        const FuzzGuest *g = fuzz_guest(v);
        uint64_t addr, len;
        g_autofree char *name = NULL;

        if (!fuzz_struct_at(g, s, &addr, &len)) {
            continue;
        }
        name = g_strdup_printf("%s-%s", fuzz_struct_name(s), g->name);
        add(name, g->img->ram + addr, len, opaque);
    }
}
