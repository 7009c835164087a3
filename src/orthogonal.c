/*
 * Orthogonal initialization (torch.nn.init.orthogonal_, Keras Orthogonal, JAX
 * orthogonal): a Haar-distributed matrix with orthonormal rows or columns,
 * the same bits on every backend, thread count and machine.
 *
 * The method (docs/STREAM.md §4 has every operation): the Q factor of the
 * Householder QR of an m x n Gaussian matrix, sign-corrected by diag(R), is a
 * product H_0 H_1 ... H_{n-1} D of reflectors whose vectors are, in
 * distribution, independent Gaussian vectors of lengths m, m-1, ..., m-n+1
 * (the trailing block of a Gaussian matrix stays Gaussian under the
 * reflections, which depend on the first column only). So the reflectors are
 * drawn directly from our normal stream and the factorization itself is
 * skipped: only the accumulation of Q is computed, backward and in compact WY
 * blocks of 32 reflectors, in double precision. Every column of Q is
 * transformed independently of the others, so threads own disjoint column
 * ranges and the result cannot depend on how many there are.
 */
#include <math.h>     /* sqrt only: the IEEE instruction (-fno-math-errno) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "orthogonal.h"
#include "fpenv.h"
#include "scalar/math_scalar.h"

#define SI_ORTHO_FN si_ortho_apply_base   /* register tiles: ortho_kernel.h's defaults */
#include "ortho_kernel.h"

/* ---- small shared helpers ------------------------------------------------------ */

double si_dtype_max(simdinit_dtype dtype)
{
    switch (dtype) {
    case SIMDINIT_F64: return 0x1.fffffffffffffp1023;
    case SIMDINIT_F32: return 0x1.fffffep127;
    case SIMDINIT_BF16: return 0x1.fep127;
    case SIMDINIT_F16: return 65504.0;
    default: return 0.0;
    }
}

/* double -> float rounded to odd: the float nearest toward zero, with its
 * last bit set when inexact. Rounding that to 16 bits by nearest-even is the
 * correct nearest-even rounding of the double (24 >= 8 + 2 and 11 + 2 bits). */
static float f64_to_f32_odd(double v)
{
    float f = (float)v;
    if ((double)f == v)
        return f;
    uint32_t b = si_f32_bits(f);
    double af = (double)f < 0 ? -(double)f : (double)f, av = v < 0 ? -v : v;
    if (af > av)
        b -= 1;   /* rounded away from zero: step back toward zero (magnitude - 1 ulp) */
    return si_f32_from_bits(b | 1u);
}

void si_store_f64(void *out, simdinit_dtype dtype, uint64_t idx, double v)
{
    switch (dtype) {
    case SIMDINIT_F64: memcpy((char *)out + idx * 8, &v, 8); break;
    case SIMDINIT_F32: { float f = (float)v; memcpy((char *)out + idx * 4, &f, 4); break; }
    case SIMDINIT_BF16: {
        uint16_t h = si_f32_to_bf16(f64_to_f32_odd(v));
        memcpy((char *)out + idx * 2, &h, 2);
        break;
    }
    default: {
        uint16_t h = si_f32_to_f16(f64_to_f32_odd(v));
        memcpy((char *)out + idx * 2, &h, 2);
        break;
    }
    }
}

simdinit_status si_resolve_nthreads(int nthreads, int *out)
{
    if (nthreads < 0)
        return SIMDINIT_ERR_BAD_PARAM;
    if (nthreads == 0) {
        nthreads = simdinit_default_threads();
        if (nthreads == 0)
            return SIMDINIT_ERR_BAD_ENV;
    }
    *out = nthreads > 256 ? 256 : nthreads;
    return SIMDINIT_OK;
}

/* ---- a team of threads with a barrier ---------------------------------------------- */

struct si_team {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int nt, count, go;
    unsigned long gen;
    void (*fn)(void *, si_team *, int, int);
    void *ctx;
};

typedef struct { si_team *team; int t; } si_member;

static void *member_main(void *arg)
{
    si_member *m = arg;
    si_team *team = m->team;
    pthread_mutex_lock(&team->mu);
    while (!team->go)
        pthread_cond_wait(&team->cv, &team->mu);
    int nt = team->nt;
    pthread_mutex_unlock(&team->mu);
    si_fpenv e;
    si_fpenv_enter(&e);
    team->fn(team->ctx, team, m->t, nt);
    si_fpenv_leave(&e);
    return NULL;
}

