/* spice_sync.c - libngspice in lockstep with a digital simulator (spice_sync.h).
 *
 * How it works (docs/mixed_signal.md, "The analog engine"): ngspice's transient loop calls
 * GetSyncData before every step (loc 0, at the last accepted time) and after a rejected one
 * (loc 1, redo, at the last accepted time again). There the background thread parks on a
 * condition variable while the last accepted time has reached the time the caller allows, and
 * otherwise shortens the proposed step so that a time point lands bit-exactly on the next
 * target (the allowed time or the next scheduled drive). SendData hands over every accepted
 * point: the probes' phases are compared with the previous accepted point's for crossings of
 * (2k+1)*pi. GetISRCData serves the driven sources from values that change only at loc 0,
 * i.e. between accepted points. Everything the two threads share is under one mutex. */
#define _POSIX_C_SOURCE 200809L
#include "spice_sync.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice_impl.h"

#define SYNC_MAX_DRIVES 64
#define SYNC_MAX_PROBES 256
#define SYNC_MAX_EVENTS (1u << 20)  /* drives scheduled and not yet reached */
#define SYNC_MAX_QUEUE (1u << 20)   /* slips found and not yet delivered */
#define SYNC_MAX_CROSS 64           /* crossings of one probe between two points: more is a blow-up */
#define SYNC_POLL_MS 5              /* the caller wakes this often to check thread and budget */
#define SYNC_HALT_S 10.0
#define SYNC_EDGE 0.01              /* first step after a drive, in units of tmax */            /* bound on halting and joining ngspice's thread */

typedef struct ev {
    double t;
    double v;
    uint32_t src;
} ev_t;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv_bg;   /* the background thread waits here */
    pthread_cond_t cv_main; /* the caller waits here */
    bool active;            /* between a successful start and stop */
    char netlist[256];
    nc_spice_tran_t tran;
    double eps;             /* times closer than this are the same time point */
    double t0_wall;
    double wall_final;
    double t_now;           /* analog time as the caller sees it (where the thread parks) */
    /* configuration */
    char **drive;
    size_t ndrives;
    char **probe;
    size_t nprobes;
    /* shared with the background thread (under mu) */
    double allowed;         /* the thread may step up to this time */
    size_t park_q;          /* ... and parks earlier once this many slips wait */
    bool parked;
    double parked_t;
    bool stopping;
    bool ended;
    double t_acc;           /* last accepted time point */
    double edge_t;          /* accepted time at which a drive last changed a source */
    int err;                /* an error found in the background thread (sticky) */
    char errmsg[1024];
    ev_t *ev;               /* scheduled drives, by time (stable) */
    size_t ev_head, nev, ev_cap;
    nc_spice_slip_t *q;     /* slips found, by time */
    size_t q_head, nq, q_cap;
    nc_spice_sync_stats_t st;
    /* background thread only */
    double *cur;            /* value of each driven source now */
    int time_vec;
    int *probe_vec;
    double *prev;
    double t_prev;
    bool have_prev;
    bool have_vecs;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER,
       .cv_bg = PTHREAD_COND_INITIALIZER,
       .cv_main = PTHREAD_COND_INITIALIZER};

/* GetISRCData is called at every Newton iteration for every `external` source: the answer
 * "driven source k / not driven" is cached by the name's pointer (stable while loaded). */
#define NAME_CACHE 512
static struct {
    const char *p;
    int idx;
} name_cache[NAME_CACHE];

