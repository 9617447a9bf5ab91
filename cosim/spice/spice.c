/* spice.c - the libngspice harness described in spice.h. */
#define _POSIX_C_SOURCE 200809L
#include "spice.h"

#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ngspice/sharedspice.h>

#include "nc_error.h"
#include "nc_util.h"

#define LOG_CAP 65536
#define MAX_LINES 100000
#define MAX_INCLUDE_DEPTH 8

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

/* libngspice passes true when the background thread has ended (the header says otherwise). */
static int cb_bg(NG_BOOL not_running, int id, void *ud)
{
    (void)id, (void)ud;
    if (not_running)
        atomic_store(&g.bg_done, 1);
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

static int cb_isrc(double *value, double t, char *name, int id, void *ud)
{
    (void)id, (void)ud;
    *value = g.noise_rms > 0 ? g.noise_rms * nc_spice_noise_sample(g.noise_seed, name, t,
                                                                    g.noise_dt)
                             : 0.0;
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
    if (ngSpice_Init(cb_char, cb_stat, cb_exit, NULL, NULL, cb_bg, NULL) != 0)
        return nc_err_set(NC_ERR_SIM, "libngspice: ngSpice_Init failed: %s", g.log);
    int ident = 0;
    ngSpice_Init_Sync(NULL, cb_isrc, NULL, &ident, NULL);
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
    return NC_OK;
}

/* ---- deck assembly ---- */

static void free_deck(void)
{
    for (size_t i = 0; i < g.nlines; i++)
        free(g.lines[i]);
    free(g.lines);
    g.lines = NULL;
    g.nlines = 0;
}

static int push_line(const char *s)
{
    if (g.nlines + 2 >= MAX_LINES)
        return nc_err_set(NC_ERR_PARSE, "%s: more than %d lines (expected a cell-sized netlist)",
                          g.netlist, MAX_LINES);
    if (!g.lines && !(g.lines = calloc(MAX_LINES, sizeof *g.lines)))
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", g.netlist);
    if (!(g.lines[g.nlines] = strdup(s)))
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", g.netlist);
    g.nlines++;
    return NC_OK;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* `.param NAME=VALUE` (one assignment) -> index of the override for NAME, else -1. */
static int param_override(const char *line, const nc_spice_param_t *params, size_t n, bool *used)
{
    if (!starts_with_ci(line, ".param"))
        return -1;
    const char *p = line + 6;
    while (isspace((unsigned char)*p))
        p++;
    size_t len = strcspn(p, " \t=");
    for (size_t i = 0; i < n; i++)
        if (strlen(params[i].name) == len && strncasecmp(p, params[i].name, len) == 0) {
            used[i] = true;
            return (int)i;
        }
    return -1;
}

static int read_file_lines(const char *path, int depth, const char *from, int from_line,
                           const nc_spice_param_t *params, size_t n, bool *used);

static int include_line(const char *line, const char *path, int lineno, int depth,
                        const nc_spice_param_t *params, size_t n, bool *used)
{
    const char *p = line + 8;
    while (isspace((unsigned char)*p) || *p == '"' || *p == '\'')
        p++;
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s", p);
    name[strcspn(name, "\"' \t\r\n")] = '\0';
    char dirbuf[PATH_MAX], inc[PATH_MAX * 2];
    snprintf(dirbuf, sizeof dirbuf, "%s", path);
    snprintf(inc, sizeof inc, "%s/%s", dirname(dirbuf), name);
    return read_file_lines(inc, depth + 1, path, lineno, params, n, used);
}

static int read_file_lines(const char *path, int depth, const char *from, int from_line,
                           const nc_spice_param_t *params, size_t n, bool *used)
{
    if (depth > MAX_INCLUDE_DEPTH)
        return nc_err_set(NC_ERR_PARSE, "%s:%d: .include nested deeper than %d (a cycle?)",
                          from, from_line, MAX_INCLUDE_DEPTH);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (from)
            return nc_err_set(NC_ERR_IO, "%s:%d: included file %s cannot be opened (missing "
                                         "model library?)", from, from_line, path);
        return nc_err_set(NC_ERR_IO, "netlist %s cannot be opened (expected a file under the "
                                     "circuits directory)", path);
    }
    char line[4096];
    int lineno = 0, rc = NC_OK;
    while (rc == NC_OK && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (starts_with_ci(line, ".include")) {
            rc = include_line(line, path, lineno, depth, params, n, used);
        } else if (starts_with_ci(line, ".end") && !starts_with_ci(line, ".ends")) {
            break; /* the harness appends its own analysis and .end */
        } else if (starts_with_ci(line, ".tran") || starts_with_ci(line, ".control")) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: '%.40s': netlists under circuits/ must not "
                            "carry analyses or control blocks (the harness adds .tran)",
                            path, lineno, line);
        } else {
            int k = param_override(line, params, n, used);
            if (k >= 0) {
                char repl[256];
                snprintf(repl, sizeof repl, ".param %s=%.12g", params[k].name, params[k].value);
                rc = push_line(repl);
            } else {
                rc = push_line(line);
            }
        }
    }
    fclose(f);
    return rc;
}

