#!/usr/bin/env bash
# bench/boot.sh [BUILD_DIR] [RUNS]: wall time from start to exit of a "hello" guest, RUNS
# (default 10, at most 100) timed runs each after one warm-up, under TCG, same QEMU machine
# options for every row (microvm) except the two "q35+qboot" rows (ops run --machine q35).
# Prints a Markdown block (machine, table, target) on stdout.
# Not a test: nothing is asserted, only a sanity check that each guest printed its line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

build=$(cd "${1:-build}" && pwd)
runs=${2:-10}
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 2; }
ops="$build/ops"
hello="$build/apps/hello-static"
for f in "$ops" "$build/kernel.elf" "$hello"; do
    [ -e "$f" ] || { echo "bench: $f not found (build first)" >&2; exit 1; }
done

need qemu-system-x86_64 qemu-system-x86
need hyperfine hyperfine
need cpio cpio
need xz xz-utils
need gcc gcc
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkg linux-image-amd64
vmlinuz=$(ls /boot/vmlinuz-* | sort -V | tail -1)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-bench-boot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OPS_ACCEL=tcg OPS_HOME="$tmp/home"
mkdir -p "$OPS_HOME"

# The machine options ops uses (ops run -v prints its QEMU argv). Every row below uses them.
machine="-machine microvm,x-option-roms=off,rtc=off,acpi=off -nodefaults -no-user-config -nographic -no-reboot -accel tcg -cpu max -m 2048M -smp 1"
console="-chardev stdio,id=con,signal=off -serial chardev:con"
debugexit="-device isa-debug-exit,iobase=0xf4,iosize=0x04"

# --- (c) empty PVH kernel: print one line on COM1, exit through isa-debug-exit.
gcc -m32 -c "$here/empty_kernel/entry.S" -o "$tmp/entry.o"
ld -m elf_i386 -T "$here/empty_kernel/link.ld" -o "$tmp/empty.elf" "$tmp/entry.o"
cmd_empty="qemu-system-x86_64 $machine -kernel $tmp/empty.elf $console $debugexit"
# The same on the q35 PCI machine with the qboot firmware, as `ops run --machine q35` starts it.
machine_q35="-machine q35,sata=off,smbus=off,vmport=off,i8042=off,hpet=off -bios qboot.rom -nodefaults -no-user-config -nographic -no-reboot -accel tcg -cpu max -m 2048M -smp 1"
cmd_empty_q35="qemu-system-x86_64 $machine_q35 -kernel $tmp/empty.elf $console $debugexit"

# --- (a) ops: build once, capture the QEMU argv ops uses, then time.
"$ops" build "$hello" >/dev/null
argv=$("$ops" run -s -v "$hello" 2>&1 | grep -m1 '^qemu-system-x86_64 ')
# ops's exit channel is a file in its private run dir (deleted when ops exits): point it at ours.
cmd_qemu_ops=$(printf '%s\n' "$argv" | sed -E "s#path=[^ ]*/exit#path=$tmp/exit#")
cmd_run_s="$ops run -s $hello"
cmd_run_s_q35="$ops run -s --machine q35 $hello"
cmd_run="$ops run $hello"
cmd_build="$ops build $hello"

# --- (b) Linux: the same static hello run by a static /init that powers off via isa-debug-exit.
mkdir -p "$tmp/initramfs"
gcc -static -O2 -o "$tmp/initramfs/init" "$here/linux_init/init.c"
cp "$hello" "$tmp/initramfs/hello"
(cd "$tmp/initramfs" && printf 'init\nhello\n' | cpio -o -H newc --quiet) >"$tmp/initramfs.cpio"
# vmlinux for the PVH entry: the xz payload inside the bzImage.
off=$(grep -abo $'\xfd7zXZ' "$vmlinuz" | head -1 | cut -d: -f1 || true)
have_vmlinux=0
if [ -n "$off" ]; then
    # xz stops at the end of its stream; the trailing bzImage bytes make tail/xz exit non-zero.
    { tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream >"$tmp/vmlinux" 2>/dev/null; } || true
    if [ "$(head -c 4 "$tmp/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]; then have_vmlinux=1; fi
fi
append="console=ttyS0 quiet panic=-1"
cmd_linux_bz="qemu-system-x86_64 $machine -kernel $vmlinuz -initrd $tmp/initramfs.cpio -append '$append' $console $debugexit"
cmd_linux_pvh="qemu-system-x86_64 $machine -kernel $tmp/vmlinux -initrd $tmp/initramfs.cpio -append '$append' $console $debugexit"

