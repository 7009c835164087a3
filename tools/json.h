/*
 * A small, strict JSON reader (RFC 8259) for the `simdinit` program's model
 * descriptions (config.json, tensor lists), and a writer of the same tree.
 * Not part of the library.
 *
 * Strictness (each is an error with line:column):
 *  - the RFC 8259 grammar exactly: no comments, no trailing commas, no single
 *    quotes, no leading zeros ("01"), no "+1", ".5", "1.", "NaN", "Infinity";
 *    whitespace is space, tab, LF, CR only; one value per text, nothing after it;
 *  - strings: valid UTF-8 only (no overlong forms, no encoded surrogates, nothing
 *    above U+10FFFF), no raw control characters, only the escapes \" \\ \/ \b \f
 *    \n \r \t \uXXXX, and \u surrogates only as a high-low pair; a leading
 *    byte-order mark is refused;
 *  - numbers whose magnitude overflows a double are refused;
 *  - duplicate keys in an object are refused (RFC 8259 leaves their meaning
 *    open; for a config a silent "last one wins" hides mistakes);
 *  - limits: JSON_MAX_DEPTH nested arrays/objects, JSON_MAX_TEXT bytes of text.
 * Strings are decoded to UTF-8 with a terminating NUL; their length is kept, so
 * a "\u0000" inside is preserved (but a key holding one never matches a C string).
 */
#ifndef SIMDINIT_TOOLS_JSON_H
#define SIMDINIT_TOOLS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_TEXT ((size_t)256 << 20)

typedef enum json_type {
    JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
} json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    size_t n;              /* string length in bytes, or number of items / members */
    const char *str;       /* STRING: decoded, NUL-terminated; NUMBER: the literal's text */
    double num;            /* NUMBER */
    json_value *items;     /* ARRAY: items; OBJECT: member values */
    const json_value *keys;/* OBJECT: member keys (STRING values), in text order */
};

/* A parsed document: the tree and the memory it lives in. */
typedef struct json_doc {
    json_value root;
    void *arena;           /* private */
} json_doc;

/*
 * Parses text[0 .. len-1]. Returns true and fills *doc, or false with a
 * message "line L, column C: what" in err (the doc is then empty and need not
 * be freed, though json_free accepts it).
 */
bool json_parse(const char *text, size_t len, json_doc *doc, char *err, size_t errsize);
void json_free(json_doc *doc);

/* The member `key` of an object, NULL when absent (or v is not an object). */
const json_value *json_get(const json_value *v, const char *key);

/* A NUMBER holding an integer in [0, 2^64): written without fraction or
 * exponent ("4096"), or any literal whose value is an integer below 2^53
 * ("4096.0", "5e5"). */
bool json_as_u64(const json_value *v, uint64_t *out);

/* "null", "false", "true", "number", "string", "array", "object". */
const char *json_type_name(json_type t);

/* A change to a top-level member when writing: its value replaced by the JSON
 * text `text` (the member added when absent), or the member left out when
 * text is NULL. */
typedef struct json_override {
    const char *key;
    const char *text;
} json_override;

/*
 * Writes v as JSON text: objects with their keys sorted (bytewise) when
 * sort_keys, else in text order, indented by `indent` spaces per level
 * (0: one line), numbers as their literal text; ov[0 .. nov-1] change the
 * top-level object's members (the last one naming a key wins). Returns false
 * on a write error.
 */
bool json_write(FILE *f, const json_value *v, int indent, bool sort_keys,
                const json_override *ov, size_t nov);

/* Writes s[0 .. n-1] as a JSON string literal with the escapes it needs. */
bool json_write_string(FILE *f, const char *s, size_t n);

#endif /* SIMDINIT_TOOLS_JSON_H */
