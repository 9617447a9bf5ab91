/* test_spice_sync.c - the lockstep analog engine (cosim/spice/spice_sync.h): exactness of drives
 * and advances against SPICE-only runs, determinism with noise, slips in order under a small
 * cap, and every failure path (bounded, clear, no thread left behind). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nc_error.h"
#include "nc_test.h"
#include "spice.h"
#include "spice_pulse.h"
#include "spice_sync.h"

#define PS 1e-12
#define TSTOP (200 * PS)

static const nc_spice_tran_t tr = {0.1e-12, TSTOP, NC_SPICE_TMAX, 60.0};

/* A DC/SFQ whose input is the driven `external` source Idrv (0 A until driven), then two JTL
 * stages. Each rising edge of the input current (0 -> 600 uA) makes one SFQ pulse: one slip
 * (+2 pi) of the output junction xsrc.p3 and of each JTL junction; each falling edge slips
 * the DC/SFQ's reset junction xsrc.p1 by -2 pi (sfq.lib, tb_dcsfq.cir). */
#define CHAIN_BODY                                                                          \
    ".include cells/sfq.lib\n.include cells/tb_common.inc\n"                                \
    "Xsrc in a dcsfq\nXj1 a b jtl\nXj2 b c jtl\nXsk c sink\n"
static const char *chain_sync = "* sync chain\n" CHAIN_BODY "Idrv 0 in external\n";
static const char *const probes[] = {"xsrc.p1", "xsrc.p3", "xj1.p2", "xj2.p2"};
#define NPROBES 4
static const char *const drives[] = {"idrv"};

/* The drive schedule of the exactness tests: up at 60 ps, down at 95 ps, up at 131.3 ps. */
static const double sched_t[] = {60 * PS, 95 * PS, 131.3 * PS};
static const double sched_v[] = {600e-6, 0, 600e-6};
#define NSCHED 3

typedef struct slipv {
    double t[256];
    int probe[256], dir[256];
    size_t n;
} slipv_t;

static void push(slipv_t *s, double t, int probe, int dir)
{
    cr_assert(s->n < 256, "too many slips");
    s->t[s->n] = t, s->probe[s->n] = probe, s->dir[s->n] = dir;
    s->n++;
}

static size_t count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* The task count once it has settled back to `want` (within 2 s): a joined thread's kernel
 * task may still be listed for a moment after pthread_join has returned. */
static size_t tasks_settled(size_t want)
{
    size_t n = count_tasks();
    for (int i = 0; i < 2000 && n != want; i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
        n = count_tasks();
    }
    return n;
}

static nc_spice_sync_cfg_t chain_cfg(void)
{
    return (nc_spice_sync_cfg_t){.netlist = "sync_chain.cir", .text = chain_sync, .tran = tr,
                                 .drives = drives, .ndrives = 1, .probes = probes,
                                 .nprobes = NPROBES};
}

/* The advance targets of the last run_sync. */
static double until[1024];
static size_t nuntil;

/* Runs the chain in lockstep: advances of `step` (the schedule's drives issued as soon as the
 * analog time allows), slips collected with room for `cap` per advance. */
static void run_sync(double step, size_t cap, slipv_t *out)
{
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    size_t next = 0, k = 0;
    nc_spice_slip_t buf[64];
    cr_assert(cap <= 64);
    out->n = 0;
    nuntil = 0;
    while (nc_spice_sync_time() < TSTOP) {
        /* drives whose time is inside the next interval go in before it runs */
        double t_until = (double)(k + 1) * step;
        if (t_until > TSTOP - 0.5 * step)
            t_until = TSTOP;
        while (next < NSCHED && sched_t[next] <= t_until) {
            cr_assert_eq(nc_spice_sync_drive(0, sched_t[next], sched_v[next]), NC_OK, "%s",
                         nc_err_msg());
            next++;
        }
        size_t n = 0;
        if (nuntil == 0 || until[nuntil - 1] != t_until) {
            cr_assert(nuntil < 1024);
            until[nuntil++] = t_until;
        }
        cr_assert_eq(nc_spice_sync_advance(t_until, buf, cap, &n), NC_OK, "%s", nc_err_msg());
        cr_assert(n <= cap);
        for (size_t i = 0; i < n; i++) {
            cr_assert(buf[i].t <= nc_spice_sync_time() + 1e-18, "slip at %g after the analog "
                      "time %g", buf[i].t, nc_spice_sync_time());
            /* reported by the advance whose interval contains it */
            double from = nuntil >= 2 ? until[nuntil - 2] : 0;
            cr_assert(buf[i].t >= from - 1e-18, "slip at %.6g ps reported by the "
                      "advance to %.6g ps, after the one to %.6g ps", buf[i].t / PS,
                      t_until / PS, from / PS);
            push(out, buf[i].t, (int)buf[i].probe, buf[i].dir);
        }
        if (nc_spice_sync_time() >= t_until && n < cap)
            k++; /* the protocol: *n == cap means "call again with the same t_until" */
        else
            cr_assert_eq(n, cap, "advance returned early at %g s without a full buffer",
                         nc_spice_sync_time());
    }
}

