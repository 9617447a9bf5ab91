/* spice.c - the libngspice harness described in spice.h. */
#define _POSIX_C_SOURCE 200809L
#include "spice.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ngspice/sharedspice.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice_deck.h"
#include "spice_impl.h"

#define LOG_CAP 65536

static struct {
    bool inited;
    uint64_t noise_seed; /* seed of the harness's noise sources ('external' current sources) */
    double noise_rms;    /* their rms current (A) */
    double noise_dt;     /* their sample step (s): piecewise constant over it */
    atomic_int bg_done;  /* set when the background thread ends */
    atomic_int exited;   /* ngspice asked to quit (fatal error) */
    char log[LOG_CAP];   /* captured output, newest at the end */
    size_t log_len;
    size_t mark;         /* log offset where the current load/run began */
    char netlist[256];
    nc_spice_tran_t tran;
    bool loaded;
    double wall_s;
    char **lines;        /* the deck handed to ngspice */
    size_t nlines;
} g;

/* ---- captured output ---- */

static void log_append(const char *s)
{
    size_t n = strlen(s);
    if (n + 1 > LOG_CAP / 2)
        n = LOG_CAP / 2 - 1;
    if (g.log_len + n + 1 >= LOG_CAP) { /* drop the older half */
        size_t keep = LOG_CAP / 2;
        size_t drop = g.log_len > keep ? g.log_len - keep : 0;
        memmove(g.log, g.log + drop, g.log_len - drop);
        g.log_len -= drop;
        g.mark = g.mark > drop ? g.mark - drop : 0;
    }
    memcpy(g.log + g.log_len, s, n);
    g.log_len += n;
    g.log[g.log_len++] = '\n';
    g.log[g.log_len] = '\0';
}

static int cb_char(char *s, int id, void *ud)
{
    (void)id, (void)ud;
    log_append(s);
    return 0;
}

static int cb_stat(char *s, int id, void *ud)
{
    (void)s, (void)id, (void)ud;
    return 0;
}

static int cb_exit(int status, NG_BOOL unload, NG_BOOL quit, int id, void *ud)
{
    (void)status, (void)unload, (void)quit, (void)id, (void)ud;
    atomic_store(&g.exited, 1);
    return 0;
}

/* The lockstep engine's hooks (spice_impl.h); NULL for SPICE-only runs. */
static const nc_spice_hooks_t *_Atomic hooks_ptr;

void nc_spice_impl_hooks(const nc_spice_hooks_t *h) { atomic_store(&hooks_ptr, h); }

static inline const nc_spice_hooks_t *hooks_get(void)
{
    return atomic_load_explicit(&hooks_ptr, memory_order_acquire);
}

/* libngspice passes true when the background thread has ended (the header says otherwise). */
static int cb_bg(NG_BOOL not_running, int id, void *ud)
{
    (void)id, (void)ud;
    if (not_running) {
        atomic_store(&g.bg_done, 1);
        const nc_spice_hooks_t *h = hooks_get();
        if (h && h->bg_end)
            h->bg_end();
    }
    return 0;
}

static int cb_sync(double t, double *delta, double olddelta, int redo, int id, int loc, void *ud)
{
    (void)id, (void)ud;
    const nc_spice_hooks_t *h = hooks_get();
    return h && h->sync ? h->sync(t, delta, olddelta, redo, loc) : 0;
}

static int cb_data(pvecvaluesall vals, int count, int id, void *ud)
{
    (void)id, (void)ud;
    const nc_spice_hooks_t *h = hooks_get();
    if (h && h->data)
        h->data(vals, count);
    return 0;
}

static int cb_initdata(pvecinfoall info, int id, void *ud)
{
    (void)id, (void)ud;
    const nc_spice_hooks_t *h = hooks_get();
    if (h && h->init)
        h->init(info);
    return 0;
}

static bool contains(const char *p, size_t len, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(p + i, key, k) == 0)
            return true;
    return false;
}

