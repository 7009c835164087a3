/*
 * SIMDINIT_BACKEND handling, one process per setting (meson passes the
 * environment and the expectation):
 *   test_env bad      SIMDINIT_BACKEND names no backend or one not usable here:
 *                     env_status is BAD_ENV, fills fail with BAD_ENV and write
 *                     nothing, active_backend still reports a usable backend;
 *                     after simdinit_set_backend(AUTO) everything works.
 *   test_env NAME     SIMDINIT_BACKEND=NAME is usable: it is the active backend.
 *   test_env ok       unset or empty: env_status OK, fills work.
 * and SIMDINIT_STORES:
 *   test_env stores-bad      SIMDINIT_STORES names no policy: BAD_ENV as
 *                            above until simdinit_set_stores() is called.
 *   test_env stores-NAME     SIMDINIT_STORES=NAME is the active policy.
 * Every mode that ends with working fills also checks that the three store
 * policies write the same bits (aligned and misaligned outputs).
 * Plain C (no test framework). Last line: "N passed, N failed".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdinit.h"
#include "plain_check.h"

static int untouched(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xA5)
            return 0;
    return 1;
}

/* The store policy never changes a value: the same fills under each. */
static void check_policies_agree(void)
{
    enum { N = 70001 };
    static unsigned char ref[8 * N + 64], got[8 * N + 64];
    const struct {
        simdinit_dtype dt;
        simdinit_dist d;
    } cases[] = {
        {SIMDINIT_F32, simdinit_dist_uniform(-1, 2)},
        {SIMDINIT_F32, simdinit_dist_normal(0, 1)},
        {SIMDINIT_BF16, simdinit_dist_normal(0, 0.02)},
        {SIMDINIT_F64, simdinit_dist_trunc_normal(0, 1, -2, 2)},
        {SIMDINIT_F16, simdinit_dist_constant(0.25)},
    };
    simdinit_stores before = simdinit_active_stores();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t es = simdinit_dtype_size(cases[c].dt);
        for (size_t shift = 0; shift < 64; shift += es * 5) {  /* 0 and misaligned starts */
            for (int m = 0; m < SIMDINIT_STORES_COUNT; m++) {
                unsigned char *o = (m == 0 ? ref : got) + shift;
                memset(m == 0 ? ref : got, 0xA5, sizeof ref);
                check(simdinit_set_stores((simdinit_stores)m) == SIMDINIT_OK, "set_stores(%d)", m);
                check(simdinit_fill(o, cases[c].dt, N, 12345, 7, 3, &cases[c].d) == SIMDINIT_OK,
                      "fill under stores=%s", simdinit_stores_name((simdinit_stores)m));
                if (m > 0)
                    check(memcmp(ref, got, sizeof ref) == 0,
                          "case %zu shift %zu: stores=%s writes other bytes than auto", c, shift,
                          simdinit_stores_name((simdinit_stores)m));
            }
        }
    }
    simdinit_set_stores(before);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s bad|ok|BACKEND|stores-bad|stores-POLICY\n", argv[0]);
        return 2;
    }
    const char *env = getenv("SIMDINIT_BACKEND"), *senv = getenv("SIMDINIT_STORES");
    const char *mode = argv[1];
    printf("SIMDINIT_BACKEND=%s, SIMDINIT_STORES=%s, expecting %s\n", env ? env : "(unset)",
           senv ? senv : "(unset)", mode);
    unsigned char buf[64];
    simdinit_dist d = simdinit_dist_normal(0, 1);

    if (strcmp(mode, "bad") == 0) {
        check(simdinit_env_status() == SIMDINIT_ERR_BAD_ENV, "env_status is %d, want BAD_ENV",
              (int)simdinit_env_status());
        simdinit_backend a = simdinit_active_backend();
        check(a != SIMDINIT_BACKEND_AUTO && simdinit_backend_usable(a),
              "active_backend reports %d, not a usable backend", (int)a);
        memset(buf, 0xA5, sizeof buf);
        simdinit_status s1 = simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d);
        simdinit_status s2 = simdinit_uniform(buf, SIMDINIT_BF16, 4, 0, 1, 2, 0, 1);
        simdinit_status s3 = simdinit_constant(buf, SIMDINIT_F64, 4, 1.0);
        check(s1 == SIMDINIT_ERR_BAD_ENV, "fill returned %d, want BAD_ENV", (int)s1);
        check(s2 == SIMDINIT_ERR_BAD_ENV, "uniform returned %d, want BAD_ENV", (int)s2);
        check(s3 == SIMDINIT_ERR_BAD_ENV, "constant returned %d, want BAD_ENV", (int)s3);
        check(untouched(buf, sizeof buf), "a failed fill wrote to its output");
        check(simdinit_set_backend(SIMDINIT_BACKEND_AUTO) == SIMDINIT_OK, "set_backend(AUTO) failed");
        check(simdinit_env_status() == SIMDINIT_OK, "env_status still bad after set_backend");
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_OK,
              "fill still fails after set_backend");
        check_policies_agree();
    } else if (strcmp(mode, "stores-bad") == 0) {
        check(simdinit_env_status() == SIMDINIT_ERR_BAD_ENV, "env_status is %d, want BAD_ENV",
              (int)simdinit_env_status());
        check(simdinit_active_stores() == SIMDINIT_STORES_AUTO, "active_stores is not auto");
        memset(buf, 0xA5, sizeof buf);
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_ERR_BAD_ENV,
              "fill did not fail with BAD_ENV");
        check(simdinit_zeros(buf, SIMDINIT_F32, 4) == SIMDINIT_ERR_BAD_ENV,
              "zeros did not fail with BAD_ENV");
        check(untouched(buf, sizeof buf), "a failed fill wrote to its output");
        check(simdinit_set_stores(SIMDINIT_STORES_COUNT) == SIMDINIT_ERR_BAD_ENUM,
              "set_stores(COUNT) is not BAD_ENUM");
        check(simdinit_env_status() == SIMDINIT_ERR_BAD_ENV, "a rejected set_stores cleared BAD_ENV");
        check(simdinit_set_stores(SIMDINIT_STORES_CACHED) == SIMDINIT_OK, "set_stores failed");
        check(simdinit_env_status() == SIMDINIT_OK, "env_status still bad after set_stores");
        check(simdinit_active_stores() == SIMDINIT_STORES_CACHED, "set_stores did not take");
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_OK,
              "fill still fails after set_stores");
        check_policies_agree();
    } else if (strncmp(mode, "stores-", 7) == 0) {
        simdinit_stores want, got;
        check(simdinit_stores_from_name(mode + 7, &want) == SIMDINIT_OK, "unknown policy %s", mode + 7);
        check(simdinit_env_status() == SIMDINIT_OK, "env_status is %d, want OK",
              (int)simdinit_env_status());
        got = simdinit_active_stores();
        check(got == want, "active stores %s, want %s", simdinit_stores_name(got), mode + 7);
        check(simdinit_stores_from_name(NULL, &got) == SIMDINIT_ERR_NULL, "from_name(NULL)");
        check(simdinit_stores_from_name("Streaming", &got) == SIMDINIT_ERR_BAD_ENUM,
              "from_name is not exact");
        check(simdinit_stores_name(SIMDINIT_STORES_COUNT) == NULL, "name of COUNT");
        check_policies_agree();
        check(simdinit_active_stores() == want, "check_policies_agree did not restore the policy");
    } else if (strcmp(mode, "ok") == 0) {
        check(simdinit_env_status() == SIMDINIT_OK, "env_status is %d, want OK",
              (int)simdinit_env_status());
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_OK, "fill failed");
        check(simdinit_active_stores() == SIMDINIT_STORES_AUTO, "default store policy is not auto");
        check_policies_agree();
    } else {
        simdinit_backend want;
        check(simdinit_backend_from_name(mode, &want) == SIMDINIT_OK, "unknown backend %s", mode);
        check(simdinit_env_status() == SIMDINIT_OK, "env_status is %d, want OK",
              (int)simdinit_env_status());
        simdinit_backend got = simdinit_active_backend();
        if (want == SIMDINIT_BACKEND_AUTO)
            check(got != SIMDINIT_BACKEND_AUTO && simdinit_backend_usable(got),
                  "active backend %s for auto", simdinit_backend_name(got));
        else
            check(got == want, "active backend %s, want %s", simdinit_backend_name(got), mode);
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_OK, "fill failed");
        check_policies_agree();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
