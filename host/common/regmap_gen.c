/*
 * regmap_gen.c - turns one register-map description into a C header, a Verilog header and a
 * Markdown table, so the RTL, the drivers and the docs share one source of truth.
 *
 * A description (rtl/<ip>/<ip>_regs.def) is a list of lines in X-macro form:
 *   NC_REG(NAME, OFFSET, ACCESS, RESET, "description")      a 32-bit register (ACCESS: RW RO W1C WO)
 *   NC_FIELD(REG, NAME, LSB, WIDTH, "description")          a bit field of a register above
 *   NC_WINDOW(NAME, BASE, BYTES, "description")             a memory window of 32-bit words
 *   NC_PARAM(NAME, VALUE, "description")                    a constant both sides need
 * with C comments between them. It is read at run time by regmap_parse(), which checks every
 * value: NAME and REG are C identifiers (at most 48 characters); numbers are decimal (no
 * leading zero) or 0x hex and fit in 32 bits; OFFSET and BASE are 4-byte aligned and below
 * 2^24 (the bus address space), a window ends inside it; LSB 0..31, WIDTH 1..32, LSB + WIDTH
 * <= 32, REG names a register declared above; names are not repeated, nor register offsets;
 * a description is printable ASCII without '"', '\' or the end of a C comment, at most 300
 * characters. Errors name file:line and what was expected.
 *
 * Build: cc -DNC_REGMAP_DEF='"../../rtl/x/x_regs.def"' -DNC_REGMAP_IP=x regmap_gen.c nc_error.c
 *        (NC_REGMAP_DEF is the name printed in the generated files' headers)
 * Run:   regmap_gen c|vh|md rtl/x/x_regs.def > output
 * A fuzz target (tests/fuzz/fuzz_core_regmap.c) includes this file with NC_REGMAP_NO_MAIN
 * defined and calls regmap_parse() and the emitters on arbitrary text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

#define RM_NAME_MAX 48
#define RM_DESC_MAX 300
#define RM_ENTS_MAX 4096
#define RM_TEXT_MAX (1u << 20)
#define RM_ADDR_LIMIT 0x1000000ul /* 24-bit byte addresses */

enum kind { REG, FIELD, WINDOW, PARAM };
struct ent {
    enum kind kind;
    char name[RM_NAME_MAX + 1], reg[RM_NAME_MAX + 1], access[4], desc[RM_DESC_MAX + 1];
    unsigned long value; /* offset, base, lsb or constant */
    unsigned long size;  /* width in bits or bytes        */
    unsigned long reset;
    unsigned line;
};

struct regmap {
    struct ent *ents;
    size_t n, cap;
};

/* ---- Parser ---- */
struct lexer {
    const char *p, *end, *path;
    unsigned line;
};

/* Skips blanks, newlines and comments; fails on an unterminated comment. */
static int lx_skip(struct lexer *lx)
{
    for (;;) {
        while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n'))
            lx->line += *lx->p++ == '\n';
        if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '*') {
            unsigned start = lx->line;
            lx->p += 2;
            while (lx->end - lx->p >= 2 && !(lx->p[0] == '*' && lx->p[1] == '/'))
                lx->line += *lx->p++ == '\n';
            if (lx->end - lx->p < 2)
                return nc_err_set(NC_ERR_PARSE, "%s:%u: unterminated comment (expected '*/')", lx->path, start);
            lx->p += 2;
        } else if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else {
            return NC_OK;
        }
    }
}

/* What the next character is, for messages. */
static const char *lx_found(const struct lexer *lx, char *buf, size_t len)
{
    if (lx->p >= lx->end)
        snprintf(buf, len, "end of file");
    else if (isprint((unsigned char)*lx->p))
        snprintf(buf, len, "'%c'", *lx->p);
    else
        snprintf(buf, len, "byte 0x%02x", (unsigned char)*lx->p);
    return buf;
}