static void bg_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bg_error(int status, const char *fmt, ...)
{
    if (S.err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(S.errmsg, sizeof S.errmsg, fmt, ap);
    va_end(ap);
    S.err = status;
    pthread_cond_broadcast(&S.cv_main);
}

/* ---- hooks, in ngspice's background thread ---- */

/* The step from t that lands bit-exactly on target (t + d == target in doubles). */
static double land(double t, double target)
{
    double d = target - t;
    for (int i = 0; i < 8 && t + d != target; i++)
        d = t + d < target ? nextafter(d, INFINITY) : nextafter(d, -INFINITY);
    return d;
}

static void fold_events(double t)
{
    while (S.ev_head < S.nev && S.ev[S.ev_head].t <= t + S.eps) {
        if (S.cur[S.ev[S.ev_head].src] != S.ev[S.ev_head].v)
            S.edge_t = t;
        S.cur[S.ev[S.ev_head].src] = S.ev[S.ev_head].v;
        S.ev_head++;
    }
}

/* Shortens *delta so that no step passes the next target after t. */
static void clamp_step(double t, double *delta)
{
    double target = S.allowed;
    if (S.ev_head < S.nev && S.ev[S.ev_head].t < target)
        target = S.ev[S.ev_head].t;
    double r = target - t;
    if (!(r > S.eps))
        return; /* only when stopping: parked otherwise */
    /* A drive changed a source at t: ngspice integrates the source linearly between two
     * points, so the step after the change is a ramp whose midpoint lags by half the step.
     * The first step after a drive is kept to SYNC_EDGE of the maximum step (a lag of
     * SYNC_EDGE / 2 * tmax); ngspice's own step control lengthens the next ones again. */
    if (t == S.edge_t && *delta > SYNC_EDGE * S.tran.tmax) {
        *delta = SYNC_EDGE * S.tran.tmax;
        S.st.cut++;
    }
    if (*delta >= r) {
        *delta = land(t, target);
        S.st.cut++;
    } else if (*delta > r / 2) {
        /* two equal steps instead of a step and a sliver (which would make ngspice climb
         * back from a tiny step) */
        *delta = r / 2;
        S.st.cut++;
    }
}

static int h_sync(double t, double *delta, double olddelta, int redo, int loc)
{
    (void)olddelta;
    if (loc != 0 && !redo)
        return 0; /* an accepted point: loc 0 follows */
    pthread_mutex_lock(&S.mu);
    if (loc == 0) {
        /* parked: at the allowed time, with enough slips waiting, or after an error */
        while (!S.stopping && (S.err || t >= S.allowed - S.eps || S.nq >= S.park_q)) {
            if (!S.parked || S.parked_t != t) {
                S.parked = true;
                S.parked_t = t;
                pthread_cond_broadcast(&S.cv_main);
            }
            pthread_cond_wait(&S.cv_bg, &S.mu);
        }
        S.parked = false;
    }
    fold_events(t);
    if (S.stopping) {
        /* let ngspice reach its interrupt test with a negligible step past the time reached */
        if (*delta > 1e-3 * S.tran.tmax)
            *delta = 1e-3 * S.tran.tmax;
    } else {
        clamp_step(t, delta);
    }
    pthread_mutex_unlock(&S.mu);
    return 0;
}

static bool h_isrc(const char *name, double t, double *value)
{
    (void)t;
    size_t h = (size_t)(((uintptr_t)name >> 4) * 0x9e3779b97f4a7c15ULL >> 40) % NAME_CACHE;
    if (name_cache[h].p != name) {
        int idx = -1;
        for (size_t i = 0; i < S.ndrives && idx < 0; i++)
            if (!strcasecmp(name, S.drive[i]))
                idx = (int)i;
        name_cache[h].p = name;
        name_cache[h].idx = idx;
    }
    if (name_cache[h].idx < 0)
        return false;
    *value = S.cur[name_cache[h].idx];
    return true;
}

static bool same_node(const char *vec, const char *probe)
{
    if (!strncasecmp(probe, "v(", 2)) {
        size_t n = strlen(probe);
        return n > 3 && probe[n - 1] == ')' && strlen(vec) == n - 3 &&
               !strncasecmp(vec, probe + 2, n - 3);
    }
    return !strcasecmp(vec, probe);
}

static void h_init(pvecinfoall info)
{
    pthread_mutex_lock(&S.mu);
    S.have_vecs = false;
    S.time_vec = -1;
    for (size_t p = 0; p < S.nprobes; p++)
        S.probe_vec[p] = -1;
    for (int i = 0; info && i < info->veccount; i++) {
        const char *nm = info->vecs[i]->vecname;
        if (!nm)
            continue;
        if (!strcasecmp(nm, "time"))
            S.time_vec = i;
        for (size_t p = 0; p < S.nprobes; p++)
            if (S.probe_vec[p] < 0 && same_node(nm, S.probe[p]))
                S.probe_vec[p] = i;
    }
    if (S.time_vec < 0)
        bg_error(NC_ERR_SIM, "%s: ngspice's transient has no time vector", S.netlist);
    for (size_t p = 0; p < S.nprobes; p++)
        if (S.probe_vec[p] < 0)
            bg_error(NC_ERR_ARG, "%s: probe %zu '%s' is not a node of the netlist (expected a "
                     "phase node such as \"xdut.p2\")", S.netlist, p, S.probe[p]);
    S.have_vecs = !S.err;
    S.have_prev = false;
    pthread_mutex_unlock(&S.mu);
}

static int slip_cmp(const void *a, const void *b)
{
    const nc_spice_slip_t *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->probe < y->probe ? -1 : x->probe > y->probe;
}

static bool queue_push(const nc_spice_slip_t *s)
{
    if (S.q_head + S.nq == S.q_cap) {
        if (S.q_head > 0) {
            memmove(S.q, S.q + S.q_head, S.nq * sizeof *S.q);
            S.q_head = 0;
        } else {
            size_t cap = S.q_cap ? 2 * S.q_cap : 256;
            nc_spice_slip_t *q = cap <= SYNC_MAX_QUEUE ? realloc(S.q, cap * sizeof *q) : NULL;
            if (!q)
                return false;
            S.q = q;
            S.q_cap = cap;
        }
    }
    S.q[S.q_head + S.nq++] = *s;
    return true;
}

/* Crossings of (2k+1)*pi between the accepted points (t0, p0) and (t1, p1): the level index
 * n(p) = floor((p + pi) / (2 pi)) rises by one at each crossing upwards. */
static void h_data(pvecvaluesall vals, int count)
{
    (void)count;
    pthread_mutex_lock(&S.mu);
    if (!S.have_vecs || S.err || !vals || S.time_vec >= vals->veccount) {
        pthread_mutex_unlock(&S.mu);
        return;
    }
    double t = vals->vecsa[S.time_vec]->creal;
    if (S.have_prev && !(t > S.t_prev)) { /* not a new point */
        pthread_mutex_unlock(&S.mu);
        return;
    }
    nc_spice_slip_t found[SYNC_MAX_CROSS];
    size_t nf = 0;
    for (size_t p = 0; p < S.nprobes; p++) {
        int vi = S.probe_vec[p];
        double v = vi < vals->veccount ? vals->vecsa[vi]->creal : NAN;
        if (!isfinite(v)) {
            bg_error(NC_ERR_SIM, "%s: probe '%s' is not finite at t = %.6g s", S.netlist,
                     S.probe[p], t);
            break;
        }
        if (S.have_prev) {
            double v0 = S.prev[p];
            double n0 = floor((v0 + M_PI) / (2 * M_PI)), n1 = floor((v + M_PI) / (2 * M_PI));
            if (fabs(n1 - n0) + (double)nf > SYNC_MAX_CROSS) {
                bg_error(NC_ERR_SIM, "%s: probe '%s' jumps from %.6g to %.6g rad between t = "
                         "%.6g s and %.6g s (more than %d slips in one step: the solution has "
                         "blown up)", S.netlist, S.probe[p], v0, v, S.t_prev, t, SYNC_MAX_CROSS);
                break;
            }
            int dir = n1 > n0 ? 1 : -1;
            for (double k = n0; k != n1; k += dir) {
                double level = dir > 0 ? (2 * (k + 1) - 1) * M_PI : (2 * k - 1) * M_PI;
                double ts = S.t_prev + (level - v0) / (v - v0) * (t - S.t_prev);
                found[nf++] = (nc_spice_slip_t){.t = ts, .probe = (uint32_t)p, .dir = dir};
            }
        }
        S.prev[p] = v;
    }
    if (!S.err) {
        qsort(found, nf, sizeof *found, slip_cmp);
        for (size_t i = 0; i < nf; i++)
            if (!queue_push(&found[i])) {
                bg_error(NC_ERR_RANGE, "%s: more than %u slips wait to be delivered at t = "
                         "%.6g s: advance in shorter intervals", S.netlist, SYNC_MAX_QUEUE, t);
                break;
            }
    }
    S.have_prev = true;
    S.t_prev = t;
    S.t_acc = t;
    S.st.points++;
    pthread_mutex_unlock(&S.mu);
}

static void h_bg_end(void)
{
    pthread_mutex_lock(&S.mu);
    S.ended = true;
    pthread_cond_broadcast(&S.cv_main);
    pthread_mutex_unlock(&S.mu);
}

static const nc_spice_hooks_t hooks = {
    .sync = h_sync, .isrc = h_isrc, .init = h_init, .data = h_data, .bg_end = h_bg_end};

/* ---- the caller's side ---- */

static void free_state(void)
{
    for (size_t i = 0; i < S.ndrives; i++)
        free(S.drive[i]);
    for (size_t i = 0; i < S.nprobes; i++)
        free(S.probe[i]);
    free(S.drive);
    free(S.probe);
    free(S.ev);
    free(S.q);
    free(S.cur);
    free(S.probe_vec);
    free(S.prev);
    S.drive = S.probe = NULL;
    S.ev = NULL;
    S.q = NULL;
    S.cur = S.prev = NULL;
    S.probe_vec = NULL;
    S.ndrives = S.nprobes = 0;
    S.nev = S.ev_head = S.ev_cap = 0;
    S.nq = S.q_head = S.q_cap = 0;
}

/* Is `name` a top-level `I... n1 n2 external` card of the loaded deck? */
static bool deck_has_external(const char *name)
{
    size_t n;
    char *const *cards = nc_spice_impl_deck(&n);
    int depth = 0;
    for (size_t i = 0; i < n && cards[i]; i++) {
        const char *c = cards[i];
        while (*c == ' ' || *c == '\t')
            c++;
        if (!strncasecmp(c, ".subckt", 7))
            depth++;
        else if (!strncasecmp(c, ".ends", 5))
            depth--;
        if (depth != 0 || tolower((unsigned char)*c) != 'i')
            continue;
        size_t len = strcspn(c, " \t");
        if (len != strlen(name) || strncasecmp(c, name, len))
            continue;
        /* the 4th token */
        const char *p = c;
        for (int tok = 0; tok < 3 && *p; tok++) {
            p += strcspn(p, " \t");
            p += strspn(p, " \t");
        }
        return !strncasecmp(p, "external", 8) && (p[8] == '\0' || isspace((unsigned char)p[8]));
    }
    return false;
}

static int copy_names(const char *what, const char *const *src, size_t n, size_t max,
                      char ***dst)
{
    if (n > max || (n && !src))
        return nc_err_set(NC_ERR_ARG, "lockstep run: %zu %s: expected at most %zu (and a list "
                          "of names)", n, what, max);
    *dst = calloc(n ? n : 1, sizeof **dst);
    if (!*dst)
        return nc_err_set(NC_ERR_NOMEM, "lockstep run: out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!src[i] || !*src[i] || strlen(src[i]) > 200)
            return nc_err_set(NC_ERR_ARG, "lockstep run: %s %zu is empty or longer than 200 "
                              "characters", what, i);
        if (!((*dst)[i] = strdup(src[i])))
            return nc_err_set(NC_ERR_NOMEM, "lockstep run: out of memory");
    }
    return NC_OK;
}

/* Halts and joins ngspice's thread, detaches the hooks. */
static bool shutdown_thread(void)
{
    pthread_mutex_lock(&S.mu);
    S.stopping = true;
    pthread_cond_broadcast(&S.cv_bg);
    pthread_mutex_unlock(&S.mu);
    bool ok = nc_spice_impl_bg_halt(SYNC_HALT_S);
    nc_spice_impl_hooks(NULL);
    return ok;
}

static double wall_used(void) { return nc_now_s() - S.t0_wall; }

/* The caller's wait for the thread (S.mu held): woken by it, or after SYNC_POLL_MS at most to
 * check the thread and the budget. */
static void wait_main(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += SYNC_POLL_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&S.cv_main, &S.mu, &ts);
}

