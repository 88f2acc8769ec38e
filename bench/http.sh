#!/usr/bin/env bash
# bench/http.sh [BUILD_DIR] [SECONDS] [RUNS]: networking benchmark. The same static HTTP server
# (bench/programs/http_server.c: HTTP/1.1 keep-alive on 8080, a bulk sink on 5001 and a bulk
# source on 5002) runs in ops's VM (`ops run --smp 2`) and in a Linux guest with the same QEMU
# machine, memory and vCPU count, one guest at a time. Load from the host: wrk --latency at 1, 16
# and 64 connections (SECONDS each, default 8, 1..60), then (bench/programs/tcp_bulk.c, SECONDS
# each) sequential requests on one keep-alive connection until one waits over 2 s, and bulk TCP
# both ways; RUNS (default 1, 1..5) rounds, interleaved, medians.
#
# Network: bridged when run as root with /dev/net/tun (the default): a network namespace of its
# own holding a bridge (10.77.0.1/24) and one tap per guest (ops 10.77.0.2 through
# `ops run -b --bridgename --tapname --ip-address`, Linux 10.77.0.3), wrk inside the namespace;
# the namespace, and with it everything in it, is deleted on exit. BENCH_NET=user (or no root)
# uses QEMU's user network with host forwards on 127.0.0.1 for both guests instead.
# Prints a Markdown block on stdout and puts it into docs/benchmarks.md as the section
# "Networking" (replacing an earlier one; BENCH_NO_DOC=1 leaves the file alone; BENCH_GUESTS=ops
# measures only ops's guest, for a quick look while working, and implies BENCH_NO_DOC).
# Not a test: nothing is asserted; a guest that did not come up is reported, not fatal.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/common.sh"

build_arg=${1:-build}
secs=${2:-8}
runs=${3:-1}
[ "$secs" -ge 1 ] && [ "$secs" -le 60 ] || { echo "bench: SECONDS must be 1..60" >&2; exit 2; }
[ "$runs" -ge 1 ] && [ "$runs" -le 5 ] || { echo "bench: RUNS must be 1..5" >&2; exit 2; }

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
need wrk wrk
need ip iproute2
vmlinuz=$(linux_vmlinuz)
kver=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')

# Network mode: bridged in a namespace of our own when we can, else QEMU user networking.
net=${BENCH_NET:-bridged}
net_note=""
if [ "$net" = bridged ]; then
    if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
        net=user; net_note="bridged mode needs root and /dev/net/tun: fell back to user networking"
    elif ! "$build/ops" run --help 2>&1 | grep -q -- '--bridgename'; then
        net=user; net_note="this ops has no --bridged/--bridgename: fell back to user networking"
    fi
fi
[ -z "$net_note" ] || echo "bench: $net_note" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-bench-http.XXXXXX")
ns="opsbench$$"
guest_pid=""
cleanup() {
    if [ -n "$guest_pid" ]; then
        kill -TERM "$guest_pid" 2>/dev/null || true
        wait "$guest_pid" 2>/dev/null || true
    fi
    if [ "$net" = bridged ]; then ip netns del "$ns" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export OPS_ACCEL=tcg OPS_HOME="$tmp/home"
mkdir -p "$OPS_HOME" "$tmp/bin" "$tmp/out"
# Private copies: a concurrent rebuild of the build dir cannot swap them mid-run.
cp "$build/ops" "$build/kernel.elf" "$tmp/bin/"
ops="$tmp/bin/ops"
kernel_built=$(date -u -r "$build/kernel.elf" '+%Y-%m-%d %H:%M UTC')

gcc -static -O2 -pthread -o "$tmp/http_server" "$here/programs/http_server.c"
gcc -O2 -o "$tmp/tcp_bulk" "$here/programs/tcp_bulk.c"

# Linux guest: the PVH vmlinux of syscalls.sh, initramfs with linux_init/net_init.c as /init,
# the virtio modules it loads (Debian builds virtio, virtio-mmio and virtio-net as modules) and
# the server as /hello.
if linux_vmlinux "$vmlinuz" "$tmp/vmlinux"; then linux_kernel=$tmp/vmlinux; linux_desc="vmlinux (PVH entry) from $(basename "$vmlinuz")"
else linux_kernel=$vmlinuz; linux_desc="bzImage $(basename "$vmlinuz")"; fi
ir="$tmp/initramfs"
mkdir -p "$ir/modules"
gcc -static -O2 -o "$ir/init" "$here/linux_init/net_init.c"
cp "$tmp/http_server" "$ir/hello"
i=10
for m in virtio_ring virtio virtio_mmio failover net_failover virtio_net; do
    f=$(find "/lib/modules/$kver" -name "$m.ko*" | head -1)
    [ -n "$f" ] || { echo "bench: module $m.ko not found under /lib/modules/$kver" >&2; exit 1; }
    case $f in
    *.xz) xz -dc "$f" >"$ir/modules/$i-$m.ko";;
    *.zst) zstd -qdc "$f" >"$ir/modules/$i-$m.ko";;
    *) cp "$f" "$ir/modules/$i-$m.ko";;
    esac
    i=$((i + 10))
