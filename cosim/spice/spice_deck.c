/* spice_deck.c - the netlist reader and validator (see spice_deck.h). No libngspice here. */
#define _POSIX_C_SOURCE 200809L
#include "spice_deck.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nc_error.h"
#include "nc_util.h"

#define NAME_CAP (NC_DECK_MAX_NAME + 1)
#define MAX_TOKENS (NC_DECK_MAX_LINE / 2 + 2)
#define MAX_MODELS 1024
#define STOP 1 /* process_card: stop reading this file (.end, end of a .lib section) */

static const char ELEMENTS[] = "RCLKVIBEFGHTDX";
static const char DOT_CARDS[] = ".param .subckt .ends .model .global .include .inc .lib .end";

typedef struct subckt {
    char name[NAME_CAP];
    int nports;
    char *params; /* " p1 p2 " (declared parameter names) */
    int file, line;
    size_t own;   /* elements other than X instances */
    int color;    /* expansion walk: 0 new, 1 on the path, 2 done */
    size_t expanded;
} subckt_t;

typedef struct xref { /* an X line, checked once every .subckt is known */
    int parent;       /* enclosing subcircuit, -1 at top level */
    int target;
    char sub[NAME_CAP];
    char name[NAME_CAP];
    int nnodes;
    char *params;     /* " p1 p2 " (parameters given) */
    int file, line;
} xref_t;

typedef struct mref { /* a D line's model */
    char model[NAME_CAP];
    int file, line;
} mref_t;

typedef struct frame {
    char real[PATH_MAX];
    char section[NAME_CAP];
} frame_t;

typedef struct reader {
    const char *dir;
    char root[PATH_MAX];
    size_t rootlen;
    bool have_root;
    nc_spice_deck_t *deck;
    const nc_spice_param_t *params;
    size_t np;
    bool *used;
    size_t lines, bytes;
    int nfiles;
    char *files[NC_DECK_MAX_FILES + 1]; /* names shown in messages */
    frame_t stack[NC_DECK_MAX_DEPTH + 2];
    int depth;
    int cur_sub; /* subcircuit being defined, -1 outside */
    size_t top_own;
    subckt_t *subs;
    int nsubs;
    xref_t *xs;
    size_t nx, xcap;
    mref_t *ms;
    size_t nm, mcap;
    char (*models)[NAME_CAP];
    size_t nmodels;
} reader_t;

/* ---- messages ---- */

static int err_at(reader_t *r, int file, int line, int status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int err_at(reader_t *r, int file, int line, int status, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nc_err_set(status, "%s:%d: %s", r->files[file], line, msg);
}

/* ---- the deck ---- */

void nc_spice_deck_free(nc_spice_deck_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->card[i]);
    free(d->card);
    *d = (nc_spice_deck_t){0};
}

static int push_card(reader_t *r, const char *s)
{
    nc_spice_deck_t *d = r->deck;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        char **c = realloc(d->card, cap * sizeof *c);
        if (!c)
            return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
        d->card = c, d->cap = cap;
    }
    if (!(d->card[d->n] = strdup(s)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    d->n++;
    return NC_OK;
}

/* ---- tokens ---- */

/* A name: letters, digits and '_', 1..NC_DECK_MAX_NAME characters. */
static bool valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '_')
            return false;
    return n > 0 && n <= NC_DECK_MAX_NAME;
}

static bool prefix_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* Splits `card` (copied into buf) into blank-separated tokens; a group in ( ) { } ' ' " "
 * stays in one token. Unbalanced or too deeply nested groups and blanks around '=' are
 * errors. Returns the number of tokens, or a negative status. */
static int tokenize(reader_t *r, int file, int line, const char *card, char *buf, char **tok)
{
    snprintf(buf, NC_DECK_MAX_LINE + 1, "%s", card);
    char stack[NC_DECK_MAX_NEST];
    int depth = 0, n = 0;
    char *p = buf;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == MAX_TOKENS)
            return err_at(r, file, line, NC_ERR_PARSE, "more than %d tokens", MAX_TOKENS);
        tok[n++] = p;
        for (; *p && (depth || (*p != ' ' && *p != '\t')); p++) {
            char c = *p, top = depth ? stack[depth - 1] : 0;
            if (top == '\'' || top == '"') {
                if (c == top)
                    depth--;
                continue;
            }
            if (c == '(' || c == '{' || c == '\'' || c == '"') {
                if (depth == NC_DECK_MAX_NEST)
                    return err_at(r, file, line, NC_ERR_PARSE, "brackets nested deeper than %d",
                                  NC_DECK_MAX_NEST);
                stack[depth++] = c;
            } else if (c == ')' || c == '}') {
                char want = c == ')' ? '(' : '{';
                if (top != want)
                    return err_at(r, file, line, NC_ERR_PARSE, "'%c' without its '%c'", c,
                                  want);
                depth--;
            }
        }
    }
    if (depth)
        return err_at(r, file, line, NC_ERR_PARSE, "'%c' is never closed", stack[depth - 1]);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(tok[i]);
        if (tok[i][0] == '=' || tok[i][len - 1] == '=')
            return err_at(r, file, line, NC_ERR_PARSE, "'%.40s': blanks around '=' (write "
                          "NAME=VALUE as one word)", tok[i]);
    }
    return n;
}

