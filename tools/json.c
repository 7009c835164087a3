/* Strict RFC 8259 JSON reader and writer (see json.h). */
#define _POSIX_C_SOURCE 200809L

#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Arena: the tree and its strings live in a chain of blocks freed at once. */
/* ---------------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[]; /* aligned storage */
} arena_block;

#define ARENA_BLOCK ((size_t)64 << 10)

static void *arena_alloc(arena_block **head, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    arena_block *b = *head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        arena_block *nb = malloc(sizeof *nb + size);
        if (nb == NULL)
            return NULL;
        nb->size = size;
        nb->used = 0;
        if (b != NULL && n > ARENA_BLOCK) {
            /* A big allocation gets its own block behind the current one, so
             * the rest of the current block stays usable. */
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return (char *)nb->data;
        }
        nb->next = b;
        *head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
}

/* ---------------------------------------------------------------------- */
/* Parser                                                                  */
/* ---------------------------------------------------------------------- */

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    int depth;
    arena_block *arena;
    json_value *stack; /* values of the open containers (keys and values of objects) */
    size_t sp, cap;
    char *err;
    size_t errsize;
    bool failed;
} parser;

static bool fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return false;
    p->failed = true;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else if ((p->s[i] & 0xc0) != 0x80) { /* count characters, not UTF-8 bytes */
            col++;
        }
    }
    int k = snprintf(p->err, p->errsize, "line %zu, column %zu: ", line, col);
    if (k >= 0 && (size_t)k < p->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + k, p->errsize - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool oom(parser *p)
{
    return fail_at(p, p->pos, "out of memory");
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static bool push(parser *p, const json_value *v)
{
    if (p->sp == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        json_value *ns = realloc(p->stack, cap * sizeof *ns);
        if (ns == NULL)
            return oom(p);
        p->stack = ns;
        p->cap = cap;
    }
    p->stack[p->sp++] = *v;
    return true;
}

static bool parse_value(parser *p, json_value *out);

/* The description of the byte at pos, for messages. */
static const char *describe(parser *p, char *buf, size_t size)
{
    if (p->pos >= p->len)
        return "the end of the text";
    unsigned char c = p->s[p->pos];
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", c);
    return buf;
}

static bool expect_literal(parser *p, const char *word, json_type t, json_value *out)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail_at(p, p->pos, "invalid literal (expected %s)", word);
    p->pos += n;
    out->type = t;
    return true;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(parser *p, size_t at, unsigned *u)
{
    if (p->len - at < 4)
        return fail_at(p, at, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[at + (size_t)i]);
        if (h < 0)
            return fail_at(p, at + (size_t)i, "\\u escape needs 4 hex digits");
        v = v * 16 + (unsigned)h;
    }
    *u = v;
    return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the valid UTF-8 sequence at s[0 ..] (at most `avail` bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static bool parse_string(parser *p, json_value *out)
{
    size_t start = ++p->pos; /* after the opening quote */
    /* First pass: find the end, so the decoded text (never longer) fits one allocation. */
    size_t end = start;
    while (end < p->len && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len)
        return fail_at(p, start - 1, "unterminated string");
    char *o = arena_alloc(&p->arena, end - start + 1);
    if (o == NULL)
        return oom(p);
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = p->s[p->pos];
        if (c < 0x20)
            return fail_at(p, p->pos, "control character 0x%02x in a string (escape it)", c);
        if (c == '\\') {
            unsigned char e = p->s[p->pos + 1];
            switch (e) {
            case '"': o[n++] = '"'; break;
            case '\\': o[n++] = '\\'; break;
            case '/': o[n++] = '/'; break;
            case 'b': o[n++] = '\b'; break;
            case 'f': o[n++] = '\f'; break;
            case 'n': o[n++] = '\n'; break;
            case 'r': o[n++] = '\r'; break;
            case 't': o[n++] = '\t'; break;
            case 'u': {
                unsigned u, lo;
                if (!read_hex4(p, p->pos + 2, &u))
                    return false;
                if (u >= 0xdc00 && u <= 0xdfff)
                    return fail_at(p, p->pos, "lone low surrogate \\u%04x", u);
                if (u >= 0xd800 && u <= 0xdbff) {
                    size_t q = p->pos + 6;
                    if (q + 1 >= p->len || p->s[q] != '\\' || p->s[q + 1] != 'u')
                        return fail_at(p, p->pos, "high surrogate \\u%04x without a low one", u);
                    if (!read_hex4(p, q + 2, &lo))
                        return false;
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return fail_at(p, q, "high surrogate \\u%04x followed by \\u%04x", u, lo);
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    p->pos += 6;
                }
                n += put_utf8(o + n, u);
                p->pos += 4;
                break;
            }
            default:
                return fail_at(p, p->pos, "invalid escape '\\%c'",
                               (e >= 0x21 && e < 0x7f) ? e : '?');
            }
            p->pos += 2;
            continue;
        }
        size_t k = utf8_seq(p->s + p->pos, end - p->pos);
        if (k == 0)
            return fail_at(p, p->pos, "invalid UTF-8 in a string");
        memcpy(o + n, p->s + p->pos, k);
        n += k;
        p->pos += k;
    }
    if (p->pos != end) /* an escape's tail ran past the closing quote */
        return fail_at(p, end, "unterminated escape");
    p->pos = end + 1;
    o[n] = '\0';
    out->type = JSON_STRING;
    out->str = o;
    out->n = n;
    return true;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool parse_number(parser *p, json_value *out)
{
    size_t start = p->pos, i = p->pos;
    if (i < p->len && p->s[i] == '-')
        i++;
    if (i >= p->len || !is_digit(p->s[i]))
        return fail_at(p, i, "invalid number (a digit must follow '-')");
    if (p->s[i] == '0') {
        i++;
        if (i < p->len && is_digit(p->s[i]))
            return fail_at(p, start, "invalid number (leading zero)");
    } else {
        while (i < p->len && is_digit(p->s[i]))
            i++;
    }
    if (i < p->len && p->s[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(p->s[i]))
            return fail_at(p, i, "invalid number (a digit must follow '.')");
        while (i < p->len && is_digit(p->s[i]))
            i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (i >= p->len || !is_digit(p->s[i]))
            return fail_at(p, i, "invalid number (a digit must follow the exponent)");
        while (i < p->len && is_digit(p->s[i]))
            i++;
    }
    size_t n = i - start;
    char *t = arena_alloc(&p->arena, n + 1);
    if (t == NULL)
        return oom(p);
    memcpy(t, p->s + start, n);
    t[n] = '\0';
    errno = 0;
    double d = strtod(t, NULL);
    if (isinf(d))
        return fail_at(p, start, "number %s is too large for a double", n < 40 ? t : "");
    p->pos = i;
    out->type = JSON_NUMBER;
    out->str = t;
    out->n = n;
    out->num = d;
    return true;
}

typedef struct key_ref {
    const char *s;
    size_t n, idx;
} key_ref;

static int key_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->s, y->s, m);
    if (c)
        return c;
    return (x->n > y->n) - (x->n < y->n);
}

/* Closes a container whose `count` entries (2 per member for objects) are on
 * top of the stack. */
static bool close_container(parser *p, json_value *out, size_t count, bool object,
                            size_t open_pos)
{
    size_t base = p->sp - count;
    size_t members = object ? count / 2 : count;
    json_value *items = NULL;
    json_value *keys = NULL;
    if (members) {
        items = arena_alloc(&p->arena, members * sizeof *items);
        if (items == NULL)
            return oom(p);
        if (object) {
            keys = arena_alloc(&p->arena, members * sizeof *keys);
            if (keys == NULL)
                return oom(p);
        }
        for (size_t i = 0; i < members; i++) {
            if (object) {
                keys[i] = p->stack[base + 2 * i];
                items[i] = p->stack[base + 2 * i + 1];
            } else {
                items[i] = p->stack[base + i];
            }
        }
    }
    p->sp = base;
    if (object && members > 1) {
        key_ref *refs = malloc(members * sizeof *refs);
        if (refs == NULL)
            return oom(p);
        for (size_t i = 0; i < members; i++)
            refs[i] = (key_ref){keys[i].str, keys[i].n, i};
        qsort(refs, members, sizeof *refs, key_cmp);
        for (size_t i = 1; i < members; i++) {
            if (key_cmp(&refs[i - 1], &refs[i]) == 0) {
                char shown[64];
                size_t k = refs[i].n < sizeof shown - 1 ? refs[i].n : sizeof shown - 1;
                for (size_t j = 0; j < k; j++) {
                    unsigned char c = (unsigned char)refs[i].s[j];
                    shown[j] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
                }
                shown[k] = '\0';
                free(refs);
                return fail_at(p, open_pos, "duplicate key \"%s\" in this object", shown);
            }
        }
        free(refs);
    }
    out->type = object ? JSON_OBJECT : JSON_ARRAY;
    out->n = members;
    out->items = items;
    out->keys = keys;
    return true;
}

static bool parse_container(parser *p, json_value *out, bool object)
{
    size_t open_pos = p->pos++;
    if (++p->depth > JSON_MAX_DEPTH)
        return fail_at(p, open_pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    char close = object ? '}' : ']';
    size_t count = 0;
    char what[32];
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return close_container(p, out, 0, object, open_pos);
    }
    for (;;) {
        json_value v;
        memset(&v, 0, sizeof v);
        skip_ws(p);
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return fail_at(p, p->pos, "expected a string key, found %s",
                               describe(p, what, sizeof what));
            if (!parse_string(p, &v) || !push(p, &v))
                return false;
            count++;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return fail_at(p, p->pos, "expected ':' after a key, found %s",
                               describe(p, what, sizeof what));
            p->pos++;
            skip_ws(p);
            memset(&v, 0, sizeof v);
        }
        if (!parse_value(p, &v) || !push(p, &v))
            return false;
        count++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == close)
                return fail_at(p, p->pos, "trailing comma before '%c'", close);
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            break;
        }
        return fail_at(p, p->pos, "expected ',' or '%c', found %s", close,
                       describe(p, what, sizeof what));
    }
    p->depth--;
    return close_container(p, out, count, object, open_pos);
}

