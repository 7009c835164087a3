/*
 * fork() after the worker pool has started (issue 15, defect 3): the child
 * has none of the parent's worker threads, yet its threaded calls must work
 * and give the bits of the single-threaded fill. Each child runs under
 * alarm(): a hang kills it with SIGALRM, which the parent reports as a
 * failure. Also forks while another parent thread is inside a threaded fill
 * (the child may inherit the pool's locks held), and while the dispatcher's
 * first-call detection is (made to look) in progress in another thread. Plain C (runs under TSan).
 * Last line: "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"   /* si_dispatch_set_init_state */
#include "plain_check.h"

#define CHILD_ALARM_S 20
enum { N = 1 << 18 };

static float g_ref[N];
static double g_ref64[N];

/* What the child does: threaded fills and init_tensors, compared with the
 * single-threaded fill. Exit status: number of mismatches (0 = fine). */
static int child_work(void)
{
    alarm(CHILD_ALARM_S);
    int bad = 0;
    simdinit_dist d = simdinit_dist_normal(0, 1);
    float *out = malloc(sizeof(float) * N);
    if (!out)
        return 100;
    for (int nt = 2; nt <= 4; nt++) {
        memset(out, 0, sizeof(float) * N);
        if (simdinit_fill_mt(out, SIMDINIT_F32, N, 5, 7, 9, &d, nt) != SIMDINIT_OK ||
            memcmp(out, g_ref, sizeof(float) * N) != 0)
            bad++;
    }
    double *o64 = malloc(sizeof(double) * N);
    if (!o64)
        return 100;
    simdinit_tensor t;
    memset(&t, 0, sizeof t);
    t.out = o64; t.dtype = SIMDINIT_F64; t.ndim = 1; t.shape[0] = N;
    t.dist = simdinit_dist_trunc_normal(0, 1, -2, 2); t.seed = 7; t.stream = 10;
    if (simdinit_init_tensors(&t, 1, 3, NULL) != SIMDINIT_OK ||
        memcmp(o64, g_ref64, sizeof(double) * N) != 0)
        bad++;
    free(out);
    free(o64);
    return bad;
}

/* Fork, run child_work in the child (and optionally fork a grandchild from
 * it: the child's own pool must survive another fork), check the status. */
static void fork_and_check(const char *what, int nested)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        check(0, "%s: fork failed", what);
        return;
    }
    if (pid == 0) {
        int bad = child_work();
        if (nested && bad == 0) {
            pid_t g = fork();
            if (g == 0)
                _exit(child_work());
            int st = 0;
            if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                bad = 50;
        }
        _exit(bad);
    }
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    check(w == pid, "%s: waitpid", what);
    if (WIFSIGNALED(st))
        check(0, "%s: child killed by signal %d%s", what, WTERMSIG(st),
              WTERMSIG(st) == SIGALRM ? " (hung: alarm)" : "");
    else
        check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: child reported %d mismatches", what,
              WEXITSTATUS(st));
}

static atomic_int g_stop;

static void *busy_filler(void *arg)
{
    (void)arg;
    static float buf[N];
    simdinit_dist d = simdinit_dist_uniform(-1, 1);
    while (!atomic_load(&g_stop))
        simdinit_fill_mt(buf, SIMDINIT_F32, N, 0, 3, 4, &d, 2);
    return NULL;
}

int main(void)
{
    simdinit_dist d = simdinit_dist_normal(0, 1);
    simdinit_dist tn = simdinit_dist_trunc_normal(0, 1, -2, 2);
    check(simdinit_fill(g_ref, SIMDINIT_F32, N, 5, 7, 9, &d) == SIMDINIT_OK, "reference fill");
    check(simdinit_fill(g_ref64, SIMDINIT_F64, N, 0, 7, 10, &tn) == SIMDINIT_OK, "reference f64");

    /* Before any threaded call: nothing to reset, must work as well. */
    fork_and_check("fork before the pool started", 0);

    /* Start the pool in the parent. */
    static float tmp[N];
    check(simdinit_fill_mt(tmp, SIMDINIT_F32, N, 5, 7, 9, &d, 4) == SIMDINIT_OK &&
          memcmp(tmp, g_ref, sizeof tmp) == 0, "parent threaded fill");
    fork_and_check("fork after the pool started", 0);
    fork_and_check("fork of a child that used its own pool", 1);

    /* The parent still works after the forks. */
    memset(tmp, 0, sizeof tmp);
    check(simdinit_fill_mt(tmp, SIMDINIT_F32, N, 5, 7, 9, &d, 3) == SIMDINIT_OK &&
          memcmp(tmp, g_ref, sizeof tmp) == 0, "parent threaded fill after fork");

    /* A fork while another thread of the parent was in the middle of the
     * library's first-call CPU detection (simulated: the dispatcher's state
     * says "in progress in this process"): the child, which lacks that
     * thread, must detect by itself instead of waiting forever. */
    si_dispatch_set_init_state((int)getpid());
    fork_and_check("fork during the dispatcher's first-call detection", 0);
    si_dispatch_set_init_state(-1);   /* the parent's tables are complete */

    /* Forks while another thread keeps the pool busy. */
    pthread_t th;
    if (pthread_create(&th, NULL, busy_filler, NULL) == 0) {
        for (int i = 0; i < 5; i++) {
            nanosleep(&(struct timespec){0, 2000000}, NULL);
            fork_and_check("fork during another thread's threaded fill", 0);
        }
        atomic_store(&g_stop, 1);
        pthread_join(th, NULL);
    } else {
        check(0, "pthread_create");
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
