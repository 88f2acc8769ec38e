#!/usr/bin/env python3
"""bench/guest_profile.py: a sampling profiler for a guest running under QEMU, from the host.

It talks to QEMU's gdbstub (`-gdb unix:PATH,server=on,wait=off`): every period it stops the VM
(as a debugger's ^C does), reads each vCPU's RIP, and lets the VM go on. Because the VM is
stopped from outside, samples land where the vCPU really is, also in kernel code that runs with
interrupts off (all of lwIP does), which a timer-interrupt sampler inside the guest would only
see where interrupts come back on. Under TCG a stop lands on a translation-block boundary.

At the end it prints the share of samples per function, kernel (symbols from kernel.elf) and
user (symbols from the program, when it is a non-PIE ELF), and the share of idle (the kernel's
idle loop) samples. Used by bench/profile.sh; see docs/kernel.md "Profiling".

    guest_profile.py --socket PATH --kernel kernel.elf [--program ELF] [--seconds S] [--hz N]
"""
import argparse
import collections
import socket
import subprocess
import sys
import time

KERNEL_BASE = 0xFFFF800000000000


class Gdb:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + 30
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.buf = b""
        # QEMU stops the VM when a debugger attaches and may say so unasked: drop that.
        self.s.settimeout(0.5)
        try:
            while self.s.recv(65536):
                pass
        except socket.timeout:
            pass
        self.s.settimeout(20)

    def _read_packet(self):
        while True:
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    data = self.buf[start + 1:end]
                    self.buf = self.buf[end + 3:]
                    self.s.sendall(b"+")
                    return data.decode()
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdbstub closed")
            self.buf += chunk

    def command(self, data):
        checksum = sum(data.encode()) & 0xFF
        self.s.sendall(b"$%s#%02x" % (data.encode(), checksum))
        return self._read_packet()

    def interrupt(self):
        self.s.sendall(b"\x03")
        return self._read_packet()  # the stop reply

    def cont(self):
        checksum = ord("c")
        self.s.sendall(b"$c#%02x" % checksum)


def threads(gdb):
    ids = []
    reply = gdb.command("qfThreadInfo")
    while reply.startswith("m"):
        ids += [t for t in reply[1:].split(",") if t]
        reply = gdb.command("qsThreadInfo")
    return ids


def rip_of(gdb, thread):
    gdb.command("Hg" + thread)
    # All registers; rip is the 17th 8-byte field (after rax..r15) of the x86-64 layout.
    reply = gdb.command("g")
    if len(reply) < 17 * 16:
        return None
    return int.from_bytes(bytes.fromhex(reply[16 * 16:17 * 16]), "little")


def symbolize(elf, addresses):
    """address -> the function it is in (the outermost frame when code was inlined), through
    one addr2line process for all addresses."""
    if not elf or not addresses:
        return {}
    addresses = sorted(addresses)
    out = subprocess.run(["addr2line", "-f", "-C", "-i", "-p", "-e", elf] +
                         ["%x" % a for a in addresses], capture_output=True, text=True).stdout
    names = {}
    lines = out.splitlines()
    i = 0
    for a in addresses:
        frames = [lines[i]] if i < len(lines) else ["??"]
        i += 1
        while i < len(lines) and lines[i].lstrip().startswith("(inlined by)"):
            frames.append(lines[i].strip()[len("(inlined by) "):])
            i += 1
        name = frames[-1].split(" at ")[0]
        names[a] = name if not name.startswith("??") else "?? %x" % a
    return names


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--program")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--hz", type=float, default=100)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--lines", action="store_true", help="also the top kernel addresses, with lines")
    args = p.parse_args()

    gdb = Gdb(args.socket)
    gdb.command("?")  # the VM is stopped now: find the vCPUs, then let it run
    ids = threads(gdb)
    gdb.cont()
    samples = collections.Counter()
    rounds = 0
    period = 1.0 / args.hz
    end = time.time() + args.seconds
    while time.time() < end:
        time.sleep(period)
        gdb.interrupt()
        for t in ids:
            rip = rip_of(gdb, t)
            if rip is not None:
                samples[rip] += 1
        gdb.cont()
        rounds += 1
    gdb.interrupt()
    gdb.command("D")  # detach: the VM runs on

    kernel = {a for a in samples if a >= KERNEL_BASE}
    user = {a for a in samples if a < KERNEL_BASE}
    names = symbolize(args.kernel, kernel)
    names.update({a: "user: " + n for a, n in symbolize(args.program, user).items()})
    by_function = collections.Counter()
    for a, n in samples.items():
        by_function[names.get(a, "user: ?? (not in the program)")] += n
    total = sum(samples.values())
    kernel_total = sum(samples[a] for a in kernel)
    idle = sum(n for f, n in by_function.items() if f.startswith("idle_loop"))
    print("profile: %d rounds x %d vCPUs = %d samples in %.0f s; kernel %.1f%% (idle %.1f%%), "
          "user %.1f%%" % (rounds, len(ids), total, args.seconds, 100.0 * kernel_total / total,
                           100.0 * idle / total, 100.0 * (total - kernel_total) / total))
    for f, n in by_function.most_common(args.top):
        print("%6.2f%%  %6d  %s" % (100.0 * n / total, n, f))
    if args.lines:
        top = [a for a, _ in collections.Counter({a: samples[a] for a in kernel}).most_common(args.top)]
        out = subprocess.run(["addr2line", "-f", "-C", "-i", "-p", "-e", args.kernel] +
                             ["%x" % a for a in top], capture_output=True, text=True).stdout
        print("top kernel addresses (innermost inlined frame first):")
        lines = out.splitlines()
        i = 0
        for a in top:
            # addr2line -i -p prints one line per address plus " (inlined by) ..." lines.
            block = [lines[i]] if i < len(lines) else ["??"]
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("(inlined by)"):
                block.append(lines[i].strip())
                i += 1
            print("%6.2f%%  %x  %s" % (100.0 * samples[a] / total, a, " <- ".join(block)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
