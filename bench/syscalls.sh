#!/usr/bin/env bash
# bench/syscalls.sh [BUILD_DIR] [RUNS]: syscall and thread micro-benchmarks (bench/programs/
# microbench.c: getpid, clock_gettime, pthread create+join, futex ping-pong) in ops's VM and in a
# Linux guest, same QEMU machine options and vCPU count, --smp 1 and --smp 2, RUNS (default 5,
# 1..25) runs of each guest, medians reported. Prints a Markdown block on stdout and puts it into
# docs/benchmarks.md as the section "Syscalls and threads" (replacing an earlier one; set
# BENCH_NO_DOC=1 to leave the file alone).
# Not a test: nothing is asserted; a run whose guest did not finish is reported, not fatal.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/common.sh"

build_arg=${1:-build}
runs=${2:-5}
[ "$runs" -ge 1 ] && [ "$runs" -le 25 ] || { echo "bench: RUNS must be 1..25" >&2; exit 2; }

# ops and kernel.elf: from BUILD_DIR, else (missing) from build-k, the fallback working build.
binaries_note=""
build=$(cd "$build_arg" 2>/dev/null && pwd || echo "$build_arg")
if [ ! -f "$build/ops" ] || [ ! -x "$build/ops" ] || [ ! -f "$build/kernel.elf" ]; then
    if [ -f "$repo/build-k/ops" ] && [ -f "$repo/build-k/kernel.elf" ]; then
        binaries_note="$build_arg/ops or $build_arg/kernel.elf missing: used build-k/ instead"
        echo "bench: $binaries_note" >&2
        build="$repo/build-k"
    else
        echo "bench: $build/ops or $build/kernel.elf not found (build first)" >&2
        exit 1
    fi
fi
newest_src=$(find "$repo/kernel" -type f -newer "$build/kernel.elf" 2>/dev/null | head -1 || true)
stale_note=""
[ -z "$newest_src" ] || stale_note="kernel sources newer than kernel.elf exist (e.g. ${newest_src#$repo/}): the kernel measured may lag the tree"

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need xz xz-utils
need gcc gcc
vmlinuz=$(linux_vmlinuz)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-bench-syscalls.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OPS_ACCEL=tcg OPS_HOME="$tmp/home"
mkdir -p "$OPS_HOME" "$tmp/bin" "$tmp/out"
# Private copies: a concurrent rebuild of the build dir cannot swap them mid-run.
cp "$build/ops" "$build/kernel.elf" "$tmp/bin/"
ops="$tmp/bin/ops"
kernel_built=$(date -u -r "$build/kernel.elf" '+%Y-%m-%d %H:%M UTC')

gcc -static -O2 -pthread -o "$tmp/microbench" "$here/programs/microbench.c"
"$ops" build "$tmp/microbench" >/dev/null

# Linux guest: PVH vmlinux when it can be extracted (the way ops's kernel boots), else bzImage.
if linux_vmlinux "$vmlinuz" "$tmp/vmlinux"; then linux_kernel=$tmp/vmlinux; linux_desc="vmlinux (PVH entry) from $(basename "$vmlinuz")"
else linux_kernel=$vmlinuz; linux_desc="bzImage $(basename "$vmlinuz")"; fi
linux_initramfs "$here" "$tmp/microbench" "$tmp/initramfs"
# Under TCG Linux cannot calibrate the TSC here (no HPET/PM timer, PIT calibration fails), so by
# default it runs on refined-jiffies: clock_gettime traps and its clock follows timer interrupts.
# The second Linux guest is told the TSC rate (QEMU's TCG TSC runs at the host TSC rate) and
# to skip the watchdog, so it uses the TSC and its vDSO.
host_tsc_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
append_default="console=ttyS0 quiet panic=-1 MICROBENCH_SYSFS=1"
append_tsc="console=ttyS0 quiet panic=-1 tsc_early_khz=$host_tsc_khz tsc=reliable MICROBENCH_SYSFS=1"

machine() { echo "-machine microvm,x-option-roms=off,rtc=off,acpi=off -nodefaults -no-user-config -nographic -no-reboot -accel tcg -cpu max -m 2048M -smp $1"; }
console="-chardev stdio,id=con,signal=off -serial chardev:con"
debugexit="-device isa-debug-exit,iobase=0xf4,iosize=0x04"