done
(cd "$ir" && find . -mindepth 1 | sed 's#^\./##' | cpio -o -H newc --quiet) >"$ir.cpio"

host_tsc_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
smp=2
mem=2048M
# ops's own machine options (ops run -v prints them): acpi=off. Debian's kernel can find
# virtio-mmio devices only through ACPI (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is off, so the
# virtio_mmio.device= words microvm appends are ignored), hence acpi=on for the Linux guest;
# with ACPI tables it also hangs calibrating the TSC unless told the rate, hence tsc_early_khz
# (the "Linux, TSC" guest of syscalls.sh).
linux_machine="-machine microvm,x-option-roms=off,rtc=off,acpi=on -nodefaults -no-user-config -nographic -no-reboot -accel tcg -cpu max -m $mem -smp $smp"
console="-chardev stdio,id=con,signal=off -serial chardev:con"
debugexit="-device isa-debug-exit,iobase=0xf4,iosize=0x04"
append_common="console=ttyS0 quiet panic=-1 tsc_early_khz=$host_tsc_khz tsc=reliable"

if [ "$net" = bridged ]; then
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link add obr0 type bridge
    ip -n "$ns" addr add 10.77.0.1/24 dev obr0
    ip -n "$ns" link set obr0 up
    ip -n "$ns" tuntap add dev otap-linux mode tap
    ip -n "$ns" link set otap-linux master obr0
    ip -n "$ns" link set otap-linux up
    in_ns="ip netns exec $ns"
    ops_addr=10.77.0.2; linux_addr=10.77.0.3
    ops_http=8080; ops_sink=5001; ops_source=5002
    linux_http=8080; linux_sink=5001; linux_source=5002
    ops_cmd="$ops run -v --smp $smp -m 2G -b --bridgename obr0 -t otap-ops --ip-address $ops_addr --netmask 255.255.255.0 --gateway 10.77.0.1 $tmp/http_server"
    linux_cmd="qemu-system-x86_64 $linux_machine -kernel $linux_kernel -initrd $ir.cpio -append '$append_common NET_IP=$linux_addr NET_MASK=255.255.255.0 NET_GW=10.77.0.1' $console $debugexit -netdev tap,id=n0,ifname=otap-linux,script=no,downscript=no -device virtio-net-device,netdev=n0,mac=52:54:00:0b:e0:03"
    net_desc="bridged: network namespace \`opsbench<pid>\` with bridge \`obr0\` 10.77.0.1/24; ops guest 10.77.0.2 on tap \`otap-ops\` (created and removed by \`ops run -b\`), Linux guest 10.77.0.3 on tap \`otap-linux\` (created by the script); wrk and tcp_bulk run in the namespace"
else
    in_ns=""
    ops_addr=127.0.0.1; linux_addr=127.0.0.1
    ops_http=18080; ops_sink=15001; ops_source=15002
    linux_http=28080; linux_sink=25001; linux_source=25002
    ops_cmd="$ops run -v --smp $smp -m 2G --ip-address 10.0.2.15 --gateway 10.0.2.2 -p $ops_http-8080 -p $ops_sink-5001 -p $ops_source-5002 $tmp/http_server"
    linux_cmd="qemu-system-x86_64 $linux_machine -kernel $linux_kernel -initrd $ir.cpio -append '$append_common NET_IP=10.0.2.15 NET_MASK=255.255.255.0 NET_GW=10.0.2.2' $console $debugexit -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$linux_http-:8080,hostfwd=tcp:127.0.0.1:$linux_sink-:5001,hostfwd=tcp:127.0.0.1:$linux_source-:5002 -device virtio-net-device,netdev=n0,mac=52:54:00:0b:e0:03"
    net_desc="QEMU user networking (slirp) for both guests, host forwards on 127.0.0.1 (ops: \`-p\`, Linux: \`hostfwd\`); guest address 10.0.2.15"
