/*
 * SIMDINIT_BACKEND handling, one process per setting (meson passes the
 * environment and the expectation):
 *   test_env bad      SIMDINIT_BACKEND names no backend or one not usable here:
 *                     env_status is BAD_ENV, fills fail with BAD_ENV and write
 *                     nothing, active_backend still reports a usable backend;
 *                     after simdinit_set_backend(AUTO) everything works.
 *   test_env NAME     SIMDINIT_BACKEND=NAME is usable: it is the active backend.
 *   test_env ok       unset or empty: env_status OK, fills work.
 * Plain C (no test framework). Last line: "N passed, N failed".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdinit.h"

static int passed, failed;

static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static int untouched(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xA5)
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s bad|ok|BACKEND\n", argv[0]);
        return 2;
    }
    const char *env = getenv("SIMDINIT_BACKEND");
    const char *mode = argv[1];
    printf("SIMDINIT_BACKEND=%s, expecting %s\n", env ? env : "(unset)", mode);
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
    } else if (strcmp(mode, "ok") == 0) {
        check(simdinit_env_status() == SIMDINIT_OK, "env_status is %d, want OK",
              (int)simdinit_env_status());
        check(simdinit_fill(buf, SIMDINIT_F32, 4, 0, 1, 2, &d) == SIMDINIT_OK, "fill failed");
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
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
