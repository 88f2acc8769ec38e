#!/usr/bin/env bash
# bench/build.sh [BUILD_DIR] [RUNS]: time `ops build` (RUNS runs, default 10, at most 100, after one
# warm-up) of the static hello and of a static program carrying a 1 MiB initialized array, and
# compare each image's apparent size and allocated blocks with the files it holds.
# Prints a Markdown block on stdout. Not a test: nothing is asserted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

build=$(cd "${1:-build}" && pwd)
runs=${2:-10}
[ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "bench: RUNS must be 1..100" >&2; exit 2; }
ops="$build/ops"
kernel="$build/kernel.elf"
for f in "$ops" "$kernel" "$build/apps/hello-static"; do
    [ -e "$f" ] || { echo "bench: $f not found (build first)" >&2; exit 1; }
done
need hyperfine hyperfine
need gcc gcc
need qemu-system-x86_64 qemu-system-x86 # machine_header prints its version

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ops-bench-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OPS_HOME="$tmp/home"
mkdir -p "$OPS_HOME"

# A static program whose file holds a 1 MiB initialized array of random bytes (random so that
# neither .bss nor the image's sparse zero-block skipping can make it smaller).
head -c 1048576 /dev/urandom >"$tmp/blob.bin"
cat >"$tmp/big1m.c" <<C
#include <stdio.h>
__asm__(".section .rodata\\n.globl blob\\nblob: .incbin \\"$tmp/blob.bin\\"\\n.previous");
extern const unsigned char blob[1 << 20];
int main(int argc, char **argv) {
    (void)argv;
    printf("big1m %d\\n", blob[argc]);
    return 0;
}
C
gcc -static -O2 -o "$tmp/big1m" "$tmp/big1m.c"
cp "$build/apps/hello-static" "$tmp/hello-static"

csv="$tmp/times.csv"
: >"$csv"
sizes="$tmp/sizes"
: >"$sizes"
kbytes=$(stat -c %s "$kernel")
for prog in hello-static big1m; do
    time_runs "$runs" "$csv" "ops build $prog" "$ops build $tmp/$prog"
    img="$OPS_HOME/.ops/images/$prog"
    [ -f "$img" ] || { echo "bench: no image at $img" >&2; exit 1; }
    pbytes=$(stat -c %s "$tmp/$prog")
    apparent=$(stat -c %s "$img")
    allocated=$(( $(stat -c %b "$img") * $(stat -c %B "$img") ))
    echo "$prog $pbytes $kbytes $apparent $allocated" >>"$sizes"
done

KiB() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
echo "### ops build ($runs runs each, 1 warm-up)"
echo
machine_header
echo "- image directory file system: $(df -T "$OPS_HOME" | awk 'NR == 2 { print $2 }')"
echo
echo "| Command | median ms | min ms | max ms | CPU ms (user+sys, mean) |"
echo "|---|---:|---:|---:|---:|"
awk -F, '{ printf "| `%s` | %.1f | %.1f | %.1f | %.1f |\n", $1, $4*1000, $7*1000, $8*1000, ($5+$6)*1000 }' "$csv"
echo
echo "| Image | program KiB | kernel.elf KiB | files KiB | image apparent KiB | image allocated KiB (du) | allocated - files KiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while read -r prog pbytes kb apparent allocated; do
    echo "| $prog | $(KiB "$pbytes") | $(KiB "$kb") | $(KiB $((pbytes + kb))) | $(KiB "$apparent") | $(KiB "$allocated") | $(KiB $((allocated - pbytes - kb))) |"
done <"$sizes"
echo
big_med=$(awk -F, '$1 == "ops build big1m" { print $4 }' "$csv")
read -r _ pbytes kb _ allocated < <(grep '^big1m ' "$sizes")
awk -v m="$big_med" -v over=$((allocated - pbytes - kb)) 'BEGIN {
    printf "Targets for the 1 MiB program: build under 50 ms: %.1f ms, %s; image adds under 1 MiB beyond its files (sparse): %.1f KiB, %s.\n",
        m*1000, (m < 0.050 ? "met" : "NOT met"), over/1024, (over < 1048576 ? "met" : "NOT met") }'
echo
echo "Commands (\$B = build dir, \$T = temp dir): \`OPS_HOME=\$T/home \$B/ops build \$T/<program>\`, sizes from \`stat -c '%s %b %B'\` (same as \`du --apparent-size\` / \`du\`)."