/* ---- reproducible noise for 'external' current sources ----
 * ngspice 39's trnoise ignores every seed setting (checked: rndseed, setseed, option seed), so
 * the stochastic elements take their noise from here: each source's current is a Gaussian,
 * constant over each step of noise_dt, drawn from a counter-based generator keyed by (seed,
 * source name, step index). The same seed gives the same noise whatever steps ngspice takes. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

double nc_spice_noise_sample(uint64_t seed, const char *source, double t, double dt)
{
    uint64_t k = t > 0 ? (uint64_t)(t / dt) : 0;
    uint64_t a = mix64(seed ^ mix64(name_hash(source) ^ mix64(k)));
    uint64_t b = mix64(a);
    double u1 = ((a >> 11) + 1.0) / 9007199254740993.0, u2 = (b >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* ngspice asks for every source's value at every Newton iteration of every time point,
 * several times per noise step: the last sample of each source is kept, keyed by the source's
 * name pointer (stable while a circuit is loaded; the cache is emptied at every load and at
 * every change of seed or noise). */
#define NOISE_CACHE 2048
static struct noise_cache {
    const char *name;
    uint64_t k;
    double v;
} noise_cache[NOISE_CACHE];

static void noise_cache_clear(void) { memset(noise_cache, 0, sizeof noise_cache); }

/* Sources set to a value by the caller (nc_spice_source_set): not noise. */
#define NC_SPICE_SET_MAX 32
static struct set_source {
    char name[64];
    double value;
} set_src[NC_SPICE_SET_MAX];
static size_t nset_src;

int nc_spice_source_set(const char *name, double value)
{
    if (!name || !*name || strlen(name) >= sizeof set_src[0].name || !isfinite(value))
        return nc_err_set(NC_ERR_ARG, "source '%s' = %g: expected the name of an 'external' "
                          "current source (at most 63 characters) and a finite value",
                          name ? name : "(null)", value);
    for (size_t i = 0; i < nset_src; i++)
        if (!strcasecmp(set_src[i].name, name))
            return set_src[i].value = value, NC_OK;
    if (nset_src == NC_SPICE_SET_MAX)
        return nc_err_set(NC_ERR_RANGE, "source '%s': at most %d sources can be set",
                          name, NC_SPICE_SET_MAX);
    snprintf(set_src[nset_src].name, sizeof set_src[0].name, "%s", name);
    set_src[nset_src++].value = value;
    return NC_OK;
}

void nc_spice_source_clear(void) { nset_src = 0; }

static int cb_isrc(double *value, double t, char *name, int id, void *ud)
{
    (void)id, (void)ud;
    const nc_spice_hooks_t *h = hooks_get();
    if (h && h->isrc && h->isrc(name, t, value))
        return 0;
    for (size_t i = 0; i < nset_src; i++)
        if (!strcasecmp(set_src[i].name, name)) {
            *value = set_src[i].value;
            return 0;
        }
    if (!(g.noise_rms > 0)) {
        *value = 0.0;
        return 0;
    }
    uint64_t k = t > 0 ? (uint64_t)(t / g.noise_dt) : 0;
    struct noise_cache *c = &noise_cache[(mix64((uint64_t)(uintptr_t)name) >> 11) % NOISE_CACHE];
    if (c->name != name || c->k != k) {
        c->name = name, c->k = k;
        c->v = g.noise_rms * nc_spice_noise_sample(g.noise_seed, name, t, g.noise_dt);
    }
    *value = c->v;
    return 0;
}

/* Lines of the output since `mark` that explain a failure, joined with " | ". */
static const char *problems_since(size_t mark, char *buf, size_t cap)
{
    static const char *keys[] = {"rror", "too small", "nknown", "not found", "could not",
                                 "aborted", "ingular", "atal", "no such", "annot"};
    buf[0] = '\0';
    size_t used = 0, last_len = 0;
    const char *last = NULL;
    const char *p = g.log + (mark < g.log_len ? mark : g.log_len);
    while (*p && used + 8 < cap) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool hit = false;
        for (size_t k = 0; k < NC_ARRAY_LEN(keys) && !hit; k++)
            hit = contains(p, len, keys[k]);
        const char *q = p;
        if (len > 7 && (!strncmp(q, "stderr ", 7) || !strncmp(q, "stdout ", 7)))
            q += 7, len -= 7;
        if (hit && len == last_len && last && !memcmp(q, last, len))
            hit = false; /* ngspice repeats some warnings at every step */
        if (hit) {
            last = q, last_len = len;
            used += (size_t)snprintf(buf + used, cap - used, "%s%.*s", used ? " | " : "",
                                     (int)(len > 200 ? 200 : len), q);
        }
        if (!e)
            break;
        p = e + 1;
    }
    return buf;
}

