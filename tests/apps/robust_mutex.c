/* robust_mutex.c: a thread exits holding a robust mutex; the next locker gets EOWNERDEAD (the
 * kernel walked the dead thread's robust futex list), makes it consistent and continues. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
static pthread_mutex_t m;
static void* holder(void* a){ (void)a; pthread_mutex_lock(&m); return NULL; } /* exits holding it */
int main(void){ pthread_mutexattr_t at; pthread_mutexattr_init(&at); pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST); pthread_mutex_init(&m,&at);
 pthread_t t; pthread_create(&t,0,holder,0); pthread_join(t,0);
 int r = pthread_mutex_lock(&m); printf("lock after owner died: %s\n", r==EOWNERDEAD?"EOWNERDEAD":"other"); if(r==EOWNERDEAD){pthread_mutex_consistent(&m);} pthread_mutex_unlock(&m); return r==EOWNERDEAD?0:1; }
