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
