"""Minimal ELF64 core-file reader for ppc64 dumps (stdlib only).

Reads both QEMU ``dump-guest-memory`` ELF output and a fadump capture
kernel's ``/proc/vmcore``:

* either byte order, taken from ``EI_DATA`` (never the host's);
* program headers found through ``e_phoff`` (QEMU >= 7.2 places section
  headers right after the ELF header, older QEMU and Linux place program
  headers there), with ``PN_XNUM`` resolved through section header 0;
* notes of every PT_NOTE segment, ``NT_PRSTATUS`` decoded into the 48
  ``pr_reg`` words of ppc64 ``struct pt_regs`` (descriptor offset 112);
* guest-physical memory through the PT_LOADs (``p_paddr`` -> ``p_offset``),
  served from an ``mmap`` of the file, so multi-GiB cores cost no memory.
"""

import mmap
import os
import struct
from collections import namedtuple

ELFCLASS64 = 2
ELFDATA2LSB = 1
ELFDATA2MSB = 2
ET_CORE = 4
EM_PPC64 = 21

PT_NULL = 0
PT_LOAD = 1
PT_NOTE = 4

PN_XNUM = 0xFFFF
SHN_XINDEX = 0xFFFF

NT_PRSTATUS = 1
NT_PRFPREG = 2
NT_PPC_VMX = 0x100
NT_PPC_SPE = 0x101
NT_PPC_VSX = 0x102
NT_VMCOREINFO = 0  # name "VMCOREINFO", type 0

EHDR_SIZE = 64
PHDR_SIZE = 56
SHDR_SIZE = 64
NHDR_SIZE = 12

# ppc64 struct elf_prstatus: pr_pid at 32, pr_reg (48 x u64) at 112.
PRSTATUS_PID_OFFSET = 32
PRSTATUS_REG_OFFSET = 112
PRSTATUS_NREGS = 48
PRSTATUS_DESC_SIZE = 504

# Names of the 48 pr_reg words (ppc64 struct pt_regs / user_pt_regs).
REG_NAMES = ([f"gpr{i}" for i in range(32)] +
             ["nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr",
              "softe", "trap", "dar", "dsisr", "result",
              "r44", "r45", "r46", "r47"])
REG_INDEX = {name: i for i, name in enumerate(REG_NAMES)}

NOTE_TYPE_NAMES = {
    ("CORE", NT_PRSTATUS): "NT_PRSTATUS",
    ("CORE", NT_PRFPREG): "NT_PRFPREG",
    ("CORE", NT_PPC_VMX): "NT_PPC_VMX",
    ("CORE", NT_PPC_SPE): "NT_PPC_SPE",
    ("CORE", NT_PPC_VSX): "NT_PPC_VSX",
    ("VMCOREINFO", NT_VMCOREINFO): "VMCOREINFO",
}


class ElfCoreError(Exception):
    """The file is not an ELF64 core this reader understands."""


Phdr = namedtuple("Phdr", "index type flags offset vaddr paddr filesz memsz align")


class Note(namedtuple("Note", "name type desc offset")):
    """One ELF note; ``offset`` is the file offset of its header."""

    @property
    def type_name(self):
        return NOTE_TYPE_NAMES.get((self.name, self.type),
                                   f"{self.name}/0x{self.type:x}")


class PrStatus(namedtuple("PrStatus", "pid regs note")):
    """A decoded NT_PRSTATUS: ``regs`` is the list of 48 pr_reg words."""

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.regs[REG_INDEX[key]]
        return super().__getitem__(key)

    @property
    def nip(self):
        return self.regs[REG_INDEX["nip"]]

    @property
    def link(self):
        return self.regs[REG_INDEX["link"]]


def _align(value, alignment):
    return (value + alignment - 1) & ~(alignment - 1)


