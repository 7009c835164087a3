/* Placeholder: the golden vectors have not been generated yet. Build, then run
 * `ninja -C build golden` to write the real table here (see tests/gen_golden.c).
 * Until then test_golden and conformance FAIL on purpose. */
#ifndef SIMDINIT_GOLDEN_DATA_H
#define SIMDINIT_GOLDEN_DATA_H

#include "golden.h"

#define GOLDEN_HAVE_DATA 0

static const golden_entry golden_table[GOLDEN_NDIST][GOLDEN_NDTYPE];

#endif /* SIMDINIT_GOLDEN_DATA_H */