int nc_spice_sync_start(const nc_spice_sync_cfg_t *cfg)
{
    if (S.active)
        return nc_err_set(NC_ERR_ARG, "lockstep run of %s still active: one at a time (one "
                          "ngspice per process); call nc_spice_sync_stop first", S.netlist);
    if (!cfg || !cfg->netlist || !*cfg->netlist)
        return nc_err_set(NC_ERR_ARG, "lockstep run: no netlist given");
    snprintf(S.netlist, sizeof S.netlist, "%s", cfg->netlist);
    if (cfg->text && cfg->nparams)
        return nc_err_set(NC_ERR_ARG, "%s: parameter overrides apply to a netlist file, not "
                          "to a netlist given as text (write the values into the text)",
                          S.netlist);
    free_state();
    int rc = copy_names("drives", cfg->drives, cfg->ndrives, SYNC_MAX_DRIVES, &S.drive);
    S.ndrives = S.drive ? cfg->ndrives : 0;
    if (rc == NC_OK) {
        rc = copy_names("probes", cfg->probes, cfg->nprobes, SYNC_MAX_PROBES, &S.probe);
        S.nprobes = S.probe ? cfg->nprobes : 0;
    }
    if (rc == NC_OK) {
        S.cur = calloc(S.ndrives + 1, sizeof *S.cur);
        S.prev = calloc(S.nprobes + 1, sizeof *S.prev);
        S.probe_vec = calloc(S.nprobes + 1, sizeof *S.probe_vec);
        if (!S.cur || !S.prev || !S.probe_vec)
            rc = nc_err_set(NC_ERR_NOMEM, "lockstep run: out of memory");
    }
    if (rc == NC_OK)
        rc = cfg->text ? nc_spice_load_text(cfg->netlist, cfg->text, &cfg->tran)
                       : nc_spice_load(cfg->netlist, cfg->params, cfg->nparams, &cfg->tran);
    for (size_t i = 0; rc == NC_OK && i < S.ndrives; i++) {
        if (!deck_has_external(S.drive[i]))
            rc = nc_err_set(NC_ERR_ARG, "%s: drive %zu '%s' is not a top-level 'external' "
                            "current source of the netlist (expected a card 'I<name> n+ n- "
                            "external')", S.netlist, i, S.drive[i]);
        for (size_t j = 0; j < i && rc == NC_OK; j++)
            if (!strcasecmp(S.drive[i], S.drive[j]))
                rc = nc_err_set(NC_ERR_ARG, "%s: drive '%s' named twice (drives %zu and %zu)",
                                S.netlist, S.drive[i], j, i);
    }
    if (rc) {
        free_state();
        return rc;
    }
    /* under the mutex: ngspice's previous thread has been joined, but the join happens
     * inside libngspice, out of sight of a race detector */
    pthread_mutex_lock(&S.mu);
    S.tran = cfg->tran;
    S.eps = 1e-6 * cfg->tran.tmax;
    S.allowed = 0;
    S.park_q = SIZE_MAX;
    S.parked = S.stopping = S.ended = S.have_prev = S.have_vecs = false;
    S.parked_t = S.t_acc = S.t_now = 0;
    S.edge_t = -1;
    S.err = 0;
    S.errmsg[0] = '\0';
    S.st = (nc_spice_sync_stats_t){0};
    memset(name_cache, 0, sizeof name_cache);
    pthread_mutex_unlock(&S.mu);
    S.t0_wall = nc_now_s();
    nc_spice_impl_hooks(&hooks);
    if ((rc = nc_spice_impl_bg_start())) {
        nc_spice_impl_hooks(NULL);
        free_state();
        return rc;
    }
    /* the transient stands at t = 0 once the thread parks there */
    pthread_mutex_lock(&S.mu);
    while (!S.parked && !S.err && !S.ended && !nc_spice_impl_bg_done() &&
           wall_used() < S.tran.wall_s) {
        wait_main();
    }
    bool parked = S.parked;
    int err = S.err;
    char msg[sizeof S.errmsg];
    snprintf(msg, sizeof msg, "%s", S.errmsg);
    pthread_mutex_unlock(&S.mu);
    if (!parked || err) {
        bool ended = nc_spice_impl_bg_done();
        shutdown_thread();
        char why[1024]; /* read once ngspice's thread, which writes the log, is gone */
        nc_spice_impl_problems(why, sizeof why);
        free_state();
        if (err)
            return nc_err_set(err, "%s", msg);
        if (ended)
            return nc_err_set(NC_ERR_SIM, "%s: ngspice's transient ended before t = 0 s: %.500s",
                              S.netlist, why[0] ? why : "(no message; see nc_spice_log())");
        return nc_err_set(NC_ERR_TIMEOUT, "%s: the transient did not start within the "
                          "wall-clock bound of %g s", S.netlist, S.tran.wall_s);
    }
    S.active = true;
    return NC_OK;
}

