/*
 * REQUIRE(cond, fmt, ...) for the libFuzzer harnesses: on a violated property
 * print "<file>:<line>: <message>" straight to file descriptor 2 (not through
 * the stderr stream, which a harness may point elsewhere to silence the code
 * under test) and abort(), so libFuzzer saves the input as a crash artifact.
 * Needs _POSIX_C_SOURCE >= 200809L (dprintf).
 */
#ifndef SIMDINIT_FUZZ_CHECK_H
#define SIMDINIT_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(cond, ...)                                           \
    do {                                                             \
        if (!(cond)) {                                               \
            dprintf(2, "%s:%d: ", __FILE__, __LINE__);               \
            dprintf(2, __VA_ARGS__);                                 \
            dprintf(2, "\n");                                        \
            abort();                                                 \
        }                                                            \
    } while (0)

#endif /* SIMDINIT_FUZZ_CHECK_H */