const char *nc_spice_log(void) { return g.log; }
const char *nc_spice_netlist(void) { return g.netlist; }
double nc_spice_last_wall_s(void) { return g.wall_s; }

/* ---- where the netlists are ---- */

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *nc_spice_circuits_dir(void)
{
    static char dir[PATH_MAX + 64];
    const char *env = getenv("NC_CIRCUITS");
    if (env && *env) {
        if (is_dir(env))
            return snprintf(dir, sizeof dir, "%s", env), dir;
        nc_err_set(NC_ERR_IO, "NC_CIRCUITS=%s: not a directory (expected the circuits/ folder "
                              "of the neurocosim checkout)", env);
        return NULL;
    }
    if (is_dir("circuits/lib"))
        return "circuits";
    char exe[PATH_MAX - 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 6; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(dir, sizeof dir, "%s/circuits/lib", exe);
            if (is_dir(dir)) {
                snprintf(dir, sizeof dir, "%s/circuits", exe);
                return dir;
            }
        }
    }
    nc_err_set(NC_ERR_IO, "circuits/ not found: looked in $NC_CIRCUITS, ./circuits and above "
                          "the executable; run from the repository root or set NC_CIRCUITS");
    return NULL;
}

/* ---- engine ---- */

int nc_spice_init(void)
{
    if (g.inited)
        return NC_OK;
    /* One set of callbacks for every run: SendData/SendInitData and GetSyncData serve the
     * lockstep engine (spice_sync.c) through its hooks and return at once otherwise. */
    if (ngSpice_Init(cb_char, cb_stat, cb_exit, cb_data, cb_initdata, cb_bg, NULL) != 0)
        return nc_err_set(NC_ERR_SIM, "libngspice: ngSpice_Init failed: %s", g.log);
    int ident = 0;
    ngSpice_Init_Sync(NULL, cb_isrc, cb_sync, &ident, NULL);
    g.inited = true;
    g.noise_dt = 0.1e-12;
    return NC_OK;
}

int nc_spice_seed(uint64_t seed)
{
    int rc = nc_spice_init();
    if (rc)
        return rc;
    g.noise_seed = seed;
    noise_cache_clear();
    return NC_OK;
}

int nc_spice_noise(double temp_k, double r_ohm, double dt)
{
    int rc = nc_spice_init();
    if (rc)
        return rc;
    if (!(temp_k >= 0) || !(r_ohm > 0) || !(dt > 0))
        return nc_err_set(NC_ERR_ARG, "noise: temperature %g K, resistance %g ohm, step %g s: "
                          "expected T >= 0, R > 0, step > 0", temp_k, r_ohm, dt);
    g.noise_rms = sqrt(4 * 1.380649e-23 * temp_k / r_ohm / (2 * dt));
    g.noise_dt = dt;
    noise_cache_clear();
    return NC_OK;
}

/* ---- deck assembly: the validated cards (spice_deck.h), the harness's analysis, .end ---- */

static void free_deck(void)
{
    for (size_t i = 0; i < g.nlines; i++)
        free(g.lines[i]);
    free(g.lines);
    g.lines = NULL;
    g.nlines = 0;
}

/* ---- variants of library subcircuits (docs/sfq_speed.md, circuits/README.md) ----
 * A library defines a cheap subcircuit that runs use by default and a full one with the same
 * ports for optional physics: jj.lib's `jj` (no seeded-noise path, no subgap term: 2.6x
 * cheaper per Newton iteration) and `jj_full`; bfeed.lib's `bfeed` (an ideal bias source) and
 * `bfeed_rl` (a resistive feed with its inductance). When a top-level .param gives one of a
 * pair's switches anything but a literal 0 (an expression counts as on), the full one is
 * handed to ngspice under the plain name and the plain one under the spare name; instances
 * always name the plain one. (jjref, the reference model's noise grid, is in both jj's.) */