void si_team_barrier(si_team *team)
{
    pthread_mutex_lock(&team->mu);
    unsigned long gen = team->gen;
    if (++team->count == team->nt) {
        team->count = 0;
        team->gen++;
        pthread_cond_broadcast(&team->cv);
    } else {
        while (gen == team->gen)
            pthread_cond_wait(&team->cv, &team->mu);
    }
    pthread_mutex_unlock(&team->mu);
}

void si_team_run(int nt, void (*fn)(void *ctx, si_team *team, int t, int nt), void *ctx)
{
    si_team team;
    pthread_t tid[256];
    si_member mem[256];
    pthread_mutex_init(&team.mu, NULL);
    pthread_cond_init(&team.cv, NULL);
    team.count = 0;
    team.go = 0;
    team.gen = 0;
    team.fn = fn;
    team.ctx = ctx;
    team.nt = 1;
    int made = 0;
    if (nt > 256)
        nt = 256;
    for (int t = 1; t < nt; t++) {
        mem[t].team = &team;
        mem[t].t = t;
        if (pthread_create(&tid[t], NULL, member_main, &mem[t]) != 0)
            break;   /* fewer members: every split below is by the actual count */
        made++;
    }
    pthread_mutex_lock(&team.mu);
    team.nt = made + 1;
    team.go = 1;
    pthread_cond_broadcast(&team.cv);
    pthread_mutex_unlock(&team.mu);
    fn(ctx, &team, 0, made + 1);
    for (int t = 1; t <= made; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&team.cv);
    pthread_mutex_destroy(&team.mu);
}

/* ---- the orthogonal matrix ------------------------------------------------------------ */

enum { NB = SI_ORTHO_NB, PW = SI_ORTHO_PW };

typedef struct {
    size_t m, n, nblocks;
    size_t ngroups, group;        /* column groups of `group` panels */
    atomic_size_t next_block, next_group;   /* dynamic work distribution */
    uint64_t seed, stream;
    double *Q;        /* m x n in panels: (i, j) at (j / PW) m PW + i PW + j % PW */
    size_t npanels;
    double *V;        /* block s at V + voff(s): (m - s NB) x NB row-major */
    double *T;        /* block s at T + s NB NB */
    double *x;        /* per thread: m doubles (Gaussian draws) */
    double *d;        /* n factors: the sign of R_kk times the gain */
    si_ortho_apply_fn apply;
    void *out;
    simdinit_dtype dtype;
    uint64_t nr, nc;
    si_ortho_map map;
    double gain;
    int transposed;   /* nr < nc: the output is Q^T */
} ortho_job;

static size_t voff(size_t m, size_t s)
{
    /* sum over t < s of (m - t NB) NB */
    return (s * m - NB * (s * (s - 1) / 2)) * NB;
}

/* Reflector vectors, taus and signs of block s, then its T (STREAM.md §4.2). */
static void prepare_block(const ortho_job *J, size_t s, double *x)
{
    size_t m = J->m, n = J->n, k0 = s * NB, M = m - k0;
    double *V = J->V + voff(m, s), *T = J->T + s * NB * NB;
    double tau[NB];
    memset(V, 0, M * NB * sizeof *V);
    memset(T, 0, NB * NB * sizeof *T);
    simdinit_dist g = simdinit_dist_normal(0.0, 1.0);
    for (size_t kk = 0; kk < NB; kk++) {
        size_t k = k0 + kk;
        tau[kk] = 0.0;
        if (k >= n || k >= m)
            continue;             /* padding: a zero vector with tau 0 */
        size_t L = m - k;
        /* x_k = stream elements k m + k .. k m + m - 1 (column k of the
         * column-major m x n Gaussian matrix, on and below the diagonal). */
        (void)simdinit_fill(x, SIMDINIT_F64, L, (uint64_t)k * m + k, J->seed, J->stream, &g);
        double ss = 0.0;
        for (size_t i = 0; i < L; i++)
            ss = ss + x[i] * x[i];
        double norm = sqrt(ss), alpha = x[0];
        if (norm == 0.0) {
            J->d[k] = J->gain;
            V[kk * NB + kk] = 1.0;
            continue;
        }
        double beta = alpha >= 0.0 ? -norm : norm;
        tau[kk] = (beta - alpha) / beta;
        J->d[k] = beta > 0.0 ? J->gain : -J->gain;   /* sign(R_kk) * gain */
        double den = alpha - beta;
        V[kk * NB + kk] = 1.0;
        for (size_t i = 1; i < L; i++)
            V[(kk + i) * NB + kk] = x[i] / den;
    }
    /* T: H_{k0} ... H_{k0+NB-1} = I - V T V^T (forward, as LAPACK's dlarft). */
    for (size_t k = 0; k < NB; k++) {
        T[k * NB + k] = tau[k];
        if (k == 0)
            continue;
        double y[NB];
        for (size_t l = 0; l < k; l++)
            y[l] = 0.0;
        for (size_t i = 0; i < M; i++) {
            double vk = V[i * NB + k];
            for (size_t l = 0; l < k; l++)
                y[l] = y[l] + V[i * NB + l] * vk;
        }
        double nt = -tau[k];
        for (size_t l = 0; l < k; l++) {
            double z = 0.0;
            for (size_t p = l; p < k; p++)
                z = z + T[l * NB + p] * y[p];
            T[l * NB + k] = nt * z;
        }
    }
}