/* The SPICE-only reference: the same chain with Idrv an ordinary PWL source whose edges are
 * at the schedule's times (rise `rise`); slips from spice_pulse.h's reading of the vectors. */
static void run_ref(double rise, slipv_t *out)
{
    char text[1024];
    int len = snprintf(text, sizeof text, "* ref chain\n" CHAIN_BODY "Idrv 0 in pwl(0 0");
    double v = 0;
    for (size_t i = 0; i < NSCHED; i++) {
        len += snprintf(text + len, sizeof text - (size_t)len, " %.6gp %.6g %.6gp %.6g",
                        sched_t[i] / PS, v, (sched_t[i] + rise) / PS, sched_v[i]);
        v = sched_v[i];
    }
    snprintf(text + len, sizeof text - (size_t)len, ")\n");
    cr_assert_eq(nc_spice_load_text("ref_chain.cir", text, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    out->n = 0;
    for (int p = 0; p < NPROBES; p++) {
        nc_slips_t s;
        cr_assert_eq(nc_spice_slips(probes[p], &s), NC_OK, "%s", nc_err_msg());
        for (size_t i = 0; i < s.n; i++)
            push(out, s.t[i], p, s.dir[i]);
        nc_slips_free(&s);
    }
}

/* The slips of probe p, in order. */
static size_t of_probe(const slipv_t *s, int p, double *t, int *dir)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->probe[i] == p)
            t[k] = s->t[i], dir[k] = s->dir[i], k++;
    return k;
}

/* Hand-written expectation: 2 rising edges -> 2 slips up on xsrc.p3, xj1.p2, xj2.p2; one
 * falling edge -> one slip down on xsrc.p1. */
static void expect_counts(const slipv_t *s, const char *what)
{
    static const int want_n[NPROBES] = {1, 2, 2, 2}, want_dir[NPROBES] = {-1, 1, 1, 1};
    for (int p = 0; p < NPROBES; p++) {
        double t[256];
        int dir[256];
        size_t n = of_probe(s, p, t, dir);
        cr_expect_eq(n, (size_t)want_n[p], "%s: %s slipped %zu times, expected %d", what,
                     probes[p], n, want_n[p]);
        for (size_t i = 0; i < n; i++)
            cr_expect_eq(dir[i], want_dir[p], "%s: %s slip %zu direction %d", what, probes[p],
                         i, dir[i]);
    }
}

static double max_diff(const slipv_t *a, const slipv_t *b)
{
    double worst = 0;
    for (int p = 0; p < NPROBES; p++) {
        double ta[256], tb[256];
        int da[256], db[256];
        size_t na = of_probe(a, p, ta, da), nb = of_probe(b, p, tb, db);
        cr_assert_eq(na, nb, "%s: %zu slips against %zu", probes[p], na, nb);
        for (size_t i = 0; i < na; i++) {
            cr_log_info("%s slip %zu: %.5f ps vs %.5f ps", probes[p], i, ta[i] / PS, tb[i] / PS);
            cr_expect_eq(da[i], db[i]);
            worst = fmax(worst, fabs(ta[i] - tb[i]));
        }
    }
    return worst;
}

static void expect_time_order(const slipv_t *s)
{
    for (size_t i = 1; i < s->n; i++)
        cr_expect(s->t[i] >= s->t[i - 1], "slip %zu at %.6g ps before slip %zu at %.6g ps", i,
                  s->t[i] / PS, i - 1, s->t[i - 1] / PS);
}

