#!/usr/bin/python3
"""Unit tests of the e2e harness's own logic (no QEMU, no guest): the
cases and their parameters, the meson tests that run them, the guest's
command line, the register save area parser and the capture kernel's
fadump_region parser.  Exit status 0 when all pass (unittest).
"""

import os
import re
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fadump_e2e as e2e  # noqa: E402


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
            self.assertTrue(e2e.CMA_AREA_RE.search(line), line)
        self.assertFalse(e2e.CMA_AREA_RE.search("fadump: Failed to init cma area for "
                                                "firmware-assisted dump,-12"))


class RegSave(unittest.TestCase):
    def test_parse(self):
        cpus = {0: {"gpr1": 0xc000000001234560, "nip": 0x2fff0010}, 3: {"gpr13": 0xc000000000700300}}
        parsed = e2e.parse_regsave(regsave(cpus))
        self.assertEqual(sorted(parsed), [0, 3])
        self.assertEqual(parsed[0]["gpr1"], 0xc000000001234560)
        self.assertEqual(parsed[0]["nip"], 0x2fff0010)
        self.assertEqual(parsed[3]["gpr13"], 0xc000000000700300)
        self.assertEqual(parsed[3]["gpr7"], 7)
        self.assertTrue(all(r in parsed[0] for r in e2e.COMPARED_REGS))
        self.assertNotIn("dar", parsed[0])   # not a compared register

    def test_rejects(self):
        with self.assertRaisesRegex(ValueError, "REGSAVE"):
            e2e.parse_regsave(regsave({0: {}}, magic=b"GARBAGE\0"))
        with self.assertRaisesRegex(ValueError, "CPUEND|CPU lists|CPUSTRT"):
            e2e.parse_regsave(regsave({0: {}, 1: {}}, end=False)[:-64])
        data = bytearray(regsave({0: {}}))
        struct.pack_into(">I", data, 12, len(data))
        with self.assertRaisesRegex(ValueError, "beyond"):
            e2e.parse_regsave(bytes(data))


class Regions(unittest.TestCase):
    TEXT = """FADUMP-TEST: fadump-region: CPU :[0x00000040000000-0x00000040000ddf] 0xde0 bytes, Dumped: 0xde0
FADUMP-TEST: fadump-region: HPTE:[0x00000040000de0-0x00000040000ddf] 0x0 bytes, Dumped: 0x0
FADUMP-TEST: fadump-region: DUMP: Src: 0x00000000000000, Dest: 0x00000040010000, Size: 0x40000000, Dumped: 0x40000000 bytes
FADUMP-TEST: fadump-region: [0x000000fffff800-0x000000ffffffff]: cmdline append: ''
"""

    def test_parse(self):
        self.assertEqual(e2e._capture_regions(self.TEXT), [
            (1, 0, 0x40000000, 0xde0, 0xde0),
            (2, 0, 0x40000de0, 0, 0),
            (0x11, 0, 0x40010000, 0x40000000, 0x40000000),
        ])

    def test_rejection_messages(self):
        for msg in ("fadump: Fadump header is corrupted.",
                    "rtas fadump: Dump taken by platform is incomplete (1)"):
            self.assertTrue(e2e.REJECTED_RE.search(msg), msg)
        self.assertFalse(e2e.REJECTED_RE.search(self.TEXT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