static int finish_deck(const nc_spice_tran_t *tran)
{
    char card[256];
    snprintf(card, sizeof card, ".tran %.6g %.6g 0 %.6g uic", tran->tstep, tran->tstop,
             tran->tmax);
    int rc = push_line(".options method=trap reltol=1e-4");
    if (!rc)
        rc = push_line(card);
    if (!rc)
        rc = push_line(".end");
    g.lines[g.nlines] = NULL;
    return rc;
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
    int rc = ngSpice_Circ(g.lines);
    char why[1024];
    problems_since(g.mark, why, sizeof why);
    if (rc != 0 || why[0] || atomic_load(&g.exited) || !ngSpice_CurPlot())
        return nc_err_set(NC_ERR_PARSE, "netlist %s rejected by ngspice: %s", g.netlist,
                          why[0] ? why : "(no message; see nc_spice_log())");
    g.loaded = true;
    return NC_OK;
}

int nc_spice_load(const char *rel_path, const nc_spice_param_t *params, size_t nparams,
                  const nc_spice_tran_t *tran)
{
    snprintf(g.netlist, sizeof g.netlist, "%s", rel_path ? rel_path : "(null)");
    int rc = check_tran(g.netlist, tran);
    if (rc || (rc = nc_spice_init()))
        return rc;
    const char *dir = nc_spice_circuits_dir();
    if (!dir)
        return NC_ERR_IO;
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir, rel_path);
    bool used[64] = {false};
    if (nparams > NC_ARRAY_LEN(used))
        return nc_err_set(NC_ERR_ARG, "%s: %zu parameter overrides (at most 64)", g.netlist,
                          nparams);
    free_deck();
    push_line("* neurocosim deck");
    rc = read_file_lines(path, 0, NULL, 0, params, nparams, used);
    for (size_t i = 0; rc == NC_OK && i < nparams; i++)
        if (!used[i])
            rc = nc_err_set(NC_ERR_PARSE, "%s: parameter '%s' (= %g) is not defined by a "
                            "'.param %s=...' line of the netlist", g.netlist, params[i].name,
                            params[i].value, params[i].name);
    if (rc == NC_OK)
        rc = finish_deck(tran);
    if (rc == NC_OK)
        rc = submit_deck();
    g.tran = *tran;
    return rc;
}

int nc_spice_load_text(const char *name, const char *text, const nc_spice_tran_t *tran)
{
    snprintf(g.netlist, sizeof g.netlist, "%s", name ? name : "(text)");
    int rc = check_tran(g.netlist, tran);
    if (rc || (rc = nc_spice_init()))
        return rc;
    free_deck();
    push_line("* neurocosim deck");
    char *copy = strdup(text ? text : "");
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && rc == NC_OK;
         l = strtok_r(NULL, "\n", &save))
        if (!(starts_with_ci(l, ".end") && !starts_with_ci(l, ".ends")))
            rc = push_line(l);
    free(copy);
    if (rc == NC_OK)
        rc = finish_deck(tran);
    if (rc == NC_OK)
        rc = submit_deck();
    g.tran = *tran;
    return rc;
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