static int lx_ident(struct lexer *lx, char *out, const char *what)
{
    char f[16];
    int rc = lx_skip(lx);
    if (rc)
        return rc;
    const char *s = lx->p;
    if (s >= lx->end || !(isalpha((unsigned char)*s) || *s == '_'))
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: expected a C identifier, found %s", lx->path, lx->line, what,
                          lx_found(lx, f, sizeof f));
    while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
        lx->p++;
    size_t n = (size_t)(lx->p - s);
    if (n > RM_NAME_MAX)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s '%.*s...': longer than %d characters", lx->path, lx->line, what,
                          RM_NAME_MAX, s, RM_NAME_MAX);
    memcpy(out, s, n);
    out[n] = '\0';
    return NC_OK;
}

/* A number: "0", decimal without a leading zero, or 0x hex; at most 0xffffffff. */
static int lx_number(struct lexer *lx, unsigned long *out, const char *what)
{
    char f[16];
    int rc = lx_skip(lx);
    if (rc)
        return rc;
    const char *s = lx->p;
    while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
        lx->p++;
    int len = (int)(lx->p - s), ok = len > 0;
    unsigned long v = 0;
    if (ok && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (int i = 2; ok && i < len; i++) {
            ok = isxdigit((unsigned char)s[i]) && v <= 0xffffffful;
            if (ok)
                v = v * 16 + (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                                                           : tolower((unsigned char)s[i]) - 'a' + 10);
        }
    } else if (ok && (len == 1 || s[0] != '0')) {
        for (int i = 0; ok && i < len; i++) {
            ok = isdigit((unsigned char)s[i]) && v <= 0xfffffffful / 10;
            if (ok)
                v = v * 10 + (unsigned long)(s[i] - '0');
        }
    } else {
        ok = 0;
    }
    if (!ok || v > 0xfffffffful) {
        if (len == 0)
            return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: expected a number, found %s", lx->path, lx->line, what,
                              lx_found(lx, f, sizeof f));
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s '%.*s': expected a decimal (no leading zero) or 0x hex "
                          "number in 0..0xffffffff", lx->path, lx->line, what, len > 40 ? 40 : len, s);
    }
    *out = v;
    return NC_OK;
}

/* A string literal of printable ASCII without '"', '\' or "*" "/". */
static int lx_string(struct lexer *lx, char *out, const char *what)
{
    char f[16];
    int rc = lx_skip(lx);
    if (rc)
        return rc;
    if (lx->p >= lx->end || *lx->p != '"')
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: expected a \"quoted\" description, found %s", lx->path,
                          lx->line, what, lx_found(lx, f, sizeof f));
    const char *s = ++lx->p;
    while (lx->p < lx->end && *lx->p != '"') {
        unsigned char c = (unsigned char)*lx->p;
        if (c < 0x20 || c > 0x7e || c == '\\' || (c == '*' && lx->p + 1 < lx->end && lx->p[1] == '/'))
            return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: %s inside the description (expected printable ASCII "
                              "without '\\' or '*/', closed by '\"' on the same line)", lx->path, lx->line, what,
                              lx_found(lx, f, sizeof f));
        lx->p++;
    }
    if (lx->p >= lx->end)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: unterminated description (expected '\"')", lx->path, lx->line,
                          what);
    size_t n = (size_t)(lx->p - s);
    if (n > RM_DESC_MAX)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s: description of %zu characters (at most %d)", lx->path,
                          lx->line, what, n, RM_DESC_MAX);
    memcpy(out, s, n);
    out[n] = '\0';
    lx->p++;
    return NC_OK;
}

static int lx_punct(struct lexer *lx, char c, const char *after)
{
    char f[16];
    int rc = lx_skip(lx);
    if (rc)
        return rc;
    if (lx->p >= lx->end || *lx->p != c)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: expected '%c' after %s, found %s", lx->path, lx->line, c, after,
                          lx_found(lx, f, sizeof f));
    lx->p++;
    return NC_OK;
}