/* Round v[0 .. w) to dtype into out[at + c * post]. */
static void store_run(const ortho_job *J, uint64_t at, uint64_t post, const double *v, size_t w)
{
    switch (J->dtype) {
    case SIMDINIT_F64:
        for (size_t c = 0; c < w; c++)
            memcpy((double *)J->out + at + c * post, &v[c], 8);
        break;
    case SIMDINIT_F32:
        for (size_t c = 0; c < w; c++) {
            float f = (float)v[c];
            memcpy((float *)J->out + at + c * post, &f, 4);
        }
        break;
    default:
        for (size_t c = 0; c < w; c++)
            si_store_f64(J->out, J->dtype, at + c * post, v[c]);
        break;
    }
}

/* Output rows [r0, r1): element (r, c) = round(Q[r][c] * g[c]) (or Q[c][r] *
 * g[r] when transposed), g = the signs times the gain (J->d holds them).
 * Walked in bands of 64 output rows, panel by panel, so both the panels and
 * the output are read and written in runs (few TLB misses). */
static void store_range(const ortho_job *J, uint64_t r0, uint64_t r1)
{
    enum { BAND = 64 };
    uint64_t post = J->map.post, nc = J->nc;
    size_t m = J->m;
    double v[64];   /* BAND >= PW */
    for (uint64_t b0 = r0; b0 < r1; b0 += BAND) {
        uint64_t b1 = r1 - b0 < BAND ? r1 : b0 + BAND;
        if (!J->transposed) {
            /* output row r = Q row r: panel p gives columns 8p .. 8p+7 */
            for (size_t p = 0; p < J->npanels; p++) {
                size_t c0 = p * PW, w = nc - c0 < PW ? (size_t)(nc - c0) : PW;
                for (uint64_t r = b0; r < b1; r++) {
                    const double *q = J->Q + p * m * PW + (size_t)r * PW;
                    for (size_t c = 0; c < w; c++)
                        v[c] = q[c] * J->d[c0 + c];
                    uint64_t at = J->map.base + (r / post) * (nc * post) + r % post + c0 * post;
                    store_run(J, at, post, v, w);
                }
            }
        } else {
            /* output row r = Q column r: a panel column, read down its rows */
            for (uint64_t r = b0; r < b1; r++) {
                const double *q = J->Q + ((size_t)r / PW) * m * PW + (size_t)r % PW;
                double g = J->d[r];
                uint64_t row = J->map.base + (r / post) * (nc * post) + r % post;
                for (uint64_t c0 = 0; c0 < nc; c0 += BAND) {
                    size_t w = nc - c0 < BAND ? (size_t)(nc - c0) : BAND;
                    for (size_t c = 0; c < w; c++)
                        v[c] = q[(c0 + c) * PW] * g;
                    store_run(J, row + c0 * post, post, v, w);
                }
            }
        }
    }
}