static bool parse_value(parser *p, json_value *out)
{
    char what[32];
    if (p->pos >= p->len)
        return fail_at(p, p->pos, "expected a value, found the end of the text");
    switch (p->s[p->pos]) {
    case '{':
        return parse_container(p, out, true);
    case '[':
        return parse_container(p, out, false);
    case '"':
        return parse_string(p, out);
    case 't':
        return expect_literal(p, "true", JSON_TRUE, out);
    case 'f':
        return expect_literal(p, "false", JSON_FALSE, out);
    case 'n':
        return expect_literal(p, "null", JSON_NULL, out);
    default:
        if (p->s[p->pos] == '-' || is_digit(p->s[p->pos]))
            return parse_number(p, out);
        return fail_at(p, p->pos, "expected a value, found %s", describe(p, what, sizeof what));
    }
}

bool json_parse(const char *text, size_t len, json_doc *doc, char *err, size_t errsize)
{
    char dummy[8];
    memset(doc, 0, sizeof *doc);
    parser p = {.s = (const unsigned char *)text, .len = len,
                .err = err ? err : dummy, .errsize = err ? errsize : sizeof dummy};
    if (p.errsize)
        p.err[0] = '\0';
    if (text == NULL && len > 0)
        return fail_at(&p, 0, "no text");
    if (len > JSON_MAX_TEXT)
        return fail_at(&p, 0, "text larger than %zu bytes", JSON_MAX_TEXT);
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        return fail_at(&p, 0, "byte-order mark before the value (JSON text has none)");
    json_value root;
    memset(&root, 0, sizeof root);
    skip_ws(&p);
    bool ok = parse_value(&p, &root);
    if (ok) {
        skip_ws(&p);
        if (p.pos != p.len) {
            char what[32];
            ok = fail_at(&p, p.pos, "unexpected %s after the value",
                         describe(&p, what, sizeof what));
        }
    }
    free(p.stack);
    if (!ok) {
        arena_free(p.arena);
        return false;
    }
    doc->root = root;
    doc->arena = p.arena;
    return true;
}