#define TRY(x)                                                                                   \
    do {                                                                                         \
        int rc_ = (x);                                                                           \
        if (rc_)                                                                                 \
            return rc_;                                                                          \
    } while (0)

static const struct ent *find(const struct regmap *m, int (*match)(const struct ent *, const struct ent *),
                              const struct ent *e)
{
    for (size_t i = 0; i < m->n; i++)
        if (match(&m->ents[i], e))
            return &m->ents[i];
    return NULL;
}
/* REG and PARAM names share the generated namespace <IP>_<NAME>. */
static int same_name(const struct ent *a, const struct ent *b)
{
    int ca = a->kind == REG || a->kind == PARAM, cb = b->kind == REG || b->kind == PARAM;
    return ((ca && cb) || a->kind == b->kind) && !strcmp(a->name, b->name) &&
           (a->kind != FIELD || !strcmp(a->reg, b->reg));
}
static int same_offset(const struct ent *a, const struct ent *b)
{
    return a->kind == REG && b->kind == REG && a->value == b->value;
}
static int is_reg_named(const struct ent *a, const struct ent *b)
{
    return a->kind == REG && !strcmp(a->name, b->reg);
}

static const char *kind_name(enum kind k)
{
    return k == REG ? "register" : k == FIELD ? "field" : k == WINDOW ? "window" : "constant";
}

/* Checks one entry against the ones before it. */
static int check_ent(const struct regmap *m, const struct ent *e, const char *path)
{
    const struct ent *o;
    switch (e->kind) {
    case REG:
        if (e->value >= RM_ADDR_LIMIT || e->value % 4)
            return nc_err_set(NC_ERR_PARSE, "%s:%u: register %s: offset 0x%lx: expected a multiple of 4 below "
                              "0x%lx", path, e->line, e->name, e->value, RM_ADDR_LIMIT);
        if ((o = find(m, same_offset, e)))
            return nc_err_set(NC_ERR_PARSE, "%s:%u: register %s: offset 0x%lx is already register %s (line %u)",
                              path, e->line, e->name, e->value, o->name, o->line);
        break;
    case FIELD:
        if (!find(m, is_reg_named, e))
            return nc_err_set(NC_ERR_PARSE, "%s:%u: field %s: register '%s' is not declared above", path, e->line,
                              e->name, e->reg);
        if (e->value > 31 || e->size < 1 || e->size > 32 || e->value + e->size > 32)
            return nc_err_set(NC_ERR_PARSE, "%s:%u: field %s.%s: lsb %lu width %lu: expected lsb 0..31, width "
                              "1..32, lsb + width <= 32", path, e->line, e->reg, e->name, e->value, e->size);
        break;
    case WINDOW:
        if (e->value % 4 || e->size % 4 || e->size == 0 || e->value >= RM_ADDR_LIMIT ||
            e->size > RM_ADDR_LIMIT - e->value)
            return nc_err_set(NC_ERR_PARSE, "%s:%u: window %s: base 0x%lx bytes 0x%lx: expected multiples of 4, "
                              "bytes > 0, base + bytes <= 0x%lx", path, e->line, e->name, e->value, e->size,
                              RM_ADDR_LIMIT);
        break;
    case PARAM:
        break;
    }
    if ((o = find(m, same_name, e)))
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s %s: name already used by the %s on line %u", path, e->line,
                          kind_name(e->kind), e->name, kind_name(o->kind), o->line);
    return NC_OK;
}

void regmap_free(struct regmap *m)
{
    free(m->ents);
    memset(m, 0, sizeof *m);
}

/* Parses `len` bytes of description text; `path` names it in messages. On success *m holds
 * the entries in file order (regmap_free() releases them); on failure *m is empty and the
 * message (nc_err_msg()) names path:line and what was expected. */
