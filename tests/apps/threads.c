/* threads.c: 16 threads add into a shared sum under a mutex, count with thread-local storage,
 * signal completion through a condition variable, and are joined. Prints one checksum line;
 * exits 0 iff every check holds. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

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
    printf(failures ? "threads: FAIL\n" : "threads: ok\n");
    return failures ? 1 : 0;
}
