/* threads.c: 16 threads add into a shared sum under a mutex, count with thread-local storage,
 * signal completion through a condition variable, and are joined. Prints one checksum line.
 * Then sched_setaffinity: a thread pinned to one CPU runs there (sched_getcpu), on every CPU in
 * turn; a mask of only absent CPUs is EINVAL. Exits 0 iff every check holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 16
#define ITERATIONS 20000

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_done_cond = PTHREAD_COND_INITIALIZER;
static long g_sum;
static int g_done;
static __thread long t_local;
static long g_tids[THREADS];

static void* worker(void* arg) {
    long id = (long)arg;
    g_tids[id] = syscall(SYS_gettid);
    for (int i = 0; i < ITERATIONS; i++) {
        t_local += 1;
        pthread_mutex_lock(&g_lock);
        g_sum += id + 1;
        pthread_mutex_unlock(&g_lock);
        if (i % 5000 == 0)
            sched_yield();
    }
    pthread_mutex_lock(&g_lock);
    g_done++;
    pthread_cond_signal(&g_done_cond);
    pthread_mutex_unlock(&g_lock);
    return (void*)t_local;
}

int main(void) {
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&threads[i], NULL, worker, (void*)i) != 0) {
            printf("FAIL pthread_create %ld\n", i);
            return 1;
        }
    pthread_mutex_lock(&g_lock);
    while (g_done < THREADS)
        pthread_cond_wait(&g_done_cond, &g_lock);
    pthread_mutex_unlock(&g_lock);
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        void* result;
        pthread_join(threads[i], &result);
        if ((long)result != ITERATIONS) {
            printf("FAIL thread %d local count %ld\n", i, (long)result);
            failures++;
        }
        for (int j = 0; j < i; j++)
            if (g_tids[i] == g_tids[j] || g_tids[i] == getpid())
                failures++;
    }
    long expected = (long)ITERATIONS * THREADS * (THREADS + 1) / 2;
    printf("sum %ld expected %ld\n", g_sum, expected);
    if (g_sum != expected)
        failures++;
    /* Affinity: pin to each online CPU (at most 8) and check where we run. A pinned thread
     * that is elsewhere moves at its next switch, so a few yields at most (bounded). */
    int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    int affinity_ok = cpus >= 1;
    for (int cpu = 0; cpu < cpus && cpu < 8; cpu++) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set) != 0) {
            affinity_ok = 0;
            continue;
        }
        int here = -1;
        for (int tries = 0; tries < 100 && here != cpu; tries++) {
            sched_yield();
            here = sched_getcpu();
        }
        cpu_set_t got;
        CPU_ZERO(&got);
        sched_getaffinity(0, sizeof(got), &got);
        if (here != cpu || !CPU_EQUAL(&got, &set)) {
            printf("FAIL pinned to cpu %d, running on %d\n", cpu, here);
            affinity_ok = 0;
        }
    }
    cpu_set_t absent;
    CPU_ZERO(&absent);
    CPU_SET(cpus, &absent); /* the first CPU that is not online */
    if (cpus < CPU_SETSIZE &&
        (sched_setaffinity(0, sizeof(absent), &absent) != -1 || errno != EINVAL))
        affinity_ok = 0;
    printf("%s affinity\n", affinity_ok ? "ok" : "FAIL");
    if (!affinity_ok)
        failures++;
    printf(failures ? "threads: FAIL\n" : "threads: ok\n");
    return failures ? 1 : 0;
}