int nc_spice_sync_drive(uint32_t drive, double t, double value)
{
    if (!S.active)
        return nc_err_set(NC_ERR_ARG, "drive %u at t = %g s: no lockstep run (call "
                          "nc_spice_sync_start first)", drive, t);
    if (drive >= S.ndrives)
        return nc_err_set(NC_ERR_RANGE, "%s: drive index %u out of range: the run drives %zu "
                          "source%s (0..%zu)", S.netlist, drive, S.ndrives,
                          S.ndrives == 1 ? "" : "s", S.ndrives ? S.ndrives - 1 : 0);
    if (!isfinite(t) || !isfinite(value) || fabs(value) > 1.0)
        return nc_err_set(NC_ERR_ARG, "%s: drive '%s' at t = %g s to %g A: expected a finite "
                          "time and a current of at most 1 A", S.netlist, S.drive[drive], t,
                          value);
    if (t < S.t_now - S.eps)
        return nc_err_set(NC_ERR_ARG, "%s: drive '%s' at t = %.9g s lies before the analog "
                          "time %.9g s (the analog side cannot go back: drive at or after it)",
                          S.netlist, S.drive[drive], t, S.t_now);
    if (t > S.tran.tstop)
        return nc_err_set(NC_ERR_RANGE, "%s: drive '%s' at t = %.9g s lies after the end of "
                          "the transient (tstop %.9g s)", S.netlist, S.drive[drive], t,
                          S.tran.tstop);
    if (t < S.t_now)
        t = S.t_now;
    pthread_mutex_lock(&S.mu);
    int rc = NC_OK;
    if (S.nev - S.ev_head >= SYNC_MAX_EVENTS) {
        rc = nc_err_set(NC_ERR_RANGE, "%s: more than %u drives scheduled ahead of the analog "
                        "time %.9g s", S.netlist, SYNC_MAX_EVENTS, S.t_now);
    } else {
        if (S.ev_head > 0 && S.ev_head == S.nev)
            S.ev_head = S.nev = 0;
        if (S.nev == S.ev_cap) {
            if (S.ev_head > 0) {
                memmove(S.ev, S.ev + S.ev_head, (S.nev - S.ev_head) * sizeof *S.ev);
                S.nev -= S.ev_head;
                S.ev_head = 0;
            }
            if (S.nev == S.ev_cap) {
                size_t cap = S.ev_cap ? 2 * S.ev_cap : 64;
                ev_t *e = realloc(S.ev, cap * sizeof *e);
                if (!e)
                    rc = nc_err_set(NC_ERR_NOMEM, "%s: out of memory for drives", S.netlist);
                else
                    S.ev = e, S.ev_cap = cap;
            }
        }
        if (rc == NC_OK) {
            size_t i = S.nev; /* after every event at or before t: stable */
            while (i > S.ev_head && S.ev[i - 1].t > t)
                i--;
            memmove(S.ev + i + 1, S.ev + i, (S.nev - i) * sizeof *S.ev);
            S.ev[i] = (ev_t){.t = t, .v = value, .src = drive};
            S.nev++;
        }
    }
    pthread_mutex_unlock(&S.mu);
    return rc;
}

