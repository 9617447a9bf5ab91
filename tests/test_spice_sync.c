/* test_spice_sync.c - the lockstep analog engine (cosim/spice/spice_sync.h): exactness of drives
 * and advances against SPICE-only runs, determinism with noise, slips in order under a small
 * cap, and every failure path (bounded, clear, no thread left behind). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static nc_spice_sync_cfg_t chain_cfg(void)
{
    return (nc_spice_sync_cfg_t){.netlist = "sync_chain.cir", .text = chain_sync, .tran = tr,
                                 .drives = drives, .ndrives = 1, .probes = probes,
                                 .nprobes = NPROBES};
}

/* Runs the chain in lockstep: advances of `step` (the schedule's drives issued as soon as the
 * analog time allows), slips collected with room for `cap` per advance. */
static void run_sync(double step, size_t cap, slipv_t *out)
{
    nc_spice_sync_cfg_t cfg = chain_cfg();
    cr_assert_eq(nc_spice_sync_start(&cfg), NC_OK, "%s", nc_err_msg());
    size_t next = 0;
    double t = 0;
    nc_spice_slip_t buf[64];
    cr_assert(cap <= 64);
    out->n = 0;
    while (nc_spice_sync_time() < TSTOP) {
        /* drives whose time is inside the next interval go in before it runs */
        double t_until = fmin(t + step, TSTOP);
        while (next < NSCHED && sched_t[next] <= t_until) {
            cr_assert_eq(nc_spice_sync_drive(0, sched_t[next], sched_v[next]), NC_OK, "%s",
                         nc_err_msg());
            next++;
        }
        size_t n = 0;
        cr_assert_eq(nc_spice_sync_advance(t_until, buf, cap, &n), NC_OK, "%s", nc_err_msg());
        cr_assert(n <= cap);
        for (size_t i = 0; i < n; i++) {
            cr_assert(buf[i].t <= nc_spice_sync_time() + 1e-18, "slip at %g after the analog "
                      "time %g", buf[i].t, nc_spice_sync_time());
            push(out, buf[i].t, (int)buf[i].probe, buf[i].dir);
        }
        if (nc_spice_sync_time() >= t_until)
            t = t_until;
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
    cr_expect_eq(count_tasks(), before, "%zu tasks after stop, %zu before", count_tasks(),
                 before);
}
