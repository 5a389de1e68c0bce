/*
 * Test input generator: a guest memory image laid out the way a crashed
 * Linux guest and our QEMU leave it after a fadump trigger, and the
 * /proc/vmcore its capture kernel would export, computed here directly
 * from the image (independently of lib/dump), plus writers for the dump
 * files fadump-extract reads (QEMU dump-guest-memory ELF of either header
 * layout and byte order, raw RAM).
 *
 * Linux 6.12 (FADMPSIG): the registered structure in "kernel .bss"
 * (CPU state, HPTE, one real-mode region [0, M), optional parameter area),
 * VMCOREINFO in boot memory (its raddr relocated into the copy), the
 * crash-info header at F = B + M, the register save area at A written as
 * our QEMU writes it, boot memory copied to B.
 * Linux 6.1 (FADMPINF): three sections, no parameter area, the ELF core
 * header the crashed kernel built right after the crash-info header.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef FADUMP_GEN_H
#define FADUMP_GEN_H

#include <glib.h>
#include <stdint.h>

#include "stack-gen.h"

typedef enum GenKernel {
    GEN_LINUX_612,
    GEN_LINUX_61,
} GenKernel;

/*
 * The printk ring buffer (kernel/printk/printk_ringbuffer.c) and the
 * VMCOREINFO lines log_buf_vmcoreinfo_setup() writes for it, as each
 * kernel lays them out
 */
typedef enum GenPrintk {
    GEN_PRINTK_NONE,
    GEN_PRINTK_61,      /* Linux 6.1: prb_desc_ring without
                           last_finalized_seq; a data block that would end
                           exactly at the ring's end is wrapped */
    GEN_PRINTK_612,     /* 6.8+ (6.12): last_finalized_seq */
    GEN_PRINTK_72,      /* 6.18+ (7.2): such a block stays at the end */
} GenPrintk;

/* kallsyms tables, and how kallsyms_offsets make addresses */
typedef enum GenKallsyms {
    GEN_KALLSYMS_NONE,
    GEN_KALLSYMS_BASE_RELATIVE,     /* 6.12: u32 + kallsyms_relative_base */
    GEN_KALLSYMS_PLACE_RELATIVE,    /* 7.2: s32 + its own address, no
                                       SYMBOL(kallsyms_relative_base) */
} GenKallsyms;

typedef struct GenPrintkRecord {
    uint64_t seq;
    uint64_t ts_nsec;
    uint32_t caller_id;
    uint8_t level;
    char *text;
} GenPrintkRecord;

typedef struct GenParams {
    GenKernel kernel;
    gboolean big_endian;        /* the guest kernel's byte order */
    uint64_t page_size;         /* 65536 or 4096 */
    uint64_t ram_size;          /* RAM is [0, ram_size) */
    uint64_t zero_tail;         /* its last bytes are zero: memory the
                                   guest never touched (else a pattern) */
    uint64_t boot_mem_size;     /* M (crashkernel=) */
    unsigned int ncpus;         /* CPUs in the register save area */
    unsigned int nr_cpus;       /* NR_CPUS: bits of the cpu mask */
    uint64_t online_mask;       /* fdh cpu_mask (CPUs < 64) */
    uint32_t crashing_cpu;      /* 0xffffffff: none */
    uint64_t hpte_size;
    gboolean param_area;        /* 6.12: register a parameter area */
    gboolean clobber_boot;      /* the capture kernel has since run in
                                   [0, M): only the copy keeps the fdm */
    GenPrintk printk;           /* lay out a printk ring buffer */
    unsigned int printk_records;    /* printk()s since boot */
    unsigned int printk_count_bits; /* 2^n descriptors */
    unsigned int printk_size_bits;  /* 2^n bytes of text data */
    const char *const *printk_tail; /* the last texts (NULL-terminated);
                                       NULL: an Oops and a panic */
    GenKallsyms kallsyms;       /* lay out kallsyms tables */
    /*
     * A guest that never registered fadump, saved by dump-guest-memory:
     * no dump memory structure, crash-info header, register save area or
     * boot memory copy (RAM keeps its filler there)
     */
    gboolean no_fadump;
    /*
     * Where crash_save_vmcoreinfo_init()'s get_zeroed_page() put
     * vmcoreinfo_data (the text, then zeros to the page's end); 0: not
     * laid out
     */
    uint64_t vmcoreinfo_data_paddr;
    gboolean no_vmcoreinfo_note;    /* no vmcoreinfo_note buffer either */
    /*
     * With kallsyms: a symbol panic_cpu (atomic_t, kernel/panic.c) at
     * panic_cpu_paddr holding panic_cpu (-1: PANIC_CPU_INVALID)
     */
    gboolean panic_cpu_sym;
    uint64_t panic_cpu_paddr;
    int32_t panic_cpu;
    /* QEMU before 9.1: NT_PRSTATUS pr_pid 0 instead of CPU index + 1 */
    gboolean qemu_pr_pid_zero;
    /*
     * Every CPU's kernel stack (stack-gen.h, the kernel's layout and
     * THREAD_SIZE) in boot memory, its registers taken from it, and with
     * kallsyms the names of the functions on them (GEN_BT_*): the
     * crashing CPU in sysrq_handle_crash() from write(2), the others in
     * turn idle in plpar_hcall_norets_notrace() (a leaf: LR), idle in a
     * decrementer interrupt, and in user mode
     */
    gboolean backtraces;
    /*
     * With backtraces: QEMU stopped the crashing CPU in the RTAS call
     * ibm,os-term (its panic notifier, -action panic=pause): its note's
     * nip in the firmware at GEN_OS_TERM_NIP, MSR_IR and MSR_DR clear, LR
     * the real address of its kernel LR; r1 still its kernel stack's
     */
    gboolean os_term;
} GenParams;

