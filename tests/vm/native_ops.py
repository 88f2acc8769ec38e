#!/usr/bin/env python3
# native_ops.py: a stand-in for `ops run` that runs the guest program natively on the host, so the
# VM tests' harness and expected output can be checked without the kernel:
#   OPS_VM_TEST_OPS=tests/vm/native_ops.py build/tests/vm/vm_tests
# It mimics only what the tests use: -a, -e, -c (Args, Env, Files), --trace (ignored) and the
# bad-input checks. Files are not copied anywhere: an argument "/<entry>" is rewritten to the
# host path of that Files entry.
import json
import os
import struct
import sys


def fail(message):
    print(f"ops: error: {message}", file=sys.stderr)
    sys.exit(1)


def check_elf(path):
    try:
        with open(path, "rb") as f:
            data = f.read(65536)
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if data[:4] != b"\x7fELF":
        fail(f"{path}: not an ELF file (bad magic)")
    if data[4] == 1:
        fail(f"{path}: 32-bit ELF; only 64-bit x86-64 programs are supported")
    machine = struct.unpack_from("<H", data, 18)[0]
    if machine != 62:
        names = {183: "aarch64", 3: "i386"}
        fail(f"{path}: not an x86-64 ELF: machine is {names.get(machine, 'unknown')}")
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    for i in range(phnum):
        if struct.unpack_from("<I", data, phoff + 56 * i)[0] == 3:
            fail(f"{path}: dynamic programs are not supported yet")


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] != "run":
        fail("only `run` is mimicked")
    program, args, env, config = None, None, {}, {}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("-a", "--args"):
            args = (args or []) + [argv[i + 1]]
            i += 2
        elif a in ("-e", "--envs"):
            k, _, v = argv[i + 1].partition("=")
            env[k] = v
            i += 2
        elif a in ("-c", "--config"):
            with open(argv[i + 1]) as f:
                config = json.load(f)
            i += 2
        elif a == "--trace":
            i += 1
        else:
            program = a
            i += 1
    if program is None:
        fail("no program given")
    check_elf(program)
    files = config.get("Files", [])
    for entry in files:
        if not os.path.exists(entry):
            fail(f"Files entry {entry}: no such file")
    if args is None:
        args = config.get("Args", [])
    args = [os.path.abspath(a[1:]) if a[1:] in files else a for a in args]
    env = {**config.get("Env", {}), **env}
    os.execve(program, [program] + args, env)


main()