/* "name=value": splits at the first '=' (before any bracket); false if not of that form. */
static bool split_assign(char *t, char **name, char **value)
{
    size_t k = strcspn(t, "=({'\"");
    if (t[k] != '=' || k == 0 || !t[k + 1])
        return false;
    t[k] = '\0';
    *name = t, *value = t + k + 1;
    return valid_name(t);
}

static bool has_assign(const char *t)
{
    return strchr(t, '=') != NULL || strcasecmp(t, "params:") == 0;
}

/* " a b " list of names (lower-case); n names from tok. */
static char *name_list(char **tok, int n)
{
    size_t len = 2;
    for (int i = 0; i < n; i++)
        len += strlen(tok[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p++ = ' ';
    for (int i = 0; i < n; i++) {
        for (const char *q = tok[i]; *q; q++)
            *p++ = (char)tolower((unsigned char)*q);
        *p++ = ' ';
    }
    *p = '\0';
    return s;
}

static bool in_list(const char *list, const char *name)
{
    char key[NAME_CAP + 2];
    snprintf(key, sizeof key, " %s ", name);
    for (char *q = key; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return list && strstr(list, key) != NULL;
}

/* ---- files ---- */

static int parse_buffer(reader_t *r, const char *buf, size_t len, int file, const char *dir,
                        const char *section);

static bool on_stack(const reader_t *r, const char *real, const char *section)
{
    section = section ? section : "";
    for (int i = 0; i < r->depth; i++)
        if (!strcmp(r->stack[i].real, real) && !strcasecmp(r->stack[i].section, section))
            return true;
    return false;
}

/* Reads `name` (relative to the directory `base`) into the deck. from >= 0: the file and line
 * of the including card. */
static int read_source(reader_t *r, const char *base, const char *name, const char *section,
                       int from, int from_line)
{
#define FAIL(st, ...)                                                                         \
    (from >= 0 ? err_at(r, from, from_line, st, __VA_ARGS__) : nc_err_set(st, __VA_ARGS__))
    const char *what = from >= 0 ? "included file" : "netlist";
    if (!name[0])
        return FAIL(NC_ERR_PARSE, "%s: empty file name", what);
    for (const char *q = name; *q; q++)
        if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
            return FAIL(NC_ERR_PARSE, "%s '%.60s': character 0x%02x in the name (expected "
                        "printable ASCII)", what, name, (unsigned char)*q);
    if (!r->have_root)
        return FAIL(NC_ERR_IO, "%s '%.200s': no circuits directory to find it in", what, name);
    if (name[0] == '/')
        return FAIL(NC_ERR_PARSE, "%s '%.200s': absolute paths are refused (expected a path "
                    "relative to %s, inside the circuits directory %s)",
                    what, name, from >= 0 ? "the including file" : "the circuits directory",
                    r->dir);
    char cand[PATH_MAX], real[PATH_MAX];
    if ((size_t)snprintf(cand, sizeof cand, "%s/%s", base, name) >= sizeof cand)
        return FAIL(NC_ERR_PARSE, "%s '%.60s...': path longer than %d characters", what, name,
                    PATH_MAX);
    if (!realpath(cand, real)) {
        int e = errno;
        return FAIL(NC_ERR_IO, "%s '%.200s' cannot be opened: %s (expected a file under the "
                    "circuits directory %s%s)", what, name, strerror(e), r->dir,
                    from >= 0 ? "; a missing model library?" : "");
    }
    if (strncmp(real, r->root, r->rootlen) != 0 || real[r->rootlen] != '/')
        return FAIL(NC_ERR_PARSE, "%s '%.200s' resolves to %.200s, outside the circuits "
                    "directory %.200s: refused (netlists and their includes must stay inside "
                    "it)", what, name, real, r->root);
    if (on_stack(r, real, section))
        return FAIL(NC_ERR_PARSE, "%s '%.200s' includes itself (an include cycle)", what, name);
    if (r->depth > NC_DECK_MAX_DEPTH) /* the netlist + NC_DECK_MAX_DEPTH levels */
        return FAIL(NC_ERR_PARSE, "%s '%.200s': includes nested deeper than %d", what, name,
                    NC_DECK_MAX_DEPTH);
    if (r->nfiles >= NC_DECK_MAX_FILES)
        return FAIL(NC_ERR_PARSE, "%s '%.200s': more than %d files in one netlist", what, name,
                    NC_DECK_MAX_FILES);
    int fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0) {
        int e = errno;
        return FAIL(NC_ERR_IO, "%s '%.200s' cannot be opened: %s", what, name, strerror(e));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return FAIL(NC_ERR_PARSE, "%s '%.200s' is not a regular file", what, name);
    }
    size_t room = NC_DECK_MAX_BYTES - r->bytes;
    if ((uint64_t)st.st_size > room) {
        close(fd);
        return FAIL(NC_ERR_PARSE, "%s '%.200s': %lld bytes would take the netlist past %u bytes "
                    "in all (its files together)", what, name, (long long)st.st_size,
                    NC_DECK_MAX_BYTES);
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    ssize_t k = 0;
    while (buf && got <= (size_t)st.st_size &&
           (k = read(fd, buf + got, (size_t)st.st_size + 1 - got)) > 0)
        got += (size_t)k;
    close(fd);
    if (!buf)
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    if (k < 0 || got > (size_t)st.st_size) {
        free(buf);
        return FAIL(NC_ERR_IO, "%s '%.200s': read failed or the file grew while read", what,
                    name);
    }
#undef FAIL
    r->bytes += got;
    /* the name shown in messages: the circuits directory as given + the path inside it */
    size_t dl = strlen(r->dir) + strlen(real + r->rootlen) + 1;
    int file = r->nfiles;
    if (!(r->files[file] = malloc(dl))) {
        free(buf);
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    }
    snprintf(r->files[file], dl, "%s%s", r->dir, real + r->rootlen);
    r->nfiles++;
    frame_t *f = &r->stack[r->depth++];
    snprintf(f->real, sizeof f->real, "%s", real);
    snprintf(f->section, sizeof f->section, "%s", section ? section : "");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", real);
    *strrchr(dir, '/') = '\0';
    int rc = parse_buffer(r, buf, got, file, dir, section);
    r->depth--;
    free(buf);
    return rc;
}

/* ---- cards ---- */

static int include_card(reader_t *r, int file, int line, const char *dir, char **tok, int n,
                        bool lib)
{
    if (n != (lib ? 3 : 2))
        return err_at(r, file, line, NC_ERR_PARSE, lib ? "expected '.lib FILE SECTION'"
                                                       : "expected '%s FILE'", tok[0]);
    char path[NC_DECK_MAX_LINE + 1];
    snprintf(path, sizeof path, "%s", tok[1]);
    size_t len = strlen(path);
    if (len >= 2 && (path[0] == '"' || path[0] == '\'') && path[len - 1] == path[0])
        memmove(path, path + 1, len - 2), path[len - 2] = '\0';
    if (lib && !valid_name(tok[2]))
        return err_at(r, file, line, NC_ERR_PARSE, ".lib section '%.40s': expected a name "
                      "(letters, digits, _)", tok[2]);
    return read_source(r, dir, path, lib ? tok[2] : NULL, file, line);
}

static int param_card(reader_t *r, int file, int line, char **tok, int n)
{
    if (n < 2)
        return err_at(r, file, line, NC_ERR_PARSE, ".param without an assignment (expected "
                      "'.param NAME=VALUE ...')");
    char out[NC_DECK_MAX_LINE + 64];
    size_t used = (size_t)snprintf(out, sizeof out, ".param");
    for (int i = 1; i < n; i++) {
        char *name, *value;
        if (!split_assign(tok[i], &name, &value))
            return err_at(r, file, line, NC_ERR_PARSE, "'%.60s': expected NAME=VALUE (a name "
                          "of letters, digits and _ up to %d characters)", tok[i],
                          NC_DECK_MAX_NAME);
        char val[64];
        if (r->cur_sub < 0)
            for (size_t k = 0; k < r->np; k++)
                if (!strcasecmp(r->params[k].name, name)) {
                    r->used[k] = true;
                    snprintf(val, sizeof val, "%.12g", r->params[k].value);
                    value = val;
                }
        used += (size_t)snprintf(out + used, sizeof out - used, " %s=%s", name, value);
        if (used >= NC_DECK_MAX_LINE)
            return err_at(r, file, line, NC_ERR_PARSE, ".param card longer than %d characters "
                          "with the overrides", NC_DECK_MAX_LINE);
    }
    return push_card(r, out);
}

static int subckt_card(reader_t *r, int file, int line, const char *card, char **tok, int n)
{
    if (r->cur_sub >= 0)
        return err_at(r, file, line, NC_ERR_PARSE, ".subckt inside .subckt %s (%s:%d): nested "
                      "definitions are refused", r->subs[r->cur_sub].name,
                      r->files[r->subs[r->cur_sub].file], r->subs[r->cur_sub].line);
    if (n < 3 || !valid_name(tok[1]))
        return err_at(r, file, line, NC_ERR_PARSE, "expected '.subckt NAME PORT... [P=V...]' "
                      "(names of letters, digits and _ up to %d characters)", NC_DECK_MAX_NAME);
    for (int i = 0; i < r->nsubs; i++)
        if (!strcasecmp(r->subs[i].name, tok[1]))
            return err_at(r, file, line, NC_ERR_PARSE, "subcircuit '%s' is already defined at "
                          "%s:%d", tok[1], r->files[r->subs[i].file], r->subs[i].line);
    if (r->nsubs == NC_DECK_MAX_SUBCKTS)
        return err_at(r, file, line, NC_ERR_PARSE, "more than %d subcircuits",
                      NC_DECK_MAX_SUBCKTS);
    int ports = 0;
    while (2 + ports < n && !has_assign(tok[2 + ports])) {
        const char *p = tok[2 + ports];
        if (!valid_name(p))
            return err_at(r, file, line, NC_ERR_PARSE, ".subckt %s: port '%.40s' is not a node "
                          "name (letters, digits, _)", tok[1], p);
        for (int j = 0; j < ports; j++)
            if (!strcasecmp(tok[2 + j], p))
                return err_at(r, file, line, NC_ERR_PARSE, ".subckt %s: port '%s' twice",
                              tok[1], p);
        ports++;
    }
    if (ports == 0 || ports > NC_DECK_MAX_PORTS)
        return err_at(r, file, line, NC_ERR_PARSE, ".subckt %s: %d ports (expected 1 to %d)",
                      tok[1], ports, NC_DECK_MAX_PORTS);
    char *pn[MAX_TOKENS];
    int np = 0;
    for (int i = 2 + ports; i < n; i++) {
        char *name, *value;
        if (!strcasecmp(tok[i], "params:"))
            continue;
        if (!split_assign(tok[i], &name, &value))
            return err_at(r, file, line, NC_ERR_PARSE, ".subckt %s: '%.40s': expected a "
                          "parameter NAME=DEFAULT", tok[1], tok[i]);
        pn[np++] = name;
    }
    if (!r->subs && !(r->subs = calloc(NC_DECK_MAX_SUBCKTS, sizeof *r->subs)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    subckt_t *s = &r->subs[r->nsubs];
    *s = (subckt_t){.nports = ports, .file = file, .line = line};
    snprintf(s->name, sizeof s->name, "%s", tok[1]);
    if (!(s->params = name_list(pn, np)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    r->cur_sub = r->nsubs++;
    return push_card(r, card);
}

static int xref_add(reader_t *r, int file, int line, char **tok, int n)
{
    int nodes = 0;
    while (1 + nodes < n && !has_assign(tok[1 + nodes]))
        nodes++;
    nodes--; /* the last of them is the subcircuit's name */
    if (nodes < 1)
        return err_at(r, file, line, NC_ERR_PARSE, "%s: expected 'X NODE... SUBCKT [P=V...]' "
                      "(at least one node and the name of a .subckt)", tok[0]);
    if (nodes > NC_DECK_MAX_PORTS)
        return err_at(r, file, line, NC_ERR_PARSE, "%s: %d nodes (at most %d)", tok[0], nodes,
                      NC_DECK_MAX_PORTS);
    for (int i = 1; i <= nodes; i++)
        if (!valid_name(tok[i]))
            return err_at(r, file, line, NC_ERR_PARSE, "%s: node '%.40s' is not a node name "
                          "(letters, digits, _ up to %d characters)", tok[0], tok[i],
                          NC_DECK_MAX_NAME);
    const char *sub = tok[1 + nodes];
    if (!valid_name(sub))
        return err_at(r, file, line, NC_ERR_PARSE, "%s: subcircuit name '%.40s' is not a name "
                      "(letters, digits, _)", tok[0], sub);
    char *pn[MAX_TOKENS];
    int np = 0;
    for (int i = 2 + nodes; i < n; i++) {
        char *name, *value;
        if (!strcasecmp(tok[i], "params:"))
            continue;
        if (!split_assign(tok[i], &name, &value))
            return err_at(r, file, line, NC_ERR_PARSE, "%s: '%.40s': expected a parameter "
                          "NAME=VALUE after the subcircuit's name", tok[0], tok[i]);
        pn[np++] = name;
    }
    if (r->nx == r->xcap) {
        size_t cap = r->xcap ? 2 * r->xcap : 64;
        xref_t *x = realloc(r->xs, cap * sizeof *x);
        if (!x)
            return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
        r->xs = x, r->xcap = cap;
    }
    xref_t *x = &r->xs[r->nx];
    *x = (xref_t){.parent = r->cur_sub, .target = -1, .nnodes = nodes, .file = file,
                  .line = line};
    snprintf(x->sub, sizeof x->sub, "%s", sub);
    snprintf(x->name, sizeof x->name, "%s", tok[0]);
    if (!(x->params = name_list(pn, np)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    r->nx++;
    return NC_OK;
}

static int nodes_ok(reader_t *r, int file, int line, char **tok, int from, int count)
{
    for (int i = from; i < from + count; i++)
        if (!valid_name(tok[i]))
            return err_at(r, file, line, NC_ERR_PARSE, "%s: node '%.40s' is not a node name "
                          "(letters, digits, _ up to %d characters)", tok[0], tok[i],
                          NC_DECK_MAX_NAME);
    return NC_OK;
}

static int element_card(reader_t *r, int file, int line, const char *card, char **tok, int n)
{
    char kind = (char)toupper((unsigned char)tok[0][0]);
    if (!strchr(ELEMENTS, kind) || !isalpha((unsigned char)tok[0][0]))
        return err_at(r, file, line, NC_ERR_PARSE, "'%.40s': not an accepted card (elements: "
                      "%s by their first letter; dot-cards: %s; control blocks and commands "
                      "are refused)", tok[0], "R C L K V I B E F G H T D X", DOT_CARDS);
    if (!valid_name(tok[0]))
        return err_at(r, file, line, NC_ERR_PARSE, "element name '%.40s': expected letters, "
                      "digits and _ (at most %d characters)", tok[0], NC_DECK_MAX_NAME);
    int rc = NC_OK;
    const char *want = NULL;
    switch (kind) {
    case 'R': case 'C': case 'L': case 'V': case 'I':
        want = "NAME N1 N2 VALUE...";
        if (n >= 4)
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
        break;
    case 'K':
        want = "K L1 L2 COUPLING";
        if (n == 4 && (tok[1][0] == 'L' || tok[1][0] == 'l') && valid_name(tok[1]) &&
            (tok[2][0] == 'L' || tok[2][0] == 'l') && valid_name(tok[2]))
            want = NULL;
        break;
    case 'B':
        want = "B N1 N2 I={EXPR} or V={EXPR}";
        if (n == 4 && (prefix_ci(tok[3], "i=") || prefix_ci(tok[3], "v=")))
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
        break;
    case 'E': case 'G':
        want = "NAME N1 N2 NC1 NC2 GAIN or NAME N1 N2 VALUE={EXPR}";
        if (n >= 6 && valid_name(tok[3]) && valid_name(tok[4]))
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
        else if (n == 4 && (prefix_ci(tok[3], "value=") || prefix_ci(tok[3], "vol=") ||
                            prefix_ci(tok[3], "cur=")))
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
        break;
    case 'F': case 'H':
        want = "NAME N1 N2 VSOURCE GAIN";
        if (n >= 5 && (tok[3][0] == 'V' || tok[3][0] == 'v') && valid_name(tok[3]))
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
        break;
    case 'T':
        want = "T N1 N2 N3 N4 Z0=... TD=...";
        if (n >= 6 && has_assign(tok[5]))
            rc = nodes_ok(r, file, line, tok, 1, 4), want = NULL;
        break;
    case 'D':
        want = "D N1 N2 MODEL [AREA]";
        if (n >= 4 && n <= 5 && valid_name(tok[3])) {
            rc = nodes_ok(r, file, line, tok, 1, 2), want = NULL;
            if (!rc) {
                if (r->nm == r->mcap) {
                    size_t cap = r->mcap ? 2 * r->mcap : 16;
                    mref_t *m = realloc(r->ms, cap * sizeof *m);
                    if (!m)
                        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
                    r->ms = m, r->mcap = cap;
                }
                mref_t *m = &r->ms[r->nm++];
                snprintf(m->model, sizeof m->model, "%s", tok[3]);
                m->file = file, m->line = line;
            }
        }
        break;
    case 'X':
        rc = xref_add(r, file, line, tok, n);
        break;
    }
    if (want)
        return err_at(r, file, line, NC_ERR_PARSE, "%s: expected '%s'", tok[0], want);
    if (rc)
        return rc;
    if (kind != 'X') {
        if (r->cur_sub >= 0)
            r->subs[r->cur_sub].own++;
        else
            r->top_own++;
    }
    return push_card(r, card);
}

static int model_card(reader_t *r, int file, int line, const char *card, char **tok, int n)
{
    if (n < 3 || !valid_name(tok[1]))
        return err_at(r, file, line, NC_ERR_PARSE, "expected '.model NAME d(...)'");
    char type[16];
    snprintf(type, sizeof type, "%.*s", (int)strcspn(tok[2], "("), tok[2]);
    if (strcasecmp(type, "d"))
        return err_at(r, file, line, NC_ERR_PARSE, ".model %s: type '%.20s' refused (only d, "
                      "diode models, for D elements)", tok[1], type);
    if (r->nmodels == MAX_MODELS)
        return err_at(r, file, line, NC_ERR_PARSE, "more than %d models", MAX_MODELS);
    if (!r->models && !(r->models = calloc(MAX_MODELS, sizeof *r->models)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    snprintf(r->models[r->nmodels++], NAME_CAP, "%s", tok[1]);
    return push_card(r, card);
}

/* One card (comment-free, continuations joined). Returns NC_OK, STOP or an error. */
static int process_card(reader_t *r, int file, int line, const char *dir, const char *card)
{
    char buf[NC_DECK_MAX_LINE + 1];
    char *tok[MAX_TOKENS];
    int n = tokenize(r, file, line, card, buf, tok);
    if (n <= 0)
        return n;
    if (tok[0][0] != '.')
        return element_card(r, file, line, card, tok, n);
    const char *k = tok[0];
    if (!strcasecmp(k, ".param"))
        return param_card(r, file, line, tok, n);
    if (!strcasecmp(k, ".include") || !strcasecmp(k, ".inc"))
        return include_card(r, file, line, dir, tok, n, false);
    if (!strcasecmp(k, ".lib")) {
        if (n == 2)
            return err_at(r, file, line, NC_ERR_PARSE, "'.lib %.40s': a library section "
                          "outside a file read by '.lib FILE SECTION'", tok[1]);
        return include_card(r, file, line, dir, tok, n, true);
    }
    if (!strcasecmp(k, ".subckt"))
        return subckt_card(r, file, line, card, tok, n);
    if (!strcasecmp(k, ".ends")) {
        if (r->cur_sub < 0)
            return err_at(r, file, line, NC_ERR_PARSE, ".ends without a .subckt");
        if (n > 2 || (n == 2 && strcasecmp(tok[1], r->subs[r->cur_sub].name)))
            return err_at(r, file, line, NC_ERR_PARSE, "'.ends %.40s' closes .subckt %s", 
                          n > 1 ? tok[1] : "", r->subs[r->cur_sub].name);
        r->cur_sub = -1;
        return push_card(r, card);
    }
    if (!strcasecmp(k, ".model"))
        return model_card(r, file, line, card, tok, n);
    if (!strcasecmp(k, ".global")) {
        if (r->cur_sub >= 0 || n < 2)
            return err_at(r, file, line, NC_ERR_PARSE, "expected '.global NODE...' outside "
                          "any .subckt");
        int rc = nodes_ok(r, file, line, tok, 1, n - 1);
        return rc ? rc : push_card(r, card);
    }
    if (!strcasecmp(k, ".end"))
        return STOP;
    if (!strcasecmp(k, ".endl"))
        return err_at(r, file, line, NC_ERR_PARSE, ".endl outside a library section");
    if (!strcasecmp(k, ".control") || !strcasecmp(k, ".endc"))
        return err_at(r, file, line, NC_ERR_PARSE, "'%s': control blocks are refused (a "
                      "netlist must not run commands; the harness adds the analysis)", k);
    return err_at(r, file, line, NC_ERR_PARSE, "'%.40s': not an accepted card (dot-cards: %s; "
                  "analyses, options, control blocks and commands are refused: the harness adds "
                  ".tran)", k, DOT_CARDS);
}

/* Section filter for a file read by '.lib FILE SECTION': returns true when the card is to be
 * processed; updates *state (0 looking, 1 in another section, 2 in ours, 3 done). */
static bool section_filter(const char *card, const char *section, int *state)
{
    char key[8], arg[NAME_CAP + 1], extra[2];
    int n = sscanf(card, "%7s %64s %1s", key, arg, extra);
    bool lib = n >= 1 && !strcasecmp(key, ".lib"), endl = n >= 1 && !strcasecmp(key, ".endl");
    bool one = lib && n == 2;
    switch (*state) {
    case 0:
        if (one)
            *state = !strcasecmp(arg, section) ? 2 : 1;
        return false;
    case 1:
        if (endl)
            *state = 0;
        return false;
    case 2:
        if (endl) {
            *state = 3;
            return false;
        }
        return true;
    default:
        return false;
    }
}

/* Removes an inline comment: ';' anywhere, '$' or '//' at the start or after a blank. */
static void strip_comment(char *s)
{
    for (size_t i = 0; s[i]; i++) {
        bool start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t';
        if (s[i] == ';' || (start && s[i] == '$') || (start && s[i] == '/' && s[i + 1] == '/')) {
            s[i] = '\0';
            return;
        }
    }
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static int flush_card(reader_t *r, int file, int line, const char *dir, char *card,
                      const char *section, int *state)
{
    if (!card[0])
        return NC_OK;
    if (section && !section_filter(card, section, state))
        return *state == 3 ? STOP : NC_OK;
    int rc = process_card(r, file, line, dir, card);
    card[0] = '\0';
    return rc;
}

static int parse_buffer(reader_t *r, const char *buf, size_t len, int file, const char *dir,
                        const char *section)
{
    char card[NC_DECK_MAX_LINE + 1] = "", line[NC_DECK_MAX_LINE + 1];
    int lineno = 0, card_line = 0, state = 0, rc = NC_OK;
    size_t pos = 0;
    while (pos < len && rc == NC_OK) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len, ll = end - pos;
        const char *p = buf + pos;
        pos = end + 1;
        lineno++;
        if (++r->lines > NC_DECK_MAX_LINES)
            return err_at(r, file, lineno, NC_ERR_PARSE, "more than %d lines in the netlist "
                          "and its includes", NC_DECK_MAX_LINES);
        if (ll && p[ll - 1] == '\r')
            ll--;
        if (ll > NC_DECK_MAX_LINE)
            return err_at(r, file, lineno, NC_ERR_PARSE, "line of %zu characters (at most %d)",
                          ll, NC_DECK_MAX_LINE);
        if (memchr(p, '\0', ll))
            return err_at(r, file, lineno, NC_ERR_PARSE, "NUL byte (expected a text file)");
        memcpy(line, p, ll);
        line[ll] = '\0';
        char *s = line + strspn(line, " \t");
        if (*s == '*' || !*s)
            continue; /* comment or blank line */
        strip_comment(s);
        rtrim(s);
        for (const char *q = s; *q; q++)
            if (((unsigned char)*q < 0x20 && *q != '\t') || (unsigned char)*q > 0x7e)
                return err_at(r, file, lineno, NC_ERR_PARSE, "character 0x%02x (expected "
                              "printable ASCII outside comments)", (unsigned char)*q);
        if (*s == '+') {
            s++;
            s += strspn(s, " \t");
            if (!card[0])
                return err_at(r, file, lineno, NC_ERR_PARSE, "continuation line ('+') without "
                              "a card before it");
            size_t cl = strlen(card), sl = strlen(s);
            if (cl + 1 + sl > NC_DECK_MAX_LINE)
                return err_at(r, file, card_line, NC_ERR_PARSE, "card longer than %d "
                              "characters once its continuation lines are joined",
                              NC_DECK_MAX_LINE);
            if (sl)
                card[cl] = ' ', memcpy(card + cl + 1, s, sl + 1);
            continue;
        }
        if (!*s)
            continue; /* a line that was only a comment */
        rc = flush_card(r, file, card_line, dir, card, section, &state);
        snprintf(card, sizeof card, "%s", s);
        card_line = lineno;
    }
    if (rc == NC_OK)
        rc = flush_card(r, file, card_line, dir, card, section, &state);
    if (rc == STOP)
        rc = NC_OK;
    if (rc == NC_OK && section && state < 2)
        return err_at(r, file, lineno, NC_ERR_PARSE, "library section '%s' not found (expected "
                      "a '.lib %s' ... '.endl' block)", section, section);
    return rc;
}

/* ---- checks over the whole deck ---- */

static int find_sub(const reader_t *r, const char *name)
{
    for (int i = 0; i < r->nsubs; i++)
        if (!strcasecmp(r->subs[i].name, name))
            return i;
    return -1;
}

/* Elements of subcircuit s once expanded (capped past the bound); cycles are errors. */
static int expand(reader_t *r, int s, const size_t *first, const size_t *order, size_t *out)
{
    subckt_t *sc = &r->subs[s];
    if (sc->color == 2)
        return *out = sc->expanded, NC_OK;
    if (sc->color == 1)
        return nc_err_set(NC_ERR_PARSE, "%s:%d: subcircuit '%s' contains an instance of itself "
                          "(directly or through others): it would never end", r->files[sc->file],
                          sc->line, sc->name);
    sc->color = 1;
    size_t total = sc->own;
    for (size_t i = first[s]; i < first[s + 1]; i++) {
        size_t sub;
        int rc = expand(r, r->xs[order[i]].target, first, order, &sub);
        if (rc)
            return rc;
        total += sub;
        if (total > NC_DECK_MAX_ELEMENTS)
            total = NC_DECK_MAX_ELEMENTS + 1;
    }
    sc->color = 2;
    sc->expanded = total;
    *out = total;
    return NC_OK;
}

static int check_deck(reader_t *r)
{
    for (size_t i = 0; i < r->nx; i++) {
        xref_t *x = &r->xs[i];
        int s = find_sub(r, x->sub);
        if (s < 0)
            return err_at(r, x->file, x->line, NC_ERR_PARSE, "%s: subcircuit '%s' is not "
                          "defined (no '.subckt %s' in the netlist or its includes)", x->name,
                          x->sub, x->sub);
        subckt_t *sc = &r->subs[s];
        if (x->nnodes != sc->nports)
            return err_at(r, x->file, x->line, NC_ERR_PARSE, "%s: %d node%s, but subcircuit '%s' "
                          "(%s:%d) has %d port%s", x->name, x->nnodes, x->nnodes == 1 ? "" : "s",
                          sc->name, r->files[sc->file], sc->line, sc->nports,
                          sc->nports == 1 ? "" : "s");
        for (char *p = x->params + 1; *p;) {
            size_t l = strcspn(p, " ");
            char name[NAME_CAP];
            snprintf(name, sizeof name, "%.*s", (int)l, p);
            if (!in_list(sc->params, name))
                return err_at(r, x->file, x->line, NC_ERR_PARSE, "%s: parameter '%s' is not "
                              "declared by .subckt %s (%s:%d; it declares:%s)", x->name, name,
                              sc->name, r->files[sc->file], sc->line,
                              sc->params[1] ? sc->params : " nothing");
            p += l + 1;
        }
        x->target = s;
    }
    for (size_t i = 0; i < r->nm; i++) {
        bool found = false;
        for (size_t k = 0; k < r->nmodels && !found; k++)
            found = !strcasecmp(r->models[k], r->ms[i].model);
        if (!found)
            return err_at(r, r->ms[i].file, r->ms[i].line, NC_ERR_PARSE, "model '%s' is not "
                          "defined (expected '.model %s d(...)')", r->ms[i].model,
                          r->ms[i].model);
    }
    /* instances grouped by the subcircuit they are in (top level last) */
    size_t ns = (size_t)r->nsubs;
    size_t *first = calloc(ns + 2, sizeof *first), *order = malloc((r->nx + 1) * sizeof *order);
    if (!first || !order) {
        free(first), free(order);
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    }
    for (size_t i = 0; i < r->nx; i++) {
        size_t g = r->xs[i].parent < 0 ? ns : (size_t)r->xs[i].parent;
        first[g + 1]++;
    }
    for (size_t g = 0; g <= ns; g++)
        first[g + 1] += first[g];
    size_t *fill = calloc(ns + 1, sizeof *fill);
    if (!fill) {
        free(first), free(order);
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    }
    for (size_t i = 0; i < r->nx; i++) {
        size_t g = r->xs[i].parent < 0 ? ns : (size_t)r->xs[i].parent;
        order[first[g] + fill[g]++] = i;
    }
    free(fill);
    int rc = NC_OK;
    size_t total = r->top_own;
    for (size_t i = first[ns]; i < first[ns + 1] && rc == NC_OK; i++) {
        size_t sub = 0;
        rc = expand(r, r->xs[order[i]].target, first, order, &sub);
        total += sub;
        if (total > NC_DECK_MAX_ELEMENTS)
            total = NC_DECK_MAX_ELEMENTS + 1;
    }
    /* subcircuits never instantiated from the top may still hold a cycle */
    for (int s = 0; s < r->nsubs && rc == NC_OK; s++) {
        size_t sub;
        rc = expand(r, s, first, order, &sub);
    }
    free(first), free(order);
    if (rc)
        return rc;
    if (total > NC_DECK_MAX_ELEMENTS)
        return nc_err_set(NC_ERR_PARSE, "%s: more than %d elements once the subcircuit instances "
                          "are expanded (the bound of a netlist)", r->files[0],
                          NC_DECK_MAX_ELEMENTS);
    if (total == 0)
        return nc_err_set(NC_ERR_PARSE, "%s: no element outside the subcircuit definitions "
                          "(expected a circuit to simulate)", r->files[0]);
    r->deck->expanded = total;
    return NC_OK;
}

/* ---- entry points ---- */

static void reader_free(reader_t *r)
{
    for (int i = 0; i < r->nfiles; i++)
        free(r->files[i]);
    for (int i = 0; i < r->nsubs; i++)
        free(r->subs[i].params);
    for (size_t i = 0; i < r->nx; i++)
        free(r->xs[i].params);
    free(r->subs), free(r->xs), free(r->ms), free(r->models), free(r->used);
}

static int reader_init(reader_t *r, const char *dir, const nc_spice_param_t *params, size_t np,
                       nc_spice_deck_t *deck)
{
    *r = (reader_t){.dir = dir ? dir : "(no circuits directory)", .deck = deck,
                    .params = params, .np = np, .cur_sub = -1};
    nc_spice_deck_free(deck);
    if (np > 64)
        return nc_err_set(NC_ERR_ARG, "%zu parameter overrides (at most 64)", np);
    for (size_t i = 0; i < np; i++)
        if (!params[i].name || !valid_name(params[i].name))
            return nc_err_set(NC_ERR_ARG, "parameter override '%.40s': expected a name of "
                              "letters, digits and _", params[i].name ? params[i].name : "");
    if (!(r->used = calloc(np + 1, sizeof *r->used)))
        return nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    if (dir) {
        if (!realpath(dir, r->root))
            return nc_err_set(NC_ERR_IO, "circuits directory %s: %s", dir, strerror(errno));
        r->rootlen = strlen(r->root);
        if (r->rootlen == 1) /* "/": the prefix test needs no trailing slash */
            r->rootlen = 0;
        r->have_root = true;
    }
    return NC_OK;
}

static int reader_finish(reader_t *r, int rc, const char *name)
{
    if (rc == NC_OK && r->cur_sub >= 0)
        rc = err_at(r, r->subs[r->cur_sub].file, r->subs[r->cur_sub].line, NC_ERR_PARSE,
                    ".subckt %s has no .ends", r->subs[r->cur_sub].name);
    for (size_t i = 0; rc == NC_OK && i < r->np; i++)
        if (!r->used[i])
            rc = nc_err_set(NC_ERR_PARSE, "%s: parameter '%s' (= %g) is not assigned by a "
                            "top-level '.param %s=...' of the netlist", name, r->params[i].name,
                            r->params[i].value, r->params[i].name);
    if (rc == NC_OK)
        rc = check_deck(r);
    if (rc != NC_OK)
        nc_spice_deck_free(r->deck);
    reader_free(r);
    return rc;
}

int nc_spice_read_deck(const char *circuits_dir, const char *rel_path,
                       const nc_spice_param_t *params, size_t nparams, nc_spice_deck_t *deck)
{
    reader_t r;
    int rc = reader_init(&r, circuits_dir, params, nparams, deck);
    if (rc == NC_OK && !circuits_dir)
        rc = nc_err_set(NC_ERR_IO, "netlist %s: no circuits directory", rel_path ? rel_path : "");
    if (rc == NC_OK)
        rc = read_source(&r, r.root, rel_path ? rel_path : "", NULL, -1, 0);
    return reader_finish(&r, rc, rel_path ? rel_path : "");
}

int nc_spice_read_deck_text(const char *circuits_dir, const char *name, const char *text,
                            size_t len, const nc_spice_param_t *params, size_t nparams,
                            nc_spice_deck_t *deck)
{
    reader_t r;
    int rc = reader_init(&r, circuits_dir, params, nparams, deck);
    name = name ? name : "(text)";
    if (rc == NC_OK && len > NC_DECK_MAX_BYTES)
        rc = nc_err_set(NC_ERR_PARSE, "%s: %zu bytes (at most %u)", name, len,
                        NC_DECK_MAX_BYTES);
    if (rc == NC_OK && !(r.files[0] = strdup(name)))
        rc = nc_err_set(NC_ERR_NOMEM, "netlist: out of memory");
    if (rc == NC_OK) {
        r.nfiles = 1;
        r.bytes = len;
        rc = parse_buffer(&r, text ? text : "", text ? len : 0, 0, r.root, NULL);
    }
    return reader_finish(&r, rc, name);
}

const char *nc_spice_deck_param_text(const nc_spice_deck_t *d, const char *name, size_t *len)
{
    const char *found = NULL;
    size_t m = strlen(name);
    int depth = 0;
    for (size_t i = 0; i < d->n; i++) {
        const char *c = d->card[i];
        if (!strncasecmp(c, ".subckt", 7))
            depth++;
        else if (!strncasecmp(c, ".ends", 5))
            depth--;
        if (depth || strncasecmp(c, ".param", 6) || !isspace((unsigned char)c[6]))
            continue;
        for (const char *p = c + 6; *p;) { /* the reader writes ' NAME=VALUE' pairs */
            while (isspace((unsigned char)*p))
                p++;
            const char *eq = p;
            while (*eq && *eq != '=' && !isspace((unsigned char)*eq))
                eq++;
            const char *v = *eq == '=' ? eq + 1 : eq, *end = v;
            while (*end && !isspace((unsigned char)*end))
                end++;
            if (*eq == '=' && (size_t)(eq - p) == m && !strncasecmp(p, name, m))
                found = v, *len = (size_t)(end - v);
            p = end;
        }
    }
    return found;
}

int nc_spice_deck_param(const nc_spice_deck_t *d, const char *name, double *value)
{
    static const struct { const char *s; double k; } scale[] = {
        {"meg", 1e6}, {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6},
        {"m", 1e-3},  {"k", 1e3},   {"g", 1e9},   {"t", 1e12}};
    size_t len = 0;
    const char *v = nc_spice_deck_param_text(d, name, &len);
    if (!v)
        return nc_err_set(NC_ERR_PARSE, "parameter '%s': no top-level '.param %s=...' in the "
                          "netlist", name, name);
    char text[64], *end;
    snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), v);
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || errno || !isfinite(x) || len >= sizeof text)
        return nc_err_set(NC_ERR_PARSE, "parameter '%s' = '%.*s': expected a number such as "
                          "51.1u, not an expression", name, (int)(len > 60 ? 60 : len), v);
    for (size_t i = 0; *end && i < sizeof scale / sizeof scale[0]; i++)
        if (!strcasecmp(end, scale[i].s))
            x *= scale[i].k, end += strlen(end);
    if (*end)
        return nc_err_set(NC_ERR_PARSE, "parameter '%s' = '%s': expected a number with at most "
                          "a scale suffix (f p n u m k meg g t)", name, text);
    *value = x;
    return NC_OK;
}
