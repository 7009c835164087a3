/*
 * Threaded fills, whole-model initialization and 2-D shards.
 *
 * None of this changes a single bit: the stream is addressed by element
 * index, so any split of a range gives the values of one call. This file only
 * decides who writes which range. Worker threads are created lazily, once,
 * and parked on a condition variable between jobs; the calling thread always
 * works too. One job uses the workers at a time: a concurrent caller finds
 * them busy and fills on its own thread instead of waiting.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define SI_MAX_THREADS 256

/* ---- thread count ----------------------------------------------------------- */

/* SIMDINIT_NUM_THREADS: unset or empty -> 0 (not given); a decimal integer
 * 1 .. SI_MAX_THREADS -> that; anything else (signs, spaces, 0, more digits or
 * a larger value, trailing text) -> -1: refused, never capped or guessed. */
static int env_threads(void)
{
    const char *env = getenv("SIMDINIT_NUM_THREADS");
    if (!env || !*env)
        return 0;
    int v = 0;
    for (const char *c = env; *c; c++) {
        if (*c < '0' || *c > '9' || c - env >= 4)
            return -1;
        v = v * 10 + (*c - '0');
    }
    return v >= 1 && v <= SI_MAX_THREADS ? v : -1;
}

int simdinit_default_threads(void)
{
    int e = env_threads();
    if (e != 0)
        return e > 0 ? e : 0;   /* 0: the variable is invalid */
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int c = CPU_COUNT(&set);
        if (c > 0)
            return c > SI_MAX_THREADS ? SI_MAX_THREADS : c;
    }
#endif
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (c > SI_MAX_THREADS ? SI_MAX_THREADS : (int)c) : 1;
}

/* The thread count of a call (nthreads >= 0), or 0 when nthreads == 0 and
 * SIMDINIT_NUM_THREADS is invalid (the call fails with SIMDINIT_ERR_BAD_ENV). */
static int resolve_threads(int nthreads)
{
    if (nthreads == 0)
        return simdinit_default_threads();
    return nthreads > SI_MAX_THREADS ? SI_MAX_THREADS : nthreads;
}

/* ---- the pool ------------------------------------------------------------------ */

typedef struct si_job si_job;
struct si_job {
    void (*run)(const si_job *job, size_t item);
    size_t nitems;
    atomic_size_t next;
    const void *ctx;
};

static pthread_mutex_t g_busy = PTHREAD_MUTEX_INITIALIZER;   /* held by the job's owner */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static int g_nworkers;
static unsigned long g_gen;
static si_job *g_job;
static int g_participants;  /* workers with index < this take part in the current job */
static int g_running;
static unsigned long g_start_gen[SI_MAX_THREADS];  /* g_gen when worker i was created */

/*
 * fork(): the child has only the forking thread, but inherits the pool's
 * counters and possibly locks or condition variables in use by threads it
 * does not have. The child handler (registered once, before the first worker
 * is created) resets the pool to its never-started state, so the child's
 * first threaded call creates its own workers. The forking thread cannot be
 * inside run_job (it is calling fork), so nothing of the child's own is lost.
 */
static pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;

static void pool_reset_in_child(void)
{
    g_busy = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    g_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    g_wake = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    g_done = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    g_nworkers = 0;
    g_gen = 0;
    g_job = NULL;
    g_participants = 0;
    g_running = 0;
}

static void register_atfork(void)
{
    /* On failure (ENOMEM) a forked child's threaded calls may hang, as
     * before: there is no status to report it through. */
    (void)pthread_atfork(NULL, NULL, pool_reset_in_child);
}

static void work(si_job *job)
{
    size_t i;
    while ((i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed)) < job->nitems)
        job->run(job, i);
}

static void *worker_main(void *arg)
{
    int index = (int)(intptr_t)arg;
    pthread_mutex_lock(&g_lock);
    /* The job that caused this worker's creation may already be posted:
     * start from the generation current at creation, not from now. */
    unsigned long seen = g_start_gen[index];
    for (;;) {
        while (g_gen == seen)
            pthread_cond_wait(&g_wake, &g_lock);
        seen = g_gen;
        if (index >= g_participants)
            continue;
        si_job *job = g_job;
        pthread_mutex_unlock(&g_lock);
        work(job);
        pthread_mutex_lock(&g_lock);
        if (--g_running == 0)
            pthread_cond_signal(&g_done);
    }
    return NULL;
}

