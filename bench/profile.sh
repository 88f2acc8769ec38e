#!/usr/bin/env bash
# bench/profile.sh [BUILD_DIR] [LOAD] [SECONDS]: where ops's guest spends its time under one of
# bench/http.sh's loads. LOAD is wrk16, wrk64 (wrk at 16 or 64 connections), send (bulk TCP
# host to guest) or recv (guest to host); default wrk64, SECONDS default 10 (1..60).
#
# The http_server of bench/http.sh runs in `ops run --smp 2` on a tap in a bridge inside a
# network namespace this script creates (deleted on exit, with everything in it). QEMU gets a
# gdbstub on a unix socket through a `qemu-system-x86_64` shim first on PATH (ops runs QEMU by
# its name on PATH); bench/guest_profile.py samples both vCPUs' RIP through it while the load
# runs and prints the top functions (kernel symbols from kernel.elf, user ones from the
# program). Needs root (namespace, tap). Not a test: prints a profile, asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$(cd "${1:-build}" && pwd)
load=${2:-wrk64}
secs=${3:-10}
[ "$secs" -ge 1 ] && [ "$secs" -le 60 ] || { echo "profile: SECONDS must be 1..60" >&2; exit 2; }
case $load in wrk16 | wrk64 | send | recv) ;; *) echo "profile: LOAD must be wrk16, wrk64, send or recv" >&2; exit 2;; esac
[ "$(id -u)" = 0 ] || { echo "profile: needs root (network namespace, tap)" >&2; exit 1; }
for c in wrk ip python3 addr2line qemu-system-x86_64 gcc; do
    command -v "$c" >/dev/null || { echo "profile: $c not found" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-profile.XXXXXX")
ns="opsprof$$"
guest_pid=""
cleanup() {
    if [ -n "$guest_pid" ]; then
        kill -TERM "$guest_pid" 2>/dev/null || true
        wait "$guest_pid" 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/bin" "$tmp/shim" "$tmp/home"
cp "$build/ops" "$build/kernel.elf" "$tmp/bin/"
gcc -static -O2 -pthread -o "$tmp/http_server" "$here/programs/http_server.c"
gcc -O2 -o "$tmp/tcp_bulk" "$here/programs/tcp_bulk.c"
real_qemu=$(command -v qemu-system-x86_64)
cat >"$tmp/shim/qemu-system-x86_64" <<EOF
#!/bin/sh
case " \$* " in *" -kernel "*) exec "$real_qemu" "\$@" -gdb unix:$tmp/gdb.sock,server=on,wait=off;; esac
exec "$real_qemu" "\$@"
EOF
chmod +x "$tmp/shim/qemu-system-x86_64"

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add obr0 type bridge
ip -n "$ns" addr add 10.77.0.1/24 dev obr0
ip -n "$ns" link set obr0 up
addr=10.77.0.2
log="$tmp/guest.log"
OPS_ACCEL=tcg OPS_HOME="$tmp/home" PATH="$tmp/shim:$PATH" timeout -s TERM $((secs + 240)) \
    ip netns exec "$ns" "$tmp/bin/ops" run --smp 2 -m 2G -b --bridgename obr0 -t otap-prof \
    --ip-address $addr --netmask 255.255.255.0 --gateway 10.77.0.1 "$tmp/http_server" \
    </dev/null >"$log" 2>&1 &
guest_pid=$!
for i in $(seq 180); do
    grep -q '^http_server ready' "$log" && break
    kill -0 "$guest_pid" 2>/dev/null || { echo "profile: the guest stopped:" >&2; tail -5 "$log" >&2; exit 1; }
    sleep 1
done
grep -q '^http_server ready' "$log" || { echo "profile: the guest did not come up" >&2; exit 1; }
for r in 1 2 3; do ip netns exec "$ns" curl -s -m 10 -o /dev/null "http://$addr:8080/" || true; done

# The load runs a little longer than the sampling so that every sample sees it.
case $load in
wrk*) ip netns exec "$ns" wrk -t2 -c"${load#wrk}" -d"$((secs + 4))s" --timeout 5s "http://$addr:8080/" >"$tmp/load.out" 2>&1 &;;
send) ip netns exec "$ns" "$tmp/tcp_bulk" send $addr 5001 $((secs + 4)) >"$tmp/load.out" 2>&1 &;;
recv) ip netns exec "$ns" "$tmp/tcp_bulk" recv $addr 5002 $((secs + 4)) >"$tmp/load.out" 2>&1 &;;
esac
load_pid=$!
sleep 2
python3 "$here/guest_profile.py" --socket "$tmp/gdb.sock" --kernel "$tmp/bin/kernel.elf" \
    --program "$tmp/http_server" --seconds "$secs" ${PROFILE_LINES:+--lines}
wait "$load_pid" || true
echo "load ($load, sampled during it; the stops slow it down): $(grep -E 'Requests/sec|bytes' "$tmp/load.out" || tail -2 "$tmp/load.out")"
