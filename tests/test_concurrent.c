/*
 * Concurrent first calls: many user threads make their first library calls
 * at the same moment (dispatch initialization, the worker pool's creation,
 * and pool contention all race), each with threaded and plain fills, and
 * every result must equal the single-threaded fill computed afterwards.
 * Built as a plain executable so that it also runs under ThreadSanitizer.
 * Last line: "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdinit.h"
#include "plain_check.h"

enum { NTHREADS = 12, N = 100003 };

typedef struct {
    int id;
    float *out_mt, *out_one;
    double *model;
    simdinit_status s[3];
} job;

static pthread_barrier_t g_start;

static simdinit_dist dist_of(int id)
{
    switch (id % 4) {
    case 0: return simdinit_dist_normal(0, 1);
    case 1: return simdinit_dist_uniform(-2, 3);
    case 2: return simdinit_dist_trunc_normal(0, 1, 1.5, 4);
    default: return simdinit_dist_trunc_normal(0, 1, -2, 2);
    }
}

static void *run(void *arg)
{
    job *j = arg;
    simdinit_dist d = dist_of(j->id);
    pthread_barrier_wait(&g_start);
    j->s[0] = simdinit_fill_mt(j->out_mt, SIMDINIT_F32, N, (uint64_t)j->id * 777, 42, j->id, &d,
                               2 + j->id % 3);
    j->s[1] = simdinit_fill(j->out_one, SIMDINIT_F32, N, (uint64_t)j->id * 777, 42, j->id, &d);
    simdinit_tensor t;
    memset(&t, 0, sizeof t);
    t.out = j->model; t.dtype = SIMDINIT_F64; t.ndim = 2; t.shape[0] = 301; t.shape[1] = 333;
    simdinit_scheme sc = simdinit_scheme_default(SIMDINIT_HE_NORMAL);
    t.scheme = &sc; t.seed = 42; t.stream = 1000 + j->id;
    j->s[2] = simdinit_init_tensors(&t, 1, 0, NULL);
    return NULL;
}

int main(void)
{
    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    pthread_barrier_init(&g_start, NULL, NTHREADS);
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i].id = i;
        jobs[i].out_mt = malloc(sizeof(float) * N);
        jobs[i].out_one = malloc(sizeof(float) * N);
        jobs[i].model = malloc(sizeof(double) * 301 * 333);
        if (!jobs[i].out_mt || !jobs[i].out_one || !jobs[i].model) {
            printf("out of memory\n");
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_create(&th[i], NULL, run, &jobs[i]) == 0, "pthread_create %d", i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    float *ref = malloc(sizeof(float) * N);
    double *mref = malloc(sizeof(double) * 301 * 333);
    if (!ref || !mref)
        return 1;
    for (int i = 0; i < NTHREADS; i++) {
        simdinit_dist d = dist_of(i);
        check(jobs[i].s[0] == SIMDINIT_OK && jobs[i].s[1] == SIMDINIT_OK &&
              jobs[i].s[2] == SIMDINIT_OK, "thread %d: statuses %d %d %d", i, (int)jobs[i].s[0],
              (int)jobs[i].s[1], (int)jobs[i].s[2]);
        check(simdinit_fill(ref, SIMDINIT_F32, N, (uint64_t)i * 777, 42, i, &d) == SIMDINIT_OK,
              "reference %d", i);
        check(memcmp(ref, jobs[i].out_mt, sizeof(float) * N) == 0, "thread %d: fill_mt differs", i);
        check(memcmp(ref, jobs[i].out_one, sizeof(float) * N) == 0, "thread %d: fill differs", i);
        uint64_t shape[2] = {301, 333};
        simdinit_scheme sc = simdinit_scheme_default(SIMDINIT_HE_NORMAL);
        check(simdinit_fill_scheme(mref, SIMDINIT_F64, shape, 2, SIMDINIT_LAYOUT_TORCH, &sc,
                                   301 * 333, 0, 42, 1000 + i) == SIMDINIT_OK &&
              memcmp(mref, jobs[i].model, sizeof(double) * 301 * 333) == 0,
              "thread %d: init_tensors differs", i);
        free(jobs[i].out_mt);
        free(jobs[i].out_one);
        free(jobs[i].model);
    }
    free(ref);
    free(mref);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