fi

guests=${BENCH_GUESTS:-ops linux} # BENCH_GUESTS=ops: a quick look at one guest
guest_name() { case $1 in ops) echo "ops";; linux) echo "Linux";; esac; }
# A guest runs at most this long; the loads below need about 5 x (SECONDS + 1) s after boot.
guest_budget=$((300 + 6 * secs))

# start_guest GUEST LOG: start the guest in the background, wait (at most 180 s) for its ready line.
start_guest() {
    local g=$1 log=$2 cmd
    if [ "$g" = ops ]; then cmd=$ops_cmd; else cmd=$linux_cmd; fi
    # exec: timeout runs ops or QEMU itself and passes our SIGTERM on (ops forwards it to QEMU
    # and removes its tap).
    : >"$log"
    timeout -s TERM "$guest_budget" bash -c "exec $in_ns $cmd" </dev/null >"$log" 2>&1 &
    guest_pid=$!
    local i
    for i in $(seq 180); do
        grep -q '^http_server ready' "$log" && return 0
        kill -0 "$guest_pid" 2>/dev/null || break
        sleep 1
    done
    echo "bench: $g did not come up; last lines:" >&2
    tail -5 "$log" >&2
    return 1
}
stop_guest() {
    kill -TERM "$guest_pid" 2>/dev/null || true
    wait "$guest_pid" 2>/dev/null || true
    guest_pid=""
}

# ms VALUE_WITH_UNIT: wrk's "8.06ms" / "950.00us" / "1.20s" in ms.
wrk_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# measure GUEST OUT: wrk at 1, 16 and 64 connections, then bulk both ways; "key value" lines.
measure() {
    local g=$1 out=$2 addr http sink source c threads w rps p99 errs r
    if [ "$g" = ops ]; then addr=$ops_addr http=$ops_http sink=$ops_sink source=$ops_source
    else addr=$linux_addr http=$linux_http sink=$linux_sink source=$linux_source; fi
    # Warm-up: a few requests (ARP, first connection) before anything is timed.
    for r in 1 2 3; do $in_ns curl -s -m 10 -o /dev/null "http://$addr:$http/" || true; done
    : >"$out"
    for c in 1 16 64; do
        threads=2; [ "$c" -gt 1 ] || threads=1
        w="$out.wrk$c"
        $in_ns timeout $((secs + 30)) wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 5s --latency "http://$addr:$http/" >"$w" 2>&1 || true
        rps=$(awk '/^Requests\/sec:/ { print $2 }' "$w")
        p99=$(awk '$1 == "99%" { print $2 }' "$w")
        # No request finished: wrk's latency figures are then zeros, not measurements.
        if ! awk '/requests in/ { exit !($1 > 0) } END { if (NR == 0) exit 1 }' "$w"; then p99=""; fi
        errs=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 } /Non-2xx/ { print $NF }' "$w" | awk '{ s += $1 } END { print s + 0 }')
        echo "rps_$c ${rps:--}" >>"$out"
        echo "p99_$c $([ -n "$p99" ] && wrk_ms "$p99" || echo -)" >>"$out"
        echo "errors_$c $errs" >>"$out"
        echo "bench: $g c=$c: ${rps:-no result} req/s, p99 ${p99:--}, errors $errs" >&2
    done
    # One keep-alive connection, one request at a time, stopped at the first answer over 2 s:
    # wrk never counts a request that gets no answer, so a stalled connection only lowers its
    # requests/s and leaves its latency figures untouched.
    r=$($in_ns timeout $((secs + 20)) "$tmp/tcp_bulk" keepalive "$addr" "$http" "$secs" 2>&1 || true)
    echo "ka_requests $(awk '$1 == "requests" { print $2 }' <<<"$r" | grep . || echo -)" >>"$out"
    echo "ka_stalled $(awk '$1 == "requests" { print $4 }' <<<"$r" | grep . || echo -)" >>"$out"
    echo "bench: $g keep-alive: $r" >&2
    for dir in send recv; do
        local port=$sink; [ "$dir" = send ] || port=$source
        r=$($in_ns timeout $((secs + 40)) "$tmp/tcp_bulk" "$dir" "$addr" "$port" "$secs" 2>&1 || true)
        echo "bulk_$dir $(awk '$1 == "bytes" { print $6 }' <<<"$r" | grep . || echo -)" >>"$out"
        echo "bench: $g bulk $dir: $r" >&2
    done
}