/* (a) A drive at t_d gives the slips of a SPICE-only run whose source is a PWL step at t_d. */
Test(spice_sync, drive_matches_pwl_step, .timeout = 120)
{
    slipv_t sync, ref;
    run_sync(TSTOP, 64, &sync);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    run_ref(0.001 * PS, &ref);
    expect_counts(&sync, "lockstep");
    expect_counts(&ref, "SPICE-only");
    expect_time_order(&sync);
    double d = max_diff(&sync, &ref);
    cr_log_info("lockstep vs PWL step: worst slip time difference %.5f ps", d / PS);
    cr_expect(d <= 0.01 * PS, "slip times differ by %.5f ps (bound 0.01 ps)", d / PS);
}

/* After stop no thread of ngspice is left: the task count is what it was before start. */
Test(spice_sync, stop_leaves_no_thread, .timeout = 60)
{
    cr_assert_eq(nc_spice_init(), NC_OK, "%s", nc_err_msg());
    size_t before = count_tasks();
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    nc_spice_slip_t buf[8];
    size_t n;
    cr_assert_eq(nc_spice_sync_advance(50 * PS, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_expect_gt(count_tasks(), before, "ngspice's thread should run during the run");
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    size_t after = tasks_settled(before);
    cr_expect_eq(after, before, "%zu tasks after stop, %zu before", after, before);
}

/* (b) Advances of 10 ps give the slips of one big advance, and a time point lands exactly
 * (bit for bit) on every advance boundary. */
Test(spice_sync, small_advances_equal_one_big, .timeout = 120)
{
    slipv_t big, small;
    run_sync(TSTOP, 64, &big);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    run_sync(10 * PS, 64, &small);
    nc_spice_sync_stats_t st;
    nc_spice_sync_get_stats(&st);
    cr_expect_eq(st.advances, nuntil, "%llu advances", (unsigned long long)st.advances);
    cr_expect_eq(nuntil, 20);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    double *t;
    size_t nt;
    cr_assert_eq(nc_spice_vec("time", &t, &nt), NC_OK, "%s", nc_err_msg());
    /* every boundary but the last: ngspice ends its transient within its minimum step of
     * tstop (spice_sync.h) */
    for (size_t k = 0; k + 1 < nuntil; k++) {
        bool found = false;
        for (size_t i = 0; i < nt && !found; i++)
            found = t[i] == until[k];
        cr_expect(found, "no time point at the advance boundary %.17g s", until[k]);
    }
    for (size_t k = 0; k < NSCHED; k++) {
        bool found = false;
        for (size_t i = 0; i < nt && !found; i++)
            found = t[i] == sched_t[k];
        cr_expect(found, "no time point at the drive time %.17g s", sched_t[k]);
    }
    free(t);
    expect_counts(&small, "10 ps advances");
    expect_time_order(&small);
    double d = max_diff(&small, &big);
    cr_log_info("10 ps advances vs one advance: worst slip time difference %.5f ps", d / PS);
    cr_expect(d <= 0.01 * PS, "slip times differ by %.5f ps (bound 0.01 ps)", d / PS);
}

/* (d) With room for one slip per advance, every slip still comes out, in time order, and the
 * analog time stops short of t_until while slips wait. */
Test(spice_sync, cap_one_loses_nothing, .timeout = 120)
{
    slipv_t all, one;
    run_sync(TSTOP, 64, &all);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    run_sync(TSTOP, 1, &one);
    nc_spice_sync_stats_t st;
    nc_spice_sync_get_stats(&st);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    /* and with 10 ps advances (several slips of one step may have to wait at a boundary) */
    slipv_t one10;
    run_sync(10 * PS, 1, &one10);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(one10.n, all.n);
    expect_time_order(&one10);
    cr_expect(max_diff(&one10, &all) <= 0.01 * PS);
    cr_expect_eq(one.n, (size_t)7, "%zu slips with cap 1 (7 expected: 1 + 2 + 2 + 2)", one.n);
    cr_expect_eq(one.n, all.n);
    cr_expect_geq(st.advances, one.n, "%llu advances for %zu slips",
                  (unsigned long long)st.advances, one.n);
    expect_time_order(&one);
    expect_counts(&one, "cap 1");
    cr_expect(max_diff(&one, &all) <= 0.01 * PS);
}

/* (c) With noise on, the same seed gives identical slips and another seed other slips. The
 * stochastic synapse at isyn = 60 uA passes about half its input pulses: every input pulse
 * (xdrv.p2) either passes (xdut.p3 slips) or escapes (xdut.p2 slips). */
static void run_syn(uint64_t seed, slipv_t *out)
{
    static const char *const syn_probes[] = {"xdrv.p2", "xlo.p2", "xdut.p3"};
    static const nc_spice_param_t par[] = {{"isyn", 63e-6}};
    nc_spice_sync_cfg_t cfg = {.netlist = "cells/tb_syn.cir", .params = par, .nparams = 1,
                               .tran = {0.1e-12, 400 * PS, NC_SPICE_TMAX, 60.0},
                               .probes = syn_probes, .nprobes = 3};
    cr_assert_eq(nc_spice_noise(4.2, 6.857, 0.1e-12), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_seed(seed), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    out->n = 0;
    nc_spice_slip_t buf[64];
    for (int k = 1; k <= 40; k++) { /* a 100 GHz clock: advances of 10 ps */
        size_t n;
        cr_assert_eq(nc_spice_sync_advance(k == 40 ? 400 * PS : k * 10 * PS, buf, 64, &n),
                     NC_OK, "%s", nc_err_msg());
        for (size_t i = 0; i < n; i++)
            push(out, buf[i].t, (int)buf[i].probe, buf[i].dir);
    }
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    /* The input JTL (xdrv.p2) and the JTL behind the synapse's load (xlo.p2) switch cleanly:
     * one slip up per pulse. The decision junction xdut.p3 may also nearly switch when a
     * pulse escapes: its phase crosses pi and falls back, a +1 then a -1 slip (the crossing
     * rule of spice_sync.h), so only its net count (up minus down) counts the passes. */
    int net[3] = {0, 0, 0}, down[3] = {0, 0, 0};
    for (size_t i = 0; i < out->n; i++)
        net[out->probe[i]] += out->dir[i], down[out->probe[i]] += out->dir[i] < 0;
    cr_log_info("seed %llu: %zu slips; %d input pulses, %d passed (net %d at the decision "
                "junction, %d slips down there)", (unsigned long long)seed, out->n, net[0],
                net[1], net[2], down[2]);
    cr_expect_eq(net[0], 15, "%d input pulses (15 edges at 40 + 25k ps before 400 ps)", net[0]);
    cr_expect_eq(down[0] + down[1], 0, "slips down on a JTL");
    cr_expect(net[1] <= net[2] && net[2] <= net[1] + 1, "%d passed the load, %d passed the "
              "decision junction (the last may still be on its way)", net[1], net[2]);
    expect_time_order(out);
}

Test(spice_sync, noise_is_deterministic_per_seed, .timeout = 120)
{
    slipv_t a, b, c;
    run_syn(7, &a);
    run_syn(7, &b);
    run_syn(8, &c);
    cr_assert_eq(a.n, b.n, "same seed: %zu slips, then %zu", a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        cr_expect(a.t[i] == b.t[i] && a.probe[i] == b.probe[i] && a.dir[i] == b.dir[i],
                  "same seed: slip %zu differs (%.6f ps probe %d, %.6f ps probe %d)", i,
                  a.t[i] / PS, a.probe[i], b.t[i] / PS, b.probe[i]);
    bool differ = a.n != c.n;
    for (size_t i = 0; i < a.n && !differ; i++)
        differ = a.probe[i] != c.probe[i] || fabs(a.t[i] - c.t[i]) > 1e-6 * PS;
    cr_expect(differ, "seeds 7 and 8 gave the same slips");
}

/* ---- failure paths: each bounded, clear, and no thread left behind ---- */

static void expect_err(int rc, int want, const char *what, const char *needle)
{
    cr_expect_eq(rc, want, "%s: status %d (%s), expected %d: %s", what, rc, nc_strerror(rc),
                 want, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), needle) != NULL, "%s: message lacks '%s': %s", what, needle,
              nc_err_msg());
    cr_log_info("%s: %s", what, nc_err_msg());
}

Test(spice_sync, refused_netlist_starts_no_thread, .timeout = 60)
{
    cr_assert_eq(nc_spice_init(), NC_OK, "%s", nc_err_msg());
    size_t before = count_tasks();
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cfg.netlist = "bad_sync.cir";
    cfg.text = "* broken\nIdrv 0 a external\nR1 a 0 1k\nfoo bar baz\n";
    int rc = nc_spice_sync_start(&cfg);
    cr_expect(rc == NC_ERR_PARSE, "status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "bad_sync.cir") != NULL, "%s", nc_err_msg());
    cr_expect_eq(tasks_settled(before), before);
    cfg = chain_cfg();
    cfg.text = NULL;
    cfg.netlist = "cells/no_such_cell.cir";
    expect_err(nc_spice_sync_start(&cfg), NC_ERR_IO, "missing netlist", "no_such_cell.cir");
    cr_expect_eq(tasks_settled(before), before);
    /* a drive that is no top-level external source, a probe that is no node */
    static const char *const bad_drive[] = {"xsrc.lin"};
    cfg = chain_cfg();
    cfg.drives = bad_drive;
    expect_err(nc_spice_sync_start(&cfg), NC_ERR_ARG, "bad drive", "xsrc.lin");
    cr_expect_eq(tasks_settled(before), before);
    static const char *const bad_probe[] = {"xsrc.p3", "xnone.p9"};
    cfg = chain_cfg();
    cfg.probes = bad_probe;
    cfg.nprobes = 2;
    expect_err(nc_spice_sync_start(&cfg), NC_ERR_ARG, "bad probe", "xnone.p9");
    cr_expect_eq(tasks_settled(before), before, "a thread left after a refused probe");
    static const nc_spice_param_t par[] = {{"bias", 1.0}};
    cfg = chain_cfg();
    cfg.params = par;
    cfg.nparams = 1;
    expect_err(nc_spice_sync_start(&cfg), NC_ERR_ARG, "params with text", "parameter");
    expect_err(nc_spice_sync_stop(), NC_ERR_ARG, "stop after a failed start", "no run");
    /* and a good run still works in this process */
    slipv_t s;
    run_sync(TSTOP, 64, &s);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    expect_counts(&s, "after refusals");
}

/* A drive of 2 mA into an element that carries at most 1 mA: no solution exists from then on
 * and ngspice gives up ("timestep too small") right after the drive time. The advance returns
 * at once (not after its wall-clock bound) with the netlist, the analog time and the cause;
 * a new run works afterwards. */
Test(spice_sync, ngspice_failing_mid_run_is_reported, .timeout = 60)
{
    cr_assert_eq(nc_spice_init(), NC_OK, "%s", nc_err_msg());
    size_t before = count_tasks();
    static const char *const d[] = {"idrv"};
    static const char *const p[] = {"a"};
    nc_spice_sync_cfg_t cfg = {
        .netlist = "diverges_sync.cir",
        .text = "* diverges\nIdrv 0 a external\nB1 a 0 I=1e-3*tanh(V(a))\n",
        .tran = {0.1e-12, 200 * PS, 0.1e-12, 60.0}, .drives = d, .ndrives = 1, .probes = p,
        .nprobes = 1};
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    nc_spice_slip_t buf[8];
    size_t n;
    cr_assert_eq(nc_spice_sync_advance(40 * PS, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_drive(0, 50 * PS, 2e-3), NC_OK, "%s", nc_err_msg());
    double t0 = nc_now_s();
    int rc = nc_spice_sync_advance(150 * PS, buf, 8, &n);
    double waited = nc_now_s() - t0;
    expect_err(rc, NC_ERR_SIM, "mid-run failure", "diverges_sync.cir");
    cr_expect(strstr(nc_err_msg(), "imestep too small") != NULL, "%s", nc_err_msg());
    const char *at = strstr(nc_err_msg(), "failed at t = ");
    cr_assert(at, "%s", nc_err_msg());
    double t_fail = atof(at + strlen("failed at t = "));
    cr_expect(t_fail >= 50 * PS && t_fail < 51 * PS, "failed at %g s, expected just after the "
              "drive at 50 ps", t_fail);
    cr_expect(waited < 20.0, "the advance waited %.1f s for a dead thread", waited);
    /* the error stays: the next advance reports it too */
    expect_err(nc_spice_sync_advance(160 * PS, buf, 8, &n), NC_ERR_SIM, "advance after "
               "failure", "diverges_sync.cir");
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(tasks_settled(before), before);
    slipv_t s;
    run_sync(TSTOP, 64, &s);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    expect_counts(&s, "after a failed run");
}

/* The run's wall-clock bound halts it: NC_ERR_TIMEOUT, the transient halted, no thread left. */
Test(spice_sync, wall_clock_bound_gives_timeout, .timeout = 60)
{
    cr_assert_eq(nc_spice_init(), NC_OK, "%s", nc_err_msg());
    size_t before = count_tasks();
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cfg.tran.tstop = 1e-6; /* 20 million steps: far longer than the bound */
    cfg.tran.tstep = 1e-10; /* ngspice preallocates tstop/tstep points per vector */
    cfg.tran.wall_s = 2.0; /* 1 us needs minutes; the start (load, t = 0) needs far less */
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    nc_spice_slip_t buf[8];
    size_t n;
    double t0 = nc_now_s();
    expect_err(nc_spice_sync_advance(1e-6, buf, 8, &n), NC_ERR_TIMEOUT, "wall bound",
               "wall-clock bound");
    cr_expect(nc_now_s() - t0 < 12.0, "halting took %.1f s", nc_now_s() - t0);
    cr_expect(nc_spice_sync_time() < 1e-6);
    expect_err(nc_spice_sync_advance(1e-6, buf, 8, &n), NC_ERR_TIMEOUT, "after the bound",
               "wall-clock bound");
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(tasks_settled(before), before);
}

Test(spice_sync, misuse_gives_clear_errors, .timeout = 60)
{
    nc_spice_slip_t buf[8];
    size_t n;
    expect_err(nc_spice_sync_stop(), NC_ERR_ARG, "stop without start", "no run is active");
    expect_err(nc_spice_sync_advance(1e-12, buf, 8, &n), NC_ERR_ARG, "advance without start",
               "nc_spice_sync_start");
    expect_err(nc_spice_sync_drive(0, 1e-12, 1e-6), NC_ERR_ARG, "drive without start",
               "nc_spice_sync_start");
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    expect_err(nc_spice_sync_start(&cfg), NC_ERR_ARG, "start twice", "one at a time");
    cr_assert_eq(nc_spice_sync_advance(30 * PS, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(nc_spice_sync_time(), 30 * PS);
    expect_err(nc_spice_sync_advance(20 * PS, buf, 8, &n), NC_ERR_ARG, "backwards",
               "goes backwards");
    expect_err(nc_spice_sync_advance(TSTOP * 1.5, buf, 8, &n), NC_ERR_RANGE, "past tstop",
               "past the end");
    expect_err(nc_spice_sync_advance(40 * PS, buf, 0, &n), NC_ERR_ARG, "cap 0", "at least one");
    expect_err(nc_spice_sync_drive(0, 29 * PS, 1e-6), NC_ERR_ARG, "drive in the past",
               "before the analog time");
    expect_err(nc_spice_sync_drive(1, 40 * PS, 1e-6), NC_ERR_RANGE, "drive index",
               "out of range");
    expect_err(nc_spice_sync_drive(0, 40 * PS, NAN), NC_ERR_ARG, "drive NaN", "finite");
    expect_err(nc_spice_sync_drive(0, TSTOP * 2, 1e-6), NC_ERR_RANGE, "drive after tstop",
               "after the end");
    /* a drive exactly at the analog time is fine: it acts from the next point on */
    cr_expect_eq(nc_spice_sync_drive(0, 30 * PS, 600e-6), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_advance(TSTOP, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(n, 3, "one rising edge at 30 ps: a slip at each of the 3 junctions after "
                 "the input (none at the reset junction without a falling edge), got %zu", n);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    expect_err(nc_spice_sync_stop(), NC_ERR_ARG, "stop twice", "no run is active");
}

/* The corner of the cap rule: slips that do not fit, found in the very step that ends at
 * t_until. The same junction probed twice slips twice in one step; advances of 0.02 ps (below
 * the maximum step) make every accepted point an advance boundary. With cap 1 the advance
 * returns at t_until with one slip and the other waiting: "*n == cap: call again with the same
 * t_until" returns it from that same interval, never from a later advance. */
Test(spice_sync, cap_rule_at_an_advance_boundary, .timeout = 120)
{
    static const char *const twice[] = {"xj1.p2", "xj1.p2"};
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cfg.probes = twice;
    cfg.nprobes = 2;
    cfg.tran.tstop = 80 * PS;
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_drive(0, 60 * PS, 600e-6), NC_OK, "%s", nc_err_msg());
    nc_spice_slip_t s;
    size_t n, got = 0, again = 0;
    double t_slip[2] = {0, 0};
    for (long k = 1; k <= 1000; k++) { /* 60 ps .. 80 ps in 0.02 ps */
        double t_until = k == 1000 ? 80 * PS : 60 * PS + (double)k * 0.02 * PS;
        double from = nc_spice_sync_time();
        do {
            cr_assert_eq(nc_spice_sync_advance(t_until, &s, 1, &n), NC_OK, "%s", nc_err_msg());
            if (n) {
                cr_assert(got < 2, "more than 2 slips");
                cr_expect(s.t > from - 1e-18 && s.t <= t_until + 1e-18, "slip at %.6f ps "
                          "outside the interval (%.6f, %.6f] ps of its advance", s.t / PS,
                          from / PS, t_until / PS);
                cr_expect_eq(s.probe, (uint32_t)got, "probe %u, expected %zu", s.probe, got);
                t_slip[got++] = s.t;
                again += nc_spice_sync_time() >= t_until;
            }
        } while (n == 1);
    }
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(got, 2, "%zu slips, expected 2 (the junction probed twice)", got);
    cr_expect_eq(t_slip[0], t_slip[1], "the same junction's slips differ");
    cr_expect_geq(again, 1, "the slips never had to wait at a boundary");
    cr_log_info("slip at %.5f ps; %zu of 2 delivered at the boundary", t_slip[0] / PS, again);
}

/* Two driven sources, each into its own DC/SFQ + JTL: a drive reaches only its own source
 * (drive index -> source name), a source never driven stays at 0 A, probes may be written
 * v(node). Expectations by hand: b rises at 40 ps -> one slip of b's JTL; a rises at 120 ps
 * -> one slip of a's JTL, after it; nothing else. */
Test(spice_sync, two_drives_reach_their_own_sources, .timeout = 60)
{
    static const char *const d2[] = {"ia", "IB"};
    static const char *const p2[] = {"v(xja.p2)", "xjb.p2"};
    nc_spice_sync_cfg_t cfg = {
        .netlist = "sync_two.cir",
        .text = "* two chains\n.include cells/sfq.lib\n.include cells/tb_common.inc\n"
                "Ia 0 ina external\nIb 0 inb external\nXsa ina a0 dcsfq\nXja a0 a1 jtl\n"
                "Xka a1 sink\nXsb inb b0 dcsfq\nXjb b0 b1 jtl\nXkb b1 sink\n",
        .tran = tr, .drives = d2, .ndrives = 2, .probes = p2, .nprobes = 2};
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_drive(1, 40 * PS, 600e-6), NC_OK, "%s", nc_err_msg());
    nc_spice_slip_t buf[8];
    size_t n;
    cr_assert_eq(nc_spice_sync_advance(100 * PS, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(n, 1, "%zu slips by 100 ps, expected b's one", n);
    cr_expect_eq(buf[0].probe, 1);
    cr_expect(buf[0].t > 40 * PS && buf[0].t < 60 * PS, "b's slip at %g ps", buf[0].t / PS);
    cr_assert_eq(nc_spice_sync_drive(0, 120 * PS, 600e-6), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_sync_advance(TSTOP, buf, 8, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(n, 1, "%zu slips after 100 ps, expected a's one", n);
    cr_expect_eq(buf[0].probe, 0);
    cr_expect(buf[0].t > 120 * PS && buf[0].t < 140 * PS, "a's slip at %g ps", buf[0].t / PS);
    cr_assert_eq(nc_spice_sync_stop(), NC_OK, "%s", nc_err_msg());
}
