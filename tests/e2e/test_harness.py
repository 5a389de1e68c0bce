#!/usr/bin/python3
"""Unit tests of the e2e harness's own logic (no QEMU, no guest): the
cases and their parameters, the meson tests that run them, the guest's
command line (fadump_e2e.py); the register save area parser, the capture
kernel's fadump_region parser, System.map lookups and the checks that
read only text and query-fadump answers, (f) and (g) (capture_checks.py;
test_elfcore.py runs all of them on made-up cores).  Exit status 0 when
all pass (unittest).
"""

import os
import re
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import capture_checks as checks  # noqa: E402
import fadump_e2e as e2e  # noqa: E402
import vm as vmmod  # noqa: E402


def config(**kw):
    cfg = e2e.Config(qemu="/bin/true", guest_dir="/nonexistent", firmware_dir="/nonexistent")
    for k, v in kw.items():
        setattr(cfg, k, v)
    return cfg


def regsave(cpus, magic=b"REGSAVE\0", end=True):
    """A register save area as the platform writes it (big-endian)."""
    out = bytearray(magic + struct.pack(">II", 0, 16) + struct.pack(">I", len(cpus)))
    ent = lambda name, val: struct.pack(">8sQ", name.encode(), val)  # noqa: E731
    for cpu, regs in cpus.items():
        out += ent("CPUSTRT", cpu)
        for i in range(32):
            out += ent(f"GPR{i:02d}", regs.get(f"gpr{i}", i))
        for name, key in (("NIA", "nip"), ("MSR", "msr"), ("CR", "ccr"), ("LR", "link"),
                          ("CTR", "ctr"), ("XER", "xer"), ("DAR", "dar"), ("SRR0", "srr0")):
            out += ent(name, regs.get(key, 0x100 + len(key)))
        if end:
            out += ent("CPUEND", cpu)
    return bytes(out + bytes(64))


class Cases(unittest.TestCase):
    def test_every_case_is_valid(self):
        for name in e2e.CASES:
            cfg = e2e.apply_case(config(), name)
            self.assertEqual(e2e.check_config(cfg), [], name)
            self.assertEqual(cfg.case, name)

    def test_unknown_case(self):
        with self.assertRaises(ValueError):
            e2e.apply_case(config(), "no-such-case")

    def test_bad_parameters_are_reported(self):
        self.assertTrue(e2e.check_config(config(capture="copy-release-register-crash")))
        self.assertTrue(e2e.check_config(config(capture="copy,bogus")))
        self.assertTrue(e2e.check_config(config(hold="later")))
        self.assertTrue(e2e.check_config(config(hold="none")))
        self.assertTrue(e2e.check_config(config(before_crash="suspend")))
        self.assertTrue(e2e.check_config(config(mmu="nest")))

    def test_capture_actions(self):
        cfg = config(capture="copy-release-register-crash,copy")
        self.assertEqual([cfg.capture_action(n) for n in (1, 2, 3)],
                         ["copy-release-register-crash", "copy", "copy"])
        self.assertEqual(config().capture_action(4), "copy")

    def test_guest_command_line(self):
        words = lambda name: e2e.guest_append(e2e.apply_case(config(), name), "M").split()  # noqa: E731
        base = words("default")
        self.assertEqual(base, ["console=hvc0", "fadump=on", "crashkernel=1G",
                                "fadumptest.marker=M", "fadumptest.action=crash"])
        self.assertIn("fadump=nocma", words("nocma"))
        self.assertIn("disable_radix", words("hash"))
        self.assertIn("fadumptest.wait=go", words("migrate"))
        self.assertIn("fadumptest.wait=go", words("host-reset"))
        self.assertIn("fadumptest.capture=copy-crash", words("second-crash"))
        self.assertIn("fadumptest.capture=copy-release-register-crash,copy", words("reregister"))
        self.assertEqual(words("slof"), base)
        self.assertEqual(words("smp1"), base)
        self.assertEqual(words("fadump-pause"), base)

    def test_meson_runs_every_case(self):
        with open(os.path.join(HERE, "..", "meson.build")) as f:
            text = f.read()
        listed = re.findall(r"\['crash-capture[\w-]*', '([\w-]+)', \d+\]", text)
        self.assertEqual(sorted(listed), sorted(e2e.CASES))


