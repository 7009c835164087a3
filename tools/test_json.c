/*
 * Unit tests of the `simdinit` program's strict JSON reader and writer
 * (tools/json.c): RFC 8259 grammar accepted and refused, positioned errors,
 * string decoding, limits, integer access, lookups and the writer.
 * Plain C (no framework); exit status 0 when every check passes.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int failures;

#define CHECK(cond, ...)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            failures++;                                                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                     \
            printf(__VA_ARGS__);                                                            \
            printf("\n");                                                                   \
        }                                                                                   \
    } while (0)

/* Parses text (length n, or strlen when n == (size_t)-1); expects success. */
static bool parse_ok(const char *text, size_t n, json_doc *doc)
{
    char err[200];
    if (n == (size_t)-1)
        n = strlen(text);
    bool ok = json_parse(text, n, doc, err, sizeof err);
    CHECK(ok, "accepted: %.60s (%s)", text, err);
    return ok;
}

/* Expects a refusal whose message holds `what` and starts "line L, column C: ". */
static void parse_bad(const char *text, size_t n, const char *what, int line, int col)
{
    json_doc doc;
    char err[200], want[64];
    if (n == (size_t)-1)
        n = strlen(text);
    bool ok = json_parse(text, n, &doc, err, sizeof err);
    CHECK(!ok, "refused: %.60s", text);
    if (ok) {
        json_free(&doc);
        return;
    }
    snprintf(want, sizeof want, "line %d, column %d: ", line, col);
    CHECK(strncmp(err, want, strlen(want)) == 0 && strstr(err, what) != NULL,
          "message for %.40s: '%s' (expected '%s...%s')", text, err, want, what);
    CHECK(doc.arena == NULL, "no memory kept after a refusal");
}

static char *write_text(const json_value *v, int indent, bool sort, const char *okey,
                        const char *otext)
{
    json_override ov[2] = {{okey, otext}, {"c", NULL}};
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL || !json_write(f, v, indent, sort, okey ? ov : NULL, okey ? 2 : 0) ||
        fclose(f) != 0) {
        failures++;
        printf("FAIL: json_write\n");
        return strdup("");
    }
    return buf;
}