int regmap_parse(const char *text, size_t len, const char *path, struct regmap *m)
{
    struct lexer lx = {text, text + len, path, 1};
    memset(m, 0, sizeof *m);
    int rc = NC_OK;
    if (len > RM_TEXT_MAX)
        return nc_err_set(NC_ERR_PARSE, "%s: %zu bytes: a register map has at most %u", path, len, RM_TEXT_MAX);
    while (rc == NC_OK && (rc = lx_skip(&lx)) == NC_OK && lx.p < lx.end) {
        struct ent e;
        char kw[RM_NAME_MAX + 1];
        memset(&e, 0, sizeof e);
        if ((rc = lx_ident(&lx, kw, "entry")))
            break;
        e.line = lx.line;
        if (!strcmp(kw, "NC_REG"))
            e.kind = REG;
        else if (!strcmp(kw, "NC_FIELD"))
            e.kind = FIELD;
        else if (!strcmp(kw, "NC_WINDOW"))
            e.kind = WINDOW;
        else if (!strcmp(kw, "NC_PARAM"))
            e.kind = PARAM;
        else {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: '%s': expected NC_REG, NC_FIELD, NC_WINDOW or NC_PARAM", path,
                            lx.line, kw);
            break;
        }
        if (m->n == RM_ENTS_MAX) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: more than %d entries", path, lx.line, RM_ENTS_MAX);
            break;
        }
        char access[RM_NAME_MAX + 1] = "";
        rc = lx_punct(&lx, '(', kw);
        switch (e.kind) {
        case REG:
            if (!rc) rc = lx_ident(&lx, e.name, "register name");
            if (!rc) rc = lx_punct(&lx, ',', "the name");
            if (!rc) rc = lx_number(&lx, &e.value, "offset");
            if (!rc) rc = lx_punct(&lx, ',', "the offset");
            if (!rc) rc = lx_ident(&lx, access, "access");
            if (!rc && strcmp(access, "RW") && strcmp(access, "RO") && strcmp(access, "W1C") && strcmp(access, "WO"))
                rc = nc_err_set(NC_ERR_PARSE, "%s:%u: register %s: access '%s': expected RW, RO, W1C or WO", path,
                                lx.line, e.name, access);
            if (!rc) rc = lx_punct(&lx, ',', "the access");
            if (!rc) rc = lx_number(&lx, &e.reset, "reset value");
            if (!rc) rc = lx_punct(&lx, ',', "the reset value");
            e.size = 32;
            break;
        case FIELD:
            if (!rc) rc = lx_ident(&lx, e.reg, "register of the field");
            if (!rc) rc = lx_punct(&lx, ',', "the register");
            if (!rc) rc = lx_ident(&lx, e.name, "field name");
            if (!rc) rc = lx_punct(&lx, ',', "the name");
            if (!rc) rc = lx_number(&lx, &e.value, "lsb");
            if (!rc) rc = lx_punct(&lx, ',', "the lsb");
            if (!rc) rc = lx_number(&lx, &e.size, "width");
            if (!rc) rc = lx_punct(&lx, ',', "the width");
            break;
        case WINDOW:
            if (!rc) rc = lx_ident(&lx, e.name, "window name");
            if (!rc) rc = lx_punct(&lx, ',', "the name");
            if (!rc) rc = lx_number(&lx, &e.value, "base");
            if (!rc) rc = lx_punct(&lx, ',', "the base");
            if (!rc) rc = lx_number(&lx, &e.size, "bytes");
            if (!rc) rc = lx_punct(&lx, ',', "the size");
            break;
        case PARAM:
            if (!rc) rc = lx_ident(&lx, e.name, "constant name");
            if (!rc) rc = lx_punct(&lx, ',', "the name");
            if (!rc) rc = lx_number(&lx, &e.value, "value");
            if (!rc) rc = lx_punct(&lx, ',', "the value");
            break;
        }
        if (!rc) rc = lx_string(&lx, e.desc, "description");
        if (!rc) rc = lx_punct(&lx, ')', "the description");
        if (rc)
            break;
        memcpy(e.access, access, sizeof e.access); /* checked above: at most 3 characters */
        if ((rc = check_ent(m, &e, path)))
            break;
        if (m->n == m->cap) {
            size_t cap = m->cap ? 2 * m->cap : 64;
            struct ent *ne = realloc(m->ents, cap * sizeof *ne);
            if (!ne) {
                rc = nc_err_set(NC_ERR_NOMEM, "%s:%u: out of memory", path, e.line);
                break;
            }
            m->ents = ne;
            m->cap = cap;
        }
        m->ents[m->n++] = e;
    }
    if (rc)
        regmap_free(m);
    return rc;
}

