#!/usr/bin/env bash
# bench/fileio.sh [BUILD_DIR] [RUNS]: the file benchmarks of the "dynamic executables and a
# writable filesystem" issue.
#   1. `ops build` of Debian's python3 with its standard library (config Dirs), RUNS timed runs
#      after a warm-up, and the image's apparent and allocated size next to the files it holds.
#   2. File throughput (bench/programs/fileio.c, the same static binary in both guests): cold
#      sequential and random reads of files present at boot, sequential and random writes with
#      fsync, a warm sequential read; in ops's VM (`ops run`, files in the image's root TFS) and
#      in a Linux guest (same QEMU machine, memory, vCPU count and virtio-blk drive options, an
#      ext4 disk made by mkfs.ext4 -d holding the same files). RUNS (default 3, 1..5) rounds,
#      interleaved, each on a fresh copy of its disk; medians.
# Prints a Markdown block on stdout and puts it into docs/benchmarks.md as the section "Files"
# (replacing an earlier one; BENCH_NO_DOC=1 leaves the file alone).
# Not a test: nothing is asserted; a guest that did not finish is reported, not fatal.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/common.sh"

build_arg=${1:-build}
runs=${2:-3}
[ "$runs" -ge 1 ] && [ "$runs" -le 5 ] || { echo "bench: RUNS must be 1..5" >&2; exit 2; }
build=$(cd "$build_arg" && pwd)
for f in "$build/ops" "$build/kernel.elf"; do
    [ -f "$f" ] || { echo "bench: $f not found (build first)" >&2; exit 1; }
done
need hyperfine hyperfine
need gcc gcc
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
need cpio cpio
python=/usr/bin/python3.11
pylib=/usr/lib/python3.11
[ -x "$python" ] || need_pkg python3.11
kver=$(basename "$(linux_vmlinuz)" | sed 's/^vmlinuz-//')
vmlinuz=$(linux_vmlinuz)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-bench-fileio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OPS_ACCEL=tcg OPS_HOME="$tmp/home"
mkdir -p "$OPS_HOME" "$tmp/bin" "$tmp/out" "$tmp/data"
# Private copies: a concurrent rebuild of the build dir cannot swap them mid-run.
cp "$build/ops" "$build/kernel.elf" "$tmp/bin/"
ops="$tmp/bin/ops"
kernel_built=$(date -u -r "$build/kernel.elf" '+%Y-%m-%d %H:%M UTC')

# --- 1. ops build of python3 ---------------------------------------------------------------
echo '{"Dirs": ["'"$pylib"'"]}' >"$tmp/python.json"
csv="$tmp/build.csv"
: >"$csv"
time_runs "$runs" "$csv" "ops build python3.11 (Dirs $pylib)" "$ops build $python -c $tmp/python.json -i pybench"
pyimg="$OPS_HOME/.ops/images/pybench"
[ -f "$pyimg" ] || { echo "bench: no image at $pyimg" >&2; exit 1; }
py_apparent=$(stat -c %s "$pyimg")
py_allocated=$(($(stat -c %b "$pyimg") * $(stat -c %B "$pyimg")))
py_files=$(du -sb --apparent-size "$pylib" | cut -f1)
py_count=$(find "$pylib" -type f | wc -l)
# The program and the libraries ops found for it (ldd's list; ops reads the ELF files itself).
py_libs=$(for f in "$python" $(ldd "$python" | awk '/=>/ { print $3 } /^\s*\/lib/ { print $1 }'); do stat -L -c %s "$f"; done | awk '{ s += $1 } END { print s }')

# --- 2. file throughput -------------------------------------------------------------------
gcc -static -O2 -o "$tmp/fileio" "$here/programs/fileio.c"
head -c $((64 * 1048576)) /dev/urandom >"$tmp/data/seq.bin"
head -c $((64 * 1048576)) /dev/urandom >"$tmp/data/rand.bin"
disk_mib=512
# ops: the program plus the two files in the image's root; room for the writes.
cat >"$tmp/data/config.json" <<JSON
{"Files": ["seq.bin", "rand.bin"], "BaseVolumeSz": "${disk_mib}m"}
JSON