typedef struct variant {
    const char *plain, *full, *spare, *lib;
    const char *switches[2];
} variant_t;
static const variant_t VARIANTS[] = {
    {"jj", "jj_full", "jj_fast", "jj.lib", {"jjnoise", "jjqp"}},
    {"bfeed", "bfeed_rl", "bfeed_ideal", "bfeed.lib", {"rfeed", NULL}},
};

/* Card `c` is `KEY NAME ...` (case-insensitive): the offset of NAME's end, else 0. */
static size_t card_names(const char *c, const char *key, const char *name)
{
    size_t k = strlen(key), m = strlen(name);
    if (strncasecmp(c, key, k) || !isspace((unsigned char)c[k]))
        return 0;
    const char *p = c + k;
    while (isspace((unsigned char)*p))
        p++;
    if (strncasecmp(p, name, m) || (p[m] && !isspace((unsigned char)p[m])))
        return 0;
    return (size_t)(p - c) + m;
}

/* True when the top-level .param assignment of a switch of `v` is anything but a literal 0. */
static bool full_wanted(const nc_spice_deck_t *d, const variant_t *v)
{
    for (size_t s = 0; s < NC_ARRAY_LEN(v->switches) && v->switches[s]; s++) {
        size_t len = 0;
        const char *val = nc_spice_deck_param_text(d, v->switches[s], &len);
        char *end;
        if (val && (!len || strtod(val, &end) != 0 || end != val + len))
            return true;
    }
    return false;
}

/* Replaces the name at [0, at) of card *c (`KEY OLD`) by `KEY NEW`. */
static int card_rename(char **c, size_t at, const char *key, const char *name)
{
    size_t len = strlen(key) + 1 + strlen(name) + strlen(*c + at) + 1;
    char *n = malloc(len);
    if (!n)
        return NC_ERR_NOMEM;
    snprintf(n, len, "%s %s%s", key, name, *c + at);
    free(*c);
    *c = n;
    return NC_OK;
}

static int variant_select(nc_spice_deck_t *d, const variant_t *v)
{
    if (!full_wanted(d, v))
        return NC_OK;
    size_t plain = SIZE_MAX, full = SIZE_MAX;
    for (size_t i = 0; i < d->n; i++) {
        if (card_names(d->card[i], ".subckt", v->plain))
            plain = i;
        else if (card_names(d->card[i], ".subckt", v->full))
            full = i;
        else if (card_names(d->card[i], ".subckt", v->spare))
            return nc_err_set(NC_ERR_PARSE, "%s: a subcircuit named %s: the name is reserved "
                              "for %s's %s when %s is on (circuits/README.md); rename it",
                              g.netlist, v->spare, v->lib, v->plain, v->switches[0]);
    }
    if (plain == SIZE_MAX || full == SIZE_MAX)
        return NC_OK; /* not the library's pair: the netlist's own subcircuit, left as it is */
    const struct { size_t at; const char *from, *to; } ren[2] = {{plain, v->plain, v->spare},
                                                                {full, v->full, v->plain}};
    for (size_t r = 0; r < 2; r++) {
        size_t i = ren[r].at, e;
        int rc = card_rename(&d->card[i], card_names(d->card[i], ".subckt", ren[r].from),
                             ".subckt", ren[r].to);
        for (e = i + 1; !rc && e < d->n && strncasecmp(d->card[e], ".ends", 5); e++)
            ;
        size_t at = !rc && e < d->n ? card_names(d->card[e], ".ends", ren[r].from) : 0;
        if (at)
            rc = card_rename(&d->card[e], at, ".ends", ren[r].to);
        if (rc)
            return nc_err_set(rc, "%s: out of memory", g.netlist);
    }
    return NC_OK;
}

/* Takes the cards of `deck` (emptied) and adds the title, the options, the transient card
 * and .end. */
