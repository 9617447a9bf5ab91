/* bench_spice_sync.c - the cost of coupling ngspice to a digital simulator (spice_sync.h).
 *
 * The deep XOR network (circuits/networks/xor.cir: its only `external` sources are the seeded
 * noise) over XOR_TSTOP of analog time, run three ways in this same process:
 *   SPICE-only       nc_spice_load + nc_spice_run (the baseline),
 *   lockstep 1 GHz   nc_spice_sync_advance every 1000 ps (the edges of a 1 GHz digital clock),
 *                    its 5 probes watched for slips,
 *   lockstep 100 ps  advances every 100 ps (a harder case).
 * Each is run REPS times interleaved and the fastest kept (the machine is shared). Printed:
 * wall time, accepted points, shortened steps, slips and the ratio coupled / SPICE-only.
 * Bound (issue 10): the 1 GHz lockstep costs at most RATIO_MAX times the SPICE-only run; the
 * exit status is 1 above it or if a run fails. CPU seconds (both threads) are printed too:
 * on a loaded machine they show the cost better than the wall clock. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_sync.h"
#include "spice_xor.h"

#define XOR_TSTOP 2e-9
#define XOR_TMAX 0.1e-12 /* the XOR harness's step (spice_xor.c) */
#define REPS 3
#define RATIO_MAX 1.25
#define SEED 7

static const char *const probes[] = {"xja.p2", "xjb.p2", "xh1.p3", "xh2.p3", "xjo.p2"};

typedef struct res {
    double wall, cpu;
    uint64_t points, cut, advances;
    size_t slips;
} res_t;

/* CPU seconds of the whole process (ngspice's thread included): the machine is shared, so
 * the CPU ratio is printed beside the wall-clock one. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_spice_sync: %s: %s\n", what, nc_err_msg());
    return 1;
}

static const nc_spice_tran_t tran = {XOR_TMAX, XOR_TSTOP, XOR_TMAX, 600.0};

static int noise(void)
{
    int rc = nc_spice_noise(NC_SYN_TNOISE, NC_SYN_RSHUNT, XOR_TMAX);
    return rc ? rc : nc_spice_seed(SEED);
}

static int spice_only(res_t *r)
{
    int rc = noise();
    if (rc || (rc = nc_spice_load("networks/xor.cir", NULL, 0, &tran)))
        return rc;
    double t0 = nc_now_s(), c0 = cpu_s();
    if ((rc = nc_spice_run()))
        return rc;
    r->wall = nc_now_s() - t0;
    r->cpu = cpu_s() - c0;
    double *t;
    size_t n;
    if ((rc = nc_spice_vec("time", &t, &n)))
        return rc;
    free(t);
    r->points = n;
    return NC_OK;
}

static int lockstep(double period, res_t *r)
{
    int rc = noise();
    if (rc)
        return rc;
    nc_spice_sync_cfg_t cfg = {.netlist = "networks/xor.cir", .tran = tran, .probes = probes,
                               .nprobes = NC_ARRAY_LEN(probes)};
    double t0 = nc_now_s(), c0 = cpu_s();
    if ((rc = nc_spice_sync_start(&cfg)))
        return rc;
    nc_spice_slip_t buf[256];
    r->slips = 0;
    for (long k = 1; rc == NC_OK && nc_spice_sync_time() < XOR_TSTOP;) {
        double t_until = (double)k * period;
        if (t_until > XOR_TSTOP - 0.5 * period)
            t_until = XOR_TSTOP;
        size_t n = 0;
        rc = nc_spice_sync_advance(t_until, buf, NC_ARRAY_LEN(buf), &n);
        r->slips += n;
        if (nc_spice_sync_time() >= t_until)
            k++;
    }
    nc_spice_sync_stats_t st;
    nc_spice_sync_get_stats(&st);
    int rc2 = nc_spice_sync_stop();
    r->wall = nc_now_s() - t0;
    r->cpu = cpu_s() - c0;
    r->points = st.points, r->cut = st.cut, r->advances = st.advances;
    return rc ? rc : rc2;
}

static void keep_min(res_t *best, const res_t *r)
{
    if (best->wall == 0 || r->wall < best->wall)
        *best = *r;
}

int main(void)
{
    res_t base = {0}, ghz = {0}, fast = {0}, r;
    for (int rep = 0; rep < REPS; rep++) {
        if (spice_only(&r))
            return die("SPICE-only run");
        keep_min(&base, &r);
        if (lockstep(1000e-12, &r))
            return die("lockstep, 1 GHz");
        keep_min(&ghz, &r);
        if (lockstep(100e-12, &r))
            return die("lockstep, 100 ps");
        keep_min(&fast, &r);
    }
    printf("coupling cost: networks/xor.cir, %.1f ns analog, tmax %.2f ps, best of %d\n",
           XOR_TSTOP * 1e9, XOR_TMAX * 1e12, REPS);
    printf("%-22s %8s %8s %9s %9s %6s %6s %7s %7s\n", "run", "wall s", "cpu s", "points",
           "advances", "cut", "slips", "wall x", "cpu x");
    printf("%-22s %8.3f %8.3f %9llu %9s %6s %6s %7.3f %7.3f\n", "SPICE-only", base.wall,
           base.cpu, (unsigned long long)base.points, "-", "-", "-", 1.0, 1.0);
    const res_t *rows[] = {&ghz, &fast};
    const char *names[] = {"lockstep 1 GHz (1 ns)", "lockstep 100 ps"};
    for (int i = 0; i < 2; i++)
        printf("%-22s %8.3f %8.3f %9llu %9llu %6llu %6zu %7.3f %7.3f\n", names[i],
               rows[i]->wall, rows[i]->cpu, (unsigned long long)rows[i]->points,
               (unsigned long long)rows[i]->advances, (unsigned long long)rows[i]->cut,
               rows[i]->slips, rows[i]->wall / base.wall, rows[i]->cpu / base.cpu);
    /* (the slip counts may differ by a few between the runs: the stochastic synapses decide
     * on noise, and a step cut at an advance boundary can tip a decision at threshold) */
    double ratio = ghz.wall / base.wall;
    printf("bound: lockstep at 1 GHz / SPICE-only wall time = %.3f (<= %.2f): %s\n", ratio,
           RATIO_MAX, ratio <= RATIO_MAX ? "ok" : "EXCEEDED");
    int fail = !(ratio <= RATIO_MAX);
    return fail;
}