# Linux: an ext4 disk holding the same two files, mounted by net_init.c (DISK_MOUNT) before it
# starts the program in /mnt; the virtio and ext4 modules Debian builds as modules.
mkdir -p "$tmp/ext4root"
cp "$tmp/data/seq.bin" "$tmp/data/rand.bin" "$tmp/ext4root/"
truncate -s "${disk_mib}M" "$tmp/linux.ext4"
mkfs.ext4 -q -F -d "$tmp/ext4root" "$tmp/linux.ext4"
if linux_vmlinux "$vmlinuz" "$tmp/vmlinux"; then linux_kernel=$tmp/vmlinux; linux_desc="vmlinux (PVH entry) from $(basename "$vmlinuz")"
else linux_kernel=$vmlinuz; linux_desc="bzImage $(basename "$vmlinuz")"; fi
ir="$tmp/initramfs"
mkdir -p "$ir"
gcc -static -O2 -o "$ir/init" "$here/linux_init/net_init.c"
cp "$tmp/fileio" "$ir/hello"
modules="virtio_ring virtio virtio_mmio virtio_blk crc16 mbcache crc32c_generic jbd2 ext4"
pack_modules "$ir" "$kver" $modules
(cd "$ir" && find . -mindepth 1 | sed 's#^\./##' | cpio -o -H newc --quiet) >"$ir.cpio"

host_tsc_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
smp=1
mem=2048M
# As in bench/http.sh: Debian's kernel finds virtio-mmio devices only through ACPI, and with
# ACPI it must be told the TSC rate. The drive is attached exactly as ops attaches its image.
linux_machine="-machine microvm,x-option-roms=off,rtc=off,acpi=on -nodefaults -no-user-config -nographic -no-reboot -accel tcg -cpu max -m $mem -smp $smp"
drive_opts="format=raw,if=none,id=hd0"
linux_drive="-drive file=$tmp/run.ext4,$drive_opts -global virtio-mmio.force-legacy=false -device virtio-blk-device,drive=hd0"
console="-chardev stdio,id=con,signal=off -serial chardev:con"
debugexit="-device isa-debug-exit,iobase=0xf4,iosize=0x04"
append="console=ttyS0 quiet panic=-1 tsc_early_khz=$host_tsc_khz tsc=reliable DISK_MOUNT=/dev/vda"

guests="ops linux"
guest_cmd() {
    case $1 in
    ops) echo "cd $tmp/data && $ops run -s --smp $smp -c config.json $tmp/fileio";;
    linux) echo "qemu-system-x86_64 $linux_machine -kernel $linux_kernel -initrd $ir.cpio -append '$append' $linux_drive $console $debugexit";;
    esac
}
for r in $(seq 1 "$runs"); do # interleaved so that load changes hit both guests alike
    for g in $guests; do
        f="$tmp/out/$g.$r"
        case $g in # a fresh disk for every run
        ops) (cd "$tmp/data" && "$ops" build -c config.json "$tmp/fileio" >/dev/null) ;;
        linux) cp --sparse=always "$tmp/linux.ext4" "$tmp/run.ext4" ;;
        esac
        timeout 900 bash -c "$(guest_cmd "$g")" </dev/null >"$f" 2>&1 || true
        tr -d '\r' <"$f" >"$f.clean" && mv "$f.clean" "$f"
        grep -q '^fileio done' "$f" || { echo "bench: $g run $r did not finish; last lines:" >&2; tail -5 "$f" >&2; }
        echo "bench: $g run $r: $(grep -E '_(mib_s|iops) ' "$f" | tr '\n' ' ')" >&2
    done
done

# mstat GUEST METRIC: "median min max n" over the runs that printed METRIC.
mstat() {
    awk -v m="$2" '$1 == m { print $2 }' "$tmp"/out/"$1".* | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - - 0"; exit }
             med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             printf "%.1f %.1f %.1f %d\n", med, v[1], v[NR], NR }'
}
med() { mstat "$@" | cut -d" " -f1; }
MiB() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

