/* vector_state.c: vector registers survive thread switches and signal handlers. Four threads
 * keep distinct values in YMM registers (XMM when the CPU or kernel offers no AVX) across many
 * yields; a signal handler clobbers them and the interrupted code must see its own again.
 * Prints whether AVX is usable (CPUID.OSXSAVE and XCR0), then "vector_state: ok". */
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static int g_avx;
static volatile int g_failures;

static int avx_usable(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28)))
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 6) == 6;
}

/* Loads ymm7, makes `count` raw syscalls (which preserve vector registers, unlike calls into
 * libc, for which they are caller-saved), and stores ymm7 back, all in one asm statement so
 * the compiler cannot use the register in between. */
__attribute__((target("avx"))) static void avx_hold(const uint64_t* in, uint64_t* out, long number,
                                                    long a, long b, long c, int count) {
    for (int i = 0; i < count; i++) {
        long ret;
        __asm__ volatile("vmovdqu (%[in]), %%ymm7\n"
                         "syscall\n"
                         "vmovdqu %%ymm7, (%[out])\n"
                         : "=a"(ret)
                         : [in] "r"(in), [out] "r"(out), "a"(number), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "xmm7", "memory");
        (void)ret;
        for (int j = 0; j < 4; j++)
            if (out[j] != in[j])
                g_failures++;
    }
}

static void sse_hold(const uint64_t* in, uint64_t* out, long number, long a, long b, long c,
                     int count) {
    for (int i = 0; i < count; i++) {
        long ret;
        __asm__ volatile("movdqu (%[in]), %%xmm7\n"
                         "syscall\n"
                         "movdqu %%xmm7, (%[out])\n"
                         : "=a"(ret)
                         : [in] "r"(in), [out] "r"(out), "a"(number), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "xmm7", "memory");
        (void)ret;
        for (int j = 0; j < 2; j++)
            if (out[j] != in[j])
                g_failures++;
    }
}

static void avx_round(uint64_t seed, int yields) {
    uint64_t in[4] = {seed, seed + 1, seed + 2, seed + 3}, out[4];
    avx_hold(in, out, 24 /* sched_yield */, 0, 0, 0, yields);
}

static void sse_round(uint64_t seed, int yields) {
    uint64_t in[2] = {seed, seed + 1}, out[2];
    sse_hold(in, out, 24 /* sched_yield */, 0, 0, 0, yields);
}

static void* worker(void* arg) {
    uint64_t seed = (uint64_t)(uintptr_t)arg * 1000;
    for (int round = 0; round < 50; round++) {
        if (g_avx)
            avx_round(seed + round, 20);
        else
            sse_round(seed + round, 20);
    }
    return NULL;
}

__attribute__((target("avx"))) static void clobber_avx(void) {
    uint64_t junk[4] = {~0ull, ~0ull, ~0ull, ~0ull};
    __asm__ volatile("vmovdqu %0, %%ymm7" : : "m"(junk) : "xmm7");
}

static void on_usr1(int signo) {
    (void)signo;
    if (g_avx)
        clobber_avx();
    else
        __asm__ volatile("pcmpeqd %%xmm7, %%xmm7" : : : "xmm7");
}

static int survives_signal(void) {
    uint64_t in[4] = {11, 22, 33, 44}, out[4];
    int before = g_failures;
    long pid = getpid();
    /* kill(pid, SIGUSR1): the handler runs on the way back from this very syscall. */
    if (g_avx)
        avx_hold(in, out, 62, pid, SIGUSR1, 0, 1);
    else
        sse_hold(in, out, 62, pid, SIGUSR1, 0, 1);
    int ok = g_failures == before;
    g_failures = before;
    return ok;
}

int main(void) {
    g_avx = avx_usable();
    printf("avx %s\n", g_avx ? "yes" : "no");
    signal(SIGUSR1, on_usr1);
    int survived = survives_signal();
    printf("signal handler %s\n", survived ? "preserved registers" : "CLOBBERED registers");
    pthread_t threads[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, worker, (void*)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    printf("thread switches %s\n", g_failures ? "CLOBBERED registers" : "preserved registers");
    int ok = survived && !g_failures;
    printf(ok ? "vector_state: ok\n" : "vector_state: FAIL\n");
    return ok ? 0 : 1;
}