static void ortho_member(void *ctx, si_team *team, int t, int nt)
{
    ortho_job *J = ctx;
    size_t m = J->m, n = J->n;
    double *x = J->x + (size_t)t * m;
    /* Q = [I_n; 0] (padding columns zero), panels split between the members. */
    size_t p0 = J->npanels * (size_t)t / (size_t)nt, p1 = J->npanels * (size_t)(t + 1) / (size_t)nt;
    memset(J->Q + p0 * m * PW, 0, (p1 - p0) * m * PW * sizeof *J->Q);
    for (size_t j = p0 * PW; j < p1 * PW && j < n; j++)
        J->Q[(j / PW) * m * PW + j * PW + j % PW] = 1.0;
    /* Every block's V and T (independent of each other), largest first. */
    for (size_t s; (s = atomic_fetch_add(&J->next_block, 1)) < J->nblocks;)
        prepare_block(J, s, x);
    si_team_barrier(team);
    /* Backward accumulation: block s acts on rows and columns >= s NB, and
     * each column only depends on itself, so a group of panels goes through
     * all its blocks (s from high to low) without waiting for the others.
     * Members take groups as they come, the right-most (the most work) first. */
    for (size_t i; (i = atomic_fetch_add(&J->next_group, 1)) < J->ngroups;) {
        size_t g = J->ngroups - 1 - i, p0 = g * J->group;
        size_t p1 = p0 + J->group < J->npanels ? p0 + J->group : J->npanels;
        size_t smax = (p1 * PW - 1) / NB;
        if (smax >= J->nblocks)
            smax = J->nblocks - 1;
        for (size_t s = smax + 1; s-- > 0;) {
            size_t k0 = s * NB, pa = k0 / PW > p0 ? k0 / PW : p0;
            for (size_t p = pa; p < p1; p++)
                J->apply(J->Q + p * m * PW + k0 * PW, J->V + voff(m, s), J->T + s * NB * NB,
                         m - k0);
        }
    }
    si_team_barrier(team);
    uint64_t o0 = J->nr * (uint64_t)t / (uint64_t)nt, o1 = J->nr * (uint64_t)(t + 1) / (uint64_t)nt;
    store_range(J, o0, o1);
}

simdinit_status si_orthogonal_run(void *out, simdinit_dtype dtype, uint64_t nr, uint64_t nc,
                                  si_ortho_map map, double gain, uint64_t seed, uint64_t stream,
                                  int nthreads)
{
    ortho_job J;
    memset(&J, 0, sizeof J);
    J.transposed = nr < nc;
    uint64_t m = J.transposed ? nc : nr, n = J.transposed ? nr : nc;
    /* Workspace: Q (m n), V (<= m n + NB m), T, signs, per-thread draws. */
    if (m > SIZE_MAX / 8 / (n + NB) || m > SIZE_MAX / 64 / 256)
        return SIMDINIT_ERR_NOMEM;
    J.m = (size_t)m;
    J.n = (size_t)n;
    J.nblocks = (J.n + NB - 1) / NB;
    /* n <= m: the last block's rows m - (nblocks-1) NB >= n - (nblocks-1) NB >= 1. */
    int nt = nthreads;
    J.npanels = (J.n + PW - 1) / PW;
    /* About 8 groups per member, at least SI_ORTHO_GROUP panels each (speed only). */
    J.group = J.npanels / (8 * (size_t)nt);
    if (J.group < SI_ORTHO_GROUP)
        J.group = SI_ORTHO_GROUP;
    J.ngroups = (J.npanels + J.group - 1) / J.group;
    atomic_init(&J.next_block, 0);
    atomic_init(&J.next_group, 0);
    if ((size_t)nt > J.npanels)
        nt = (int)J.npanels;   /* no member without a panel */
    J.Q = malloc(J.npanels * PW * J.m * sizeof(double));
    J.V = malloc(voff(J.m, J.nblocks) * sizeof(double));
    J.T = malloc(J.nblocks * NB * NB * sizeof(double));
    J.x = malloc((size_t)nt * J.m * sizeof(double));
    J.d = malloc(J.n * sizeof(double));
    if (!J.Q || !J.V || !J.T || !J.x || !J.d) {
        free(J.Q); free(J.V); free(J.T); free(J.x); free(J.d);
        return SIMDINIT_ERR_NOMEM;
    }
    J.seed = seed;
    J.stream = stream;
    J.out = out;
    J.dtype = dtype;
    J.nr = nr;
    J.nc = nc;
    J.map = map;
    J.gain = gain;
    J.apply = si_ortho_apply_base;
#if defined(SIMDINIT_HAVE_AVX2)
    simdinit_backend be = simdinit_active_backend();
    if (be == SIMDINIT_BACKEND_AVX2 || be == SIMDINIT_BACKEND_AVX512)
        J.apply = si_ortho_apply_avx2;
#endif
    si_fpenv e;
    si_fpenv_enter(&e);
    si_team_run(nt, ortho_member, &J);
    si_fpenv_leave(&e);
    free(J.Q); free(J.V); free(J.T); free(J.x); free(J.d);
    return SIMDINIT_OK;
}