class KernelVersions(unittest.TestCase):
    ENV = {"FADUMP_QEMU": "/q", "FADUMP_FIRMWARE_DIR": "/fw", "FADUMP_GUEST_DIR": "/g612",
           "FADUMP_GUEST_DIR_6_1": "/g61", "FADUMP_GUEST_DIR_7_2": "/g72"}

    def test_guest_dir_per_version(self):
        for kernel, path in (("6.12", "/g612"), ("6.1", "/g61"), ("7.2", "/g72")):
            cfg = e2e.config_from_env(self.ENV, kernel=kernel)
            self.assertEqual((cfg.guest_dir, cfg.kernel_version), (path, kernel))
        self.assertEqual(e2e.config_from_env(self.ENV).guest_dir, "/g612")
        env = dict(self.ENV, FADUMP_E2E_KERNEL="7.2")
        self.assertEqual(e2e.config_from_env(env).guest_dir, "/g72")

    def test_missing_guest_is_a_skip(self):
        env = {k: v for k, v in self.ENV.items() if k != "FADUMP_GUEST_DIR_6_1"}
        with self.assertRaisesRegex(e2e.MissingInput, "FADUMP_GUEST_DIR_6_1"):
            e2e.config_from_env(env, kernel="6.1")
        self.assertEqual(e2e.config_from_env(env, kernel="7.2").guest_dir, "/g72")

    def test_kernel_has_dwarf(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = config(guest_dir=d)
            self.assertFalse(cfg.kernel_has_dwarf)         # no config file
            with open(os.path.join(d, "config"), "w") as f:
                f.write("CONFIG_KALLSYMS=y\n# CONFIG_DEBUG_INFO is not set\n")
            self.assertFalse(cfg.kernel_has_dwarf)
            with open(os.path.join(d, "config"), "w") as f:
                f.write("CONFIG_KALLSYMS=y\nCONFIG_DEBUG_INFO=y\n")
            self.assertTrue(cfg.kernel_has_dwarf)

    def test_unknown_version(self):
        with self.assertRaises(ValueError):
            e2e.guest_dir_var("5.10")

    def test_meson_runs_the_other_versions(self):
        with open(os.path.join(HERE, "..", "meson.build")) as f:
            text = f.read()
        m = re.search(r"foreach k : \[([^\]]*)\]\n  test\('crash-capture-' \+ k", text)
        self.assertIsNotNone(m)
        listed = re.findall(r"'([\d.]+)'", m.group(1))
        self.assertEqual(sorted(listed + [e2e.DEFAULT_KERNEL]), sorted(e2e.KERNEL_VERSIONS))

    def test_cma_message_of_each_version(self):
        for line in ("fadump: Initialized 0x40000000 bytes cma area at 1024MB from "
                     "0x40010000 bytes of memory reserved for firmware-assisted dump",
                     "fadump: Initialized [0x40000000, 1024MB] cma area from "
                     "[0x40000000, 1024MB] bytes of memory reserved for firmware-assisted dump"):
            self.assertTrue(checks.CMA_AREA_RE.search(line), line)
        self.assertFalse(checks.CMA_AREA_RE.search("fadump: Failed to init cma area for "
                                                "firmware-assisted dump,-12"))


class RegSave(unittest.TestCase):
    def test_parse(self):
        cpus = {0: {"gpr1": 0xc000000001234560, "nip": 0x2fff0010}, 3: {"gpr13": 0xc000000000700300}}
        parsed = checks.parse_regsave(regsave(cpus))
        self.assertEqual(sorted(parsed), [0, 3])
        self.assertEqual(parsed[0]["gpr1"], 0xc000000001234560)
        self.assertEqual(parsed[0]["nip"], 0x2fff0010)
        self.assertEqual(parsed[3]["gpr13"], 0xc000000000700300)
        self.assertEqual(parsed[3]["gpr7"], 7)
        self.assertTrue(all(r in parsed[0] for r in checks.COMPARED_REGS))
        self.assertNotIn("dar", parsed[0])   # not a compared register

    def test_rejects(self):
        with self.assertRaisesRegex(ValueError, "REGSAVE"):
            checks.parse_regsave(regsave({0: {}}, magic=b"GARBAGE\0"))
        with self.assertRaisesRegex(ValueError, "CPUEND|CPU lists|CPUSTRT"):
            checks.parse_regsave(regsave({0: {}, 1: {}}, end=False)[:-64])
        data = bytearray(regsave({0: {}}))
        struct.pack_into(">I", data, 12, len(data))
        with self.assertRaisesRegex(ValueError, "beyond"):
            checks.parse_regsave(bytes(data))


class Regions(unittest.TestCase):
    TEXT = """FADUMP-TEST: fadump-region: CPU :[0x00000040000000-0x00000040000ddf] 0xde0 bytes, Dumped: 0xde0
FADUMP-TEST: fadump-region: HPTE:[0x00000040000de0-0x00000040000ddf] 0x0 bytes, Dumped: 0x0
FADUMP-TEST: fadump-region: DUMP: Src: 0x00000000000000, Dest: 0x00000040010000, Size: 0x40000000, Dumped: 0x40000000 bytes
FADUMP-TEST: fadump-region: [0x000000fffff800-0x000000ffffffff]: cmdline append: ''
"""

    def test_parse(self):
        self.assertEqual(checks.capture_regions(self.TEXT), [
            (1, 0, 0x40000000, 0xde0, 0xde0),
            (2, 0, 0x40000de0, 0, 0),
            (0x11, 0, 0x40010000, 0x40000000, 0x40000000),
        ])

    def test_rejection_messages(self):
        for msg in ("fadump: Fadump header is corrupted.",
                    "rtas fadump: Dump taken by platform is incomplete (1)"):
            self.assertTrue(checks.REJECTED_RE.search(msg), msg)
        self.assertFalse(checks.REJECTED_RE.search(self.TEXT))


class SystemMap(unittest.TestCase):
    MAP = ("c000000000000000 T _stext\n"
           "c000000000000000 T _text\n"
           "c000000000001000 T crash_fadump\n"
           "c000000000001100 t local_helper\n"
           "c000000000002000 W weak_fn\n"
           "c000000000100000 T _etext\n"
           "c000000000180000 D some_data\n"
           "c000000000180000 A an_absolute\n"
           "c000000000200000 B _end\n"
           "garbage line\n")

    def symbols(self, offset=0):
        with tempfile.NamedTemporaryFile("w", suffix=".map", delete=False) as f:
            f.write(self.MAP)
        self.addCleanup(os.unlink, f.name)
        return checks.Symbols(f.name, offset)

    def test_lookup(self):
        sym = self.symbols()
        self.assertEqual(sym.lookup(0xC000000000001010), ("crash_fadump", 0x10))
        self.assertEqual(sym.lookup(0xC000000000001100), ("local_helper", 0))
        self.assertEqual(sym.lookup(0xC000000000002008), ("weak_fn", 8))
        self.assertIsNone(sym.lookup(0xC000000000100000))          # past _etext
        self.assertIsNone(sym.lookup(0xBFFFFFFFFFFFFFF0))          # before _stext
        self.assertEqual(sym.lookup(0xC000000000180010, text_only=False), ("some_data", 0x10))
        self.assertIsNone(sym.lookup(0xC000000000200000, text_only=False))  # past _end
        self.assertEqual(sym.by_name["an_absolute"], 0xC000000000180000)

    def test_relocated(self):
        sym = self.symbols(offset=0x10000)
        self.assertEqual(sym.lookup(0xC000000000011004), ("crash_fadump", 4))
        self.assertTrue(sym.in_function(0xC000000000011004, "crash_fadump"))
        self.assertFalse(sym.in_function(0xC000000000001004, "crash_fadump"))

    def test_describe(self):
        sym = self.symbols()
        self.assertEqual(sym.describe(0xC000000000001010), "0xc000000000001010 crash_fadump+0x10")
        self.assertEqual(sym.describe(0x10000100, msr=checks.MSR_PR), "0x10000100 (user mode)")
        self.assertEqual(sym.describe(0x10000100), "0x10000100 (no kernel text symbol)")


def captured_run(**cfg_fields):
    """A Run of the default case as the flow leaves it, without a VM: the
    consoles, query-fadump and FADUMP_TRIGGERED of a 4 GiB guest with
    crashkernel=1G, radix, fadump=on."""
    cfg = e2e.apply_case(config(**cfg_fields), "default")
    run = e2e.Run(cfg=cfg, workdir="/nonexistent", marker="fadumptest-00ff")
    run.guest_cpus = cfg.smp
    sec = lambda typ, src, dst, length: {  # noqa: E731
        "type": typ, "requested": True, "source": src, "destination": dst, "length": length,
        "bytes-dumped": length, "error-flags": 0}
    run.fadump_info = {"state": "dump-active", "status-flags": 0xC000,
                       "sections": [sec(1, 0, 0x40000000, 0xde0), sec(2, 0, 0x40000de0, 0),
                                    sec(0x11, 0, 0x40010000, 0x40000000)]}
    run.fadump_triggered = {"cpu-index": 1, "status-flags": 0xC000}
    run.first_console = (
        "[    0.000000] fadump: Reserved 1024MB of memory at 0x00000040000000 (System RAM: 4096MB)\n"
        "[    0.000000] radix-mmu: Page sizes from device-tree:\n"
        "[    0.000000] fadump: Initialized 0x40000000 bytes cma area at 1024MB from "
        "0x40010000 bytes of memory reserved for firmware-assisted dump\n"
        f"[    0.000000] Kernel command line: {e2e.guest_append(cfg, run.marker)}\n"
        "FADUMP-TEST: boot=first\n" + Regions.TEXT.replace("Dumped: 0xde0", "Dumped: 0x0")
        .replace("Dumped: 0x40000000", "Dumped: 0x0"))
    run.capture_console = (
        "FADUMP-TEST: boot=capture\n" + Regions.TEXT +
        "FADUMP-TEST: dmesg: [    0.000000] fadump: Reserving 3072MB of memory at "
        "0x00000040000000 for preserving crash data\n")
    return run


class ConsoleWait(unittest.TestCase):
    """VM.wait_console() on a console file written in pieces, no QEMU."""

    class Running:
        returncode = None

        def poll(self):
            return None

    def test_half_written_line_does_not_match(self):
        with tempfile.TemporaryDirectory() as d:
            vm = vmmod.VM("qemu", d, kernel="k", initrd="i", append="", firmware_dir=d)
            vm.proc = self.Running()
            with open(vm.console_path, "w") as f:
                f.write("FADUMP-TEST: vmcore-copied=3221291")
                f.flush()
                with self.assertRaises(vmmod.ConsoleTimeout):
                    vm.wait_console(r"^FADUMP-TEST: vmcore-copied=(\d+)", 0.2)
                f.write("008\nFADUMP-TEST: done\n")
                f.flush()
                m = vm.wait_console(r"^FADUMP-TEST: vmcore-copied=(\d+)", 5)
                self.assertEqual(m.group(1), "3221291008")
                vm.wait_console(r"^FADUMP-TEST: done$", 5)
            vm._console_file.close()


class PureChecks(unittest.TestCase):
    """The checks and helpers of capture_checks.py that read no core."""

    def check(self, fn, run):
        c = e2e.Check("x", "x")
        fn(run, None, c, checks.Facts())
        return c

    def test_sections_complete(self):
        c = self.check(checks.check_dump_sections_complete, captured_run())
        self.assertTrue(c.ok, c.summary)
        self.assertIn("3 sections dumped in full", c.summary)

    def test_section_not_dumped(self):
        run = captured_run()
        run.fadump_info["sections"][2]["bytes-dumped"] = 0x1000
        run.fadump_info["sections"][1]["length"] = 0x1000
        c = self.check(checks.check_dump_sections_complete, run)
        self.assertFalse(c.ok)
        self.assertIn("section 2 (type 0x11): bytes-dumped 0x1000 of 0x40000000", c.summary)
        self.assertIn("radix MMU, but the HPTE section is 0x1000 bytes", c.summary)
        self.assertIn("the capture kernel's fadump_region", c.summary)

    def test_sections_status_and_rejection(self):
        run = captured_run()
        run.fadump_info["status-flags"] = 0xE000
        run.capture_console += "rtas fadump: Dump taken by platform is incomplete (1)\n"
        c = self.check(checks.check_dump_sections_complete, run)
        self.assertFalse(c.ok)
        self.assertIn("status-flags 0xe000, expected 0xc000", c.summary)
        self.assertIn("FADUMP_TRIGGERED status-flags 0xc000 != query-fadump's", c.summary)
        self.assertIn("the capture kernel complains", c.summary)
        run.fadump_info = None
        self.assertIn("no query-fadump", self.check(checks.check_dump_sections_complete, run).summary)

    def test_guest_configuration(self):
        c = self.check(checks.check_guest_configuration, captured_run())
        self.assertTrue(c.ok, c.summary)
        self.assertEqual(c.summary, "VOF, 4 CPUs, radix MMU, fadump=on, crashkernel=1G of 4G")

    def test_guest_configuration_not_applied(self):
        run = captured_run()
        run.cfg.mmu, run.cfg.smp, run.cfg.crashkernel = "hash", 2, "2G"
        c = self.check(checks.check_guest_configuration, run)
        self.assertFalse(c.ok)
        self.assertIn("MMU messages come from ['radix'], expected hash only", c.summary)
        self.assertIn("4 online CPUs, expected 2", c.summary)
        self.assertIn("the kernel command line lacks ['crashkernel=2G', 'disable_radix']", c.summary)
        self.assertIn("boot memory registered: 0x40000000 bytes, expected crashkernel=2G", c.summary)

    def test_boot_mem_top(self):
        run = captured_run()
        self.assertEqual(checks.boot_mem_top(run)[0], 0x40000000)
        run.capture_console = ""
        self.assertEqual(checks.boot_mem_top(run), (1 << 30, "crashkernel=1G"))

    def test_cpu_state_area(self):
        run = captured_run()
        self.assertEqual(checks.cpu_state_area(run), (0x40000000, 0xde0, "query-fadump"))
        run.fadump_info = None
        self.assertEqual(checks.cpu_state_area(run), (0x40000000, 0xde0, "fadump_region"))
        run.capture_console = ""
        self.assertEqual(checks.cpu_state_area(run), (None, None, None))

    def test_single_section(self):
        info = captured_run().fadump_info
        self.assertEqual(checks.single_section(info, 2)["destination"], 0x40000de0)
        self.assertIsNone(checks.single_section(info, 0x100))
        info["sections"].append(dict(info["sections"][1]))
        self.assertIsNone(checks.single_section(info, 2))        # two: ambiguous
        self.assertIsNone(checks.single_section(None, 1))

    def test_thread_shift(self):
        with tempfile.TemporaryDirectory() as d:
            run = captured_run(guest_dir=d)
            self.assertEqual(checks.thread_shift(run), 14)       # no config
            with open(os.path.join(d, "config"), "w") as f:
                f.write("CONFIG_THREAD_SHIFT=15\n")
            self.assertEqual(checks.thread_shift(run), 15)


if __name__ == "__main__":
    unittest.main(verbosity=2)