guests="ops linux linux_tsc"
guest_name() {
    case $1 in
    ops) echo "ops";;
    linux) echo "Linux";;
    linux_tsc) echo "Linux, TSC";;
    esac
}
guest_cmd() { # GUEST SMP
    case $1 in
    ops) echo "$ops run -s --smp $2 $tmp/microbench";;
    linux) echo "qemu-system-x86_64 $(machine "$2") -kernel $linux_kernel -initrd $tmp/initramfs.cpio -append '$append_default' $console $debugexit";;
    linux_tsc) echo "qemu-system-x86_64 $(machine "$2") -kernel $linux_kernel -initrd $tmp/initramfs.cpio -append '$append_tsc' $console $debugexit";;
    esac
}

# run_guest OUT CMD: run CMD (bounded by timeout), guest lines on OUT, the two clock_mark_ns
# lines followed by the host's CLOCK_REALTIME in ns when they were read.
run_guest() {
    local out=$1 cmd=$2 line
    timeout 600 bash -c "$cmd" </dev/null 2>&1 | while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
        clock_mark_ns\ *) printf '%s %s\n' "$line" "$(date +%s%N)";;
        *) printf '%s\n' "$line";;
        esac
    done >"$out" || true
}

metrics="getpid_ns clock_gettime_ns thread_create_join_us futex_pingpong_ns futex_pingpong_per_s"
for smp in 1 2; do
    for r in $(seq 1 "$runs"); do # interleaved so that load changes hit every guest alike
        for g in $guests; do
            f="$tmp/out/$g.$smp.$r"
            run_guest "$f" "$(guest_cmd "$g" "$smp")"
            grep -q '^microbench done' "$f" || { echo "bench: $g --smp $smp run $r did not finish; last lines:" >&2; tail -5 "$f" >&2; }
            echo "bench: $g smp=$smp run $r: $(grep -E '^(getpid|clock_gettime|thread_create_join|futex_pingpong)_(ns|us) ' "$f" | tr '\n' ' ')" >&2
        done
    done
done

# mstat GUEST SMP METRIC: "median min max n" over the runs that printed METRIC.
mstat() {
    awk -v m="$3" '$1 == m { print $2 }' "$tmp"/out/"$1.$2".* | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - - 0"; exit }
             med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             printf "%.1f %.1f %.1f %d\n", med, v[1], v[NR], NR }'
}
med() { mstat "$@" | cut -d" " -f1; }
# clock_ratio GUEST SMP: median over runs of (host time / guest time) between the two marks.
clock_ratio() {
    for f in "$tmp"/out/"$1.$2".*; do
        awk 'BEGIN { n = 0 } $1 == "clock_mark_ns" { g[n] = $2; h[n] = $3; n++ }
             END { if (n == 2 && g[1] > g[0]) printf "%.3f\n", (h[1] - h[0]) / (g[1] - g[0]) }' "$f"
    done | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
first_value() { awk -v k="$3" '$1 == k { print $2; exit }' "$tmp"/out/"$1.$2".*; }
# traps GUEST SMP: clock_gettime counted as not trapping when the program saw a vDSO
# (AT_SYSINFO_EHDR) and a call costs under half a getpid round trip (a trap cannot).
traps() {
    local v c p
    v=$(first_value "$1" "$2" vdso)
    c=$(med "$1" "$2" clock_gettime_ns)
    p=$(med "$1" "$2" getpid_ns)
    awk -v v="${v:-0}" -v c="$c" -v p="$p" 'BEGIN {
        if (c == "-" || p == "-") print "?"
        else if (v == 1 && c < p / 2) print "no"
        else print "yes" }'
}