# Sanity: each guest prints its hello line (else the timing would be meaningless).
check() {
    local name=$1 want=$2 cmd=$3 out
    out=$(timeout 120 bash -c "$cmd" 2>&1 </dev/null || true)
    if ! grep -q "$want" <<<"$out"; then
        echo "bench: '$name' did not print '$want'; output:" >&2
        tail -20 <<<"$out" >&2
        exit 1
    fi
}
check "empty kernel" "hello from the empty kernel" "$cmd_empty"
check "qemu + ops kernel" "hello from" "$cmd_qemu_ops"
check "ops run -s" "hello from" "$cmd_run_s"
check "empty kernel on q35" "hello from the empty kernel" "$cmd_empty_q35"
check "ops run -s --machine q35" "hello from" "$cmd_run_s_q35"
check "linux bzImage" "hello from" "$cmd_linux_bz"
if [ $have_vmlinux = 1 ]; then check "linux vmlinux" "hello from" "$cmd_linux_pvh"; fi

csv="$tmp/times.csv"
: >"$csv"
time_runs "$runs" "$csv" "empty PVH kernel (QEMU direct)" "$cmd_empty"
time_runs "$runs" "$csv" "ops kernel + image (QEMU direct with ops's argv)" "$cmd_qemu_ops"
time_runs "$runs" "$csv" "ops run -s (boot only)" "$cmd_run_s"
time_runs "$runs" "$csv" "ops run (build+boot)" "$cmd_run"
time_runs "$runs" "$csv" "ops build (no boot)" "$cmd_build"
time_runs "$runs" "$csv" "q35+qboot: empty PVH kernel (QEMU direct)" "$cmd_empty_q35"
time_runs "$runs" "$csv" "q35+qboot: ops run -s --machine q35 (boot only)" "$cmd_run_s_q35"
time_runs "$runs" "$csv" "Linux $(basename "$vmlinuz") bzImage + initramfs" "$cmd_linux_bz"
if [ $have_vmlinux = 1 ]; then time_runs "$runs" "$csv" "Linux vmlinux (PVH entry) + initramfs" "$cmd_linux_pvh"; fi

# CSV: command,mean,stddev,median,user,system,min,max (seconds)
empty_med=$(awk -F, 'NR == 1 { print $4 }' "$csv")
echo "### Boot: start to exit ($runs runs each, 1 warm-up)"
echo
machine_header
echo
echo "| Variant | median ms | min ms | max ms | x empty kernel (median) | CPU ms (user+sys, mean) |"
echo "|---|---:|---:|---:|---:|---:|"
awk -F, -v e="$empty_med" '{ printf "| %s | %.1f | %.1f | %.1f | %.2f | %.1f |\n", $1, $4*1000, $7*1000, $8*1000, $4/e, ($5+$6)*1000 }' "$csv"
echo
run_med=$(awk -F, '$1 == "ops run (build+boot)" { print $4 }' "$csv")
runs_med=$(awk -F, '$1 == "ops run -s (boot only)" { print $4 }' "$csv")
awk -v r="$run_med" -v s="$runs_med" -v e="$empty_med" 'BEGIN {
    printf "Target \"ops run within 3x of the empty kernel\": ops run (build+boot) %.2fx: %s; ops run -s (boot only) %.2fx: %s.\n",
        r/e, (r <= 3*e ? "met" : "NOT met"), s/e, (s <= 3*e ? "met" : "NOT met") }'
echo
echo "Commands (paths shortened: \$B = build dir, \$T = temp dir):"
echo
echo '```'
for c in "$cmd_empty" "$cmd_qemu_ops" "OPS_ACCEL=tcg OPS_HOME=\$T/home $cmd_run_s" "OPS_ACCEL=tcg OPS_HOME=\$T/home $cmd_run" \
         "OPS_ACCEL=tcg OPS_HOME=\$T/home $cmd_build" "$cmd_empty_q35" "OPS_ACCEL=tcg OPS_HOME=\$T/home $cmd_run_s_q35" \
         "$cmd_linux_bz" "$cmd_linux_pvh"; do
    printf '%s\n' "$c" | sed -e "s#$tmp#\$T#g" -e "s#$build#\$B#g"
done
echo '```'