/* ---- public entry points ---------------------------------------------------------------- */

simdinit_status si_check_gain(simdinit_dtype dtype, double gain)
{
    if (simdinit_dtype_size(dtype) == 0)
        return SIMDINIT_ERR_BAD_ENUM;
    if (!si_finite(gain))
        return SIMDINIT_ERR_NONFINITE;
    if ((gain < 0 ? -gain : gain) > si_dtype_max(dtype))
        return SIMDINIT_ERR_RANGE;
    return SIMDINIT_OK;
}

simdinit_status si_matrix_check(const void *out, simdinit_dtype dtype, uint64_t rows,
                                uint64_t cols)
{
    if (rows == 0 || cols == 0)
        return SI_STATUS_EMPTY_TENSOR;
    if (rows > UINT64_MAX / cols || rows * cols > SIZE_MAX / simdinit_dtype_size(dtype))
        return SIMDINIT_ERR_OVERFLOW;
    return out ? SIMDINIT_OK : SIMDINIT_ERR_NULL;
}

static simdinit_status ortho_check(simdinit_dtype dtype, double gain, int nthreads, int *nt)
{
    simdinit_status s = si_resolve_nthreads(nthreads, nt);
    if (s != SIMDINIT_OK || (s = si_check_gain(dtype, gain)) != SIMDINIT_OK)
        return s;
    si_active_kernels(&s);
    return s;
}

simdinit_status simdinit_orthogonal(void *out, simdinit_dtype dtype, uint64_t rows, uint64_t cols,
                                    double gain, uint64_t seed, uint64_t stream, int nthreads)
{
    int nt;
    simdinit_status s = ortho_check(dtype, gain, nthreads, &nt);
    if (s != SIMDINIT_OK || (s = si_matrix_check(out, dtype, rows, cols)) != SIMDINIT_OK)
        return s == SI_STATUS_EMPTY_TENSOR ? SIMDINIT_OK : s;
    si_ortho_map map = {0, 1};
    return si_orthogonal_run(out, dtype, rows, cols, map, gain, seed, stream, nt);
}

simdinit_status simdinit_orthogonal_axis(void *out, simdinit_dtype dtype, const uint64_t *shape,
                                         int ndim, int column_axis, double gain, uint64_t seed,
                                         uint64_t stream, int nthreads)
{
    int nt;
    simdinit_status s = ortho_check(dtype, gain, nthreads, &nt);
    if (s != SIMDINIT_OK)
        return s;
    if (!shape)
        return SIMDINIT_ERR_NULL;
    if (ndim < 2 || ndim > SIMDINIT_MAX_NDIM)
        return SIMDINIT_ERR_BAD_SHAPE;
    if (column_axis < -ndim || column_axis >= ndim)
        return SIMDINIT_ERR_BAD_PARAM;
    int ca = column_axis < 0 ? column_axis + ndim : column_axis;
    uint64_t numel;
    s = simdinit_numel(shape, ndim, &numel);
    if (s != SIMDINIT_OK)
        return s;
    if (numel == 0)
        return SIMDINIT_OK;
    if (numel > SIZE_MAX / simdinit_dtype_size(dtype))
        return SIMDINIT_ERR_OVERFLOW;
    if (!out)
        return SIMDINIT_ERR_NULL;
    uint64_t nc = shape[ca], post = 1;
    for (int i = ca + 1; i < ndim; i++)
        post *= shape[i];
    si_ortho_map map = {0, post};
    return si_orthogonal_run(out, dtype, numel / nc, nc, map, gain, seed, stream, nt);
}
