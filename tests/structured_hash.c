/*
 * structured_hash — one FNV-1a 64 hash per case of the structured
 * initializers' output (orthogonal in every dtype and several shapes,
 * orthogonal_axis, delta_orthogonal, sparse, eye, dirac), each computed on
 * every usable backend with 1 and 3 threads, which must agree (exit 1 if
 * not). The printed lines depend only on the library's spec, so the output
 * of two machines (x86-64 and aarch64 under qemu, say) must be identical:
 *   diff <(build/tests/structured_hash) <(qemu-aarch64 build-aarch64/tests/structured_hash)
 * Plain C (libc + simdinit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdinit.h"

static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

enum { K_ORTHO, K_AXIS, K_DELTA, K_SPARSE, K_EYE, K_DIRAC };
typedef struct {
    int kind;
    simdinit_dtype dtype;
    uint64_t shape[5];
    int ndim;
    int axis;
    double p;   /* gain / scale / sparsity */
} hcase;

static const hcase cases[] = {
    {K_ORTHO, SIMDINIT_F64, {300, 300}, 2, 0, 1.0},
    {K_ORTHO, SIMDINIT_F32, {97, 260}, 2, 0, 1.5},
    {K_ORTHO, SIMDINIT_BF16, {513, 70}, 2, 0, 1.0},
    {K_ORTHO, SIMDINIT_F16, {64, 64}, 2, 0, -2.0},
    {K_ORTHO, SIMDINIT_F64, {1, 1}, 2, 0, 1.0},
    {K_AXIS, SIMDINIT_F32, {6, 5, 7}, 3, 1, 1.0},
    {K_DELTA, SIMDINIT_F32, {3, 3, 16, 32}, 4, -1, 1.0},
    {K_SPARSE, SIMDINIT_F32, {200, 50}, 2, 0, 0.3},
    {K_EYE, SIMDINIT_BF16, {7, 9}, 2, 0, 0.5},
    {K_DIRAC, SIMDINIT_F16, {8, 4, 3, 3}, 4, 2, 0},
};

static simdinit_status run(const hcase *c, void *out, int nt)
{
    switch (c->kind) {
    case K_ORTHO:
        return simdinit_orthogonal(out, c->dtype, c->shape[0], c->shape[1], c->p, 42, 7, nt);
    case K_AXIS:
        return simdinit_orthogonal_axis(out, c->dtype, c->shape, c->ndim, c->axis, c->p, 42, 8, nt);
    case K_DELTA:
        return simdinit_delta_orthogonal(out, c->dtype, c->shape, c->ndim, c->axis, c->p, 42, 9, nt);
    case K_SPARSE:
        return simdinit_sparse(out, c->dtype, c->shape[0], c->shape[1], c->p, 0.02, 42, 10, nt);
    case K_EYE:
        return simdinit_eye(out, c->dtype, c->shape[0], c->shape[1], c->p);
    default:
        return simdinit_dirac(out, c->dtype, c->shape, c->ndim, (uint64_t)c->axis);
    }
}

int main(void)
{
    int bad = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const hcase *c = &cases[k];
        uint64_t n = 1;
        for (int i = 0; i < c->ndim; i++)
            n *= c->shape[i];
        size_t bytes = (size_t)n * simdinit_dtype_size(c->dtype);
        void *out = malloc(bytes);
        if (!out)
            return 1;
        uint64_t first = 0;
        int have = 0;
        for (int b = SIMDINIT_BACKEND_SCALAR; b < SIMDINIT_BACKEND_COUNT; b++) {
            if (!simdinit_backend_usable((simdinit_backend)b))
                continue;
            simdinit_set_backend((simdinit_backend)b);
            for (int nt = 1; nt <= 3; nt += 2) {
                memset(out, 0x5a, bytes);
                simdinit_status s = run(c, out, nt);
                uint64_t h = fnv(out, bytes);
                if (s != SIMDINIT_OK) {
                    fprintf(stderr, "case %zu: %s\n", k, simdinit_strerror(s));
                    return 1;
                }
                if (have && h != first) {
                    fprintf(stderr, "case %zu: backend %s, %d threads differs\n", k,
                            simdinit_backend_name((simdinit_backend)b), nt);
                    bad = 1;
                }
                first = h;
                have = 1;
            }
        }
        printf("case %zu kind %d %s: %016llx\n", k, c->kind, simdinit_dtype_name(c->dtype),
               (unsigned long long)first);
        free(out);
    }
    simdinit_set_backend(SIMDINIT_BACKEND_AUTO);
    return bad;
}