/* Run job on the caller plus up to nthreads - 1 workers. */
static void run_job(si_job *job, int nthreads)
{
    atomic_init(&job->next, 0);
    int helpers = nthreads - 1;
    if (job->nitems <= 1)
        helpers = 0;
    else if ((size_t)helpers > job->nitems - 1)
        helpers = (int)(job->nitems - 1);
    if (helpers <= 0 || pthread_mutex_trylock(&g_busy) != 0) {
        work(job);
        return;
    }
    pthread_once(&g_atfork_once, register_atfork);
    pthread_mutex_lock(&g_lock);
    while (g_nworkers < helpers) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        g_start_gen[g_nworkers] = g_gen;
        int rc = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)g_nworkers);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break;           /* fewer helpers; the result is the same */
        g_nworkers++;
    }
    if (helpers > g_nworkers)
        helpers = g_nworkers;
    g_job = job;
    g_participants = helpers;
    g_running = helpers;
    g_gen++;
    pthread_cond_broadcast(&g_wake);
    pthread_mutex_unlock(&g_lock);

    work(job);

    pthread_mutex_lock(&g_lock);
    while (g_running > 0)
        pthread_cond_wait(&g_done, &g_lock);
    g_job = NULL;
    pthread_mutex_unlock(&g_lock);
    pthread_mutex_unlock(&g_busy);
}

/* ---- chunk planning --------------------------------------------------------------- */

/* Cut [offset, offset + n) into at most max_chunks block-aligned pieces whose
 * sizes differ by at most one block. */
static size_t plan(uint64_t offset, size_t n, uint32_t block, size_t max_chunks, size_t *bounds)
{
    if (n == 0)
        return 0;
    uint64_t first_block = offset / block, last_block = (offset + (n - 1)) / block;
    uint64_t nblocks = last_block - first_block + 1;
    size_t k = max_chunks < nblocks ? max_chunks : (size_t)nblocks;
    bounds[0] = 0;
    for (size_t c = 1; c < k; c++) {
        uint64_t b = first_block + (nblocks * c) / k;   /* chunk c starts at block b */
        bounds[c] = (size_t)(b * block - offset);
    }
    bounds[k] = n;
    return k;
}

simdinit_status simdinit_plan_chunks(simdinit_dtype dtype, const simdinit_dist *dist,
                                     uint64_t offset, size_t n, size_t max_chunks,
                                     size_t *bounds, size_t *nchunks)
{
    if (!bounds || !nchunks)
        return SIMDINIT_ERR_NULL;
    if (max_chunks == 0)
        return SIMDINIT_ERR_BAD_PARAM;
    si_params p;
    /* Validate as a fill of n elements would (a non-NULL dummy pointer). */
    static char dummy;
    simdinit_status s = si_fill_check(&dummy, dtype, n, offset, dist, &p);
    if (s != SIMDINIT_OK)
        return s;
    *nchunks = plan(offset, n, si_block_elems(p.kind, dtype), max_chunks, bounds);
    return SIMDINIT_OK;
}

/* ---- threaded fill ------------------------------------------------------------------ */

typedef struct {
    const si_kernels *k;
    const si_params *p;
    unsigned char *out;
    uint64_t offset, seed, stream;
    const size_t *bounds;
} fill_ctx;

static void fill_item(const si_job *job, size_t c)
{
    const fill_ctx *f = job->ctx;
    size_t size = simdinit_dtype_size(f->p->dtype);
    size_t a = f->bounds[c], b = f->bounds[c + 1];
    si_fill_run(f->k, f->p, f->out + a * size, b - a, f->offset + a, f->seed, f->stream);
}

/* Pieces per thread: a few, so a thread slowed by other load is balanced out. */
#define SI_CHUNKS_PER_THREAD 4

simdinit_status simdinit_fill_mt(void *out, simdinit_dtype dtype, size_t n, uint64_t offset,
                                 uint64_t seed, uint64_t stream, const simdinit_dist *dist,
                                 int nthreads)
{
    if (nthreads < 0)
        return SIMDINIT_ERR_BAD_PARAM;
    si_params p;
    simdinit_status s = si_fill_check(out, dtype, n, offset, dist, &p);
    if (s != SIMDINIT_OK || n == 0)
        return s;
    const si_kernels *k = si_active_kernels(&s);
    if (!k)
        return s;
    p.nontemporal = si_streaming(p.kind, n * simdinit_dtype_size(dtype));
    nthreads = resolve_threads(nthreads);
    if (nthreads == 0)
        return SIMDINIT_ERR_BAD_ENV;
    if (nthreads == 1) {
        si_fill_run(k, &p, out, n, offset, seed, stream);
        return SIMDINIT_OK;
    }
    size_t max_chunks = (size_t)nthreads * SI_CHUNKS_PER_THREAD;
    size_t stack_bounds[SI_CHUNKS_PER_THREAD * 16 + 1];
    size_t *bounds = max_chunks < SI_CHUNKS_PER_THREAD * 16 ? stack_bounds
                                                            : malloc((max_chunks + 1) * sizeof *bounds);
    if (!bounds) {
        si_fill_run(k, &p, out, n, offset, seed, stream);   /* no memory: one thread, same bits */
        return SIMDINIT_OK;
    }
    /* Constants have no blocks; cut them at 4096-element boundaries. */
    uint32_t block = p.kind == SIMDINIT_DIST_CONSTANT ? 4096u : si_block_elems(p.kind, dtype);
    size_t nchunks = plan(offset, n, block, max_chunks, bounds);
    fill_ctx ctx = {k, &p, out, offset, seed, stream, bounds};
    si_job job = {.run = fill_item, .nitems = nchunks, .ctx = &ctx};
    run_job(&job, nthreads);
    if (bounds != stack_bounds)
        free(bounds);
    return SIMDINIT_OK;
}