#define GEN_OS_TERM_NIP     0x2fff0010ULL   /* VOF's RTAS blob, 768 MiB */

/* What CPU i does with backtraces */
typedef enum GenBtScenario {
    GEN_BT_NONE,
    GEN_BT_CRASH,       /* the crashing CPU */
    GEN_BT_IDLE,        /* cede: pc in a leaf, LR its caller */
    GEN_BT_IDLE_IRQ,    /* a decrementer interrupt while idle */
    GEN_BT_USER,        /* in user mode */
} GenBtScenario;

#define GEN_BT_STACKS       2           /* per CPU: the task's, an IRQ's */

/*
 * 6.12, little endian, 64K pages, 32 MiB RAM, M = 8 MiB, 4 CPUs; no printk
 * ring (with one: 6.12 layout, 200 records in 32 descriptors and 2 KiB)
 */
void gen_params_default(GenParams *p);

typedef struct GenImage {
    GenParams p;
    uint8_t *ram;               /* ram_size bytes */
    uint64_t fdm_addr;          /* the kernel's registered copy */
    uint64_t cpu_state_dest;    /* A */
    uint64_t cpu_state_size;    /* C */
    uint64_t boot_dest;         /* B */
    uint64_t fdh_addr;          /* F */
    uint64_t fdh_size;
    uint64_t vmcoreinfo_paddr;  /* where the note lives */
    uint64_t vmcoreinfo_raddr;  /* where the capture kernel reads it */
    GByteArray *vmcore;         /* the expected /proc/vmcore */
    /* the registers each emitted CPU note must hold, in note order */
    unsigned int n_notes;
    uint32_t note_cpu[64];
    uint64_t note_regs[64][48];
    char *vmcoreinfo;           /* the VMCOREINFO text */
    /* the printk ring buffer */
    uint64_t prb_paddr;         /* the variable prb */
    uint64_t prb_rb, prb_descs, prb_infos, prb_data;    /* its parts */
    uint64_t kallsyms_paddr;    /* the kallsyms tables (0x4000 bytes) */
    GPtrArray *printk_expected; /* GenPrintkRecord *: what a reader finds
                                   from the tail ID to the head ID */
    unsigned int printk_wrapped;    /* of those, blocks wrapped to 0 */
    unsigned int printk_exact_end;  /* blocks ending at the ring's end */
    unsigned int printk_reusable;   /* descriptors skipped: recycled */
    /* with backtraces, by CPU number: */
    GenBtScenario bt_scenario[64];
    GArray *bt_expected[64];    /* SgenFrame, innermost first */
    uint64_t bt_regs[64][48];   /* its registers (pt_regs, host order) */
    uint64_t bt_stacks_paddr;   /* CPU i's stacks at + i * GEN_BT_STACKS
                                   * THREAD_SIZE */
    uint64_t bt_thread_size;
} GenImage;

/* The log's last texts by default: an Oops, then the panic */
extern const char *const gen_default_printk_tail[];

GenImage *gen_image_new(const GenParams *p);
void gen_image_free(GenImage *img);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GenImage, gen_image_free)

typedef enum GenElfLayout {
    GEN_ELF_QEMU_OLD,           /* before 7.2: phdrs after the header */
    GEN_ELF_QEMU_NEW,           /* 7.2+: section headers first */
} GenElfLayout;

/*
 * Write the image as QMP dump-guest-memory's ELF would: @nloads PT_LOADs
 * splitting RAM (more than 65535 gives PN_XNUM), four QEMU CPU notes per
 * vCPU, in byte order @big_endian.
 */
void gen_write_qemu_elf(const GenImage *img, const char *path,
                        GenElfLayout layout, gboolean big_endian,
                        unsigned int nloads);

void gen_write_raw(const GenImage *img, const char *path);

/*
 * pt_regs word @w of CPU @cpu in the NT_PRSTATUS that gen_write_qemu_elf()
 * writes (QEMU fills the GPRs, nip, msr, ctr, link, xer, ccr; 0 elsewhere)
 */
uint64_t gen_qemu_note_reg(unsigned int cpu, unsigned int w);

/* The expected vmcore to a file */
void gen_write_vmcore(const GenImage *img, const char *path);

/* Byte-order helpers for tests that patch files */
void gen_put(uint8_t *p, uint64_t v, int size, gboolean big_endian);
uint64_t gen_get(const uint8_t *p, int size, gboolean big_endian);

#endif /* FADUMP_GEN_H */
