/*
 * libFuzzer harness of the `simdinit` program's strict JSON reader
 * (tools/json.c). Properties checked on every input:
 *  - json_parse returns (no crash, hang, leak or undefined behaviour: build
 *    with -fsanitize=fuzzer,address,undefined);
 *  - a rejected input leaves an empty document and a "line L, column C: ..." message;
 *  - an accepted document written by json_write (one line, and indented) parses
 *    again, and writing that gives the same text (the writer emits only what
 *    the reader accepts, and the tree survives the round trip);
 *  - json_as_u64 agrees with the number's value where both are defined.
 * Build and run: tests/fuzz/run_fuzz.sh SECONDS (FUZZ_ONLY=json for this one);
 * seeds in tests/fuzz/corpus/json/.
 */
// fuzz-sources: tools/json.c
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static char *write_text(const json_value *v, int indent, bool sort, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL)
        abort();
    if (!json_write(f, v, indent, sort, NULL, 0))
        abort();
    if (fclose(f) != 0)
        abort();
    *len = size;
    return buf;
}

static void check_numbers(const json_value *v, int depth)
{
    if (depth > JSON_MAX_DEPTH + 1)
        abort();
    if (v->type == JSON_NUMBER) {
        uint64_t u;
        if (json_as_u64(v, &u) && u < (1ull << 53) && (double)u != v->num)
            abort();
    }
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT)
        for (size_t i = 0; i < v->n; i++) {
            if (v->type == JSON_OBJECT && v->keys[i].type != JSON_STRING)
                abort();
            check_numbers(&v->items[i], depth + 1);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_doc doc;
    char err[160];
    if (!json_parse((const char *)data, size, &doc, err, sizeof err)) {
        if (doc.arena != NULL || strncmp(err, "line ", 5) != 0)
            abort();
        return 0;
    }
    check_numbers(&doc.root, 0);
    for (int indent = 0; indent <= 2; indent += 2) {
        size_t n1, n2;
        char *t1 = write_text(&doc.root, indent, indent != 0, &n1);
        json_doc d2;
        if (!json_parse(t1, n1, &d2, err, sizeof err)) {
            fprintf(stderr, "re-parse failed: %s\n", err);
            abort();
        }
        char *t2 = write_text(&d2.root, indent, indent != 0, &n2);
        if (n1 != n2 || memcmp(t1, t2, n1) != 0)
            abort();
        json_free(&d2);
        free(t1);
        free(t2);
    }
    json_free(&doc);
    return 0;
}