simdinit_status simdinit_fill_scheme_mt(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                        int ndim, simdinit_layout layout,
                                        const simdinit_scheme *scheme, size_t n, uint64_t offset,
                                        uint64_t seed, uint64_t stream, int nthreads)
{
    if (nthreads < 0)
        return SIMDINIT_ERR_BAD_PARAM;
    simdinit_dist d;
    simdinit_status s = si_scheme_resolve(&d, dtype, shape, ndim, layout, scheme, n, offset);
    if (s != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    return simdinit_fill_mt(out, dtype, n, offset, seed, stream, &d, nthreads);
}

/* ---- whole models ---------------------------------------------------------------------- */

/* The allocator of init_tensors' work arrays. A test linked with the internal
 * library points it at a failing one to reach the SIMDINIT_ERR_NOMEM paths. */
SI_HIDDEN void *(*si_calloc_fn)(size_t, size_t) = calloc;

static void *si_calloc(size_t n, size_t size) { return si_calloc_fn(n, size); }

typedef struct {
    size_t tensor;
    uint64_t start;   /* element range of the tensor */
    size_t len;
} model_item;

typedef struct {
    const si_kernels *k;
    const simdinit_tensor *t;
    const si_params *p;
    const model_item *items;
} model_ctx;

static void model_item_run(const si_job *job, size_t i)
{
    const model_ctx *m = job->ctx;
    const model_item *it = &m->items[i];
    const simdinit_tensor *t = &m->t[it->tensor];
    const si_params *p = &m->p[it->tensor];
    unsigned char *o = (unsigned char *)t->out + it->start * simdinit_dtype_size(t->dtype);
    si_fill_run(m->k, p, o, it->len, it->start, t->seed, t->stream);
}

/* Target piece size of a model fill: big enough to amortize a block seeding
 * and scheduling, small enough to balance threads. */
#define SI_MODEL_PIECE_BYTES ((size_t)1 << 20)

typedef struct {
    model_item it;
    uint64_t key;   /* tensor size for sorting (descending) */
} sort_item;

static int cmp_sort(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    if (x->it.tensor != y->it.tensor)
        return x->it.tensor < y->it.tensor ? -1 : 1;
    return x->it.start < y->it.start ? -1 : x->it.start > y->it.start;
}

simdinit_status simdinit_init_tensors(const simdinit_tensor *tensors, size_t count, int nthreads,
                                      size_t *failed_index)
{
    /* nthreads first, as simdinit_fill_mt does: a negative count is an error
     * even when there is nothing to do. */
    if (nthreads < 0)
        return SIMDINIT_ERR_BAD_PARAM;
    if (count == 0)
        return SIMDINIT_OK;
    if (!tensors)
        return SIMDINIT_ERR_NULL;
    simdinit_status s = SIMDINIT_OK;
    const si_kernels *k = si_active_kernels(&s);
    if (!k)
        return s;
    nthreads = resolve_threads(nthreads);
    if (nthreads == 0)
        return SIMDINIT_ERR_BAD_ENV;
    si_params *params = si_calloc(count, sizeof *params);
    uint64_t *numel = si_calloc(count, sizeof *numel);
    if (!params || !numel) {
        free(params);
        free(numel);
        return SIMDINIT_ERR_NOMEM;
    }
    /* Validate everything before writing anything. */
    size_t nitems = 0;
    for (size_t i = 0; i < count && s == SIMDINIT_OK; i++) {
        const simdinit_tensor *t = &tensors[i];
        simdinit_dist d = t->dist;
        s = simdinit_numel(t->shape, t->ndim, &numel[i]);
        if (s == SIMDINIT_OK && numel[i] > SIZE_MAX)
            s = SIMDINIT_ERR_OVERFLOW;
        if (s == SIMDINIT_OK && t->scheme)
            s = si_scheme_resolve(&d, t->dtype, t->shape, t->ndim, t->layout, t->scheme,
                                  (size_t)numel[i], 0);
        if (s == SI_STATUS_EMPTY_TENSOR) {
            s = SIMDINIT_OK;
            numel[i] = 0;
            continue;
        }
        if (s == SIMDINIT_OK)
            s = si_fill_check(t->out, t->dtype, (size_t)numel[i], 0, &d, &params[i]);
        if (s != SIMDINIT_OK) {
            if (failed_index)
                *failed_index = i;
            break;
        }
        if (numel[i] == 0)
            continue;
        params[i].nontemporal = si_streaming(params[i].kind, numel[i] * simdinit_dtype_size(t->dtype));
        uint32_t block = params[i].kind == SIMDINIT_DIST_CONSTANT ? 4096u
                                                                  : si_block_elems(params[i].kind, t->dtype);
        size_t piece = SI_MODEL_PIECE_BYTES / simdinit_dtype_size(t->dtype);
        piece = (piece + block - 1) / block * block;
        nitems += (size_t)((numel[i] + piece - 1) / piece);
    }
    if (s != SIMDINIT_OK) {
        free(params);
        free(numel);
        return s;
    }
    sort_item *si = si_calloc(nitems ? nitems : 1, sizeof *si);
    model_item *items = si ? si_calloc(nitems ? nitems : 1, sizeof *items) : NULL;
    if (!si || !items) {
        free(si); free(items); free(params); free(numel);
        return SIMDINIT_ERR_NOMEM;
    }
    size_t j = 0;
    for (size_t i = 0; i < count; i++) {
        if (numel[i] == 0)
            continue;
        uint32_t block = params[i].kind == SIMDINIT_DIST_CONSTANT ? 4096u
                                                                  : si_block_elems(params[i].kind, tensors[i].dtype);
        size_t piece = SI_MODEL_PIECE_BYTES / simdinit_dtype_size(tensors[i].dtype);
        piece = (piece + block - 1) / block * block;
        for (uint64_t a = 0; a < numel[i]; a += piece) {
            uint64_t len = numel[i] - a < piece ? numel[i] - a : piece;
            si[j].it = (model_item){i, a, (size_t)len};
            si[j].key = numel[i] * simdinit_dtype_size(tensors[i].dtype);
            j++;
        }
    }
    /* Largest tensors first, so small ones fill the gaps at the end. */
    qsort(si, nitems, sizeof *si, cmp_sort);
    for (size_t i = 0; i < nitems; i++)
        items[i] = si[i].it;
    free(si);
    model_ctx ctx = {k, tensors, params, items};
    si_job job = {.run = model_item_run, .nitems = nitems, .ctx = &ctx};
    run_job(&job, nthreads);
    free(items);
    free(params);
    free(numel);
    return SIMDINIT_OK;
}

/* ---- 2-D shards ------------------------------------------------------------------------- */

simdinit_status simdinit_fill_shard(void *out, size_t ld, simdinit_dtype dtype, uint64_t rows,
                                    uint64_t cols, uint64_t r0, uint64_t r1, uint64_t c0,
                                    uint64_t c1, uint64_t seed, uint64_t stream,
                                    const simdinit_dist *dist)
{
    si_params p;
    static char dummy;
    simdinit_status s = si_fill_check(&dummy, dtype, 1, 0, dist, &p);
    if (s != SIMDINIT_OK)
        return s;
    if (cols != 0 && rows > UINT64_MAX / cols)
        return SIMDINIT_ERR_OVERFLOW;
    if (r0 > r1 || r1 > rows || c0 > c1 || c1 > cols)
        return SIMDINIT_ERR_OUT_OF_TENSOR;
    uint64_t h = r1 - r0, w = c1 - c0;
    if (h == 0 || w == 0)
        return SIMDINIT_OK;
    if (!out)
        return SIMDINIT_ERR_NULL;
    if (h > 1 && ld < w)
        return SIMDINIT_ERR_BAD_PARAM;
    size_t size = simdinit_dtype_size(dtype);
    if (w > SIZE_MAX / size || (h - 1) > (SIZE_MAX / size - w) / (ld ? ld : 1))
        return SIMDINIT_ERR_OVERFLOW;
    const si_kernels *k = si_active_kernels(&s);
    if (!k)
        return s;
    /* rows are short and strided: keep them in cache unless the policy says
     * to stream everything */
    p.nontemporal = simdinit_active_stores() == SIMDINIT_STORES_STREAMING;
    for (uint64_t r = r0; r < r1; r++) {
        unsigned char *o = (unsigned char *)out + (size_t)(r - r0) * ld * size;
        si_fill_run(k, &p, o, (size_t)w, r * cols + c0, seed, stream);
    }
    return SIMDINIT_OK;
}