/* Reads and parses the description file at `path` (at most RM_TEXT_MAX bytes). */
int regmap_read(const char *path, struct regmap *m)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = NC_OK;
    while (rc == NC_OK && len <= RM_TEXT_MAX) { /* one byte past the bound tells it is too long */
        if (len == cap) {
            size_t ncap = cap ? 2 * cap : 4096;
            char *nt = realloc(text, ncap);
            if (!nt) {
                rc = nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            text = nt;
            cap = ncap;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (rc == NC_OK && ferror(f))
        rc = nc_err_set(NC_ERR_IO, "%s: read error", path);
    fclose(f);
    if (rc == NC_OK)
        rc = regmap_parse(text ? text : "", len, path, m);
    free(text);
    return rc;
}

/* ---- Emitters: `ip` is the upper-case prefix, `def` the source named in the header. ---- */
static void emit_c(FILE *o, const struct regmap *m, const char *ip, const char *def)
{
    fprintf(o, "/* Generated by host/common/regmap_gen.c from %s. Do not edit. */\n", def);
    fprintf(o, "#ifndef %s_REGS_H\n#define %s_REGS_H\n\n", ip, ip);
    for (size_t i = 0; i < m->n; i++) {
        const struct ent *e = &m->ents[i];
        switch (e->kind) {
        case REG:
            fprintf(o, "#define %s_%s 0x%06lxu /* %s: %s */\n", ip, e->name, e->value, e->access, e->desc);
            fprintf(o, "#define %s_%s_RESET 0x%08lxu\n", ip, e->name, e->reset);
            break;
        case FIELD:
            fprintf(o, "#define %s_%s_%s_LSB %lu\n", ip, e->reg, e->name, e->value);
            fprintf(o, "#define %s_%s_%s_WIDTH %lu\n", ip, e->reg, e->name, e->size);
            fprintf(o, "#define %s_%s_%s_MASK 0x%08lxu /* %s */\n", ip, e->reg, e->name,
                    (e->size >= 32 ? 0xfffffffful : ((1ul << e->size) - 1)) << e->value, e->desc);
            break;
        case WINDOW:
            fprintf(o, "#define %s_WIN_%s_BASE 0x%06lxu /* %s */\n", ip, e->name, e->value, e->desc);
            fprintf(o, "#define %s_WIN_%s_BYTES 0x%06lxu\n", ip, e->name, e->size);
            break;
        case PARAM:
            fprintf(o, "#define %s_%s %lu /* %s */\n", ip, e->name, e->value, e->desc);
            break;
        }
    }
    fprintf(o, "\n#endif\n");
}

static void emit_vh(FILE *o, const struct regmap *m, const char *ip, const char *def)
{
    fprintf(o, "// Generated by host/common/regmap_gen.c from %s. Do not edit.\n", def);
    fprintf(o, "// Include inside the module body.\n/* verilator lint_off UNUSEDPARAM */\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct ent *e = &m->ents[i];
        switch (e->kind) {
        case REG:
            fprintf(o, "localparam [23:0] %s_%s = 24'h%06lx; // %s: %s\n", ip, e->name, e->value, e->access, e->desc);
            fprintf(o, "localparam [31:0] %s_%s_RESET = 32'h%08lx;\n", ip, e->name, e->reset);
            break;
        case FIELD:
            fprintf(o, "localparam integer %s_%s_%s_LSB = %lu;\n", ip, e->reg, e->name, e->value);
            fprintf(o, "localparam integer %s_%s_%s_WIDTH = %lu; // %s\n", ip, e->reg, e->name, e->size, e->desc);
            break;
        case WINDOW:
            fprintf(o, "localparam [23:0] %s_WIN_%s_BASE = 24'h%06lx; // %s\n", ip, e->name, e->value, e->desc);
            fprintf(o, "localparam [23:0] %s_WIN_%s_BYTES = 24'h%06lx;\n", ip, e->name, e->size);
            break;
        case PARAM:
            fprintf(o, "localparam integer %s_%s = %lu; // %s\n", ip, e->name, e->value, e->desc);
            break;
        }
    }
    fprintf(o, "/* verilator lint_on UNUSEDPARAM */\n");
}

static void emit_md(FILE *o, const struct regmap *m, const char *ip, const char *def)
{
    fprintf(o, "<!-- Generated by `make regs` from %s. Do not edit. -->\n", def);
    fprintf(o, "# %s register map\n\nByte addresses on the accelerator bus (rtl/common/README.md); "
            "all accesses are 32-bit.\n\n", ip);
    fprintf(o, "| offset | register | access | reset | field | bits | description |\n");
    fprintf(o, "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct ent *e = &m->ents[i];
        if (e->kind == REG)
            fprintf(o, "| 0x%06lx | %s | %s | 0x%08lx | | | %s |\n", e->value, e->name, e->access, e->reset, e->desc);
        else if (e->kind == FIELD)
            fprintf(o, "| | | | | %s | %lu:%lu | %s |\n", e->name, e->value + e->size - 1, e->value, e->desc);
    }
    int any = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->ents[i].kind == WINDOW) {
            if (!any++)
                fprintf(o, "\n## Memory windows\n\n| base | window | bytes | description |\n|---|---|---|---|\n");
            fprintf(o, "| 0x%06lx | %s | 0x%lx | %s |\n", m->ents[i].value, m->ents[i].name, m->ents[i].size,
                    m->ents[i].desc);
        }
    any = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->ents[i].kind == PARAM) {
            if (!any++)
                fprintf(o, "\n## Constants\n\n| name | value | description |\n|---|---|---|\n");
            fprintf(o, "| %s | %lu | %s |\n", m->ents[i].name, m->ents[i].value, m->ents[i].desc);
        }
}

