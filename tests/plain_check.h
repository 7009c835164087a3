/*
 * The tally of the plain C test programs (no test framework: they must also
 * run under qemu-user, where Criterion escapes the emulator). check() counts
 * one check and prints "FAIL: <message>" when it failed; the program ends with
 * printf("%d passed, %d failed\n", passed, failed), the line CI reads.
 */
#ifndef SIMDINIT_PLAIN_CHECK_H
#define SIMDINIT_PLAIN_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

__attribute__((format(printf, 2, 3))) static void check(int ok, const char *fmt, ...)
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

#endif /* SIMDINIT_PLAIN_CHECK_H */