for r in $(seq 1 "$runs"); do # interleaved so that load changes hit both guests alike
    for g in $guests; do
        log="$tmp/out/$g.$r.log"
        if start_guest "$g" "$log"; then
            measure "$g" "$tmp/out/$g.$r"
            [ "$g" != ops ] || [ -s "$tmp/ops_argv" ] || grep -m1 '^qemu-system-x86_64 ' "$log" >"$tmp/ops_argv" || true
        fi
        stop_guest
    done
done
load_end=$(cut -d" " -f1-3 /proc/loadavg)

# med GUEST KEY: median over the runs that have KEY (or "-").
med() {
    cat "$tmp"/out/"$1".[0-9] 2>/dev/null | awk -v k="$2" '$1 == k && $2 != "-" { print $2 }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
             printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
sum_errors() { cat "$tmp"/out/"$1".[0-9] 2>/dev/null | awk -v k="$2" '$1 == k { s += $2 } END { print s + 0 }'; }
finished() { local n=0 f; for f in "$tmp"/out/"$1".[0-9]; do [ -e "$f" ] && n=$((n + 1)); done; echo "$n/$runs"; }

block="$tmp/block.md"
{
    echo "## Networking"
    echo
    echo "Command: \`bench/http.sh $build_arg $secs $runs\` ($runs round(s), the guests one at a time and"
    echo "interleaved; $( [ "$runs" -gt 1 ] && echo "medians" || echo "one measurement each")). Server: \`bench/programs/http_server.c\`, \`gcc -static -O2"
    echo "-pthread\` (glibc), the same binary in both guests: HTTP/1.1 keep-alive, a fixed 13-byte body, one"
    echo "epoll loop per online CPU (2) sharing the non-blocking listening socket (accept4); a bulk sink"
    echo "(5001) and source (5002). Load: \`wrk --latency --timeout 5s\` for $secs s at 1 (1 thread), 16 and"
    echo "64 (2 threads) connections; then \`bench/programs/tcp_bulk.c\`: one keep-alive connection with"
    echo "one request at a time for $secs s (stopped at the first answer that takes over 2 s), and bulk TCP"
    echo "for $secs s each way (host to guest counts the bytes the guest program read; guest to host the"
    echo "bytes the host read)."
    echo
    machine_header
    echo "- load average at the end: $load_end. wrk, tcp_bulk and the guest's QEMU share the 2 host CPUs"
    echo "  with each other and with other engineers' builds, so absolute numbers are low and noisy"
    echo "- ops binaries: \`${build#$repo/}/ops\` and \`${build#$repo/}/kernel.elf\` (kernel.elf built $kernel_built), copied to a private directory before the runs${binaries_note:+; $binaries_note}${stale_note:+; $stale_note}"
    echo "- network: $net_desc${net_note:+ ($net_note)}"
    echo "- Linux guest: $linux_desc, initramfs \`/init\` = \`bench/linux_init/net_init.c\` (loads virtio_ring, virtio,"
    echo "  virtio_mmio, failover, net_failover, virtio_net from /lib/modules/$kver, sets the address with ioctls),"
    echo "  \`/hello\` = http_server. Machine options as ops's except \`acpi=on\` (Debian's kernel finds"
    echo "  virtio-mmio devices only through ACPI) and \`tsc_early_khz=$host_tsc_khz tsc=reliable\` on its"
    echo "  command line (under TCG it cannot calibrate the TSC; the \"Linux, TSC\" guest of the syscalls"
    echo "  section). Both: \`-m 2048M -smp 2\`, TCG, virtio-net-device on virtio-mmio."
    echo
    echo "| Measurement | ops | Linux | ops / Linux |"
    echo "|---|---:|---:|---:|"
    for c in 1 16 64; do
        a=$(med ops "rps_$c"); b=$(med linux "rps_$c")
        echo "| HTTP requests/s, $c connection(s) | $a | $b | $(ratio "$a" "$b") |"
        a=$(med ops "p99_$c"); b=$(med linux "p99_$c")
        echo "| HTTP p99 latency ms, $c connection(s) | $a | $b | $(ratio "$a" "$b") |"
    done
    a=$(med ops ka_requests); b=$(med linux ka_requests)
    echo "| one keep-alive connection, sequential requests answered in $secs s (stops at the first wait over 2 s) | $a | $b | $(ratio "$a" "$b") |"
    echo "| rounds where that connection stalled (an answer took over 2 s) | $(sum_errors ops ka_stalled)/$(finished ops | cut -d/ -f1) | $(sum_errors linux ka_stalled)/$(finished linux | cut -d/ -f1) | |"
    a=$(med ops bulk_send); b=$(med linux bulk_send)
    echo "| bulk TCP host to guest, MiB/s | $a | $b | $(ratio "$a" "$b") |"
    a=$(med ops bulk_recv); b=$(med linux bulk_recv)
    echo "| bulk TCP guest to host, MiB/s | $a | $b | $(ratio "$a" "$b") |"
    echo "| wrk socket errors + non-2xx (all runs, 1/16/64) | $(sum_errors ops errors_1)/$(sum_errors ops errors_16)/$(sum_errors ops errors_64) | $(sum_errors linux errors_1)/$(sum_errors linux errors_16)/$(sum_errors linux errors_64) | |"
    echo "| rounds where the guest came up | $(finished ops) | $(finished linux) | |"
    echo
    echo "### Targets"
    echo
    echo "| Target (from the issue) | Measured | Met? |"
    echo "|---|---|---|"
    for c in 16 64; do
        a=$(med ops "rps_$c"); b=$(med linux "rps_$c")
        echo "| requests/s at least 1.5x Linux's, $c connections | $a vs $b = $(ratio "$a" "$b")x | $(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "-" || b == "-") print "no data"; else print (a >= 1.5 * b ? "**met**" : "**NOT met**") }') |"
    done
    for c in 1 16 64; do
        a=$(med ops "p99_$c"); b=$(med linux "p99_$c")
        echo "| p99 latency no worse than Linux's, $c connection(s) | $a ms vs $b ms | $(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "-" || b == "-") print "no data"; else print (a <= b ? "**met**" : "**NOT met**") }') |"
    done
    echo
    echo "wrk's p99 covers only the requests that were answered before the run ended: a connection"
    echo "that stalls stops adding requests (and lowers requests/s) but adds no latency sample. Read the"
    echo "p99 verdicts together with the stall row above."
    echo
    echo "Commands (\$T = temp dir):"
    echo
    echo '```'
    for c in "gcc -static -O2 -pthread -o \$T/http_server bench/programs/http_server.c" \
             "OPS_ACCEL=tcg OPS_HOME=\$T/home $in_ns $ops_cmd" "$in_ns $linux_cmd" \
             "$in_ns wrk -t2 -c64 -d${secs}s --timeout 5s --latency http://$ops_addr:$ops_http/" \
             "$in_ns \$T/tcp_bulk keepalive $ops_addr $ops_http $secs" \
             "$in_ns \$T/tcp_bulk send|recv $ops_addr $ops_sink|$ops_source $secs"; do
        printf '%s\n' "$c" | sed -e "s#$tmp#\$T#g" -e "s#opsbench$$#opsbench<pid>#g"
    done
    if [ -s "$tmp/ops_argv" ]; then
        echo "# ops's QEMU argv (ops run -v):"
        sed -e "s#$tmp#\$T#g" -e "s#path=[^ ]*/exit#path=<run dir>/exit#" "$tmp/ops_argv"
    fi
    echo '```'
} >"$block"

cat "$block"

if [ -z "${BENCH_NO_DOC:-}" ] && [ "$guests" = "ops linux" ]; then
    doc="$repo/docs/benchmarks.md"
    # Replace an earlier "## Networking" section (up to the next "## " heading), else append.
    awk -v blockfile="$block" '
        function emit() { while ((getline l < blockfile) > 0) print l; close(blockfile) }
        /^## Networking$/ { skipping = 1; done = 1; emit(); next }
        skipping && /^## / { skipping = 0; print "" }
        !skipping { print }
        END { if (!done) { print ""; emit() } }' "$doc" >"$tmp/doc.md"
    cp "$tmp/doc.md" "$doc"
    echo "bench: wrote the section \"Networking\" into docs/benchmarks.md" >&2
fi