/* Upper-case copy of an IP name, truncated to fit. */
static void ip_upper(char *ip, size_t len, const char *s)
{
    size_t i;
    for (i = 0; s[i] && i + 1 < len; i++)
        ip[i] = (char)toupper((unsigned char)s[i]);
    ip[i] = '\0';
}

#ifndef NC_REGMAP_NO_MAIN
#define STR2(x) #x
#define STR(x) STR2(x)

int main(int argc, char **argv)
{
    char ip[64];
    ip_upper(ip, sizeof ip, STR(NC_REGMAP_IP));
    void (*emit)(FILE *, const struct regmap *, const char *, const char *) = NULL;
    if (argc == 3 && !strcmp(argv[1], "c"))
        emit = emit_c;
    else if (argc == 3 && !strcmp(argv[1], "vh"))
        emit = emit_vh;
    else if (argc == 3 && !strcmp(argv[1], "md"))
        emit = emit_md;
    else {
        fprintf(stderr, "usage: %s c|vh|md DEF-FILE\n", argv[0]);
        return 2;
    }
    struct regmap m;
    if (regmap_read(argv[2], &m)) {
        fprintf(stderr, "%s\n", nc_err_msg());
        return 2;
    }
    emit(stdout, &m, ip, NC_REGMAP_DEF);
    regmap_free(&m);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
#endif