static int build_deck(nc_spice_deck_t *deck, const nc_spice_tran_t *tran)
{
    free_deck();
    for (size_t v = 0; v < NC_ARRAY_LEN(VARIANTS); v++) {
        int sel = variant_select(deck, &VARIANTS[v]);
        if (sel)
            return sel;
    }
    size_t n = deck->n + 5;
    if (!(g.lines = calloc(n, sizeof *g.lines)))
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", g.netlist);
    char card[256];
    snprintf(card, sizeof card, ".tran %.6g %.6g 0 %.6g uic", tran->tstep, tran->tstop,
             tran->tmax);
    int rc = (g.lines[g.nlines++] = strdup("* neurocosim deck")) ? NC_OK : NC_ERR_NOMEM;
    for (size_t i = 0; i < deck->n; i++)
        g.lines[g.nlines++] = deck->card[i], deck->card[i] = NULL;
    deck->n = 0;
    nc_spice_deck_free(deck);
    const char *tail[] = {".options method=trap reltol=1e-4", card, ".end"};
    for (size_t i = 0; i < NC_ARRAY_LEN(tail); i++)
        if (!(g.lines[g.nlines++] = strdup(tail[i])))
            rc = NC_ERR_NOMEM;
    g.lines[g.nlines] = NULL;
    return rc ? nc_err_set(rc, "%s: out of memory", g.netlist) : NC_OK;
}

static int check_tran(const char *name, const nc_spice_tran_t *t)
{
    if (!t || !(t->tstop > 0) || !(t->tmax > 0) || !(t->tstep > 0) || !(t->wall_s > 0) ||
        t->tmax > t->tstop || t->tstop / t->tmax > 1e8)
        return nc_err_set(NC_ERR_ARG, "%s: transient settings (step %g, stop %g, max step %g, "
                          "wall %g s) invalid: expected 0 < max step <= stop, stop/max step <= "
                          "1e8, a positive wall-clock bound", name, t ? t->tstep : 0,
                          t ? t->tstop : 0, t ? t->tmax : 0, t ? t->wall_s : 0);
    return NC_OK;
}

/* Hands the assembled deck to ngspice and checks that it parsed. */
static int submit_deck(void)
{
    if (atomic_load(&g.exited))
        return nc_err_set(NC_ERR_SIM, "%s: ngspice has quit after an earlier fatal error; "
                          "start a new process", g.netlist);
    if (g.loaded) {
        ngSpice_Command((char *)"destroy all");
        ngSpice_Command((char *)"remcirc");
        g.loaded = false;
    }
    g.mark = g.log_len;
    noise_cache_clear();
    int rc = ngSpice_Circ(g.lines);
    char why[1024];
    problems_since(g.mark, why, sizeof why);
    if (rc != 0 || why[0] || atomic_load(&g.exited) || !ngSpice_CurPlot())
        return nc_err_set(NC_ERR_PARSE, "netlist %s rejected by ngspice: %s", g.netlist,
                          why[0] ? why : "(no message; see nc_spice_log())");
    g.loaded = true;
    return NC_OK;
}

/* The start of a load: the netlist's name for messages, the transient checked, the engine up. */
static int load_begin(const char *name, const nc_spice_tran_t *tran)
{
    snprintf(g.netlist, sizeof g.netlist, "%s", name);
    int rc = check_tran(g.netlist, tran);
    return rc ? rc : nc_spice_init();
}

/* The end of a load: the deck read with status rc handed to ngspice. */
static int load_end(int rc, nc_spice_deck_t *deck, const nc_spice_tran_t *tran)
{
    if (rc == NC_OK)
        rc = build_deck(deck, tran);
    if (rc == NC_OK)
        rc = submit_deck();
    nc_spice_deck_free(deck);
    g.tran = *tran;
    return rc;
}

int nc_spice_load(const char *rel_path, const nc_spice_param_t *params, size_t nparams,
                  const nc_spice_tran_t *tran)
{
    int rc = load_begin(rel_path ? rel_path : "(null)", tran);
    if (rc)
        return rc;
    const char *dir = nc_spice_circuits_dir();
    if (!dir)
        return NC_ERR_IO;
    nc_spice_deck_t deck = {0};
    rc = nc_spice_read_deck(dir, rel_path, params, nparams, &deck);
    return load_end(rc, &deck, tran);
}