void json_free(json_doc *doc)
{
    if (doc == NULL)
        return;
    arena_free(doc->arena);
    memset(doc, 0, sizeof *doc);
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (v == NULL || v->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < v->n; i++)
        if (v->keys[i].n == n && memcmp(v->keys[i].str, key, n) == 0)
            return &v->items[i];
    return NULL;
}

bool json_as_u64(const json_value *v, uint64_t *out)
{
    if (v == NULL || v->type != JSON_NUMBER)
        return false;
    const char *s = v->str;
    bool plain = true;
    for (size_t i = 0; i < v->n; i++)
        if (!is_digit((unsigned char)s[i]))
            plain = false;
    if (plain) {
        uint64_t x = 0;
        for (size_t i = 0; i < v->n; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (x > (UINT64_MAX - d) / 10)
                return false;
            x = x * 10 + d;
        }
        *out = x;
        return true;
    }
    double d = v->num;
    if (!(d >= 0 && d < 9007199254740992.0) || d != floor(d))
        return false;
    *out = (uint64_t)d;
    return true;
}

const char *json_type_name(json_type t)
{
    static const char *const names[] = {"null", "false", "true", "number",
                                        "string", "array", "object"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* ---------------------------------------------------------------------- */
/* Writer                                                                  */
/* ---------------------------------------------------------------------- */

bool json_write_string(FILE *f, const char *s, size_t n)
{
    if (fputc('"', f) == EOF)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int r;
        switch (c) {
        case '"': r = fputs("\\\"", f); break;
        case '\\': r = fputs("\\\\", f); break;
        case '\n': r = fputs("\\n", f); break;
        case '\r': r = fputs("\\r", f); break;
        case '\t': r = fputs("\\t", f); break;
        case '\b': r = fputs("\\b", f); break;
        case '\f': r = fputs("\\f", f); break;
        default:
            r = c < 0x20 ? fprintf(f, "\\u%04x", c) : fputc(c, f);
        }
        if (r < 0)
            return false;
    }
    return fputc('"', f) != EOF;
}

static bool newline(FILE *f, int indent, int level)
{
    if (indent == 0)
        return true;
    if (fputc('\n', f) == EOF)
        return false;
    for (int i = 0; i < indent * level; i++)
        if (fputc(' ', f) == EOF)
            return false;
    return true;
}

typedef struct member_ref {
    const json_value *key, *value;
    const char *text; /* an override's JSON text instead of value */
} member_ref;

static int member_cmp(const void *a, const void *b)
{
    const member_ref *x = a, *y = b;
    key_ref kx = {x->key->str, x->key->n, 0}, ky = {y->key->str, y->key->n, 0};
    return key_cmp(&kx, &ky);
}

static bool is_key(const json_value *k, const char *s)
{
    size_t n = strlen(s);
    return k->n == n && memcmp(k->str, s, n) == 0;
}

/* ov[0 .. nov-1] apply to this object's members (the top level only). */
static bool write_value(FILE *f, const json_value *v, int indent, bool sort_keys, int level,
                        const json_override *ov, size_t nov)
{
    switch (v->type) {
    case JSON_NULL: return fputs("null", f) >= 0;
    case JSON_FALSE: return fputs("false", f) >= 0;
    case JSON_TRUE: return fputs("true", f) >= 0;
    case JSON_NUMBER: return fwrite(v->str, 1, v->n, f) == v->n;
    case JSON_STRING: return json_write_string(f, v->str, v->n);
    case JSON_ARRAY:
        if (v->n == 0)
            return fputs("[]", f) >= 0;
        if (fputc('[', f) == EOF)
            return false;
        for (size_t i = 0; i < v->n; i++) {
            if ((i && fputc(',', f) == EOF) || !newline(f, indent, level + 1) ||
                !write_value(f, &v->items[i], indent, sort_keys, level + 1, NULL, 0))
                return false;
        }
        return newline(f, indent, level) && fputc(']', f) != EOF;
    case JSON_OBJECT: {
        static const json_value no_value = {JSON_NULL, 0, NULL, 0, NULL, NULL};
        member_ref *m = malloc((v->n + nov + 1) * sizeof *m);
        json_value *added = malloc((nov + 1) * sizeof *added);
        if (m == NULL || added == NULL) {
            free(m);
            free(added);
            return false;
        }
        size_t k = 0;
        for (size_t i = 0; i < v->n; i++) {
            member_ref r = {&v->keys[i], &v->items[i], NULL};
            bool drop = false;
            for (size_t j = 0; j < nov; j++)
                if (is_key(&v->keys[i], ov[j].key)) {
                    r.text = ov[j].text;
                    drop = ov[j].text == NULL;
                }
            if (!drop)
                m[k++] = r;
        }
        for (size_t j = 0; j < nov; j++) {
            bool present = false;
            for (size_t i = 0; i < v->n; i++)
                present = present || is_key(&v->keys[i], ov[j].key);
            if (!present && ov[j].text) {
                added[j] = (json_value){JSON_STRING, strlen(ov[j].key), ov[j].key, 0, NULL, NULL};
                m[k++] = (member_ref){&added[j], &no_value, ov[j].text};
            }
        }
        if (sort_keys)
            qsort(m, k, sizeof *m, member_cmp);
        bool ok = true;
        if (k == 0)
            ok = fputs("{}", f) >= 0;
        else {
            ok = fputc('{', f) != EOF;
            for (size_t i = 0; ok && i < k; i++) {
                ok = (!i || fputc(',', f) != EOF) && newline(f, indent, level + 1) &&
                     json_write_string(f, m[i].key->str, m[i].key->n) &&
                     fputs(indent ? ": " : ":", f) >= 0 &&
                     (m[i].text ? fputs(m[i].text, f) >= 0
                                : write_value(f, m[i].value, indent, sort_keys, level + 1, NULL,
                                              0));
            }
            ok = ok && newline(f, indent, level) && fputc('}', f) != EOF;
        }
        free(m);
        free(added);
        return ok;
    }
    }
    return false;
}

bool json_write(FILE *f, const json_value *v, int indent, bool sort_keys,
                const json_override *ov, size_t nov)
{
    return write_value(f, v, indent, sort_keys, 0, v->type == JSON_OBJECT ? ov : NULL,
                       v->type == JSON_OBJECT ? nov : 0);
}
