/* Minimal .npy v1.0 writer (see npy.h). */
#include "npy.h"

#include <stdbool.h>
#include <string.h>

#define NPY_ALIGN 64
#define NPY_PREAMBLE 10 /* magic (6) + version (2) + header length (2) */

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

const char *npy_descr(simdinit_dtype dtype)
{
    bool le = host_is_little_endian();
    switch (dtype) {
    case SIMDINIT_F32:
        return le ? "<f4" : ">f4";
    case SIMDINIT_F64:
        return le ? "<f8" : ">f8";
    case SIMDINIT_F16:
        return le ? "<f2" : ">f2";
    case SIMDINIT_BF16:
        return le ? "<u2" : ">u2";
    }
    return NULL;
}

size_t npy_write_header(FILE *f, const char *descr, const uint64_t *shape, int ndim)
{
    /* 16 dims of 20 digits plus the fixed text fit in 512 bytes; anything
     * longer than 65535 would not fit a v1.0 header at all. */
    char buf[1024];
    int len = snprintf(buf + NPY_PREAMBLE, sizeof buf - NPY_PREAMBLE,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    if (len < 0)
        return 0;
    size_t used = NPY_PREAMBLE + (size_t)len;
    for (int i = 0; i < ndim; i++) {
        /* Python tuple syntax: "(5,)" for one dimension, "(2, 3)" for more. */
        const char *sep = (ndim == 1) ? "," : (i + 1 < ndim ? ", " : "");
        len = snprintf(buf + used, sizeof buf - used, "%llu%s", (unsigned long long)shape[i], sep);
        if (len < 0 || (size_t)len >= sizeof buf - used)
            return 0;
        used += (size_t)len;
    }
    len = snprintf(buf + used, sizeof buf - used, "), }");
    if (len < 0 || (size_t)len >= sizeof buf - used)
        return 0;
    used += (size_t)len;

    /* Pad with spaces, then '\n', to the next multiple of 64. */
    size_t total = (used + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
    if (total > sizeof buf || total - NPY_PREAMBLE > 0xffff)
        return 0;
    memset(buf + used, ' ', total - 1 - used);
    buf[total - 1] = '\n';

    size_t header_len = total - NPY_PREAMBLE;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)(header_len & 0xff);
    buf[9] = (char)(header_len >> 8);
    return fwrite(buf, 1, total, f) == total ? total : 0;
}
