# bench/common.sh: helpers shared by the benchmark scripts (sourced, not run).

# need CMD PACKAGE: install PACKAGE with apt-get when CMD is missing (root only).
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    need_pkg "$2"
    command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 still missing after installing $2" >&2; exit 1; }
}

# need_pkg PACKAGE: apt-get install PACKAGE (root only, once per script).
need_pkg() {
    if [ "$(id -u)" != 0 ]; then
        echo "bench: $1 is needed: run as root or 'apt-get install $1'" >&2
        exit 1
    fi
    if [ -z "${BENCH_APT_UPDATED:-}" ]; then
        apt-get update -qq >&2
        BENCH_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >&2
}

# machine_header: the lines every result block starts with.
BENCH_START=$(date -u '+%Y-%m-%d %H:%M UTC')
BENCH_LOAD=$(cut -d" " -f1-3 /proc/loadavg)
machine_header() {
    echo "- date: $BENCH_START (start of the run)"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
    echo "- QEMU: $(qemu-system-x86_64 --version | head -1)"
    echo "- accel: tcg (OPS_ACCEL=tcg; this machine's /dev/kvm is nested and software-paged, unusable: see ARCHITECTURE.md Pitfalls)"
    echo "- load average at start (other jobs were running on this shared machine): $BENCH_LOAD"
    echo "- commit: $(git -C "$(dirname "$0")/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

# time_runs RUNS CSV NAME CMD...: hyperfine RUNS runs (1 warm-up) of CMD (no shell) into CSV.
# The guest's exit status is not 0 for QEMU runs (isa-debug-exit), hence -i.
time_runs() {
    local runs=$1 csv=$2 name=$3
    shift 3
    hyperfine -N -i --style none --warmup 1 --runs "$runs" --export-csv "$csv.one" \
        --command-name "$name" -- "$*" >/dev/null 2>&1 || {
        echo "bench: hyperfine failed for: $*" >&2
        exit 1
    }
    tail -n +2 "$csv.one" >>"$csv"
    rm -f "$csv.one"
}

# ms SECONDS: print milliseconds with one decimal.
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# linux_vmlinuz: print the newest /boot/vmlinuz-* (installs linux-image-amd64 if none).
linux_vmlinuz() {
    ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkg linux-image-amd64
    ls /boot/vmlinuz-* | sort -V | tail -1
}

# linux_vmlinux VMLINUZ OUT: decompress the bzImage's xz payload into OUT (an ELF with the PVH
# note, booted like ops's kernel). Returns non-zero (and leaves no usable OUT) if that fails.
linux_vmlinux() {
    local off
    off=$(grep -abo $'\xfd7zXZ' "$1" | head -1 | cut -d: -f1 || true)
    [ -n "$off" ] || return 1
    # xz stops at the end of its stream; the trailing bzImage bytes make tail/xz exit non-zero.
    { tail -c +$((off + 1)) "$1" | xz -dc --single-stream >"$2" 2>/dev/null; } || true
    [ "$(head -c 4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# linux_initramfs HERE PROGRAM DIR: newc cpio DIR.cpio with /init = linux_init/init.c (static)
# and /hello = PROGRAM; /init runs /hello, then exits QEMU through isa-debug-exit.
linux_initramfs() {
    local here=$1 program=$2 dir=$3
    mkdir -p "$dir"
    gcc -static -O2 -o "$dir/init" "$here/linux_init/init.c"
    cp "$program" "$dir/hello"
    (cd "$dir" && printf 'init\nhello\n' | cpio -o -H newc --quiet) >"$dir.cpio"
}

# pack_modules DIR KVER MODULE...: copy the named modules of /lib/modules/KVER into DIR/modules
# as NN-name.ko (decompressed), numbered in the given order, for linux_init/net_init.c to load.
pack_modules() {
    local dir=$1 kver=$2 i=10 m f
    shift 2
    mkdir -p "$dir/modules"
    for m in "$@"; do
        f=$(find "/lib/modules/$kver" -name "$m.ko*" | head -1)
        [ -n "$f" ] || { echo "bench: module $m.ko not found under /lib/modules/$kver" >&2; exit 1; }
        case $f in
        *.xz) xz -dc "$f" >"$dir/modules/$i-$m.ko" ;;
        *.zst) zstd -qdc "$f" >"$dir/modules/$i-$m.ko" ;;
        *) cp "$f" "$dir/modules/$i-$m.ko" ;;
        esac
        i=$((i + 10))
    done
}

# write_doc_section TITLE BLOCK: put the Markdown file BLOCK into docs/benchmarks.md as the
# section "## TITLE" (replacing an earlier one, up to the next "## " heading; else appended).
write_doc_section() {
    local title=$1 block=$2 doc out
    doc="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/docs/benchmarks.md"
    out=$(mktemp)
    awk -v blockfile="$block" -v heading="## $title" '
        function emit() { while ((getline l < blockfile) > 0) print l; close(blockfile) }
        $0 == heading { skipping = 1; done = 1; emit(); next }
        skipping && /^## / { skipping = 0; print "" }
        !skipping { print }
        END { if (!done) { print ""; emit() } }' "$doc" >"$out"
    cp "$out" "$doc"
    rm -f "$out"
    echo "bench: wrote the section \"$title\" into docs/benchmarks.md" >&2
}