class ElfCore:
    """An ELF64 core file opened read-only and mapped into memory."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._file = open(self.path, "rb")
        try:
            self.size = os.fstat(self._file.fileno()).st_size
            if self.size < EHDR_SIZE:
                raise ElfCoreError(f"{self.path}: {self.size} bytes, too short for an ELF header")
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._parse()
        except BaseException:
            self.close()
            raise

    # -- lifetime ---------------------------------------------------------
    def close(self):
        m = getattr(self, "_map", None)
        if m is not None:
            m.close()
            self._map = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- header parsing ---------------------------------------------------
    def _u(self, fmt, offset):
        size = struct.calcsize(fmt)
        if offset < 0 or size > self.size - offset:
            raise ElfCoreError(f"{self.path}: read of {size} bytes at 0x{offset:x} "
                               f"is past the end of the file (0x{self.size:x})")
        return struct.unpack_from(self.endian + fmt, self._map, offset)

    def _parse(self):
        ident = self._map[:16]
        if ident[:4] != b"\x7fELF":
            raise ElfCoreError(f"{self.path}: no ELF magic")
        if ident[4] != ELFCLASS64:
            raise ElfCoreError(f"{self.path}: EI_CLASS {ident[4]} is not ELFCLASS64")
        if ident[5] == ELFDATA2LSB:
            self.endian = "<"
        elif ident[5] == ELFDATA2MSB:
            self.endian = ">"
        else:
            raise ElfCoreError(f"{self.path}: bad EI_DATA {ident[5]}")
        (self.e_type, self.e_machine, self.e_version, self.e_entry,
         self.e_phoff, self.e_shoff, self.e_flags, self.e_ehsize,
         self.e_phentsize, self.e_phnum, self.e_shentsize, self.e_shnum,
         self.e_shstrndx) = self._u("HHIQQQIHHHHHH", 16)

        # Section header 0 carries the real counts when they overflow.
        self.shdrs = []
        sh0 = None
        if self.e_shoff:
            if self.e_shentsize != SHDR_SIZE:
                raise ElfCoreError(f"{self.path}: e_shentsize {self.e_shentsize} != {SHDR_SIZE}")
            sh0 = self._shdr(0)
        self.phnum = self.e_phnum
        if self.e_phnum == PN_XNUM:
            if sh0 is None:
                raise ElfCoreError(f"{self.path}: e_phnum is PN_XNUM but there is no section header 0")
            self.phnum = sh0["info"]
        self.shnum = self.e_shnum
        if self.e_shoff and self.e_shnum == 0:
            self.shnum = sh0["size"]
        if self.e_shoff:
            self.shdrs = [self._shdr(i) for i in range(self.shnum)]

        if self.phnum and self.e_phentsize != PHDR_SIZE:
            raise ElfCoreError(f"{self.path}: e_phentsize {self.e_phentsize} != {PHDR_SIZE}")
        if self.phnum > (self.size - self.e_phoff) // PHDR_SIZE:
            raise ElfCoreError(f"{self.path}: {self.phnum} program headers at 0x{self.e_phoff:x} "
                               f"do not fit in the file")
        self.phdrs = []
        for i in range(self.phnum):
            fields = self._u("IIQQQQQQ", self.e_phoff + i * PHDR_SIZE)
            self.phdrs.append(Phdr(i, *fields))
        self.loads = [p for p in self.phdrs if p.type == PT_LOAD]
        self._loads_by_paddr = sorted(self.loads, key=lambda p: p.paddr)

    def _shdr(self, i):
        off = self.e_shoff + i * SHDR_SIZE
        (name, typ, flags, addr, offset, size, link, info, align,
         entsize) = self._u("IIQQQQIIQQ", off)
        return dict(name=name, type=typ, flags=flags, addr=addr, offset=offset,
                    size=size, link=link, info=info, align=align, entsize=entsize)

    # -- notes ------------------------------------------------------------
    def notes(self):
        """Yield every note of every PT_NOTE segment, in file order."""
        for ph in self.phdrs:
            if ph.type != PT_NOTE:
                continue
            if ph.filesz > self.size or ph.offset > self.size - ph.filesz:
                raise ElfCoreError(f"{self.path}: PT_NOTE #{ph.index} [0x{ph.offset:x}, +0x{ph.filesz:x}) "
                                   f"is past the end of the file (0x{self.size:x})")
            # Linux and QEMU pad names and descriptors to 4 bytes; honour
            # an explicit 8-byte alignment like readelf does.
            align = 8 if ph.align == 8 else 4
            pos, end = ph.offset, ph.offset + ph.filesz
            while end - pos >= NHDR_SIZE:
                namesz, descsz, ntype = self._u("III", pos)
                if namesz == 0 and descsz == 0 and ntype == 0:
                    break  # terminator (e.g. fadump's final_note)
                name_off = pos + NHDR_SIZE
                desc_off = name_off + _align(namesz, align)
                nxt = desc_off + _align(descsz, align)
                if nxt > end:
                    raise ElfCoreError(f"{self.path}: note at 0x{pos:x} (namesz {namesz}, descsz {descsz}) "
                                       f"overruns PT_NOTE #{ph.index} ending at 0x{end:x}")
                name = bytes(self._map[name_off:name_off + namesz]).rstrip(b"\0")
                desc = bytes(self._map[desc_off:desc_off + descsz])
                yield Note(name.decode("ascii", "replace"), ntype, desc, pos)
                pos = nxt

    def prstatus(self):
        """All NT_PRSTATUS notes, decoded, in note order."""
        result = []
        for note in self.notes():
            if note.name != "CORE" or note.type != NT_PRSTATUS:
                continue
            need = PRSTATUS_REG_OFFSET + 8 * PRSTATUS_NREGS
            if len(note.desc) < need:
                raise ElfCoreError(f"{self.path}: NT_PRSTATUS at 0x{note.offset:x} has "
                                   f"{len(note.desc)} bytes, need {need}")
            (pid,) = struct.unpack_from(self.endian + "i", note.desc, PRSTATUS_PID_OFFSET)
            regs = list(struct.unpack_from(f"{self.endian}{PRSTATUS_NREGS}Q", note.desc,
                                           PRSTATUS_REG_OFFSET))
            result.append(PrStatus(pid, regs, note))
        return result

    def vmcoreinfo(self):
        """The VMCOREINFO note as a dict (None if there is none)."""
        for note in self.notes():
            if note.name == "VMCOREINFO":
                info = {}
                text = note.desc.split(b"\0", 1)[0].decode("ascii", "replace")
                for line in text.splitlines():
                    key, sep, value = line.partition("=")
                    if sep:
                        info[key] = value
                return info
        return None

    # -- memory -----------------------------------------------------------
    def load_for(self, paddr):
        """The PT_LOAD whose [p_paddr, p_paddr + p_memsz) holds paddr, or None."""
        for ph in self._loads_by_paddr:
            if ph.paddr <= paddr < ph.paddr + ph.memsz:
                return ph
        return None

    def load_data(self, ph):
        """A memoryview of a PT_LOAD's file data (p_filesz bytes)."""
        if ph.filesz > self.size or ph.offset > self.size - ph.filesz:
            raise ElfCoreError(f"{self.path}: PT_LOAD #{ph.index} data [0x{ph.offset:x}, +0x{ph.filesz:x}) "
                               f"is past the end of the file (0x{self.size:x}); truncated core?")
        return memoryview(self._map)[ph.offset:ph.offset + ph.filesz]

    def read_phys(self, paddr, size):
        """Read guest-physical [paddr, paddr + size) as bytes.

        Bytes inside a PT_LOAD's p_memsz but past its p_filesz read as
        zero.  Raises ElfCoreError for addresses no PT_LOAD covers.
        """
        out = bytearray()
        while size > 0:
            ph = self.load_for(paddr)
            if ph is None:
                raise ElfCoreError(f"{self.path}: physical address 0x{paddr:x} is in no PT_LOAD")
            rel = paddr - ph.paddr
            chunk = min(size, ph.memsz - rel)
            infile = max(0, min(chunk, ph.filesz - rel))
            if infile:
                out += self.load_data(ph)[rel:rel + infile]
            out += bytes(chunk - infile)
            paddr += chunk
            size -= chunk
        return bytes(out)

    def phys_view(self, paddr, size):
        """A zero-copy view of [paddr, paddr + size) if one PT_LOAD's file
        data holds it entirely, else None."""
        ph = self.load_for(paddr)
        if ph is None:
            return None
        rel = paddr - ph.paddr
        if size > ph.filesz - rel:
            return None
        return self.load_data(ph)[rel:rel + size]

    def find(self, needle, chunk=64 << 20):
        """Yield every file offset where ``needle`` occurs (chunked scan)."""
        if not needle:
            return
        overlap = len(needle) - 1
        start = 0
        while start < self.size:
            end = min(self.size, start + chunk + overlap)
            pos = self._map.find(needle, start, end)
            while pos != -1 and pos < start + chunk:
                yield pos
                pos = self._map.find(needle, pos + 1, end)
            start += chunk

    def offset_to_paddr(self, offset):
        """Map a file offset inside PT_LOAD file data to (phdr, paddr), else (None, None)."""
        for ph in self.loads:
            if ph.offset <= offset < ph.offset + ph.filesz:
                return ph, ph.paddr + (offset - ph.offset)
        return None, None
