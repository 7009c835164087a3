/*
 * Minimal writer for NumPy .npy files, format version 1.0:
 *   "\x93NUMPY" 0x01 0x00, a little-endian uint16 header length, then an
 *   ASCII dict "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
 *   padded with spaces and a final '\n' so the data starts at a multiple of
 *   64 bytes, then the raw C-order data.
 */
#ifndef SIMDINIT_TOOLS_NPY_H
#define SIMDINIT_TOOLS_NPY_H

#include <stdint.h>
#include <stdio.h>

#include "simdinit.h"

/* The .npy descr of a simdinit dtype in this machine's byte order: "<f4",
 * "<f8", "<f2", and "<u2" for bf16 (NumPy has no bfloat16: the file holds the
 * raw bits; shift them left by 16 and view as float32 to get the values).
 * NULL for an unknown dtype. */
const char *npy_descr(simdinit_dtype dtype);

/* Writes the magic, version and header for a C-order array of `ndim`
 * dimensions. Returns the number of bytes written (a multiple of 64), or 0 on
 * a write error (errno from the stream) or a header longer than v1.0 allows. */
size_t npy_write_header(FILE *f, const char *descr, const uint64_t *shape, int ndim);

#endif /* SIMDINIT_TOOLS_NPY_H */