static void test_grammar(void)
{
    static const char *const good[] = {
        "0", "-0", "1.5e+10", "-2E-3", "123456789012345678901234567890", "true", "false",
        "null", "\"\"", "[]", "{}", " \t\r\n[ 1 , {\"a\" : [ ] } ]\n", "\"\\/\\b\\f\\n\\r\\t\"",
        "{\"a\":1,\"b\":2,\"A\":3}", "[1e-400]", "\"\xf0\x9f\x98\x80\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        json_doc d;
        if (parse_ok(good[i], (size_t)-1, &d))
            json_free(&d);
    }
    parse_bad("", (size_t)-1, "expected a value", 1, 1);
    parse_bad("[1,]", (size_t)-1, "trailing comma", 1, 4);
    parse_bad("{\"a\":1,}", (size_t)-1, "trailing comma", 1, 8);
    parse_bad("[1 2]", (size_t)-1, "expected ',' or ']'", 1, 4);
    parse_bad("{\"a\" 1}", (size_t)-1, "expected ':'", 1, 6);
    parse_bad("{a:1}", (size_t)-1, "expected a string key", 1, 2);
    parse_bad("['a']", (size_t)-1, "expected a value", 1, 2);
    parse_bad("01", (size_t)-1, "leading zero", 1, 1);
    parse_bad("-", (size_t)-1, "a digit must follow '-'", 1, 2);
    parse_bad("+1", (size_t)-1, "expected a value", 1, 1);
    parse_bad(".5", (size_t)-1, "expected a value", 1, 1);
    parse_bad("1.", (size_t)-1, "a digit must follow '.'", 1, 3);
    parse_bad("1e", (size_t)-1, "exponent", 1, 3);
    parse_bad("NaN", (size_t)-1, "expected a value", 1, 1);
    parse_bad("Infinity", (size_t)-1, "expected a value", 1, 1);
    parse_bad("1e400", (size_t)-1, "too large", 1, 1);
    parse_bad("tru", (size_t)-1, "expected true", 1, 1);
    parse_bad("nul", (size_t)-1, "expected null", 1, 1);
    parse_bad("1 2", (size_t)-1, "after the value", 1, 3);
    parse_bad("// c\n1", (size_t)-1, "expected a value", 1, 1);
    parse_bad("[1]\n/* c */", (size_t)-1, "after the value", 2, 1);
    parse_bad("\f1", (size_t)-1, "expected a value", 1, 1);       /* form feed is not JSON space */
    parse_bad("\xef\xbb\xbf{}", (size_t)-1, "byte-order mark", 1, 1);
    parse_bad("\"abc", (size_t)-1, "unterminated string", 1, 1);
    parse_bad("\"a\tb\"", (size_t)-1, "control character 0x09", 1, 3);
    parse_bad("\"\\x\"", (size_t)-1, "invalid escape", 1, 2);
    parse_bad("\"\\u12G4\"", (size_t)-1, "4 hex digits", 1, 6);
    parse_bad("\"\\ud800\"", (size_t)-1, "without a low one", 1, 2);
    parse_bad("\"\\udc00\"", (size_t)-1, "lone low surrogate", 1, 2);
    parse_bad("\"\\ud800\\u0041\"", (size_t)-1, "followed by", 1, 8);
    parse_bad("\"\xc0\xaf\"", (size_t)-1, "invalid UTF-8", 1, 2);       /* overlong '/' */
    parse_bad("\"\xed\xa0\x80\"", (size_t)-1, "invalid UTF-8", 1, 2);   /* encoded surrogate */
    parse_bad("\"\xf4\x90\x80\x80\"", (size_t)-1, "invalid UTF-8", 1, 2); /* > U+10FFFF */
    parse_bad("\"\x80\"", (size_t)-1, "invalid UTF-8", 1, 2);
    parse_bad("{\"a\":1,\"b\":2,\"a\":3}", (size_t)-1, "duplicate key \"a\"", 1, 1);
    parse_bad("[\n  {\"x\": 1, \"x\": 2}]", (size_t)-1, "duplicate key", 2, 3);
    parse_bad("\"a\0b\"", 5, "control character 0x00", 1, 3);
}