block="$tmp/block.md"
{
    echo "## Syscalls and threads"
    echo
    echo "Command: \`bench/syscalls.sh $build_arg $runs\` ($runs runs of each guest per vCPU count, interleaved;"
    echo "medians, min..max in brackets). Program: \`bench/programs/microbench.c\`, \`gcc -static -O2 -pthread\`"
    echo "(glibc), the same binary in every guest; each measurement is a loop bounded to 1 s of guest"
    echo "time and a fixed maximum count, after a warm-up."
    echo
    machine_header
    echo "- ops binaries: \`${build#$repo/}/ops\` and \`${build#$repo/}/kernel.elf\` (kernel.elf built $kernel_built), copied to a private directory before the runs${binaries_note:+; $binaries_note}${stale_note:+; $stale_note}"
    echo "- Linux guest: $linux_desc, initramfs \`/init\` = \`bench/linux_init/init.c\`, \`/hello\` = microbench"
    echo "- clocksource seen by the Linux guests: Linux: $(first_value linux 1 clocksource); Linux, TSC: $(first_value linux_tsc 1 clocksource)"
    echo
    echo "Guests: **ops** = \`ops run -s --smp N\`. **Linux** = default command line: Linux cannot calibrate"
    echo "the TSC under TCG on microvm (no HPET/PM timer, PIT calibration fails), so it runs on"
    echo "refined-jiffies: its clock_gettime traps and its clock advances by timer interrupts, which"
    echo "TCG delivers late under load (the clock check column shows by how much). **Linux, TSC** ="
    echo "the same plus \`tsc_early_khz=$host_tsc_khz tsc=reliable\` (QEMU's TCG TSC runs at the host's"
    echo "TSC rate): TSC clocksource and its vDSO; the fairer comparison for everything timed."
    echo "\"clock check\" = host time / guest CLOCK_MONOTONIC time over the whole program (1.00 = the"
    echo "guest's clock is right; above 1 = the guest clock runs slow, so its ns figures are too small)."
    echo
    for smp in 1 2; do
        echo "### --smp $smp"
        echo
        echo "| Measurement | ops | Linux | Linux, TSC | ops / Linux, TSC |"
        echo "|---|---:|---:|---:|---:|"
        for m in $metrics; do
            case $m in
            getpid_ns) label="getpid round trip, ns (syscall(SYS_getpid))";;
            clock_gettime_ns) label="clock_gettime(CLOCK_MONOTONIC), ns";;
            thread_create_join_us) label="pthread_create + pthread_join, us per pair";;
            futex_pingpong_ns) label="futex ping-pong, ns per round trip";;
            futex_pingpong_per_s) label="futex ping-pong, round trips per s";;
            esac
            row="| $label"
            for g in $guests; do
                read -r md mn mx n <<<"$(mstat "$g" "$smp" "$m")"
                row="$row | $md [$mn..$mx]"
            done
            ratio=$(awk -v a="$(med ops "$smp" "$m")" -v b="$(med linux_tsc "$smp" "$m")" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
            echo "$row | $ratio |"
        done
        row="| clock_gettime traps?"
        for g in $guests; do row="$row | $(traps "$g" "$smp")"; done
        echo "$row | |"
        row="| clock check (host / guest time)"
        for g in $guests; do row="$row | $(clock_ratio "$g" "$smp")"; done
        echo "$row | |"
        row="| runs that finished"
        for g in $guests; do row="$row | $(grep -l '^microbench done' "$tmp"/out/"$g.$smp".* 2>/dev/null | wc -l)/$runs"; done
        echo "$row | |"
        echo
    done
    echo "### Targets"
    echo
    echo "| Target (from the issue) | --smp 1 | --smp 2 |"
    echo "|---|---|---|"
    for cmp in linux_tsc linux; do
        row="| getpid round trip at most half of $(guest_name "$cmp")'s"
        for smp in 1 2; do
            row="$row | $(awk -v a="$(med ops "$smp" getpid_ns)" -v b="$(med "$cmp" "$smp" getpid_ns)" 'BEGIN {
                if (a == "-" || b == "-") { print "no data"; exit }
                printf "%s ns vs %s ns = %.2fx: **%s**", a, b, a / b, (a <= b / 2 ? "met" : "NOT met") }')"
        done
        echo "$row |"
    done
    row="| clock_gettime without a trap (ops)"
    for smp in 1 2; do
        t=$(traps ops "$smp")
        row="$row | vDSO $(first_value ops "$smp" vdso), $(med ops "$smp" clock_gettime_ns) ns vs getpid $(med ops "$smp" getpid_ns) ns: **$([ "$t" = no ] && echo met || echo "NOT met")**"
    done
    echo "$row |"
    echo
    echo "Commands (\$T = temp dir; \`ops build \$T/microbench\` once before the runs):"
    echo
    echo '```'
    for c in "gcc -static -O2 -pthread -o \$T/microbench bench/programs/microbench.c" \
             "OPS_ACCEL=tcg OPS_HOME=\$T/home $(guest_cmd ops N)" "$(guest_cmd linux N)" "$(guest_cmd linux_tsc N)"; do
        printf '%s\n' "$c" | sed -e "s#$tmp#\$T#g"
    done
    echo '```'
} >"$block"

cat "$block"

if [ -z "${BENCH_NO_DOC:-}" ]; then
    doc="$repo/docs/benchmarks.md"
    # Replace an earlier "## Syscalls and threads" section (up to the next "## " heading), else append.
    awk -v blockfile="$block" '
        function emit() { while ((getline l < blockfile) > 0) print l; close(blockfile) }
        /^## Syscalls and threads$/ { skipping = 1; done = 1; emit(); next }
        skipping && /^## / { skipping = 0; print "" }
        !skipping { print }
        END { if (!done) { print ""; emit() } }' "$doc" >"$tmp/doc.md"
    cp "$tmp/doc.md" "$doc"
    echo "bench: wrote the section \"Syscalls and threads\" into docs/benchmarks.md" >&2
fi