static size_t deliver(nc_spice_slip_t *slips, size_t cap, size_t n)
{
    while (n < cap && S.nq > 0) {
        slips[n++] = S.q[S.q_head++];
        S.nq--;
    }
    if (S.nq == 0)
        S.q_head = 0;
    return n;
}

int nc_spice_sync_advance(double t_until, nc_spice_slip_t *slips, size_t cap, size_t *n)
{
    if (n)
        *n = 0;
    if (!S.active)
        return nc_err_set(NC_ERR_ARG, "advance to t = %g s: no lockstep run (call "
                          "nc_spice_sync_start first)", t_until);
    if (!n || !slips || cap == 0)
        return nc_err_set(NC_ERR_ARG, "%s: advance to t = %g s: expected room for at least "
                          "one slip (slips, cap >= 1, n)", S.netlist, t_until);
    if (!isfinite(t_until) || t_until > S.tran.tstop)
        return nc_err_set(NC_ERR_RANGE, "%s: advance to t = %.9g s: past the end of the "
                          "transient (tstop %.9g s)", S.netlist, t_until, S.tran.tstop);
    if (t_until < S.t_now)
        return nc_err_set(NC_ERR_ARG, "%s: advance to t = %.9g s goes backwards: the analog "
                          "time is already %.9g s", S.netlist, t_until, S.t_now);
    S.st.advances++;
    pthread_mutex_lock(&S.mu);
    if (S.err) {
        int err = S.err;
        char msg[sizeof S.errmsg];
        snprintf(msg, sizeof msg, "%s", S.errmsg);
        pthread_mutex_unlock(&S.mu);
        return nc_err_set(err, "%s", msg);
    }
    *n = deliver(slips, cap, 0);
    if (*n == cap) {
        pthread_mutex_unlock(&S.mu);
        return NC_OK;
    }
    S.allowed = t_until;
    S.park_q = cap - *n;
    pthread_cond_broadcast(&S.cv_bg);
    int rc = NC_OK;
    for (;;) {
        if (S.err)
            break;
        if (S.parked && (S.parked_t >= t_until - S.eps || S.nq >= S.park_q))
            break;
        if (S.ended || nc_spice_impl_bg_done())
            break;
        if (wall_used() > S.tran.wall_s) {
            rc = NC_ERR_TIMEOUT;
            break;
        }
        wait_main();
    }
    *n = deliver(slips, cap, *n);
    bool parked = S.parked;
    double reached = parked ? S.parked_t : S.t_acc;
    /* ngspice ends its transient within a hair of tstop (its last step stops 1.1 delmin
     * short when it would pass tstop): a run that ended there has reached tstop */
    if (!parked && S.ended && S.t_acc >= S.tran.tstop * (1 - 1e-6))
        reached = S.tran.tstop;
    if (reached >= t_until - S.eps)
        reached = t_until;
    if (reached > S.t_now)
        S.t_now = reached > t_until ? t_until : reached;
    int err = S.err;
    char msg[sizeof S.errmsg];
    snprintf(msg, sizeof msg, "%s", S.errmsg);
    pthread_mutex_unlock(&S.mu);
    if (err)
        return nc_err_set(err, "%s", msg);
    if (rc == NC_ERR_TIMEOUT) {
        shutdown_thread();
        pthread_mutex_lock(&S.mu);
        S.err = NC_ERR_TIMEOUT;
        snprintf(S.errmsg, sizeof S.errmsg, "%s: lockstep run did not reach t = %.9g s within "
                 "the wall-clock bound of %g s of the run (halted at t = %.9g s)", S.netlist,
                 t_until, S.tran.wall_s, S.t_acc);
        snprintf(msg, sizeof msg, "%s", S.errmsg);
        pthread_mutex_unlock(&S.mu);
        return nc_err_set(NC_ERR_TIMEOUT, "%s", msg);
    }
    if (!parked && S.t_now < t_until - S.eps && *n < cap) {
        /* the thread ended before reaching t_until: ngspice failed */
        char why[1024];
        nc_spice_impl_problems(why, sizeof why);
        pthread_mutex_lock(&S.mu);
        S.err = NC_ERR_SIM;
        snprintf(S.errmsg, sizeof S.errmsg, "%s: analog transient failed at t = %.9g s "
                 "(advancing to %.9g s of %.9g s): %.500s", S.netlist, S.t_acc, t_until,
                 S.tran.tstop, why[0] ? why : "ngspice stopped without a message");
        snprintf(msg, sizeof msg, "%s", S.errmsg);
        pthread_mutex_unlock(&S.mu);
        return nc_err_set(NC_ERR_SIM, "%s", msg);
    }
    return NC_OK;
}

double nc_spice_sync_time(void) { return S.t_now; }

int nc_spice_sync_stop(void)
{
    if (!S.active)
        return nc_err_set(NC_ERR_ARG, "lockstep stop: no run is active (stop without start, "
                          "or stopped twice)");
    bool ok = shutdown_thread();
    S.wall_final = wall_used();
    S.active = false;
    free_state();
    if (!ok)
        return nc_err_set(NC_ERR_TIMEOUT, "%s: ngspice's thread did not end within %g s of "
                          "the stop", S.netlist, SYNC_HALT_S);
    return NC_OK;
}

void nc_spice_sync_get_stats(nc_spice_sync_stats_t *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&S.mu);
    *st = S.st;
    pthread_mutex_unlock(&S.mu);
    st->wall_s = S.active ? wall_used() : S.wall_final;
}