static void test_limits(void)
{
    char deep[2 * JSON_MAX_DEPTH + 8];
    for (int d = JSON_MAX_DEPTH; d <= JSON_MAX_DEPTH + 1; d++) {
        memset(deep, '[', (size_t)d);
        memset(deep + d, ']', (size_t)d);
        deep[2 * d] = '\0';
        json_doc doc;
        char err[200];
        bool ok = json_parse(deep, (size_t)(2 * d), &doc, err, sizeof err);
        CHECK(ok == (d <= JSON_MAX_DEPTH), "depth %d: %s", d, ok ? "accepted" : err);
        if (ok)
            json_free(&doc);
        else
            CHECK(strstr(err, "nesting deeper") != NULL, "depth message: %s", err);
    }
    /* Many members: the duplicate check stays fast and exact. */
    size_t n = 20000, cap = n * 16 + 16, used = 0;
    char *big = malloc(cap);
    used += (size_t)snprintf(big, cap, "{");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(big + used, cap - used, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    used += (size_t)snprintf(big + used, cap - used, "}");
    json_doc doc;
    if (parse_ok(big, used, &doc)) {
        CHECK(doc.root.n == n, "%zu members", doc.root.n);
        uint64_t v;
        CHECK(json_as_u64(json_get(&doc.root, "k19999"), &v) && v == 19999, "k19999");
        json_free(&doc);
    }
    free(big);
}

static void test_strings_and_numbers(void)
{
    json_doc d;
    if (parse_ok("[\"\\u00e9\\ud83d\\ude00\\u0000x\", \"\\\"\\\\\"]", (size_t)-1, &d)) {
        const json_value *s = &d.root.items[0];
        CHECK(s->type == JSON_STRING && s->n == 8 &&
              memcmp(s->str, "\xc3\xa9\xf0\x9f\x98\x80\0x", 8) == 0 && s->str[8] == '\0',
              "escapes decode to UTF-8, NUL kept with its length (n = %zu)", s->n);
        CHECK(d.root.items[1].n == 2 && strcmp(d.root.items[1].str, "\"\\") == 0, "\\\" \\\\");
        json_free(&d);
    }
    static const struct { const char *text; bool ok; uint64_t v; } ints[] = {
        {"0", true, 0}, {"4096", true, 4096}, {"18446744073709551615", true, UINT64_MAX},
        {"18446744073709551616", false, 0}, {"4096.0", true, 4096}, {"5e5", true, 500000},
        {"-1", false, 0}, {"0.5", false, 0}, {"1e300", false, 0}, {"-0", true, 0},
        {"9007199254740992.0", false, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!parse_ok(ints[i].text, (size_t)-1, &d))
            continue;
        uint64_t v = 12345;
        bool ok = json_as_u64(&d.root, &v);
        CHECK(ok == ints[i].ok && (!ok || v == ints[i].v), "json_as_u64(%s): %d %llu",
              ints[i].text, ok, (unsigned long long)v);
        json_free(&d);
    }
    if (parse_ok("{\"a\": \"4\", \"b\": true}", (size_t)-1, &d)) {
        uint64_t v;
        CHECK(!json_as_u64(json_get(&d.root, "a"), &v), "a string is not an integer");
        CHECK(json_get(&d.root, "c") == NULL && json_get(&d.root.items[0], "a") == NULL,
              "json_get of a missing key or a non-object");
        CHECK(json_get(&d.root, "b")->type == JSON_TRUE, "json_get");
        json_free(&d);
    }
}

static void test_writer(void)
{
    json_doc d;
    const char *text = "{\"b\": [1, 2.50, {}], \"a\": \"x\\ny\\u0001\", \"c\": null, "
                       "\"torch_dtype\": \"float32\"}";
    if (!parse_ok(text, (size_t)-1, &d))
        return;
    char *one = write_text(&d.root, 0, false, NULL, NULL);
    CHECK(strcmp(one, "{\"b\":[1,2.50,{}],\"a\":\"x\\ny\\u0001\",\"c\":null,"
                      "\"torch_dtype\":\"float32\"}") == 0, "one line, text order: %s", one);
    char *pretty = write_text(&d.root, 2, true, "torch_dtype", "\"bfloat16\"");
    CHECK(strcmp(pretty, "{\n  \"a\": \"x\\ny\\u0001\",\n  \"b\": [\n    1,\n    2.50,\n"
                         "    {}\n  ],\n  \"torch_dtype\": \"bfloat16\"\n}") == 0,
          "indented, sorted, overridden, \"c\" left out: %s", pretty);
    char *added = write_text(&d.root, 0, true, "dtype", "\"f16\"");
    CHECK(strstr(added, "\"dtype\":\"f16\"") != NULL &&
              strstr(added, "\"torch_dtype\":\"float32\"") != NULL,
          "an override key that is absent is added: %s", added);
    json_doc d2;
    if (parse_ok(pretty, (size_t)-1, &d2)) {
        char *again = write_text(&d2.root, 2, true, NULL, NULL);
        CHECK(strcmp(again, pretty) == 0, "the writer's output parses back to the same tree");
        free(again);
        json_free(&d2);
    }
    free(one);
    free(pretty);
    free(added);
    json_free(&d);
}

int main(void)
{
    test_grammar();
    test_limits();
    test_strings_and_numbers();
    test_writer();
    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