int nc_spice_load_text(const char *name, const char *text, const nc_spice_tran_t *tran)
{
    int rc = load_begin(name ? name : "(text)", tran);
    if (rc)
        return rc;
    const char *dir = nc_spice_circuits_dir(); /* for its includes; none is fine */
    nc_err_clear();
    nc_spice_deck_t deck = {0};
    rc = nc_spice_read_deck_text(dir, g.netlist, text ? text : "", text ? strlen(text) : 0,
                                 NULL, 0, &deck);
    return load_end(rc, &deck, tran);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits for the background thread to end, at most `limit_s` seconds. */
static bool wait_bg(double limit_s)
{
    double t0 = nc_now_s();
    while (!atomic_load(&g.bg_done)) {
        if (nc_now_s() - t0 > limit_s)
            return false;
        sleep_ms(1);
    }
    return true;
}

static double last_time(void)
{
    pvector_info v = ngGet_Vec_Info((char *)"time");
    return v && v->v_length > 0 && v->v_realdata ? v->v_realdata[v->v_length - 1] : -1.0;
}

int nc_spice_run(void)
{
    if (!g.loaded)
        return nc_err_set(NC_ERR_ARG, "%s: no circuit loaded (call nc_spice_load first)",
                          g.netlist);
    g.mark = g.log_len;
    atomic_store(&g.bg_done, 0);
    double t0 = nc_now_s();
    ngSpice_Command((char *)"bg_run");
    if (!wait_bg(g.tran.wall_s)) {
        ngSpice_Command((char *)"bg_halt");
        bool ended = wait_bg(10.0);
        g.wall_s = nc_now_s() - t0;
        g.loaded = ended ? g.loaded : false;
        return nc_err_set(NC_ERR_TIMEOUT, "%s: transient to %g s did not finish within the "
                          "wall-clock bound of %g s (halted at t = %g s)", g.netlist,
                          g.tran.tstop, g.tran.wall_s, ended ? last_time() : -1.0);
    }
    g.wall_s = nc_now_s() - t0;
    char why[1024];
    problems_since(g.mark, why, sizeof why);
    double tend = last_time();
    if (why[0] || tend < g.tran.tstop * (1 - 1e-6))
        return nc_err_set(NC_ERR_SIM, "%s: transient failed at t = %g s of %g s: %s", g.netlist,
                          tend, g.tran.tstop, why[0] ? why : "stopped early without a message");
    return NC_OK;
}

int nc_spice_vec(const char *name, double **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!g.loaded)
        return nc_err_set(NC_ERR_ARG, "%s: no circuit loaded, no vector '%s'", g.netlist, name);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", name);
    pvector_info v = ngGet_Vec_Info(buf);
    if (!v && !strncasecmp(name, "v(", 2)) { /* plain node name */
        snprintf(buf, sizeof buf, "%s", name + 2);
        buf[strcspn(buf, ")")] = '\0';
        v = ngGet_Vec_Info(buf);
    }
    if (!v || !v->v_realdata || v->v_length <= 0)
        return nc_err_set(NC_ERR_ARG, "%s: no real vector named '%s' in the last run (a node "
                          "of the netlist, or \"time\")", g.netlist, name);
    size_t len = (size_t)v->v_length;
    double *d = malloc(len * sizeof *d);
    if (!d)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory for vector %s", g.netlist, name);
    memcpy(d, v->v_realdata, len * sizeof *d);
    *out = d;
    *n = len;
    return NC_OK;
}

/* ---- the lockstep engine's access (spice_impl.h) ---- */

int nc_spice_impl_bg_start(void)
{
    if (!g.loaded)
        return nc_err_set(NC_ERR_ARG, "%s: no circuit loaded", g.netlist);
    g.mark = g.log_len;
    atomic_store(&g.bg_done, 0);
    ngSpice_Command((char *)"bg_run");
    return NC_OK;
}

bool nc_spice_impl_bg_done(void) { return atomic_load(&g.bg_done) || atomic_load(&g.exited); }

bool nc_spice_impl_bg_halt(double limit_s)
{
    /* bg_halt interrupts a running transient and joins the thread (also one that has ended
     * by itself); ngspice gives it about 1 s, then gives up: wait for the rest here. */
    ngSpice_Command((char *)"bg_halt");
    bool ended = wait_bg(limit_s);
    if (ended)
        ngSpice_Command((char *)"bg_halt"); /* joins it if the first call timed out */
    return ended;
}

const char *nc_spice_impl_problems(char *buf, size_t cap) { return problems_since(g.mark, buf, cap); }

char *const *nc_spice_impl_deck(size_t *n)
{
    *n = g.nlines;
    return g.lines;
}