block="$tmp/block.md"
{
    echo "## Files"
    echo
    echo "Command: \`bench/fileio.sh $build_arg $runs\`."
    echo
    machine_header
    echo "- ops binaries: \`${build#$repo/}/ops\` and \`${build#$repo/}/kernel.elf\` (kernel.elf built $kernel_built), copied to a private directory before the runs"
    echo
    echo "### ops build of python3 with its standard library"
    echo
    echo "\`ops build $python -c python.json\` with \`{\"Dirs\": [\"$pylib\"]}\` ($py_count files); $runs runs after a warm-up."
    echo
    echo "| Command | median ms | min ms | max ms | CPU ms (user+sys, mean) |"
    echo "|---|---:|---:|---:|---:|"
    awk -F, '{ printf "| `%s` | %.1f | %.1f | %.1f | %.1f |\n", $1, $4*1000, $7*1000, $8*1000, ($5+$6)*1000 }' "$csv"
    echo
    echo "| | MiB |"
    echo "|---|---:|"
    echo "| $pylib (apparent size of its files) | $(MiB "$py_files") |"
    echo "| python3.11 and the libraries ldd lists | $(MiB "$py_libs") |"
    echo "| image, apparent size | $(MiB "$py_apparent") |"
    echo "| image, allocated on the host (du) | $(MiB "$py_allocated") |"
    echo
    echo "### File throughput"
    echo
    echo "Program: \`bench/programs/fileio.c\` (\`gcc -static -O2\`), the same binary in both guests, in a"
    echo "directory holding two 64 MiB files of random bytes present at boot (\`seq.bin\`, \`rand.bin\`)."
    echo "Phases: cold sequential read of seq.bin in 1 MiB reads; 4096 cold random 4 KiB preads of"
    echo "rand.bin; a new 64 MiB file in 1 MiB writes then fsync; 4096 random 4 KiB pwrites into it"
    echo "then fsync; a warm sequential read of it. Each phase is bounded to 60 s. --smp $smp, -m $mem,"
    echo "$runs runs per guest, interleaved, each on a fresh copy of its disk; medians, min..max in brackets."
    echo
    echo "- **ops**: \`ops run -s -c config.json fileio\` with \`Files\` = the two files and"
    echo "  \`BaseVolumeSz\` = ${disk_mib}m (the image rebuilt before every run); root TFS on virtio-blk."
    echo "- **Linux**: $linux_desc, \`/init\` = \`bench/linux_init/net_init.c\` loading $(echo "$modules" | tr ' ' ',') and"
    echo "  mounting a ${disk_mib} MiB ext4 disk (\`mkfs.ext4 -d\`, default options) on /mnt; the same"
    echo "  \`-drive $drive_opts\` + \`virtio-blk-device\` as ops; \`$append\`."
    echo
    echo "| Measurement | ops | Linux | ops / Linux |"
    echo "|---|---:|---:|---:|"
    for m in seq_read_cold_mib_s rand_read_cold_iops seq_write_mib_s rand_write_iops seq_read_warm_mib_s; do
        case $m in
        seq_read_cold_mib_s) label="sequential read, cold, MiB/s";;
        rand_read_cold_iops) label="random 4 KiB read, cold, IOPS";;
        seq_write_mib_s) label="sequential write + fsync, MiB/s";;
        rand_write_iops) label="random 4 KiB write + fsync, IOPS";;
        seq_read_warm_mib_s) label="sequential read of the written file, MiB/s";;
        esac
        row="| $label"
        for g in $guests; do
            read -r md mn mx n <<<"$(mstat "$g" "$m")"
            row="$row | $md [$mn..$mx]"
        done
        ratio=$(awk -v a="$(med ops "$m")" -v b="$(med linux "$m")" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
        echo "$row | $ratio |"
    done
    row="| runs that finished"
    for g in $guests; do row="$row | $(grep -l '^fileio done' "$tmp"/out/"$g".* 2>/dev/null | wc -l)/$runs"; done
    echo "$row | |"
    echo
    echo "Commands (\$T = temp dir):"
    echo
    echo '```'
    for c in "$(guest_cmd ops)" "$(guest_cmd linux)"; do
        printf '%s\n' "$c" | sed -e "s#$tmp#\$T#g"
    done
    echo '```'
} >"$block"

cat "$block"

[ -n "${BENCH_NO_DOC:-}" ] || write_doc_section Files "$block"
